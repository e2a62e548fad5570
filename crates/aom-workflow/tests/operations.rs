//! Every operation of the API through `aom-workflow`, against the emulator over HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test fails

mod common;

use std::time::Duration;

use aom_workflow::model::{
    ListTemplateByJobIdRequestBody, SearchJobsRequestBody, SearchScriptsRequestBody, ShareType,
    SortColumn, WorkflowQueryParam,
};
use aom_workflow::{ExecutionStatus, NewWorkflow, NodeStatus, Workflows};
use common::*;
use futures_util::TryStreamExt as _;
use serde_json::json;

fn scripts_query(script_id: &str) -> SearchScriptsRequestBody {
    serde_json::from_value(json!({
        "script_id": script_id,
        "order_by_column": "name",
        "sort_order": "ASC",
        "is_default": if script_id == "all" { "default" } else { "no_default" },
    }))
    .unwrap()
}

#[tokio::test]
async fn workflows_create_list_page_and_trigger() {
    let (emu, client) = start().await;
    let targets = hosts(&emu, 2);
    for i in 0..5 {
        create(
            &client,
            workflow(&format!("nightly-{i}"), &targets, json!({})),
        )
        .await;
    }
    let query = WorkflowQueryParam {
        page: Some(1),
        size: std::num::NonZeroU32::new(2),
        ..Workflows::query()
    };
    let page = client.workflows().list(query.clone()).await.unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.total, Some(5));

    let all: Vec<_> = client
        .workflows()
        .list_all(query)
        .try_collect()
        .await
        .unwrap();
    let mut names: Vec<_> = all.iter().map(|w| w.name.clone().unwrap()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "nightly-0",
            "nightly-1",
            "nightly-2",
            "nightly-3",
            "nightly-4"
        ]
    );

    let cron = workflow("scheduled", &targets, json!({})).cron();
    let id = create(&client, cron).await;
    let answer = client.workflows().set_trigger(&id, false).await.unwrap();
    assert_eq!(answer, r#"{"success"}"#);
    client.workflows().set_trigger(&id, true).await.unwrap();
}

#[tokio::test]
async fn execute_history_detail_and_wait() {
    let (emu, client) = start().await;
    let targets = hosts(&emu, 3);
    let id = create(
        &client,
        workflow("deploy", &targets, json!({"host_seconds": 30})),
    )
    .await;

    let execution_id = client.workflows().execute(&id).await.unwrap();
    let done = client
        .executions()
        .wait(&id, &execution_id)
        .poll_policy(fast_poll())
        .deadline(Duration::from_secs(20))
        .await
        .unwrap();
    assert_eq!(done.status, ExecutionStatus::Success);
    assert!(done.is_finished() && done.is_success());
    assert_eq!(done.counts().success, 3);
    assert_eq!(done.failed_hosts().count(), 0);
    let node = &done.nodes[0];
    assert_eq!(node.status, NodeStatus::Success);
    let host = &node.hosts.as_ref().unwrap().success[0];
    assert_eq!(host.exit_code(), Some(0));
    assert!(host.ip().is_some());
    assert!(host.execute_time().is_some());
    assert!(done.duration().is_some());

    let history = client.executions().list(&id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        history[0].execution_id.as_deref(),
        Some(execution_id.as_str())
    );
    assert_eq!(history[0].status, ExecutionStatus::Success);
    assert!(history[0].created_by.is_some(), "{:?}", history[0]);
    assert!(history[0].duration().is_some());
    let json = serde_json::to_string(&history).unwrap();
    let back: Vec<aom_workflow::ExecutionSummary> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, history);

    let again = client.executions().get(&id, &execution_id).await.unwrap();
    assert_eq!(again.status, ExecutionStatus::Success);
    assert_eq!(emu.state().executions_per_workflow[&id], 1);
}

