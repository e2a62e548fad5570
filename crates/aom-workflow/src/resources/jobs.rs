//! Jobs.

use std::num::NonZeroU32;

use aom_api::types::{Job, SearchJobsRequestBody};
use futures_util::Stream;

use super::{Page, paginate};
use crate::call::Op;
use crate::client::Client;
use crate::error::Error;
use crate::validate;

/// Job operations; see [`Client::jobs`].
#[derive(Clone, Copy, Debug)]
pub struct Jobs<'a> {
    pub(crate) client: &'a Client,
}

impl<'a> Jobs<'a> {
    /// One page of jobs.
    pub async fn list(&self, query: SearchJobsRequestBody) -> Result<Page<Job>, Error> {
        validate::list_jobs(&query)?;
        let builder = self.client.inner.api.list_all_job_by_name().body(query);
        let out = self
            .client
            .run(Op::read("list_all_job_by_name"), builder, |b| b.send())
            .await?
            .into_inner();
        Ok(Page {
            items: out.elements.unwrap_or_default(),
            total: out.total_elements,
        })
    }

    /// Every job, page after page.
    pub fn list_all(
        &self,
        query: SearchJobsRequestBody,
    ) -> impl Stream<Item = Result<Job, Error>> + 'a {
        let this = *self;
        let size = query.page_size.map_or(10, NonZeroU32::get);
        let first = query.page_num.map_or(1, |p| i64::from(p.get()));
        paginate(first, size as usize, move |page| {
            let mut q = query.clone();
            q.page_num = u32::try_from(page).ok().and_then(NonZeroU32::new);
            q.page_size = NonZeroU32::new(size);
            async move { this.list(q).await }
        })
    }
}
