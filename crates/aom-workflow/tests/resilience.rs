//! Faults, retries, timeouts and waits against the emulator: a wait survives every fault kind,
//! state-changing calls are never executed twice, and every time limit is honoured.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test fails

mod common;

use std::time::{Duration, Instant};

use aom_workflow::{Client, Error, ExecutionStatus, TimeoutKind, WaitFailure};
use common::*;
use futures_util::StreamExt as _;
use serde_json::json;

#[tokio::test]
async fn a_wait_ends_right_through_every_fault_kind() {
    let (emu, client) = start().await;
    let targets = hosts(&emu, 3);
    let wf = create(
        &client,
        workflow(
            "faulty",
            &targets,
            json!({"fail_hosts": [targets[2]], "host_seconds": 60}),
        ),
    )
    .await;
    for spec in [
        "kind=status:503,route=search_workflow_execution_detail,next=3",
        "kind=status:500,route=search_workflow_execution_detail,rate=0.5,next=6",
        "kind=throttle:0,route=search_workflow_execution_detail,next=3",
        "kind=reset,route=search_workflow_execution_detail,next=3",
        "kind=truncate,route=search_workflow_execution_detail,next=3",
        "kind=malformed,route=search_workflow_execution_detail,next=2",
        "kind=slow:5,route=search_workflow_execution_detail,next=3",
        "kind=latency:30,route=search_workflow_execution_detail,next=5",
    ] {
        emu.clear_faults();
        let ex = client.workflows().execute(&wf).await.unwrap();
        emu.add_fault_spec(spec).unwrap();
        let done = client
            .executions()
            .wait(&wf, &ex)
            .poll_policy(fast_poll())
            .deadline(Duration::from_secs(20))
            .await
            .unwrap_or_else(|e| panic!("{spec}: {e}"));
        assert_eq!(done.status, ExecutionStatus::Fail, "{spec}");
        let failed: Vec<_> = done
            .failed_hosts()
            .map(|(_, h)| h.id().to_string())
            .collect();
        assert_eq!(failed, [targets[2].clone()], "{spec}");
        assert_eq!(done.counts().success, 2, "{spec}");
    }
    let state = emu.state();
    let kinds: std::collections::BTreeSet<&str> = state
        .faults_injected
        .iter()
        .map(|i| i.kind.as_str())
        .collect();
    for kind in [
        "status:503",
        "throttle:0",
        "reset",
        "truncate",
        "malformed",
        "slow:5",
        "latency:30",
    ] {
        assert!(
            kinds.contains(kind),
            "{kind} was injected during a wait: {kinds:?}"
        );
    }
    assert_eq!(state.executions_per_workflow[&wf], 8);
}

#[tokio::test]
async fn execute_is_never_sent_twice_when_it_may_have_run() {
    let (emu, client) = start().await;
    let wf = create(&client, workflow("once", &hosts(&emu, 1), json!({}))).await;
    let count = || {
        emu.state()
            .executions_per_workflow
            .get(&wf)
            .copied()
            .unwrap_or(0)
    };

    // A 5xx before the handler: nothing ran, and the client does not retry a 5xx on execute.
    emu.add_fault_spec("kind=status:503,route=execute_workflow,next=1")
        .unwrap();
    let err = client.workflows().execute(&wf).await.unwrap_err();
    assert_eq!(err.status(), Some(503), "{err}");
    assert!(err.is_retryable(), "the caller may decide to retry");
    assert_eq!(count(), 0);

    // A 5xx after the handler ran: one execution exists, and the client did not add a second.
    emu.add_fault_spec("kind=status:502,route=execute_workflow,when=after,next=1")
        .unwrap();
    let err = client.workflows().execute(&wf).await.unwrap_err();
    assert_eq!(err.status(), Some(502), "{err}");
    assert_eq!(count(), 1);

    // A connection reset after the handler ran: same.
    emu.add_fault_spec("kind=reset,route=execute_workflow,when=after,next=1")
        .unwrap();
    let err = client.workflows().execute(&wf).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                maybe_processed: true,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("(the request may have been processed)"),
        "{err}"
    );
    assert_eq!(count(), 2);

    // Nothing listens: the message says what happened, and nothing can have been processed.
    let nowhere = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let closed = format!("http://{}", nowhere.local_addr().unwrap());
    drop(nowhere);
    let offline = Client::builder()
        .endpoint(closed)
        .credentials(emu.credentials())
        .retry_policy(aom_workflow::RetryPolicy::disabled())
        .build()
        .await
        .unwrap();
    let err = offline.workflows().execute(&wf).await.unwrap_err();
    let text = err.to_string();
    assert!(text.to_lowercase().contains("refused"), "{text}");
    assert!(!text.contains("may have been processed"), "{text}");

    // Throttled by the gateway: AOM never saw it, so it is retried and runs exactly once.
    emu.add_fault_spec("kind=throttle:0,route=execute_workflow,next=2")
        .unwrap();
    client.workflows().execute(&wf).await.unwrap();
    assert_eq!(count(), 3);

    // Reads are retried through 5xx and resets.
    emu.add_fault_spec("kind=status:503,route=list_workflow_executions,next=1")
        .unwrap();
    emu.add_fault_spec("kind=reset,route=list_workflow_executions,next=1")
        .unwrap();
    assert_eq!(client.executions().list(&wf).await.unwrap().len(), 3);
}

