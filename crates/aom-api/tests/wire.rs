//! The generated client over real HTTP against a stub server on 127.0.0.1: what goes on the wire,
//! how the hooks treat it, and how every kind of answer comes back.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test fails

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use aom_api::hooks::SignFuture;
use aom_api::types::{
    ExecutionAction, SortOrder, TriggerAction, WorkflowQueryParam, WorkflowSortField,
};
use aom_api::{Client, ClientConfig, Error, ProjectClient, RequestSigner};
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";

/// A queued answer: status, content type, body.
type Answer = (u16, &'static str, String);

/// What the stub server received.
#[derive(Clone, Debug)]
struct Received {
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
}

#[derive(Clone, Default)]
struct Stub {
    received: Arc<Mutex<Vec<Received>>>,
    answers: Arc<Mutex<VecDeque<Answer>>>,
}

impl Stub {
    fn answer(&self, status: u16, content_type: &'static str, body: impl Into<String>) {
        self.answers
            .lock()
            .unwrap()
            .push_back((status, content_type, body.into()));
    }
    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

async fn handle(
    axum::extract::State(stub): axum::extract::State<Stub>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    stub.received.lock().unwrap().push(Received {
        method,
        uri,
        headers,
        body,
    });
    let next = stub.answers.lock().unwrap().pop_front();
    match next {
        Some((status, content_type, body)) => (
            StatusCode::from_u16(status).unwrap(),
            [("content-type", content_type), ("x-request-id", "req-123")],
            body,
        )
            .into_response(),
        None => (StatusCode::IM_A_TEAPOT, "no answer queued").into_response(),
    }
}

async fn start() -> (String, Stub) {
    let stub = Stub::default();
    let app = axum::Router::new()
        .fallback(handle)
        .with_state(stub.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), stub)
}

/// A signer that stamps each request with a counter, so tests can see it ran on every send.
#[derive(Debug, Default)]
struct CountingSigner {
    calls: AtomicUsize,
}

impl RequestSigner for CountingSigner {
    fn sign<'a>(&'a self, request: &'a mut reqwest::Request) -> SignFuture<'a> {
        Box::pin(async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            request
                .headers_mut()
                .insert("authorization", format!("TEST-SIG n={n}").parse().unwrap());
            Ok(())
        })
    }
}

#[derive(Debug)]
struct FailingSigner;

impl RequestSigner for FailingSigner {
    fn sign<'a>(&'a self, _request: &'a mut reqwest::Request) -> SignFuture<'a> {
        Box::pin(async { Err("no credentials configured".into()) })
    }
}

fn project_client(base: &str, signer: Arc<dyn RequestSigner>) -> ProjectClient {
    let client = Client::new_with_client(
        base,
        reqwest::Client::new(),
        ClientConfig::with_signer(signer),
    );
    ProjectClient::new(client, PROJECT.parse().unwrap())
}

const SEED: &str = include_str!("fixtures/seed-execution-detail-200.json");

#[tokio::test]
async fn get_carries_hook_headers_and_decodes_the_seed_example() {
    let (base, stub) = start().await;
    let signer = Arc::new(CountingSigner::default());
    let pc = project_client(&base, signer.clone());
    stub.answer(200, "application/json;charset=UTF-8", SEED);

    let detail = pc
        .search_workflow_execution_detail()
        .workflow_id("wf-1")
        .execution_id("ex-1")
        .send()
        .await
        .unwrap();
    assert_eq!(detail.status().as_u16(), 200);
    assert_eq!(detail.headers()["x-request-id"], "req-123");
    assert_eq!(detail.status.as_deref(), Some("fail"));

    let r = &stub.received()[0];
    assert_eq!(r.method, Method::GET);
    assert_eq!(
        r.uri.path(),
        format!("/v1/{PROJECT}/cms/workflow/wf-1/executions/ex-1/status")
    );
    assert!(
        r.headers.get("api-version").is_none(),
        "progenitor's header is stripped"
    );
    assert_eq!(
        r.headers["content-type"], "application/json",
        "sent on GET too"
    );
    assert_eq!(r.headers["authorization"], "TEST-SIG n=1");
    assert!(r.body.is_empty());
}

