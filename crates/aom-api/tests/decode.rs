//! The wire formats the documentation shows decode into the generated models.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test fails

use aom_api::types::{HostResult, NodeOutput, SearchWorkflowExecutionDetailResponse};
use aom_api::{ErrorBody, WorkflowExecutionBrief};
use serde_json::{Value, json};

const SEED: &str = include_str!("fixtures/seed-execution-detail-200.json");
const ERRORS: &str = include_str!("fixtures/errors.json");

#[test]
fn seed_execution_detail_decodes_field_for_field() {
    let d: SearchWorkflowExecutionDetailResponse = serde_json::from_str(SEED).unwrap();
    assert_eq!(d.approve_user_name_list, Some(vec![]));
    assert_eq!(d.begin_time, Some(1670311148207));
    assert_eq!(d.end_time, Some(1670311151857));
    assert_eq!(d.execution_id.as_deref(), Some("xxxxx"));
    assert_eq!(d.last_record_id_with_snapshot.as_deref(), Some("xxxxxxx"));
    assert_eq!(d.project_id.as_deref(), Some("xxxxxx"));
    assert_eq!(d.status.as_deref(), Some("fail"));
    assert_eq!(d.workflow_edit_time, Some(1670311089444));
    assert_eq!(d.workflow_id.as_deref(), Some("xxxxxx"));
    assert_eq!(d.last_update_time, None, "absent from the example");

    let nodes = d.execution_result_list.unwrap();
    assert_eq!(nodes.len(), 1);
    let node = &nodes[0];
    assert_eq!(node.begin_time, Some(1670311148207));
    assert_eq!(node.end_time, Some(1670311151857));
    assert_eq!(node.function_execution_id.as_deref(), Some("xxxxx"));
    assert_eq!(node.node_id.as_deref(), Some("run-script"));
    assert_eq!(node.status.as_deref(), Some("success"));

    // The wire field is free-form; the shared NodeOutput schema gives the typed reading.
    let output: NodeOutput = serde_json::from_value(node.output.clone().unwrap()).unwrap();
    assert_eq!(output.success, Some(vec![]));
    assert_eq!(output.in_execution, Some(vec![]));
    assert_eq!(output.not_performed, Some(vec![]));
    let fail = output.fail.unwrap();
    assert_eq!(fail.len(), 1);
    let host: &HostResult = &fail[0];
    assert_eq!(host.availability_zone.as_deref(), Some("cn-north-7b"));
    assert_eq!(host.code.as_deref(), Some("0"));
    assert_eq!(host.error_msg.as_deref(), Some(""));
    assert_eq!(host.floating_ip_list, Some(vec!["192.0.0.0".to_string()]));
    assert_eq!(host.charging_mode.as_deref(), Some("0"));
    assert_eq!(host.current_project, Some(true));
    assert_eq!(
        host.log.as_deref(),
        Some(
            "/usr/local/uniagentd/tmp/tmp_1670311150998271_de7b35a0-dc43-45e0-a712-d6b26844be1c: >-\n  line 1: cd: /xxx/xxx: Not a directory"
        )
    );
    assert_eq!(host.vpc_id.as_deref(), Some("xxxxxx"));
    assert_eq!(host.ip.as_deref(), Some("192.0.0.0"));
    assert_eq!(host.fixed_ip_list, Some(vec!["192.0.0.0".to_string()]));
    assert_eq!(host.tags, Some(vec![]));
    assert_eq!(host.start_time.as_deref(), Some("1670311150773"));
    assert_eq!(host.enterprise_project_id.as_deref(), Some("0"));
    assert_eq!(host.execute_time.as_deref(), Some("130"));
    assert_eq!(host.os_type.as_deref(), Some("Linux"));
    assert_eq!(host.agent_state.as_deref(), Some("ONLINE"));
    assert_eq!(host.exit_code.as_deref(), Some("1"));
    assert_eq!(host.name.as_deref(), Some("xxxx"));
    assert_eq!(host.id.as_deref(), Some("xxxxxxxx"));
    assert_eq!(host.instance_status.as_deref(), Some("ACTIVE"));
}

#[test]
fn host_result_round_trips_with_the_capital_l_spelling() {
    let output: NodeOutput = serde_json::from_value(
        json!({"fail": [{"floating_ip_List": ["10.0.0.1"], "id": "h1"}], "success": null}),
    )
    .unwrap();
    let back = serde_json::to_value(&output).unwrap();
    assert_eq!(back["fail"][0]["floating_ip_List"], json!(["10.0.0.1"]));
    assert_eq!(output.success, None, "null list is accepted");
}