#[tokio::test]
async fn retry_after_is_honoured_and_the_budget_is_bounded() {
    let (emu, client) = start().await;
    emu.add_fault_spec("kind=throttle:1,route=list_all_job_by_name,next=1")
        .unwrap();
    let started = Instant::now();
    client.jobs().list(jobs_query()).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited for Retry-After"
    );

    emu.add_fault_spec("kind=status:503,route=list_all_job_by_name")
        .unwrap();
    let before = emu.state().requests;
    let err = client.jobs().list(jobs_query()).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(
        emu.state().requests - before,
        3,
        "three attempts, then the error"
    );
}

#[tokio::test]
async fn attempt_and_operation_timeouts_are_honoured() {
    let emu = emulator().start().await.unwrap();
    let client = client_for(&emu)
        .attempt_timeout(Duration::from_millis(100))
        .operation_timeout(Duration::from_millis(450))
        .build()
        .await
        .unwrap();
    emu.add_fault_spec("kind=latency:2000,route=list_all_job_by_name")
        .unwrap();
    let started = Instant::now();
    let err = client.jobs().list(jobs_query()).await.unwrap_err();
    let took = started.elapsed();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(
        took < Duration::from_millis(1500),
        "gave up in time: {took:?}"
    );

    // A state-changing call that times out in flight is reported as possibly processed.
    emu.add_fault_spec("kind=latency:2000,route=execute_workflow")
        .unwrap();
    let wf = create(&client, workflow("slow", &hosts(&emu, 1), json!({}))).await;
    let err = client.workflows().execute(&wf).await.unwrap_err();
    let Error::Timeout {
        kind,
        maybe_processed,
        ..
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(kind, TimeoutKind::Attempt);
    assert!(maybe_processed);
}

#[tokio::test]
async fn a_deadline_ends_the_wait_with_the_last_state() {
    let (emu, client) = start().await;
    let wf = create(
        &client,
        workflow("endless", &hosts(&emu, 2), json!({"host_seconds": 36000})),
    )
    .await;
    let ex = client.workflows().execute(&wf).await.unwrap();
    let started = Instant::now();
    let err = client
        .executions()
        .wait(&wf, &ex)
        .poll_policy(fast_poll())
        .deadline(Duration::from_millis(150))
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    let Error::Wait {
        waited,
        last,
        reason,
        execution_id,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert!(matches!(reason, WaitFailure::Deadline));
    assert!(*waited >= Duration::from_millis(150));
    assert_eq!(execution_id, &ex);
    assert_eq!(last.as_ref().unwrap().status, ExecutionStatus::Executing);
    assert!(err.to_string().contains("last status: executing"), "{err}");

    // A poll error that cannot be retried ends the wait at once, with the last state seen.
    emu.add_fault_spec("kind=status:403,route=search_workflow_execution_detail,next=1")
        .unwrap();
    let err = client
        .executions()
        .wait(&wf, &ex)
        .poll_policy(fast_poll())
        .deadline(Duration::from_secs(5))
        .await
        .unwrap_err();
    let Error::Wait {
        reason: WaitFailure::Poll(inner),
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(inner.status(), Some(403));
    assert_eq!(err.status(), Some(403));
}

#[tokio::test]
async fn the_stream_yields_only_changes_and_ends_with_the_result() {
    let (emu, client) = start().await;
    let wf = create(
        &client,
        workflow(
            "stream",
            &hosts(&emu, 3),
            json!({"host_seconds": 60, "nodes": ["a", "b"]}),
        ),
    )
    .await;
    let ex = client.workflows().execute(&wf).await.unwrap();
    let snapshots: Vec<_> = client
        .executions()
        .wait(&wf, &ex)
        .poll_policy(fast_poll())
        .deadline(Duration::from_secs(20))
        .stream()
        .map(|r| r.unwrap())
        .collect()
        .await;
    assert!(snapshots.len() >= 2, "{}", snapshots.len());
    for pair in snapshots.windows(2) {
        let a = (
            &pair[0].status,
            pair[0]
                .nodes
                .iter()
                .map(|n| (&n.status, n.hosts.as_ref().map(|h| h.counts())))
                .collect::<Vec<_>>(),
        );
        let b = (
            &pair[1].status,
            pair[1]
                .nodes
                .iter()
                .map(|n| (&n.status, n.hosts.as_ref().map(|h| h.counts())))
                .collect::<Vec<_>>(),
        );
        assert_ne!(a, b, "consecutive snapshots differ");
    }
    assert_eq!(snapshots.last().unwrap().status, ExecutionStatus::Success);

    // The progress callback sees the same changes.
    let ex = client.workflows().execute(&wf).await.unwrap();
    let mut seen = Vec::new();
    let done = client
        .executions()
        .wait(&wf, &ex)
        .poll_policy(fast_poll())
        .deadline(Duration::from_secs(20))
        .on_progress(|e| seen.push(e.status.clone()))
        .await
        .unwrap();
    assert_eq!(seen.last(), Some(&done.status));
    assert!(seen.len() >= 2);
}
