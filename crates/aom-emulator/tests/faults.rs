//! Each fault kind, before and after the handler, per route, by rate and by count, set at start
//! and through the admin endpoint.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use aom_api::Error;
use aom_emulator::{AdminState, FaultSpec};
use common::*;
use reqwest::Method;
use serde_json::{Value, json};

async fn admin(
    emu: &aom_emulator::EmulatorHandle,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new().request(method, format!("{}{path}", emu.admin_url()));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

async fn state(emu: &aom_emulator::EmulatorHandle) -> AdminState {
    let (status, body) = admin(emu, Method::GET, "/state", None).await;
    assert_eq!(status, 200);
    serde_json::from_value(body).unwrap()
}

#[tokio::test]
async fn a_5xx_before_the_handler_creates_nothing_and_after_it_does() {
    let emu = start().await;
    let project = emu.project_client();
    let workflow = create_workflow(&project, "flaky", json!({})).await;

    emu.add_fault_spec("kind=status:503,route=execute_workflow,next=1")
        .unwrap();
    let (status, body) = error_of(
        project
            .execute_workflow()
            .workflow_id(&*workflow)
            .send()
            .await,
    );
    assert_eq!((status, body.code()), (503, Some("AOM.31001405")));
    assert!(
        !state(&emu)
            .await
            .executions_per_workflow
            .contains_key(&workflow),
        "nothing ran"
    );
    execute(&project, &workflow).await; // the rule is spent
    assert_eq!(state(&emu).await.executions_per_workflow[&workflow], 1);

    emu.add_fault_spec("kind=status:500,route=execute_workflow,next=1,when=after")
        .unwrap();
    let (status, _) = error_of(
        project
            .execute_workflow()
            .workflow_id(&*workflow)
            .send()
            .await,
    );
    assert_eq!(status, 500);
    let after = state(&emu).await;
    assert_eq!(
        after.executions_per_workflow[&workflow], 2,
        "the handler ran; the answer was lost"
    );
    assert_eq!(after.faults_injected_total, 2);
    assert_eq!(after.faults_injected[0].when, "before");
    assert_eq!(after.faults_injected[1].when, "after");
    assert_eq!(after.faults_injected[1].operation, "execute_workflow");
    assert_eq!(after.active_fault_rules, 0);
    // Other routes are untouched.
    emu.add_fault_spec("kind=status:502,route=execute_workflow")
        .unwrap();
    assert!(
        project
            .list_all_job_by_name()
            .body(job_search())
            .send()
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn throttling_is_429_with_retry_after() {
    let emu = builder()
        .fault(
            FaultSpec::new("throttle:7")
                .route("list_all_job_by_name")
                .next(1),
        )
        .start()
        .await
        .unwrap();
    let answer = signed(
        &emu,
        Method::POST,
        &api(&emu, "job/list"),
        Some(serde_json::to_value(job_search()).unwrap()),
    )
    .await;
    assert_eq!(answer.status, 429);
    assert_eq!(answer.headers["retry-after"], "7");
    let body = answer.error();
    assert_eq!(body.code(), Some("APIGW.0308"));
    assert_eq!(
        body.request_id.as_deref(),
        answer.headers["x-request-id"].to_str().ok()
    );
}

async fn raw_get(
    emu: &aom_emulator::EmulatorHandle,
    path: &str,
) -> Result<(u16, Vec<u8>), reqwest::Error> {
    let credentials = emu.credentials().into();
    let mut request =
        reqwest::Request::new(Method::GET, format!("{}{path}", emu.url()).parse().unwrap());
    aom_auth::Signer::default()
        .sign_reqwest(&mut request, &credentials)
        .unwrap();
    let response = reqwest::Client::new().execute(request).await?;
    let status = response.status().as_u16();
    Ok((status, response.bytes().await?.to_vec()))
}

#[tokio::test]
async fn connection_resets_before_and_after() {
    let emu = start().await;
    let project = emu.project_client();
    let workflow = create_workflow(&project, "resets", json!({})).await;
    emu.add_fault_spec("reset,route=execute_workflow,next=1")
        .unwrap();
    let err = project
        .execute_workflow()
        .workflow_id(&*workflow)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::CommunicationError(_)), "{err:?}");
    assert!(!emu.state().executions_per_workflow.contains_key(&workflow));

    emu.add_fault_spec("reset,route=execute_workflow,next=1,when=after")
        .unwrap();
    let err = project
        .execute_workflow()
        .workflow_id(&*workflow)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::CommunicationError(_)), "{err:?}");
    assert_eq!(
        emu.state().executions_per_workflow[&workflow],
        1,
        "executed, answer lost"
    );
    // The server keeps serving.
    execute(&project, &workflow).await;
}

