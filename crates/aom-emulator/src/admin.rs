//! The admin endpoint, under the reserved prefix `/__emulator` (no AOM path starts with it; no
//! signature needed; faults never apply to it).
//!
//! | method and path | what |
//! |---|---|
//! | `GET /__emulator/state` | [`AdminState`] as JSON |
//! | `GET /__emulator/hosts` | the ECS inventory (array of host objects) |
//! | `GET /__emulator/faults` | `{"fault_rules": [...]}` |
//! | `POST /__emulator/faults` | adds fault rules; body: one rule object, a SPEC string, `{"spec": "..."}`, or an array of those; answers `{"added": [ids], "fault_rules": [...]}` |
//! | `DELETE /__emulator/faults` | removes every rule; answers `{"cleared": n}` |
//! | `DELETE /__emulator/faults/{id}` | removes one rule; 404 if unknown |
//!
//! A rule object is `{"kind": "status:503", "route": "execute_workflow", "method": "POST",
//! "rate": 0.5, "next": 2, "when": "before"}` (only `kind` required; see [`crate::faults`]).
//! Errors answer 400 `{"error_code":"EMULATOR.0400","error_msg":...}`.
//!
//! `GET /__emulator/state` answers:
//!
//! ```json
//! {
//!   "project_id": "0123456789abcdef0123456789abcdef",
//!   "requests": 42,
//!   "workflows": 1,
//!   "executions_per_workflow": {"<workflow id>": 2},
//!   "executions_total": 2,
//!   "executions_stored": 2,
//!   "executions_evicted": 0,
//!   "faults_injected_total": 1,
//!   "faults_injected": [{"rule_id": 1, "kind": "status:503", "when": "before",
//!                        "operation": "execute_workflow", "method": "POST",
//!                        "path": "/v1/.../executions", "request_id": "..."}],
//!   "fault_rules": [{"id": 1, "spec": "kind=status:503,route=execute_workflow,next=1",
//!                    "rule": {"kind": "status:503", "route": "execute_workflow", "next": 1},
//!                    "matched": 1, "injected": 1, "remaining": 0, "active": false}],
//!   "active_fault_rules": 0,
//!   "locked_access_keys": []
//! }
//! ```
//!
//! `executions_per_workflow` counts every execution ever started (evicted ones included), so a
//! test can prove that a retried request did not execute twice; `faults_injected` keeps the last
//! 1000 injections.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::app::App;
use crate::error::json_response;
use crate::faults::{FaultRuleState, FaultSpec, Injection};

/// The reserved path prefix.
pub const PREFIX: &str = "/__emulator";

/// What `GET /__emulator/state` answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminState {
    /// The project served.
    pub project_id: String,
    /// Requests received (all routes).
    pub requests: u64,
    /// Workflows created.
    pub workflows: usize,
    /// Executions ever started per workflow id (evicted ones included).
    pub executions_per_workflow: BTreeMap<String, u64>,
    /// Executions ever started.
    pub executions_total: u64,
    /// Executions kept now.
    pub executions_stored: usize,
    /// Executions evicted by the cap.
    pub executions_evicted: u64,
    /// Faults injected so far.
    pub faults_injected_total: u64,
    /// The last injections, oldest first.
    pub faults_injected: Vec<Injection>,
    /// Every rule, spent ones included.
    pub fault_rules: Vec<FaultRuleState>,
    /// Rules that can still fire.
    pub active_fault_rules: usize,
    /// AKs locked out right now.
    pub locked_access_keys: Vec<String>,
}

impl AdminState {
    /// The state of `app` now.
    pub fn of(app: &App) -> Self {
        let counts = app.store.execution_counts();
        let (workflows, stored, evicted) = app.store.sizes();
        let (rules, injected, total) = app.faults.snapshot();
        Self {
            project_id: app.config.project_id.clone(),
            requests: app.request_count(),
            workflows,
            executions_total: counts.values().sum(),
            executions_per_workflow: counts,
            executions_stored: stored,
            executions_evicted: evicted,
            faults_injected_total: total,
            faults_injected: injected,
            active_fault_rules: rules.iter().filter(|r| r.active).count(),
            fault_rules: rules,
            locked_access_keys: app.gateway.locked_access_keys(),
        }
    }
}

fn admin_error(message: String) -> Response {
    json_response(
        StatusCode::BAD_REQUEST,
        &json!({"error_code": "EMULATOR.0400", "error_msg": message}),
    )
}

/// One rule as the admin endpoint accepts it.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RuleInput {
    Text(String),
    Spec { spec: String },
    Rule(FaultSpec),
}

async fn state(State(app): State<Arc<App>>) -> Response {
    json_response(StatusCode::OK, &AdminState::of(&app))
}

async fn hosts(State(app): State<Arc<App>>) -> Response {
    json_response(StatusCode::OK, &app.catalog.inventory.hosts())
}

async fn add_faults(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return admin_error(format!("the body is not valid JSON: {e}")),
    };
    let items = match value {
        Value::Array(items) => items,
        one => vec![one],
    };
    let mut specs = Vec::with_capacity(items.len());
    for item in items {
        let spec = match serde_json::from_value::<RuleInput>(item) {
            Ok(RuleInput::Text(text) | RuleInput::Spec { spec: text }) => text.parse(),
            Ok(RuleInput::Rule(rule)) => Ok(rule),
            Err(e) => return admin_error(format!("not a fault rule: {e}")),
        };
        match spec {
            Ok(spec) => specs.push(spec),
            Err(e) => return admin_error(e.to_string()),
        }
    }
    let mut added = Vec::with_capacity(specs.len());
    for spec in specs {
        match app.faults.add(spec) {
            Ok(id) => added.push(id),
            Err(e) => return admin_error(e.to_string()),
        }
    }
    let (rules, _, _) = app.faults.snapshot();
    json_response(
        StatusCode::OK,
        &json!({"added": added, "fault_rules": rules}),
    )
}

async fn list_faults(State(app): State<Arc<App>>) -> Response {
    let (rules, _, _) = app.faults.snapshot();
    json_response(StatusCode::OK, &json!({"fault_rules": rules}))
}

async fn clear_faults(State(app): State<Arc<App>>) -> Response {
    json_response(StatusCode::OK, &json!({"cleared": app.faults.clear()}))
}

async fn remove_fault(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    match id.parse::<u64>() {
        Ok(id) if app.faults.remove(id) => json_response(StatusCode::OK, &json!({"removed": id})),
        _ => (
            StatusCode::NOT_FOUND,
            axum::Json(
                json!({"error_code": "EMULATOR.0404", "error_msg": format!("no fault rule {id}")}),
            ),
        )
            .into_response(),
    }
}

/// The admin routes.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/__emulator/state", get(state))
        .route("/__emulator/hosts", get(hosts))
        .route(
            "/__emulator/faults",
            get(list_faults).post(add_faults).delete(clear_faults),
        )
        .route("/__emulator/faults/{id}", delete(remove_fault))
}