#[tokio::test]
async fn every_send_is_signed_afresh() {
    let (base, stub) = start().await;
    let signer = Arc::new(CountingSigner::default());
    let pc = project_client(&base, signer.clone());
    let builder = pc.execute_workflow().workflow_id("wf-1");
    for _ in 0..3 {
        stub.answer(200, "application/json", r#"{"execution_id":"ex-9"}"#);
        let out = builder.clone().send().await.unwrap().into_inner();
        assert_eq!(out.execution_id.as_deref(), Some("ex-9"));
    }
    let sigs: Vec<String> = stub
        .received()
        .iter()
        .map(|r| r.headers["authorization"].to_str().unwrap().to_string())
        .collect();
    assert_eq!(sigs, ["TEST-SIG n=1", "TEST-SIG n=2", "TEST-SIG n=3"]);
    let r = &stub.received()[0];
    assert_eq!(r.method, Method::POST);
    assert_eq!(
        r.uri.path(),
        format!("/v1/{PROJECT}/cms/workflow/wf-1/executions")
    );
    assert!(r.body.is_empty(), "ExecuteWorkflow sends no body");
}

#[tokio::test]
async fn a_signing_failure_sends_nothing() {
    let (base, stub) = start().await;
    let pc = project_client(&base, Arc::new(FailingSigner));
    let err = pc
        .execute_workflow()
        .workflow_id("wf-1")
        .send()
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("could not authenticate execute_workflow"),
        "{text}"
    );
    assert!(text.contains("no credentials configured"), "{text}");
    assert!(stub.received().is_empty());
}

#[tokio::test]
async fn invalid_parameters_fail_before_sending() {
    let (base, stub) = start().await;
    let client = Client::new_with_client(&base, reqwest::Client::new(), ClientConfig::default());
    let too_short = "0123456789abcdef0123456789abcde";
    let err = client
        .search_workflow_execution_detail()
        .project_id(too_short)
        .workflow_id("wf")
        .execution_id("ex")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    assert!(err.to_string().contains("project_id"), "{err}");

    let err = client
        .search_workflow_execution_detail()
        .project_id(PROJECT)
        .workflow_id("w".repeat(65))
        .execution_id("ex")
        .send()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("workflow_id"), "{err}");
    assert!(
        "x".repeat(65)
            .parse::<aom_api::types::WorkflowId>()
            .is_err(),
        "1-64 characters"
    );
    assert!(stub.received().is_empty());
}

#[tokio::test]
async fn every_documented_error_keeps_status_code_message_and_request_id() {
    let cases: Vec<Value> = serde_json::from_str(include_str!("fixtures/errors.json")).unwrap();
    let (base, stub) = start().await;
    let pc = project_client(&base, Arc::new(CountingSigner::default()));
    for case in cases {
        let source = case["source"].as_str().unwrap();
        let status = case["status"].as_u64().unwrap() as u16;
        stub.answer(status, "application/json", case["body"].to_string());
        let err = pc
            .search_workflow_execution_detail()
            .workflow_id("wf")
            .execution_id("ex")
            .send()
            .await
            .unwrap_err();
        let Error::ErrorResponse(resp) = err else {
            panic!("{source}: {err:?}");
        };
        assert_eq!(resp.status().as_u16(), status, "{source}");
        assert_eq!(resp.headers()["x-request-id"], "req-123", "{source}");
        assert_eq!(
            resp.code(),
            case["code"].as_str().map(str::trim),
            "{source}"
        );
        assert_eq!(resp.message(), case["message"].as_str(), "{source}");
    }
}