#[tokio::test]
async fn truncated_malformed_and_slow_bodies() {
    let emu = start().await;
    let project = emu.project_client();
    let workflow = create_workflow(&project, "bodies", json!({})).await;
    let execution = execute(&project, &workflow).await;
    let path = api(
        &emu,
        &format!("workflow/{workflow}/executions/{execution}/status"),
    );
    let (_, intact) = raw_get(&emu, &path).await.unwrap();

    emu.add_fault_spec("truncate,route=search_workflow_execution_detail,next=1")
        .unwrap();
    let truncated = raw_get(&emu, &path).await;
    assert!(truncated.is_err(), "the body is cut short: {truncated:?}");
    let err = detail_err(&project, &workflow, &execution).await;
    assert!(err.is_none(), "the rule is spent");

    emu.add_fault_spec("malformed,route=search_workflow_execution_detail,next=1")
        .unwrap();
    let (status, body) = raw_get(&emu, &path).await.unwrap();
    assert_eq!(status, 200);
    assert!(serde_json::from_slice::<Value>(&body).is_err());
    emu.add_fault_spec("malformed,route=search_workflow_execution_detail,next=1")
        .unwrap();
    let err = detail_err(&project, &workflow, &execution).await.unwrap();
    assert!(matches!(err, Error::InvalidResponsePayload(..)), "{err:?}");

    emu.add_fault_spec("slow:40,route=search_workflow_execution_detail,next=1")
        .unwrap();
    let started = Instant::now();
    let (status, body) = raw_get(&emu, &path).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(7 * 40),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(status, 200);
    // Delivered whole: it parses, and it is the same execution with the same fields (the
    // execution keeps running, so lengths and times may differ from the earlier read).
    let slow: Value = serde_json::from_slice(&body).unwrap();
    let intact: Value = serde_json::from_slice(&intact).unwrap();
    let keys = |v: &Value| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>());
    assert_eq!(keys(&slow), keys(&intact));
    assert_eq!(slow["execution_id"], intact["execution_id"]);
}

async fn detail_err(
    project: &aom_api::ProjectClient,
    workflow: &str,
    execution: &str,
) -> Option<Error<aom_api::ErrorBody>> {
    project
        .search_workflow_execution_detail()
        .workflow_id(workflow)
        .execution_id(execution)
        .send()
        .await
        .err()
}

#[tokio::test]
async fn latency_before_and_after() {
    let emu = start().await;
    let project = emu.project_client();
    for when in ["before", "after"] {
        emu.clear_faults();
        emu.add_fault_spec(&format!("latency:150,when={when}"))
            .unwrap();
        let started = Instant::now();
        project
            .list_all_job_by_name()
            .body(job_search())
            .send()
            .await
            .unwrap();
        assert!(started.elapsed() >= Duration::from_millis(150), "{when}");
    }
}

