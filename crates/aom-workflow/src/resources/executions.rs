//! Executions: details, history, waiting, node actions, termination.

use aom_api::WorkflowExecutionBrief;
use aom_api::types::{
    ExecutionAction, ExecutionId, NodeId, SearchWorkflowExecutionDetailResponse, WorkflowId,
};
use serde::{Deserialize, Serialize};

use super::workflows::read_text;
use crate::call::Op;
use crate::client::Client;
use crate::error::Error;
use crate::execution::Execution;
use crate::validate;
use crate::wait::Wait;

/// Execution operations; see [`Client::executions`].
#[derive(Clone, Copy, Debug)]
pub struct Executions<'a> {
    pub(crate) client: &'a Client,
}

/// What to do with a node of a running execution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeAction {
    /// Run a failed node again.
    Restart,
    /// Skip a failed node and go on with the next one.
    Skip,
    /// Pass a pause node.
    Continue,
}

impl NodeAction {
    fn api(self) -> ExecutionAction {
        match self {
            NodeAction::Restart => ExecutionAction::Restart,
            NodeAction::Skip => ExecutionAction::Skip,
            NodeAction::Continue => ExecutionAction::Continue,
        }
    }
}

/// One execution in a workflow's history: the same fields as [`Execution`] (reachable directly
/// through `Deref`, e.g. `summary.status`), plus who started it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExecutionSummary {
    /// Who started it.
    #[serde(default)]
    pub created_by: Option<String>,
    /// The execution, as far as the history lists it.
    #[serde(flatten)]
    pub execution: Execution,
}

impl std::ops::Deref for ExecutionSummary {
    type Target = Execution;

    fn deref(&self) -> &Execution {
        &self.execution
    }
}

impl From<WorkflowExecutionBrief> for ExecutionSummary {
    fn from(brief: WorkflowExecutionBrief) -> Self {
        // The history entry is the detail answer plus `created_by`, so it is read the same way.
        let detail = SearchWorkflowExecutionDetailResponse {
            approve_user_name_list: brief.approve_user_name_list,
            begin_time: brief.begin_time,
            end_time: brief.end_time,
            execution_id: brief.execution_id,
            execution_result_list: brief.execution_result_list,
            last_record_id_with_snapshot: brief.last_record_id_with_snapshot,
            last_update_time: brief.last_update_time,
            project_id: brief.project_id,
            status: brief.status,
            workflow_edit_time: brief.workflow_edit_time,
            workflow_id: brief.workflow_id,
        };
        Self {
            created_by: brief.created_by,
            execution: Execution::from_api(detail),
        }
    }
}

impl<'a> Executions<'a> {
    /// The details of an execution: status, times and per-node, per-host results.
    pub async fn get(&self, workflow_id: &str, execution_id: &str) -> Result<Execution, Error> {
        let wf: WorkflowId = validate::id("workflow_id", workflow_id)?;
        let ex: ExecutionId = validate::id("execution_id", execution_id)?;
        let builder = self
            .client
            .inner
            .api
            .search_workflow_execution_detail()
            .workflow_id(wf)
            .execution_id(ex);
        let out = self
            .client
            .run(Op::read("search_workflow_execution_detail"), builder, |b| {
                b.send()
            })
            .await?;
        Ok(Execution::from_api(out.into_inner()))
    }

    /// The execution history of a workflow.
    pub async fn list(&self, workflow_id: &str) -> Result<Vec<ExecutionSummary>, Error> {
        let wf: WorkflowId = validate::id("workflow_id", workflow_id)?;
        let builder = self
            .client
            .inner
            .api
            .list_workflow_executions()
            .workflow_id(wf);
        let out = self
            .client
            .run(Op::read("list_workflow_executions"), builder, |b| b.send())
            .await?;
        Ok(out
            .into_inner()
            .into_iter()
            .map(ExecutionSummary::from)
            .collect())
    }

    /// Waits for an execution to finish; configure the wait before awaiting it.
    pub fn wait(&self, workflow_id: &str, execution_id: &str) -> Wait<'a> {
        Wait::existing(self.client, workflow_id, execution_id)
    }

    /// Restarts, skips or continues a node; returns the service's `result` object.
    pub async fn act(
        &self,
        workflow_id: &str,
        execution_id: &str,
        node_id: &str,
        action: NodeAction,
    ) -> Result<serde_json::Value, Error> {
        let wf: WorkflowId = validate::id("workflow_id", workflow_id)?;
        let ex: ExecutionId = validate::id("execution_id", execution_id)?;
        let node: NodeId = validate::id("node_id", node_id)?;
        let builder = self
            .client
            .inner
            .api
            .start_pausing_workflow_executions()
            .workflow_id(wf)
            .execution_id(ex)
            .node_id(node)
            .action(action.api());
        let out = self
            .client
            .run(
                Op::write("start_pausing_workflow_executions"),
                builder,
                |b| b.send(),
            )
            .await?;
        Ok(out.into_inner().result.unwrap_or_default())
    }

    /// Runs a failed node again.
    pub async fn restart_node(
        &self,
        wf: &str,
        ex: &str,
        node: &str,
    ) -> Result<serde_json::Value, Error> {
        self.act(wf, ex, node, NodeAction::Restart).await
    }

    /// Skips a failed node.
    pub async fn skip_node(
        &self,
        wf: &str,
        ex: &str,
        node: &str,
    ) -> Result<serde_json::Value, Error> {
        self.act(wf, ex, node, NodeAction::Skip).await
    }

    /// Passes a pause node.
    pub async fn continue_node(
        &self,
        wf: &str,
        ex: &str,
        node: &str,
    ) -> Result<serde_json::Value, Error> {
        self.act(wf, ex, node, NodeAction::Continue).await
    }

    /// Terminates a running execution; returns the service's raw answer.
    pub async fn terminate(&self, workflow_id: &str, execution_id: &str) -> Result<String, Error> {
        let wf: WorkflowId = validate::id("workflow_id", workflow_id)?;
        let ex: ExecutionId = validate::id("execution_id", execution_id)?;
        let builder = self
            .client
            .inner
            .api
            .stop_execution()
            .workflow_id(wf)
            .execution_id(ex);
        let out = self
            .client
            .run(Op::write("stop_execution"), builder, |b| b.send())
            .await?;
        read_text("stop_execution", out).await
    }
}
