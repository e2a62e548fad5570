//! What a workflow runs, derived from its CreateWorkflow request.
//!
//! # Nodes
//!
//! 1. `input.emulator.nodes`, if given (see below);
//! 2. else the `nodes` of the template whose id is `template_id` (fixture templates); a node
//!    whose `task_name` contains `Pause` or whose `category` is `pause` is a pause node;
//! 3. else one node chosen by `template_name` (or `template_id`, which the documentation's own
//!    example fills with a template name): `...RunScript` → `run-script`
//!    (`CMS::ECS::runScript`), `...StartECSInstances` → `start-instances`,
//!    `...StopECSInstances` → `stop-instances`, `...RebootECSInstances` → `reboot-instances`,
//!    `...CleanDisks` → `clean-disks`; task type `package` → `install-package`
//!    (`CMS::ECS::Package`); anything else → `run-script`.
//!
//! # Targets
//!
//! `input.get_instances.ecs_id_list`: a JSON array of host ids encoded in a string, as the
//! documentation shows (`"[\"id-1\",\"id-2\"]"`); a real JSON array and a comma-separated string
//! are accepted too. An id the inventory lacks becomes a failed host (`error_msg` says it does
//! not exist). No ids (absent, `null`, empty) → the first three hosts that can run tasks.
//!
//! # Batches
//!
//! `input.rate_control`: `max` hosts per batch and `timeDelay` seconds between batches (numbers
//! or strings holding numbers, as the documentation's example sends them).
//!
//! # `input.emulator`: controlling the simulation
//!
//! The real service ignores a group it does not know; the emulator reads this one:
//!
//! | key | type | meaning |
//! |---|---|---|
//! | `fail_hosts` | array of host ids (or a JSON array in a string) | these hosts fail every task node (or those of `fail_nodes`)... |
//! | `fail_nodes` | array of node ids | ...only these nodes (default: every task node)... |
//! | `fail_attempts` | integer 0-1000, default 1 | ...on its first `fail_attempts` attempts (so by default a `restart` succeeds; 1000 means "always") |
//! | `failure_rate` | number 0-1 | probability that a host fails a node attempt (seeded; default: the emulator's `--failure-rate`, normally 0) |
//! | `host_seconds` | number, or `[low, high]` | simulated seconds a node runs on one host (default 20-90) |
//! | `on_failure` | `"fail"` (default) or `"pause"` | a failed node ends the execution with `fail`, or makes it wait (`pausing`) for `restart`/`skip` |
//! | `nodes` | array of 1-20 node ids or objects `{"id", "name"?, "task_name"?, "pause"?, "ignore_error"?}` | the workflow's nodes, replacing the template's |
//!
//! Every violation is a 400 naming the field, e.g. `input.emulator.failure_rate`.

use std::collections::BTreeSet;

use aom_api::types::{Template, WorkflowRequestBody};
use serde_json::{Map, Value};

use super::timeline::SimMs;
use super::{NodeKind, NodeSpec, OnFailure, SimOptions, WorkflowPlan};
use crate::error::ApiError;

/// Most target hosts one workflow may name.
pub const MAX_TARGETS: usize = 200;
/// Most nodes one workflow may have.
pub const MAX_NODES: usize = 20;
/// Longest simulated run per host, in seconds (one day).
const MAX_HOST_SECONDS: f64 = 86_400.0;

/// Derives the plan of a workflow.
///
/// # Errors
/// A 400 naming the offending `input` field.
pub fn plan_workflow(
    body: &WorkflowRequestBody,
    templates: &[Template],
    default_failure_rate: f64,
) -> Result<WorkflowPlan, ApiError> {
    let input = &body.input;
    let target_ids = target_ids(input)?;
    let mut sim = SimOptions {
        fail_attempts: 1,
        failure_rate: default_failure_rate,
        ..SimOptions::default()
    };
    rate_control(input, &mut sim)?;
    let mut nodes = None;
    match input.get("emulator") {
        None | Some(Value::Null) => {}
        Some(Value::Object(group)) => nodes = emulator_group(group, &mut sim)?,
        Some(_) => return Err(ApiError::field("input.emulator", "must be an object")),
    }
    let nodes = match nodes {
        Some(nodes) => nodes,
        None => template_nodes(body, templates),
    };
    Ok(WorkflowPlan {
        nodes,
        target_ids,
        sim,
    })
}

fn target_ids(input: &Map<String, Value>) -> Result<Option<Vec<String>>, ApiError> {
    const FIELD: &str = "input.get_instances.ecs_id_list";
    let list = match input.get("get_instances") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(group)) => group.get("ecs_id_list"),
        Some(_) => return Err(ApiError::field("input.get_instances", "must be an object")),
    };
    let ids = match list {
        None | Some(Value::Null) => Vec::new(),
        Some(value) => id_list(value, FIELD)?,
    };
    if ids.len() > MAX_TARGETS {
        return Err(ApiError::field(
            FIELD,
            format_args!("at most {MAX_TARGETS} hosts (got {})", ids.len()),
        ));
    }
    Ok((!ids.is_empty()).then_some(ids))
}