#[tokio::test]
async fn failed_hosts_restart_skip_continue_and_terminate() {
    let (emu, client) = start().await;
    let targets = hosts(&emu, 3);
    let bad = targets[1].clone();

    // A failing host: the execution fails; restart runs the node again and it recovers.
    let id = create(
        &client,
        workflow(
            "flaky",
            &targets,
            json!({"fail_hosts": [bad], "host_seconds": 30}),
        ),
    )
    .await;
    let failed = client
        .workflows()
        .execute_and_wait(&id)
        .poll_policy(fast_poll())
        .deadline(Duration::from_secs(20))
        .await
        .unwrap();
    assert_eq!(failed.status, ExecutionStatus::Fail);
    let failures: Vec<_> = failed.failed_hosts().collect();
    assert_eq!(failures.len(), 1);
    let (node_id, host) = failures[0];
    assert_eq!(host.id(), bad);
    assert_ne!(host.exit_code(), Some(0));
    // The typed execution is the JSON the CLI prints: it reads back into an equal value, per-host
    // results and raw outputs included.
    let json = serde_json::to_string(&failed).unwrap();
    let back: aom_workflow::Execution = serde_json::from_str(&json).unwrap();
    assert_eq!(back, failed);
    assert!(json.contains(&format!("\"id\":\"{bad}\"")), "{json}");
    let ex = failed.execution_id.clone().unwrap();
    client
        .executions()
        .restart_node(&id, &ex, node_id)
        .await
        .unwrap();
    let recovered = client
        .executions()
        .wait(&id, &ex)
        .poll_policy(fast_poll())
        .deadline(Duration::from_secs(20))
        .await
        .unwrap();
    assert_eq!(recovered.status, ExecutionStatus::Success, "{recovered:#?}");

    // A pause node: wait until it pauses, continue, and it finishes.
    let paused_wf = create(
        &client,
        workflow(
            "gated",
            &targets,
            json!({"host_seconds": 10, "nodes": ["prepare", {"id": "approve", "pause": true}, "apply"]}),
        ),
    )
    .await;
    let at_pause = client
        .workflows()
        .execute_and_wait(&paused_wf)
        .poll_policy(fast_poll())
        .deadline(Duration::from_secs(20))
        .until(|e| e.paused_node().is_some() || e.is_finished())
        .await
        .unwrap();
    assert_eq!(at_pause.status, ExecutionStatus::Pausing);
    let ex = at_pause.execution_id.clone().unwrap();
    client
        .executions()
        .continue_node(&paused_wf, &ex, "approve")
        .await
        .unwrap();
    let done = client
        .executions()
        .wait(&paused_wf, &ex)
        .poll_policy(fast_poll())
        .deadline(Duration::from_secs(20))
        .await
        .unwrap();
    assert_eq!(done.status, ExecutionStatus::Success);

    // A failure that pauses: skip the failed node.
    let skip_wf = create(
        &client,
        workflow(
            "skippable",
            &targets,
            json!({"fail_hosts": [targets[0]], "fail_nodes": ["one"], "on_failure": "pause", "host_seconds": 10, "nodes": ["one", "two"]}),
        ),
    )
    .await;
    let stuck = client
        .workflows()
        .execute_and_wait(&skip_wf)
        .poll_policy(fast_poll())
        .deadline(Duration::from_secs(20))
        .until(|e| e.status == ExecutionStatus::Pausing || e.is_finished())
        .await
        .unwrap();
    let ex = stuck.execution_id.clone().unwrap();
    client
        .executions()
        .skip_node(&skip_wf, &ex, "one")
        .await
        .unwrap();
    let after_skip = client
        .executions()
        .wait(&skip_wf, &ex)
        .poll_policy(fast_poll())
        .deadline(Duration::from_secs(20))
        .await
        .unwrap();
    assert_eq!(after_skip.node("one").unwrap().status, NodeStatus::Skip);
    assert_eq!(after_skip.node("two").unwrap().status, NodeStatus::Success);

    // Terminate a long execution.
    let long_wf = create(
        &client,
        workflow("long", &targets, json!({"host_seconds": 36000})),
    )
    .await;
    let ex = client.workflows().execute(&long_wf).await.unwrap();
    client.executions().terminate(&long_wf, &ex).await.unwrap();
    let cancelled = client.executions().get(&long_wf, &ex).await.unwrap();
    assert_eq!(cancelled.status, ExecutionStatus::Cancel);
    assert!(cancelled.is_finished());
}

