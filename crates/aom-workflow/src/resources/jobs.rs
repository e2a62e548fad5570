//! Jobs.

use std::num::NonZeroU32;

use aom_api::types::{Job, SearchJobsRequestBody, SortColumn, SortOrder};
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

impl Jobs<'_> {
    /// A query for every job, by name, with the service's page size: set the fields you need
    /// on it.
    ///
    /// ```
    /// let mut query = aom_workflow::Jobs::query();
    /// query.page_size = std::num::NonZeroU32::new(50);
    /// ```
    pub fn query() -> SearchJobsRequestBody {
        SearchJobsRequestBody {
            name: None,
            enterprise_project_id: None,
            order_by_column: SortColumn::Name,
            sort_order: SortOrder::Asc,
            page_num: None,
            page_size: None,
        }
    }
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
