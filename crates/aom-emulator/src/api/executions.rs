//! ExecuteWorkflow, ListWorkflowExecutions, SearchWorkflowExecutionDetail,
//! StartPausingWorkflowExecutions, StopExecution and the historical CreateFastExecuteScript.
//!
//! - Execution ids are UUID-shaped, derived from the seed, the workflow id and the execution's
//!   number within its workflow.
//! - ListWorkflowExecutions answers a bare JSON array, newest first; `x_enterprise_project_id`
//!   is validated (1-64 characters) and otherwise ignored.
//! - StartPausingWorkflowExecutions answers
//!   `{"result":{"execution_id","node_id","action","status"}}` (status after the action). An
//!   unknown `node_id` is a 404; an action that does not apply (e.g. `continue` on a node that is
//!   not a waiting pause node, `restart` on a node that did not fail) is a 400 naming `action`.
//! - StopExecution answers the raw text `{"success"}` (`text/plain`); the execution becomes
//!   `cancel`. Terminating a finished execution (`success`, `fail`, `cancel`) is a 400.
//! - CreateFastExecuteScript (historical) runs one node `fast-execute-script` on the hosts of
//!   `ecs_id_list` (a JSON array in a string, or comma-separated ids); its executions belong to
//!   the workflow id `fast-execute-script`, so they are polled like any other. The body's
//!   `project_id` must be the path's project.

use std::sync::Arc;

use aom_api::types::{
    CreateFastExecuteScriptResponse, ExecuteWorkflowResponse, ExecutionAction, ExecutionId,
    HisFastScript, ListWorkflowExecutionsXEnterpriseProjectId, NodeId,
    StartPausingWorkflowExecutionsResponse, WorkflowId,
};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Value, json};

use super::workflows::success_text;
use crate::app::{App, epoch_ms};
use crate::engine::plan::{MAX_TARGETS, id_list};
use crate::engine::{
    ActionError, ExecutionInfo, NodeAction, NodeKind, NodeSpec, SimOptions, WorkflowPlan,
};
use crate::error::{ApiError, json_bytes, json_response};
use crate::rng::{Rng, hash_str};
use crate::store::{NewExecution, StoredExecution};
use crate::validation::{PathParams, QueryParams, count, decode_body};

/// The workflow id CreateFastExecuteScript executions belong to.
pub const FAST_EXECUTE_WORKFLOW: &str = "fast-execute-script";

fn start(
    app: &App,
    workflow_id: &str,
    plan: Arc<WorkflowPlan>,
    workflow_edit_time: Option<i64>,
) -> String {
    let config = &app.config;
    let targets = app.catalog.inventory.resolve(plan.target_ids.as_deref());
    let now = epoch_ms();
    let make_info = |number: u64| ExecutionInfo {
        id: Rng::from_parts(&[config.seed, hash_str(workflow_id), number, 0xE7]).uuid(),
        workflow_id: workflow_id.to_owned(),
        number,
        project_id: config.project_id.clone(),
        created_by: config.user_name.clone(),
        begin_epoch_ms: now,
        workflow_edit_time: workflow_edit_time.unwrap_or(now),
        seed: config.seed,
    };
    let stored = app.store.execute(NewExecution {
        workflow_id,
        plan,
        targets,
        make_info: &make_info,
    });
    stored.lock().info().id.clone()
}

/// POST /v1/{project_id}/cms/workflow/{workflow_id}/executions
pub(super) async fn execute(
    State(app): State<Arc<App>>,
    params: PathParams,
) -> Result<Response, ApiError> {
    let workflow_id = params.text::<WorkflowId>("workflow_id")?;
    let record = app
        .store
        .workflow(&workflow_id)
        .ok_or_else(|| ApiError::not_found("workflow", &workflow_id))?;
    let id = start(&app, &workflow_id, record.plan, record.model.edit_time);
    let answer = ExecuteWorkflowResponse {
        execution_id: Some(id),
    };
    Ok(json_response(StatusCode::OK, &answer))
}