#[tokio::test]
async fn jobs_scripts_versions_and_templates() {
    let (_emu, client) = start().await;
    let jobs = client.jobs().list(jobs_query()).await.unwrap();
    assert!(jobs.items.len() >= 2);
    let all_jobs: Vec<_> = client
        .jobs()
        .list_all(SearchJobsRequestBody {
            page_size: std::num::NonZeroU32::new(1),
            ..jobs_query()
        })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        all_jobs.len(),
        jobs.items.len(),
        "one page at a time, nothing lost"
    );

    let job_id = jobs.items[0].id.clone().unwrap();
    let templates = client
        .templates()
        .list_for_job(
            &job_id,
            ListTemplateByJobIdRequestBody {
                name: None,
                page_num: None,
                page_size: None,
                order_by_column: SortColumn::Name,
                sort_order: None,
            },
        )
        .await
        .unwrap();
    assert!(!templates.items.is_empty());
    let template = &templates.items[0];
    let share = match template.share_type.as_deref() {
        Some("public") => ShareType::Public,
        _ => ShareType::Private,
    };
    let fetched = client
        .templates()
        .get(template.id.as_deref().unwrap(), share)
        .await
        .unwrap();
    assert_eq!(fetched.id, template.id);

    let scripts = client.scripts().list(scripts_query("all")).await.unwrap();
    assert!(scripts.items.len() >= 2);
    let script_id = scripts.items[0].id.clone().unwrap();
    let versions: Vec<_> = client
        .scripts()
        .versions_all(scripts_query(&script_id))
        .try_collect()
        .await
        .unwrap();
    assert!(versions.len() >= 2);
    assert!(
        versions
            .iter()
            .all(|v| v.script_id.as_deref() == Some(script_id.as_str()))
    );
}

#[tokio::test]
async fn validation_errors_are_raised_before_anything_is_sent() {
    let (emu, client) = start().await;
    let before = emu.state().requests;
    let long = "x".repeat(65);
    for err in [
        client.workflows().execute(&long).await.unwrap_err(),
        client.workflows().execute("").await.unwrap_err(),
        client.executions().get("wf", &long).await.unwrap_err(),
        client
            .executions()
            .act("wf", "ex", &long, aom_workflow::NodeAction::Skip)
            .await
            .unwrap_err(),
        client
            .jobs()
            .list(SearchJobsRequestBody {
                page_size: std::num::NonZeroU32::new(500),
                ..jobs_query()
            })
            .await
            .unwrap_err(),
    ] {
        let aom_workflow::Error::Validation { field, rule } = &err else {
            panic!("{err:?}")
        };
        assert!(!field.is_empty() && !rule.is_empty(), "{err}");
    }
    let err = client.workflows().execute(&long).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid workflow_id: must be 1-64 characters, got 65"
    );
    let err = client
        .jobs()
        .list(SearchJobsRequestBody {
            page_size: std::num::NonZeroU32::new(500),
            ..jobs_query()
        })
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid body.page_size: must be between 1 and 101, got 500"
    );
    let client = &client;
    let named = |w: NewWorkflow| async move {
        match client.workflows().create(w).await.unwrap_err() {
            aom_workflow::Error::Validation { field, rule } => (field, rule),
            other => panic!("{other:?}"),
        }
    };
    let hosts = ["ecs-1"];
    let (field, _) = named(NewWorkflow::run_script(&long).hosts(hosts)).await;
    assert_eq!(field, "body.name");
    let (field, _) = named(NewWorkflow::run_script("has spaces").hosts(hosts)).await;
    assert_eq!(field, "body.name");
    let (field, _) = named(
        NewWorkflow::run_script("ok")
            .hosts(hosts)
            .description("d".repeat(129)),
    )
    .await;
    assert_eq!(field, "body.description");
    let many_tags = (0..21).fold(NewWorkflow::run_script("ok"), |w, i| {
        w.tag(format!("k{i}"), "v")
    });
    let (field, rule) = named(many_tags).await;
    assert_eq!(
        (field.as_str(), rule.as_str()),
        ("body.tags", "at most 20 tags, got 21")
    );
    assert_eq!(emu.state().requests, before, "nothing reached the emulator");
}

#[tokio::test]
async fn api_errors_carry_status_code_message_and_request_id() {
    let (_emu, client) = start().await;
    let err = client
        .executions()
        .get("no-such-workflow", "no-such-execution")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    assert!(err.code().is_some(), "{err}");
    assert!(err.request_id().is_some(), "{err}");
    assert!(!err.is_retryable());
    let text = err.to_string();
    assert!(
        text.starts_with("search_workflow_execution_detail: HTTP 404"),
        "{text}"
    );
}