/// A list of ids: a JSON array of strings, a string holding one, or a comma-separated string.
pub fn id_list(value: &Value, field: &str) -> Result<Vec<String>, ApiError> {
    let parsed;
    let items = match value {
        Value::Array(items) => items,
        Value::String(text) => {
            let text = text.trim();
            if text.starts_with('[') {
                parsed = serde_json::from_str::<Value>(text).map_err(|e| {
                    ApiError::field(field, format_args!("is not a JSON array of ids: {e}"))
                })?;
                match &parsed {
                    Value::Array(items) => items,
                    _ => return Err(ApiError::field(field, "is not a JSON array of ids")),
                }
            } else {
                return Ok(text
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect());
            }
        }
        _ => {
            return Err(ApiError::field(
                field,
                "must be an array of host ids, or a string holding one",
            ));
        }
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::String(id) if !id.trim().is_empty() && id.len() <= 128 => {
                Ok(id.trim().to_owned())
            }
            _ => Err(ApiError::field(
                &format!("{field}[{i}]"),
                "must be a non-empty host id (at most 128 characters)",
            )),
        })
        .collect()
}

/// A number, or a string holding one (the documentation sends numbers as text in `input`).
fn number(value: &Value, field: &str, min: f64, max: f64) -> Result<f64, ApiError> {
    let n = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    match n {
        Some(n) if n.is_finite() && (min..=max).contains(&n) => Ok(n),
        Some(n) => Err(ApiError::field(
            field,
            format_args!("must be between {min} and {max} (got {n})"),
        )),
        None => Err(ApiError::field(field, "must be a number")),
    }
}

fn rate_control(input: &Map<String, Value>, sim: &mut SimOptions) -> Result<(), ApiError> {
    let group = match input.get("rate_control") {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Object(group)) => group,
        Some(_) => return Err(ApiError::field("input.rate_control", "must be an object")),
    };
    if let Some(max) = group.get("max").filter(|v| !v.is_null()) {
        sim.batch_max = number(max, "input.rate_control.max", 0.0, 10_000.0)? as usize;
    }
    let delay = group
        .get("timeDelay")
        .or_else(|| group.get("time_delay"))
        .filter(|v| !v.is_null());
    if let Some(delay) = delay {
        let seconds = number(delay, "input.rate_control.timeDelay", 0.0, MAX_HOST_SECONDS)?;
        sim.batch_delay_ms = (seconds * 1000.0) as SimMs;
    }
    Ok(())
}

fn emulator_group(
    group: &Map<String, Value>,
    sim: &mut SimOptions,
) -> Result<Option<Vec<NodeSpec>>, ApiError> {
    let mut nodes = None;
    for (key, value) in group {
        let field = format!("input.emulator.{key}");
        match key.as_str() {
            "fail_hosts" => {
                sim.fail_hosts = id_list(value, &field)?.into_iter().collect::<BTreeSet<_>>();
            }
            "fail_nodes" => {
                sim.fail_nodes = Some(id_list(value, &field)?.into_iter().collect());
            }
            "fail_attempts" => {
                sim.fail_attempts = number(value, &field, 0.0, 1000.0)? as u32;
            }
            "failure_rate" => sim.failure_rate = number(value, &field, 0.0, 1.0)?,
            "host_seconds" => {
                let (low, high) = match value {
                    Value::Array(pair) if pair.len() == 2 => (
                        number(&pair[0], &field, 0.0, MAX_HOST_SECONDS)?,
                        number(&pair[1], &field, 0.0, MAX_HOST_SECONDS)?,
                    ),
                    Value::Array(_) => {
                        return Err(ApiError::field(&field, "must be a number or [low, high]"));
                    }
                    single => {
                        let n = number(single, &field, 0.0, MAX_HOST_SECONDS)?;
                        (n, n)
                    }
                };
                if low > high {
                    return Err(ApiError::field(&field, "low must not exceed high"));
                }
                sim.host_ms = Some(((low * 1000.0) as SimMs, (high * 1000.0) as SimMs));
            }
            "on_failure" => {
                sim.on_failure = match value.as_str() {
                    Some("fail") => OnFailure::Fail,
                    Some("pause") => OnFailure::Pause,
                    _ => return Err(ApiError::field(&field, "must be \"fail\" or \"pause\"")),
                };
            }
            "nodes" => nodes = Some(node_list(value, &field)?),
            _ => {
                return Err(ApiError::field(
                    &field,
                    "unknown key (known: fail_hosts, fail_nodes, fail_attempts, failure_rate, \
                     host_seconds, on_failure, nodes)",
                ));
            }
        }
    }
    Ok(nodes)
}

