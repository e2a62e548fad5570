//! Workflows: create, list, execute, trigger.

use std::num::NonZeroU32;

use aom_api::types::{
    SortOrder, TriggerAction, Workflow, WorkflowId, WorkflowQueryParam, WorkflowRequestBody,
    WorkflowSortField,
};
use futures_util::Stream;

use super::{Page, paginate};
use crate::call::Op;
use crate::client::Client;
use crate::error::Error;
use crate::validate;
use crate::wait::Wait;

/// Workflow operations; see [`Client::workflows`].
#[derive(Clone, Copy, Debug)]
pub struct Workflows<'a> {
    pub(crate) client: &'a Client,
}

impl Workflows<'_> {
    /// A query for every workflow, newest first, 100 a page: set the fields you need on it.
    ///
    /// ```
    /// let mut query = aom_workflow::Workflows::query();
    /// query.search = Some("nightly".parse().unwrap());
    /// ```
    pub fn query() -> WorkflowQueryParam {
        WorkflowQueryParam {
            search: None,
            type_: None,
            tags: Default::default(),
            page: None,
            size: NonZeroU32::new(100),
            enterprise_project_id: None,
            create_by: None,
            sort_field: WorkflowSortField::CreateTime,
            sort_type: SortOrder::Desc,
            search_time_start: None,
            search_time_end: None,
            status: None,
        }
    }
}

impl<'a> Workflows<'a> {
    /// Creates a workflow from a [`NewWorkflow`](crate::NewWorkflow) or a full
    /// [`WorkflowRequestBody`]. Not retried automatically unless the request provably never
    /// reached AOM (creating twice would make two workflows).
    ///
    /// ```no_run
    /// # async fn run(client: aom_workflow::Client) -> Result<(), aom_workflow::Error> {
    /// use aom_workflow::NewWorkflow;
    /// let workflow = client
    ///     .workflows()
    ///     .create(NewWorkflow::run_script("rotate-logs").hosts(["ecs-1", "ecs-2"]))
    ///     .await?;
    /// println!("created {:?}", workflow.id);
    /// # Ok(()) }
    /// ```
    pub async fn create<B>(&self, body: B) -> Result<Workflow, Error>
    where
        B: TryInto<WorkflowRequestBody>,
        Error: From<B::Error>,
    {
        let body = body.try_into()?;
        validate::create_workflow(&body)?;
        let builder = self.client.inner.api.create_workflow().body(body);
        let out = self
            .client
            .run(Op::write("create_workflow"), builder, |b| b.send())
            .await?;
        Ok(out.into_inner())
    }

    /// One page of workflows matching `query`.
    pub async fn list(&self, query: WorkflowQueryParam) -> Result<Page<Workflow>, Error> {
        validate::list_workflows(&query)?;
        let builder = self.client.inner.api.list_workflow().body(query);
        let out = self
            .client
            .run(Op::read("list_workflow"), builder, |b| b.send())
            .await?
            .into_inner();
        Ok(Page {
            items: out.elements.unwrap_or_default(),
            total: out.total_elements,
        })
    }

    /// Every workflow matching `query`, page after page (`query.page` is the first page, 1 if
    /// unset; `query.size` the page size, 10 if unset).
    pub fn list_all(
        &self,
        query: WorkflowQueryParam,
    ) -> impl Stream<Item = Result<Workflow, Error>> + 'a {
        let this = *self;
        let size = query.size.map_or(10, NonZeroU32::get);
        let first = query.page.map_or(1, i64::from);
        paginate(first, size as usize, move |page| {
            let mut q = query.clone();
            q.page = i32::try_from(page).ok();
            q.size = NonZeroU32::new(size);
            async move { this.list(q).await }
        })
    }

    /// Starts an execution and returns its id. Never re-sent automatically unless the request
    /// provably never reached AOM: a blind retry could run the workflow twice.
    pub async fn execute(&self, workflow_id: &str) -> Result<String, Error> {
        let id: WorkflowId = validate::id("workflow_id", workflow_id)?;
        let builder = self.client.inner.api.execute_workflow().workflow_id(id);
        let out = self
            .client
            .run(Op::write("execute_workflow"), builder, |b| b.send())
            .await?
            .into_inner();
        out.execution_id.ok_or_else(|| Error::Decode {
            operation: "execute_workflow",
            message: "the answer has no execution_id".into(),
            excerpt: String::new(),
        })
    }

    /// Starts an execution and waits for it to finish; configure the wait before awaiting.
    ///
    /// ```no_run
    /// # async fn run(client: aom_workflow::Client) -> Result<(), aom_workflow::Error> {
    /// use std::time::Duration;
    /// let done = client
    ///     .workflows()
    ///     .execute_and_wait("wf-1")
    ///     .deadline(Duration::from_secs(600))
    ///     .on_progress(|e| println!("{} {:?}", e.status, e.counts()))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn execute_and_wait(&self, workflow_id: &str) -> Wait<'a> {
        Wait::execute(self.client, workflow_id)
    }

    /// Enables or disables the schedule trigger of a `cron` workflow; returns the service's
    /// raw answer (for example `{"success"}`).
    pub async fn set_trigger(&self, workflow_id: &str, enabled: bool) -> Result<String, Error> {
        let id: WorkflowId = validate::id("workflow_id", workflow_id)?;
        let action = if enabled {
            TriggerAction::Enable
        } else {
            TriggerAction::Disable
        };
        let builder = self
            .client
            .inner
            .api
            .update_workflow_trigger_status()
            .workflow_id(id)
            .action(action);
        let out = self
            .client
            .run(Op::write("update_workflow_trigger_status"), builder, |b| {
                b.send()
            })
            .await?;
        read_text("update_workflow_trigger_status", out).await
    }
}

pub(crate) async fn read_text(
    operation: &'static str,
    out: aom_api::ResponseValue<aom_api::ByteStream>,
) -> Result<String, Error> {
    aom_api::text::read_text(out)
        .await
        .map_err(|e| Error::Decode {
            operation,
            message: e.to_string(),
            excerpt: String::new(),
        })
}