#[tokio::test]
async fn rates_are_deterministic_under_the_seed_and_routes_match_paths() {
    async fn pattern(seed: u64) -> Vec<bool> {
        let emu = builder()
            .seed(seed)
            .fault(FaultSpec::new("status:503").rate(0.5))
            .start()
            .await
            .unwrap();
        let project = emu.project_client();
        let mut hits = Vec::new();
        for _ in 0..24 {
            hits.push(
                project
                    .list_all_job_by_name()
                    .body(job_search())
                    .send()
                    .await
                    .is_err(),
            );
        }
        assert_eq!(
            emu.state().faults_injected_total,
            hits.iter().filter(|h| **h).count() as u64
        );
        hits
    }
    let a = pattern(3).await;
    assert_eq!(a, pattern(3).await);
    assert_ne!(a, pattern(4).await);
    assert!(a.contains(&true) && a.contains(&false));

    let emu = start().await;
    let project = emu.project_client();
    emu.add_fault_spec("kind=status:504,route=/v1/*/cms/job/**,method=POST")
        .unwrap();
    let (status, _) = error_of(
        project
            .list_all_job_by_name()
            .body(job_search())
            .send()
            .await,
    );
    assert_eq!(status, 504);
    assert!(
        project
            .list_workflow_executions()
            .workflow_id("x")
            .send()
            .await
            .is_err_and(|e| { e.status().map(|s| s.as_u16()) == Some(404) })
    );
}

#[tokio::test]
async fn faults_never_apply_to_refused_requests_or_the_admin_endpoint() {
    let emu = builder()
        .fault(FaultSpec::new("status:503"))
        .start()
        .await
        .unwrap();
    let answer = send(&emu, Method::POST, &api(&emu, "job/list"), None, None).await;
    assert_eq!(answer.status, 401);
    let answer = send(&emu, Method::GET, "/nowhere", None, None).await;
    assert_eq!(answer.status, 404);
    assert_eq!(state(&emu).await.faults_injected_total, 0);
}

#[tokio::test]
async fn the_admin_endpoint_adds_lists_and_clears_rules() {
    let emu = start().await;
    let (status, body) = admin(
        &emu,
        Method::POST,
        "/faults",
        Some(json!([
            {"kind": "status:503", "route": "execute_workflow", "next": 2, "when": "after"},
            "latency:5,rate=0.5",
            {"spec": "reset,route=stop_execution"}
        ])),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["added"], json!([1, 2, 3]));
    let s = state(&emu).await;
    assert_eq!(s.fault_rules.len(), 3);
    assert_eq!(s.active_fault_rules, 3);
    assert_eq!(
        s.fault_rules[0].spec,
        "kind=status:503,route=execute_workflow,next=2,when=after"
    );
    assert_eq!(s.fault_rules[0].remaining, Some(2));

    for bad in [
        json!({"kind": "explode"}),
        json!({"kind": "reset", "colour": "red"}),
        json!(5),
        json!("status:99"),
    ] {
        let (status, body) = admin(&emu, Method::POST, "/faults", Some(bad.clone())).await;
        assert_eq!(status, 400, "{bad}");
        assert_eq!(body["error_code"], "EMULATOR.0400");
    }
    assert_eq!(
        state(&emu).await.fault_rules.len(),
        3,
        "a bad batch adds nothing"
    );

    let (status, listed) = admin(&emu, Method::GET, "/faults", None).await;
    assert_eq!(status, 200);
    assert_eq!(listed["fault_rules"].as_array().unwrap().len(), 3);
    let (status, _) = admin(&emu, Method::DELETE, "/faults/2", None).await;
    assert_eq!(status, 200);
    let (status, _) = admin(&emu, Method::DELETE, "/faults/2", None).await;
    assert_eq!(status, 404);
    let (status, body) = admin(&emu, Method::DELETE, "/faults", None).await;
    assert_eq!((status, body), (200, json!({"cleared": 2})));
    assert!(state(&emu).await.fault_rules.is_empty());

    let (status, hosts) = admin(&emu, Method::GET, "/hosts", None).await;
    assert_eq!(status, 200);
    assert_eq!(hosts.as_array().unwrap().len(), 30);
}