fn node_list(value: &Value, field: &str) -> Result<Vec<NodeSpec>, ApiError> {
    let Value::Array(items) = value else {
        return Err(ApiError::field(field, "must be an array of nodes"));
    };
    if items.is_empty() || items.len() > MAX_NODES {
        return Err(ApiError::field(
            field,
            format_args!("must have 1 to {MAX_NODES} nodes (got {})", items.len()),
        ));
    }
    let mut nodes: Vec<NodeSpec> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let at = format!("{field}[{i}]");
        let node = match item {
            Value::String(id) => task_node(id, id, "CMS::ECS::runScript"),
            Value::Object(spec) => node_object(spec, &at)?,
            _ => return Err(ApiError::field(&at, "must be a node id or an object")),
        };
        if node.id.is_empty() || node.id.chars().count() > 64 {
            return Err(ApiError::field(&at, "the node id must be 1-64 characters"));
        }
        if nodes.iter().any(|n| n.id == node.id) {
            return Err(ApiError::field(
                &at,
                format_args!("duplicate node id {:?}", node.id),
            ));
        }
        nodes.push(node);
    }
    Ok(nodes)
}

fn node_object(spec: &Map<String, Value>, at: &str) -> Result<NodeSpec, ApiError> {
    let text = |key: &str| -> Result<Option<String>, ApiError> {
        match spec.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(ApiError::field(&format!("{at}.{key}"), "must be a string")),
        }
    };
    let flag = |key: &str| -> Result<bool, ApiError> {
        match spec.get(key) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(ApiError::field(&format!("{at}.{key}"), "must be a boolean")),
        }
    };
    if let Some(key) = spec.keys().find(|k| {
        !matches!(
            k.as_str(),
            "id" | "name" | "task_name" | "pause" | "ignore_error"
        )
    }) {
        return Err(ApiError::field(
            &format!("{at}.{key}"),
            "unknown key (known: id, name, task_name, pause, ignore_error)",
        ));
    }
    let id = text("id")?.ok_or_else(|| ApiError::field(&format!("{at}.id"), "is required"))?;
    let pause = flag("pause")?;
    let default_task = if pause {
        "CMS::Common::Pause"
    } else {
        "CMS::ECS::runScript"
    };
    let task_name = text("task_name")?.unwrap_or_else(|| default_task.to_owned());
    let name = text("name")?.unwrap_or_else(|| id.clone());
    let mut node = task_node(&id, &name, &task_name);
    node.ignore_error = flag("ignore_error")?;
    if pause {
        node.kind = NodeKind::Pause;
    }
    Ok(node)
}

fn task_node(id: &str, name: &str, task_name: &str) -> NodeSpec {
    NodeSpec {
        id: id.to_owned(),
        name: name.to_owned(),
        task_name: task_name.to_owned(),
        kind: NodeKind::Task,
        ignore_error: false,
    }
}

fn template_nodes(body: &WorkflowRequestBody, templates: &[Template]) -> Vec<NodeSpec> {
    let template_id = body.template_id.as_deref().map(String::as_str);
    let template =
        template_id.and_then(|id| templates.iter().find(|t| t.id.as_deref() == Some(id)));
    if let Some(template) = template {
        let nodes: Vec<NodeSpec> = template
            .nodes
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, node)| {
                let id = node.id.clone().unwrap_or_else(|| format!("node-{}", i + 1));
                let task_name = node
                    .task_name
                    .clone()
                    .unwrap_or_else(|| "CMS::ECS::runScript".into());
                let pause = task_name.to_ascii_lowercase().contains("pause")
                    || node.category.as_deref() == Some("pause");
                NodeSpec {
                    name: node.name.clone().unwrap_or_else(|| id.clone()),
                    kind: if pause {
                        NodeKind::Pause
                    } else {
                        NodeKind::Task
                    },
                    ignore_error: node.ignore_error.unwrap_or(false),
                    id,
                    task_name,
                }
            })
            .take(MAX_NODES)
            .collect();
        if !nodes.is_empty() {
            return nodes;
        }
    }
    let name = body
        .template_name
        .as_deref()
        .map(String::as_str)
        .or(template_id)
        .unwrap_or_default();
    let (id, task) = if name.contains("StartECSInstances") {
        ("start-instances", "CMS::ECS::startInstances")
    } else if name.contains("StopECSInstances") {
        ("stop-instances", "CMS::ECS::stopInstances")
    } else if name.contains("RebootECSInstances") {
        ("reboot-instances", "CMS::ECS::rebootInstances")
    } else if name.contains("CleanDisks") {
        ("clean-disks", "CMS::ECS::cleanDisks")
    } else if name.contains("RunScript") {
        ("run-script", "CMS::ECS::runScript")
    } else if body.task_type == aom_api::types::TaskType::Package {
        ("install-package", "CMS::ECS::Package")
    } else {
        ("run-script", "CMS::ECS::runScript")
    };
    vec![task_node(id, id, task)]
}