#[test]
fn unknown_fields_are_ignored_and_unknown_statuses_kept() {
    let mut v: Value = serde_json::from_str(SEED).unwrap();
    v["status"] = json!("someFutureState");
    v["a_field_added_next_year"] = json!({"nested": [1, 2, 3]});
    v["execution_result_list"][0]["status"] = json!("pausing");
    v["execution_result_list"][0]["new_node_field"] = json!(true);
    let d: SearchWorkflowExecutionDetailResponse = serde_json::from_value(v).unwrap();
    assert_eq!(d.status.as_deref(), Some("someFutureState"));
    assert_eq!(
        d.execution_result_list.unwrap()[0].status.as_deref(),
        Some("pausing")
    );
}

#[test]
fn nulls_where_the_server_may_send_them() {
    let d: SearchWorkflowExecutionDetailResponse = serde_json::from_value(json!({
        "status": "executing",
        "execution_result_list": null,
        "approve_user_name_list": null,
        "begin_time": null
    }))
    .unwrap();
    assert_eq!(d.execution_result_list, None);
    assert_eq!(d.begin_time, None);
    let d: SearchWorkflowExecutionDetailResponse = serde_json::from_str("{}").unwrap();
    assert_eq!(d, SearchWorkflowExecutionDetailResponse::default());
}

#[test]
fn node_output_of_any_shape_is_kept_raw() {
    // A CCE workload node from the ListWorkflowExecutions example: not host results at all.
    let d: SearchWorkflowExecutionDetailResponse = serde_json::from_value(json!({
        "execution_result_list": [
            {"node_id": "delete-workload-pod", "output": {"success": [{"app": "web", "replicas": 2, "matchLabels": "{\"app\":\"web\"}"}]}},
            {"node_id": "odd", "output": "plain text output"}
        ]
    }))
    .unwrap();
    let nodes = d.execution_result_list.unwrap();
    assert_eq!(
        nodes[0].output.as_ref().unwrap()["success"][0]["replicas"],
        json!(2)
    );
    assert_eq!(nodes[1].output, Some(json!("plain text output")));
}

#[test]
fn every_documented_error_body_decodes() {
    let cases: Vec<Value> = serde_json::from_str(ERRORS).unwrap();
    assert!(cases.len() >= 9);
    for case in cases {
        let source = case["source"].as_str().unwrap();
        let body: ErrorBody = serde_json::from_value(case["body"].clone()).unwrap();
        assert_eq!(
            body.code(),
            case["code"].as_str().map(str::trim),
            "{source}"
        );
        assert_eq!(body.message(), case["message"].as_str(), "{source}");
        if let Some(code) = case["http_code"].as_i64() {
            assert_eq!(body.http_code, Some(code as i32), "{source}");
        }
        if let Some(id) = case["request_id"].as_str() {
            assert_eq!(body.request_id.as_deref(), Some(id), "{source}");
        }
        if let Some(n) = case["normalized_code"].as_str() {
            assert_eq!(body.normalized_code().as_deref(), Some(n), "{source}");
        }
    }
}

#[test]
fn error_body_keeps_unknown_fields_and_never_fails() {
    let body: ErrorBody = serde_json::from_value(json!({
        "error_code": "AOM.1", "error_msg": "m", "http_code": "not a number", "encoded_authorization_message": "x"
    }))
    .unwrap();
    assert_eq!(body.http_code, None);
    assert_eq!(body.extra["http_code"], json!("not a number"));
    assert_eq!(body.extra["encoded_authorization_message"], json!("x"));
    for odd in [
        json!(null),
        json!([1, 2]),
        json!("text"),
        json!(42),
        json!({}),
    ] {
        let _: ErrorBody = serde_json::from_value(odd).unwrap();
    }
    let text: ErrorBody = serde_json::from_value(json!("Bad Gateway")).unwrap();
    assert_eq!(text.message(), Some("Bad Gateway"));
}

#[test]
fn execution_history_reads_both_documented_spellings() {
    let list: Vec<WorkflowExecutionBrief> = serde_json::from_value(json!([
        {"execution_id": "e1", "create_by": "alice", "workflowEditTime": 5, "status": "success"},
        {"execution_id": "e2", "created_by": "bob", "workflow_edit_time": 6}
    ]))
    .unwrap();
    assert_eq!(list[0].created_by.as_deref(), Some("alice"));
    assert_eq!(list[0].workflow_edit_time, Some(5));
    assert_eq!(list[1].created_by.as_deref(), Some("bob"));
    assert_eq!(list[1].workflow_edit_time, Some(6));
    // The table's spelling is the one written.
    let out = serde_json::to_value(&list[0]).unwrap();
    assert_eq!(out["created_by"], json!("alice"));
    assert!(out.get("create_by").is_none());
}