/// GET /v1/{project_id}/cms/workflow/{workflow_id}/executions
pub(super) async fn list(
    State(app): State<Arc<App>>,
    params: PathParams,
    query: QueryParams,
) -> Result<Response, ApiError> {
    let workflow_id = params.text::<WorkflowId>("workflow_id")?;
    query.optional::<ListWorkflowExecutionsXEnterpriseProjectId>("x_enterprise_project_id")?;
    let executions = app
        .store
        .executions_of(&workflow_id)
        .ok_or_else(|| ApiError::not_found("workflow", &workflow_id))?;
    let briefs: Vec<_> = executions
        .iter()
        .map(|stored| stored.lock().brief(stored.now()))
        .collect();
    Ok(json_response(StatusCode::OK, &briefs))
}

fn find(app: &App, params: &PathParams) -> Result<Arc<StoredExecution>, ApiError> {
    let workflow_id = params.text::<WorkflowId>("workflow_id")?;
    let execution_id = params.text::<ExecutionId>("execution_id")?;
    if workflow_id != FAST_EXECUTE_WORKFLOW && !app.store.has_workflow(&workflow_id) {
        return Err(ApiError::not_found("workflow", &workflow_id));
    }
    app.store
        .execution(&workflow_id, &execution_id)
        .ok_or_else(|| ApiError::not_found("execution", &execution_id))
}

/// GET .../executions/{execution_id}/status
pub(super) async fn detail(
    State(app): State<Arc<App>>,
    params: PathParams,
) -> Result<Response, ApiError> {
    let stored = find(&app, &params)?;
    let bytes = stored.lock().detail_json(stored.now());
    Ok(json_bytes(bytes))
}

/// POST .../executions/{execution_id}/operation?action=&node_id=
pub(super) async fn operate(
    State(app): State<Arc<App>>,
    params: PathParams,
    query: QueryParams,
) -> Result<Response, ApiError> {
    let action: ExecutionAction = query.required("action")?;
    let node_id: NodeId = query.required("node_id")?;
    let stored = find(&app, &params)?;
    let node_action = match action {
        ExecutionAction::Restart => NodeAction::Restart,
        ExecutionAction::Skip => NodeAction::Skip,
        ExecutionAction::Continue => NodeAction::Continue,
    };
    let (execution_id, status) = {
        let mut execution = stored.lock();
        execution
            .act(node_action, &node_id, stored.now())
            .map_err(|e| match e {
                ActionError::UnknownNode(id) => ApiError::not_found("node", &id),
                ActionError::NotApplicable(why) => ApiError::field("action", why),
            })?;
        (execution.info().id.clone(), execution.status())
    };
    let answer = StartPausingWorkflowExecutionsResponse {
        result: Some(json!({
            "execution_id": execution_id,
            "node_id": node_id.to_string(),
            "action": action.to_string(),
            "status": status,
        })),
    };
    Ok(json_response(StatusCode::OK, &answer))
}

/// POST .../executions/{execution_id}/terminate
pub(super) async fn terminate(
    State(app): State<Arc<App>>,
    params: PathParams,
) -> Result<Response, ApiError> {
    let stored = find(&app, &params)?;
    stored.lock().terminate(stored.now()).map_err(|e| match e {
        ActionError::UnknownNode(id) => ApiError::not_found("node", &id),
        ActionError::NotApplicable(why) => ApiError::param(why),
    })?;
    Ok(success_text())
}

/// POST /v1/{project_id}/cms/fast-execute-script (historical)
pub(super) async fn fast_execute(
    State(app): State<Arc<App>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (body, _): (HisFastScript, Value) = decode_body(&body)?;
    if body.project_id.as_str() != app.config.project_id {
        return Err(ApiError::field(
            "project_id",
            "must be the project id of the path",
        ));
    }
    let ids = id_list(&Value::String(body.ecs_id_list.to_string()), "ecs_id_list")?;
    count("ecs_id_list", ids.len(), 1, MAX_TARGETS)?;
    let plan = WorkflowPlan {
        nodes: vec![NodeSpec {
            id: FAST_EXECUTE_WORKFLOW.to_owned(),
            name: body.name.to_string(),
            task_name: "CMS::ECS::runScript".to_owned(),
            kind: NodeKind::Task,
            ignore_error: false,
        }],
        target_ids: Some(ids),
        sim: SimOptions {
            fail_attempts: 1,
            failure_rate: app.config.failure_rate,
            ..SimOptions::default()
        },
    };
    let id = start(&app, FAST_EXECUTE_WORKFLOW, Arc::new(plan), None);
    let answer = CreateFastExecuteScriptResponse {
        execution_id: Some(id),
    };
    Ok(json_response(StatusCode::OK, &answer))
}
