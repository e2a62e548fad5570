//! The JSON Schemas of the Rust models (generated and hand-written) agree with the spec's
//! component schemas on property names, types and required-ness, so the two cannot drift apart.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test fails

use std::collections::{BTreeMap, BTreeSet};

use aom_api::types;
use serde_json::Value;

macro_rules! rust_schemas {
    ($($name:literal => $ty:ty,)*) => {
        vec![$(($name, serde_json::to_value(schemars::schema_for!($ty)).unwrap()),)*]
    };
}

fn rust_models() -> Vec<(&'static str, Value)> {
    rust_schemas! {
        "ProjectId" => types::ProjectId,
        "WorkflowId" => types::WorkflowId,
        "ExecutionId" => types::ExecutionId,
        "NodeId" => types::NodeId,
        "JobId" => types::JobId,
        "TemplateId" => types::TemplateId,
        "ExecutionAction" => types::ExecutionAction,
        "TriggerAction" => types::TriggerAction,
        "ShareType" => types::ShareType,
        "WorkflowType" => types::WorkflowType,
        "WorkflowFilterType" => types::WorkflowFilterType,
        "TaskType" => types::TaskType,
        "WorkflowSortField" => types::WorkflowSortField,
        "SortColumn" => types::SortColumn,
        "SortOrder" => types::SortOrder,
        "WorkflowStatusFilter" => types::WorkflowStatusFilter,
        "ScriptQueryMode" => types::ScriptQueryMode,
        "ScriptLanguage" => types::ScriptLanguage,
        "WorkflowRequestBody" => types::WorkflowRequestBody,
        "WorkflowQueryParam" => types::WorkflowQueryParam,
        "SearchJobsRequestBody" => types::SearchJobsRequestBody,
        "SearchScriptsRequestBody" => types::SearchScriptsRequestBody,
        "ListTemplateByJobIdRequestBody" => types::ListTemplateByJobIdRequestBody,
        "HisFastScript" => types::HisFastScript,
        "Workflow" => types::Workflow,
        "ListWorkflowResponse" => types::ListWorkflowResponse,
        "Node" => types::Node,
        "Metadata" => types::Metadata,
        "Parameter" => types::Parameter,
        "Step" => types::Step,
        "WorkFlowModel" => types::WorkFlowModel,
        "ExecuteWorkflowResponse" => types::ExecuteWorkflowResponse,
        "StartPausingWorkflowExecutionsResponse" => types::StartPausingWorkflowExecutionsResponse,
        "SearchWorkflowExecutionDetailResponse" => types::SearchWorkflowExecutionDetailResponse,
        "WorkflowExecutionBrief" => aom_api::WorkflowExecutionBrief,
        "ExecutionResultList" => types::ExecutionResultList,
        "NodeOutput" => types::NodeOutput,
        "HostResult" => types::HostResult,
        "ApproveInfo" => types::ApproveInfo,
        "RateControl" => types::RateControl,
        "Job" => types::Job,
        "ListAllJobByNameResponse" => types::ListAllJobByNameResponse,
        "Script" => types::Script,
        "ListAllScriptByNameResponse" => types::ListAllScriptByNameResponse,
        "ScriptVersion" => types::ScriptVersion,
        "ReferenceInfo" => types::ReferenceInfo,
        "ListAllVersionByVersionIdResponse" => types::ListAllVersionByVersionIdResponse,
        "Template" => types::Template,
        "ListTemplateByJobIdResponse" => types::ListTemplateByJobIdResponse,
        "CreateFastExecuteScriptResponse" => types::CreateFastExecuteScriptResponse,
        "ErrorBody" => aom_api::ErrorBody,
    }
}

fn spec() -> Value {
    let text = include_str!("../../../spec/aom.yaml");
    serde_yaml_ng::from_str(text).unwrap()
}

/// The JSON type of a schema node, following references and ignoring nullability.
fn kind(node: &Value, defs: &Value, ref_prefix: &str) -> String {
    if node == &Value::Bool(true) {
        return "any".into();
    }
    if let Some(r) = node.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix(ref_prefix).unwrap_or(r);
        return kind(&defs[name], defs, ref_prefix);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(list) = node.get(key).and_then(Value::as_array) {
            let kinds: BTreeSet<String> = list
                .iter()
                .map(|n| kind(n, defs, ref_prefix))
                .filter(|k| k != "null")
                .collect();
            if kinds.len() == 1 {
                return kinds.into_iter().next().unwrap();
            }
            return format!("{kinds:?}");
        }
    }
    match node.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => {
            let ts: Vec<&str> = ts
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != "null")
                .collect();
            ts.join("|")
        }
        _ if node.get("enum").is_some() => "string".into(),
        _ if node.get("properties").is_some() => "object".into(),
        _ => "any".into(),
    }
}

fn resolve<'a>(node: &'a Value, defs: &'a Value, ref_prefix: &str) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(
            &defs[r.strip_prefix(ref_prefix).unwrap_or(r)],
            defs,
            ref_prefix,
        ),
        None => node,
    }
}

/// For arrays, the kind of the items too.
fn deep_kind(node: &Value, defs: &Value, ref_prefix: &str) -> String {
    let k = kind(node, defs, ref_prefix);
    if k != "array" {
        return k;
    }
    let node = resolve(node, defs, ref_prefix);
    let items = node
        .get("items")
        .or_else(|| {
            node.get("anyOf")
                .and_then(Value::as_array)
                .and_then(|l| l.iter().find_map(|n| n.get("items")))
        })
        .cloned()
        .unwrap_or(Value::Bool(true));
    format!("array<{}>", kind(&items, defs, ref_prefix))
}

#[derive(Debug, PartialEq)]
struct Shape {
    kind: String,
    properties: BTreeMap<String, String>,
    required: BTreeSet<String>,
    values: BTreeSet<String>,
}

fn shape(node: &Value, defs: &Value, ref_prefix: &str) -> Shape {
    let node = resolve(node, defs, ref_prefix);
    let properties = node
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| {
            p.iter()
                .map(|(k, v)| (k.clone(), deep_kind(v, defs, ref_prefix)))
                .collect()
        })
        .unwrap_or_default();
    let required = node
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let values = node
        .get("enum")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    Shape {
        kind: kind(node, defs, ref_prefix),
        properties,
        required,
        values,
    }
}

#[test]
fn every_spec_schema_has_a_rust_model() {
    let spec = spec();
    let in_spec: BTreeSet<&str> = spec["components"]["schemas"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let in_rust: BTreeSet<&str> = rust_models().into_iter().map(|(n, _)| n).collect();
    assert_eq!(in_spec, in_rust, "add the new schema to rust_models()");
}

#[test]
fn rust_models_agree_with_the_spec() {
    let spec = spec();
    let components = &spec["components"]["schemas"];
    let mut mismatches = Vec::new();
    for (name, root) in rust_models() {
        let want = shape(&components[name], components, "#/components/schemas/");
        let defs = root.get("definitions").cloned().unwrap_or(Value::Null);
        let got = shape(&root, &defs, "#/definitions/");
        if want != got {
            mismatches.push(format!("{name}:\n  spec: {want:?}\n  rust: {got:?}"));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