#[tokio::test]
async fn a_non_json_error_keeps_its_status_and_text() {
    let (base, stub) = start().await;
    let pc = project_client(&base, Arc::new(CountingSigner::default()));
    for (status, body, message) in [
        (
            502,
            "<html><body>Bad Gateway</body></html>",
            Some("<html><body>Bad Gateway</body></html>"),
        ),
        (503, "", None),
        (429, "Too Many Requests", Some("Too Many Requests")),
    ] {
        stub.answer(status, "text/html", body);
        let err = pc
            .list_workflow_executions()
            .workflow_id("wf")
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{err:?}");
        let Error::ErrorResponse(resp) = err else {
            panic!("{err:?}")
        };
        assert_eq!(resp.message(), message);
    }
}

#[tokio::test]
async fn raw_text_answers_are_read_as_text() {
    let (base, stub) = start().await;
    let pc = project_client(&base, Arc::new(CountingSigner::default()));

    stub.answer(200, "application/json", r#"{"success"}"#);
    let resp = pc
        .update_workflow_trigger_status()
        .workflow_id("wf-1")
        .action(TriggerAction::Disable)
        .send()
        .await
        .unwrap();
    assert_eq!(
        aom_api::text::read_text(resp).await.unwrap(),
        r#"{"success"}"#
    );

    stub.answer(200, "text/plain", "terminated");
    let resp = pc
        .stop_execution()
        .workflow_id("wf-1")
        .execution_id("ex-1")
        .send()
        .await
        .unwrap();
    assert_eq!(aom_api::text::read_text(resp).await.unwrap(), "terminated");

    let r = stub.received();
    assert_eq!(r[0].method, Method::PUT);
    assert_eq!(r[0].uri.query(), Some("action=disable"));
    assert_eq!(
        r[1].uri.path(),
        format!("/v1/{PROJECT}/cms/workflow/wf-1/executions/ex-1/terminate")
    );
}

#[tokio::test]
async fn query_parameters_and_json_bodies_on_the_wire() {
    let (base, stub) = start().await;
    let pc = project_client(&base, Arc::new(CountingSigner::default()));

    stub.answer(200, "application/json", r#"{"result":{"anything":[1]}}"#);
    let out = pc
        .start_pausing_workflow_executions()
        .workflow_id("wf-1")
        .execution_id("ex-1")
        .action(ExecutionAction::Restart)
        .node_id("run script/1")
        .send()
        .await
        .unwrap();
    assert_eq!(out.result, Some(json!({"anything": [1]})));

    stub.answer(
        200,
        "application/json",
        r#"{"elements":[{"name":"wf","brand_new":1}],"total_elements":1}"#,
    );
    let page = pc
        .list_workflow()
        .body(WorkflowQueryParam {
            sort_field: WorkflowSortField::CreateTime,
            sort_type: SortOrder::Desc,
            size: Some(std::num::NonZeroU32::new(20).unwrap()),
            ..serde_json::from_value(json!({"sort_field": "create_time", "sort_type": "DESC"}))
                .unwrap()
        })
        .send()
        .await
        .unwrap();
    assert_eq!(page.total_elements, Some(1));
    assert_eq!(
        page.elements.as_ref().unwrap()[0].name.as_deref(),
        Some("wf")
    );

    stub.answer(
        200,
        "application/json",
        r#"[{"execution_id":"e1","create_by":"ops"}]"#,
    );
    let history = pc
        .list_workflow_executions()
        .workflow_id("wf-1")
        .x_enterprise_project_id("0")
        .send()
        .await
        .unwrap();
    assert_eq!(history[0].created_by.as_deref(), Some("ops"));

    let r = stub.received();
    assert_eq!(
        r[0].uri.query(),
        Some("action=restart&node_id=run+script%2F1")
    );
    let body: Value = serde_json::from_slice(&r[1].body).unwrap();
    assert_eq!(
        body,
        json!({"sort_field": "create_time", "sort_type": "DESC", "size": 20})
    );
    assert_eq!(r[1].headers["content-type"], "application/json");
    assert_eq!(r[2].uri.query(), Some("x_enterprise_project_id=0"));
}
