//! CreateWorkflow, ListWorkflow, UpdateWorkflowTriggerStatus.
//!
//! - Workflow ids are UUID-shaped, derived from the seed, the project and the name (names are
//!   unique: creating a second workflow with a taken name is a 400 naming `name`).
//! - A new workflow's `status` and `task_status` are `waitExecute`; in ListWorkflow they are the
//!   status of its last execution.
//! - ListWorkflow: `search` matches name or description (case-insensitive substring); `type`,
//!   `tags` (every pair), `enterprise_project_id`, `create_by` and `status` filter exactly;
//!   `search_time_start`/`search_time_end` bound `create_time`. `page` is 1-based, 0 reads as 1
//!   (the documented default is 0, the minimum 1); `size` defaults to 10.
//! - UpdateWorkflowTriggerStatus answers the raw text `{"success"}` (`text/plain`) and sets
//!   `trigger_status` to `enable`/`disable`. A cron workflow starts `enable`d. A manual
//!   workflow has no trigger: 400 naming `action`.

use std::sync::Arc;

use aom_api::types::{
    ListWorkflowResponse, Metadata, Node, TriggerAction, Workflow, WorkflowId, WorkflowQueryParam,
    WorkflowRequestBody, WorkflowSortField, WorkflowType,
};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Value, json};

use super::{fuzzy, page_of};
use crate::app::{App, epoch_ms};
use crate::engine::plan::plan_workflow;
use crate::engine::{NodeKind, NodeSpec};
use crate::error::{ApiError, json_response};
use crate::rng::{Rng, hash_str};
use crate::store::WorkflowRecord;
use crate::validation::{PathParams, QueryParams, count, decode_body, range};

