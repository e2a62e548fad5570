//! Scripts and their versions.

use std::num::NonZeroU32;

use aom_api::types::{Script, ScriptVersion, SearchScriptsRequestBody};
use futures_util::Stream;

use super::{Page, paginate};
use crate::call::Op;
use crate::client::Client;
use crate::error::Error;
use crate::validate;

/// Script operations; see [`Client::scripts`].
#[derive(Clone, Copy, Debug)]
pub struct Scripts<'a> {
    pub(crate) client: &'a Client,
}

impl<'a> Scripts<'a> {
    /// One page of scripts.
    pub async fn list(&self, query: SearchScriptsRequestBody) -> Result<Page<Script>, Error> {
        validate::list_scripts(&query)?;
        let builder = self.client.inner.api.list_all_script_by_name().body(query);
        let out = self
            .client
            .run(Op::read("list_all_script_by_name"), builder, |b| b.send())
            .await?
            .into_inner();
        Ok(Page {
            items: out.elements.unwrap_or_default(),
            total: out.total_elements.map(i64::from),
        })
    }

    /// Every script, page after page.
    pub fn list_all(
        &self,
        query: SearchScriptsRequestBody,
    ) -> impl Stream<Item = Result<Script, Error>> + 'a {
        let this = *self;
        let (first, size) = paging(&query);
        paginate(first, size as usize, move |page| {
            let q = with_page(&query, page, size);
            async move { this.list(q).await }
        })
    }

    /// One page of the versions of the script `query.script_id`.
    pub async fn versions(
        &self,
        query: SearchScriptsRequestBody,
    ) -> Result<Page<ScriptVersion>, Error> {
        validate::list_scripts(&query)?;
        let builder = self
            .client
            .inner
            .api
            .list_all_version_by_version_id()
            .body(query);
        let out = self
            .client
            .run(Op::read("list_all_version_by_version_id"), builder, |b| {
                b.send()
            })
            .await?
            .into_inner();
        Ok(Page {
            items: out.elements.unwrap_or_default(),
            total: out.total_elements.map(i64::from),
        })
    }

    /// Every version of the script `query.script_id`, page after page.
    pub fn versions_all(
        &self,
        query: SearchScriptsRequestBody,
    ) -> impl Stream<Item = Result<ScriptVersion, Error>> + 'a {
        let this = *self;
        let (first, size) = paging(&query);
        paginate(first, size as usize, move |page| {
            let q = with_page(&query, page, size);
            async move { this.versions(q).await }
        })
    }
}

fn paging(q: &SearchScriptsRequestBody) -> (i64, u32) {
    (
        q.page_num.map_or(1, |p| i64::from(p.get())),
        q.page_size.map_or(10, NonZeroU32::get),
    )
}

fn with_page(q: &SearchScriptsRequestBody, page: i64, size: u32) -> SearchScriptsRequestBody {
    let mut q = q.clone();
    q.page_num = u32::try_from(page).ok().and_then(NonZeroU32::new);
    q.page_size = NonZeroU32::new(size);
    q
}
