//! Templates (execution plans).

use std::num::NonZeroU32;

use aom_api::types::{JobId, ListTemplateByJobIdRequestBody, ShareType, Template, TemplateId};
use futures_util::Stream;

use super::{Page, paginate};
use crate::call::Op;
use crate::client::Client;
use crate::error::Error;
use crate::validate;

/// Template operations; see [`Client::templates`].
#[derive(Clone, Copy, Debug)]
pub struct Templates<'a> {
    pub(crate) client: &'a Client,
}

impl<'a> Templates<'a> {
    /// One page of the templates of a job.
    pub async fn list_for_job(
        &self,
        job_id: &str,
        query: ListTemplateByJobIdRequestBody,
    ) -> Result<Page<Template>, Error> {
        let job: JobId = validate::id("job_id", job_id)?;
        validate::list_templates(&query)?;
        let builder = self
            .client
            .inner
            .api
            .list_template_by_job_id()
            .job_id(job)
            .body(query);
        let out = self
            .client
            .run(Op::read("list_template_by_job_id"), builder, |b| b.send())
            .await?
            .into_inner();
        Ok(Page {
            items: out.elements.unwrap_or_default(),
            total: out.total_elements,
        })
    }

    /// Every template of a job, page after page.
    pub fn list_all_for_job(
        &self,
        job_id: &'a str,
        query: ListTemplateByJobIdRequestBody,
    ) -> impl Stream<Item = Result<Template, Error>> + 'a {
        let this = *self;
        let size = query.page_size.map_or(10, NonZeroU32::get);
        let first = query.page_num.map_or(1, i64::from);
        paginate(first, size as usize, move |page| {
            let mut q = query.clone();
            q.page_num = i32::try_from(page).ok();
            q.page_size = NonZeroU32::new(size);
            async move { this.list_for_job(job_id, q).await }
        })
    }

    /// One template.
    pub async fn get(&self, template_id: &str, share_type: ShareType) -> Result<Template, Error> {
        let id: TemplateId = validate::id("template_id", template_id)?;
        let builder = self
            .client
            .inner
            .api
            .search_template_by_id()
            .template_id(id)
            .share_type(share_type);
        let out = self
            .client
            .run(Op::read("search_template_by_id"), builder, |b| b.send())
            .await?;
        Ok(out.into_inner())
    }
}