/// The raw-text answer of terminate and trigger changes.
pub(super) fn success_text() -> Response {
    let mut response = axum::response::IntoResponse::into_response(r#"{"success"}"#);
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// POST /v1/{project_id}/cms/workflow
pub(super) async fn create(State(app): State<Arc<App>>, body: Bytes) -> Result<Response, ApiError> {
    let (body, raw): (WorkflowRequestBody, Value) = decode_body(&body)?;
    count("tags", body.tags.len(), 0, 20)?;
    if raw.get("quote").is_some_and(|q| !q.is_null()) {
        count("quote", body.quote.len(), 1, 128)?;
    }
    let plan = plan_workflow(&body, &app.catalog.templates, app.config.failure_rate)?;
    let config = &app.config;
    let name = body.name.to_string();
    let mut ids = Rng::from_parts(&[config.seed, hash_str(&config.project_id), hash_str(&name)]);
    let id = ids.uuid();
    let now = epoch_ms();
    let template = body.template_id.as_deref().and_then(|t| {
        app.catalog
            .templates
            .iter()
            .find(|x| x.id.as_ref() == Some(t))
    });
    let cron = body.type_ == WorkflowType::Cron;
    let model = Workflow {
        id: Some(id),
        name: Some(name),
        type_: Some(body.type_.to_string()),
        description: Some(body.description.as_deref().cloned().unwrap_or_default()),
        tags: Some(
            body.tags
                .iter()
                .map(|(k, v)| match v {
                    Value::String(s) => (k.clone(), s.clone()),
                    other => (k.clone(), other.to_string()),
                })
                .collect(),
        ),
        create_time: Some(now),
        create_by: Some(config.user_name.clone()),
        update_time: Some(now),
        update_by: Some(config.user_name.clone()),
        edit_time: Some(now),
        template_name: body.template_name.as_deref().cloned(),
        template_id: body.template_id.as_deref().cloned(),
        input: Some(Value::Object(body.input.clone())),
        status: Some("waitExecute".into()),
        task_status: Some("waitExecute".into()),
        citation_urns: Some(Vec::new()),
        quote: Some(body.quote.iter().map(|q| q.to_string()).collect()),
        job_name: body.job_name.as_deref().cloned(),
        job_id: body.job_id.as_deref().cloned(),
        service_scenario: body.service_scenario.as_deref().cloned(),
        service_name: body.service_name.as_deref().cloned(),
        task_type: Some(body.task_type.to_string()),
        project_id: Some(config.project_id.clone()),
        workflow_id: Some(ids.uuid()),
        nodes: Some(node_models(&plan.nodes, &config.project_id)),
        execution_action_rules: Some(Vec::new()),
        execution_permission: Some(Vec::new()),
        global_parameters: Some(
            template
                .and_then(|t| t.parameters.clone())
                .unwrap_or_default(),
        ),
        is_delete: Some(false),
        steps: Some(template.and_then(|t| t.steps.clone()).unwrap_or_default()),
        output: Some(String::new()),
        trigger_id: cron.then(|| ids.uuid()),
        trigger_status: cron.then(|| "enable".to_owned()),
        enterprise_project_id: Some("0".into()),
        ..Workflow::default()
    };
    let model = app.store.create_workflow(WorkflowRecord {
        model,
        plan: Arc::new(plan),
        evicted_last_status: None,
    })?;
    Ok(json_response(StatusCode::OK, &model))
}

fn node_models(nodes: &[NodeSpec], project_id: &str) -> Vec<Node> {
    let mut parent: Option<String> = None;
    nodes
        .iter()
        .map(|n| {
            let pause = n.kind == NodeKind::Pause;
            let function = n.task_name.replace("::", "-");
            Node {
                id: Some(n.id.clone()),
                name: Some(n.name.clone()),
                task_name: Some(n.task_name.clone()),
                category: Some(if pause { "pause" } else { "service" }.into()),
                ignore_error: Some(n.ignore_error),
                parent_node: parent.replace(n.id.clone()),
                description: Some(String::new()),
                metadata: Some(Metadata {
                    type_: Some(if pause { "pause" } else { "operation" }.into()),
                    configuration: json!({
                        "func_app": "CMS",
                        "func_urn": format!(
                            "urn:fss:cn-north-4:{project_id}:function:CMS:{function}:latest"
                        ),
                        "parameters": {"project_id": "{{project_id}}", "region_id": "{{region_id}}"},
                    })
                    .as_object()
                    .cloned(),
                }),
            }
        })
        .collect()
}

/// POST /v1/{project_id}/cms/workflow-list
pub(super) async fn list(State(app): State<Arc<App>>, body: Bytes) -> Result<Response, ApiError> {
    let (query, _): (WorkflowQueryParam, Value) = decode_body(&body)?;
    range("page", query.page, 0, 9_999_999)?;
    range("size", query.size.map(|n| n.get()), 1, 100)?;
    range(
        "search_time_start",
        query.search_time_start,
        0,
        9_999_999_999_999,
    )?;
    range(
        "search_time_end",
        query.search_time_end,
        0,
        9_999_999_999_999,
    )?;
    count("tags", query.tags.len(), 0, 10)?;

    let mut rows: Vec<Workflow> = app
        .store
        .workflows()
        .into_iter()
        .map(|(record, last)| {
            let mut model = record.model;
            let status = match last {
                Some(stored) => {
                    let mut execution = stored.lock();
                    execution.advance(stored.now());
                    model.last_execution_end_time = execution.end_epoch_ms();
                    Some(execution.status().to_owned())
                }
                None => record.evicted_last_status,
            };
            if let Some(status) = status {
                model.status = Some(status.clone());
                model.task_status = Some(status);
            }
            model
        })
        .filter(|w| matches(&query, w))
        .collect();
    let key = |w: &Workflow| match query.sort_field {
        WorkflowSortField::CreateTime => w.create_time,
        WorkflowSortField::UpdateTime => w.update_time,
        WorkflowSortField::LastExecutionStartTime => w.last_execution_start_time,
    };
    rows.sort_by(|a, b| {
        let ordering = key(a).cmp(&key(b)).then_with(|| a.id.cmp(&b.id));
        match query.sort_type {
            aom_api::types::SortOrder::Asc => ordering,
            aom_api::types::SortOrder::Desc => ordering.reverse(),
        }
    });
    let total = rows.len();
    let page = query.page.map_or(1, |p| u64::try_from(p).unwrap_or(1));
    let size = query.size.map_or(10, |s| u64::from(s.get()));
    let answer = ListWorkflowResponse {
        elements: Some(page_of(&rows, page, size)),
        total_elements: Some(i64::try_from(total).unwrap_or(i64::MAX)),
    };
    Ok(json_response(StatusCode::OK, &answer))
}

fn matches(query: &WorkflowQueryParam, w: &Workflow) -> bool {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let search = query.search.as_deref().map(String::as_str);
    let searched = fuzzy(search, &text(&w.name)) || fuzzy(search, &text(&w.description));
    let typed = query
        .type_
        .is_none_or(|t| w.type_.as_deref() == Some(t.to_string().as_str()));
    let tagged = query
        .tags
        .iter()
        .all(|(k, v)| w.tags.as_ref().is_some_and(|tags| tags.get(k) == Some(v)));
    let project = query
        .enterprise_project_id
        .as_deref()
        .is_none_or(|p| w.enterprise_project_id.as_ref() == Some(p));
    let creator = query
        .create_by
        .as_deref()
        .is_none_or(|c| w.create_by.as_ref() == Some(c));
    let status = query
        .status
        .is_none_or(|s| w.status.as_deref() == Some(s.to_string().as_str()));
    let created = w.create_time.unwrap_or_default();
    let after_start = query.search_time_start.is_none_or(|s| created >= s);
    let before_end = query.search_time_end.is_none_or(|e| created <= e);
    searched && typed && tagged && project && creator && status && after_start && before_end
}

/// PUT /v1/{project_id}/cms/workflow/{workflow_id}/trigger/action
pub(super) async fn trigger(
    State(app): State<Arc<App>>,
    params: PathParams,
    query: QueryParams,
) -> Result<Response, ApiError> {
    let workflow_id = params.text::<WorkflowId>("workflow_id")?;
    let action: TriggerAction = query.required("action")?;
    let record = app
        .store
        .workflow(&workflow_id)
        .ok_or_else(|| ApiError::not_found("workflow", &workflow_id))?;
    if record.model.type_.as_deref() != Some("cron") {
        return Err(ApiError::field(
            "action",
            format_args!(
                "workflow {workflow_id} is a manual workflow and has no schedule trigger to {action}"
            ),
        ));
    }
    let now = epoch_ms();
    app.store.update_workflow(&workflow_id, |w| {
        w.model.trigger_status = Some(action.to_string());
        w.model.update_time = Some(now);
    });
    Ok(success_text())
}
