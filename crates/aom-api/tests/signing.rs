//! Requests from the generated client, signed by the hook with `aom-auth`, verify on a server
//! that checks them the way the API gateway does (the `aom-auth` verifier), for every kind of
//! operation; a wrong secret is refused and the refusal reaches the caller intact.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test fails

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use aom_api::types::{
    ExecutionAction, SearchJobsRequestBody, ShareType, SortColumn, SortOrder, TriggerAction,
};
use aom_api::{Client, ClientConfig, Error, ProjectClient};
use aom_auth::verify::{ReceivedRequest, Verifier};
use aom_auth::{IamToken, PermanentCredentials, TemporaryCredentials};
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use secrecy::SecretString;
use serde_json::json;

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const AK: &str = "HPUAEXAMPLEAK0000001";
const SK: &str = "example-secret-key-0123456789";

#[derive(Clone, Default)]
struct Gateway {
    /// (method, path, outcome) of every request received.
    log: Arc<Mutex<Vec<(String, String, String)>>>,
}

async fn gateway(
    axum::extract::State(gw): axum::extract::State<Gateway>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let secrets: HashMap<String, SecretString> =
        HashMap::from([(AK.to_string(), SecretString::from(SK))]);
    let received = ReceivedRequest {
        method: method.as_str(),
        path: uri.path(),
        query: uri.query(),
        headers: &headers,
        body: &body,
        authority: None,
    };
    let outcome = if let Some(token) = headers.get("x-auth-token") {
        if token == "valid-token" {
            Ok("token".to_string())
        } else {
            Err("decrypt token fail".to_string())
        }
    } else {
        Verifier::new(secrets)
            .verify(&received, SystemTime::now())
            .map(|id| {
                format!(
                    "signed by {} (token: {})",
                    id.access_key,
                    id.security_token.is_some()
                )
            })
            .map_err(|e| e.reason().into_owned())
    };
    let text = match &outcome {
        Ok(who) => who.clone(),
        Err(reason) => format!("refused: {reason}"),
    };
    gw.log
        .lock()
        .unwrap()
        .push((method.to_string(), uri.path().to_string(), text));
    match outcome {
        Ok(_) if uri.path().ends_with("/terminate") || uri.path().ends_with("/trigger/action") => {
            (StatusCode::OK, r#"{"success"}"#).into_response()
        }
        Ok(_) if uri.path().ends_with("/executions") && method == Method::GET => {
            (StatusCode::OK, [("content-type", "application/json")], "[]").into_response()
        }
        Ok(_) => (StatusCode::OK, [("content-type", "application/json")], "{}").into_response(),
        Err(reason) => (
            StatusCode::UNAUTHORIZED,
            [
                ("content-type", "application/json"),
                ("x-request-id", "gw-1"),
            ],
            json!({
                "error_code": "APIGW.0301",
                "error_msg": format!("Incorrect IAM authentication information: {reason}"),
                "request_id": "gw-1"
            })
            .to_string(),
        )
            .into_response(),
    }
}

async fn start() -> (String, Gateway) {
    let gw = Gateway::default();
    let app = axum::Router::new().fallback(gateway).with_state(gw.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), gw)
}

fn client(base: &str, config: ClientConfig) -> ProjectClient {
    let client = Client::new_with_client(base, reqwest::Client::new(), config);
    ProjectClient::new(client, PROJECT.parse().unwrap())
}

#[tokio::test]
async fn every_kind_of_operation_verifies() {
    let (base, gw) = start().await;
    let credentials = PermanentCredentials::new(AK, SK).with_project_id(PROJECT);
    let pc = client(&base, ClientConfig::with_credentials(credentials));

    pc.search_workflow_execution_detail()
        .workflow_id("wf-1")
        .execution_id("ex-1")
        .send()
        .await
        .unwrap();
    pc.list_workflow_executions()
        .workflow_id("wf 1/ä")
        .x_enterprise_project_id("0")
        .send()
        .await
        .unwrap();
    pc.execute_workflow()
        .workflow_id("wf-1")
        .send()
        .await
        .unwrap();
    pc.start_pausing_workflow_executions()
        .workflow_id("wf-1")
        .execution_id("ex-1")
        .action(ExecutionAction::Skip)
        .node_id("node 1/ü")
        .send()
        .await
        .unwrap();
    pc.stop_execution()
        .workflow_id("wf-1")
        .execution_id("ex-1")
        .send()
        .await
        .unwrap();
    pc.update_workflow_trigger_status()
        .workflow_id("wf-1")
        .action(TriggerAction::Enable)
        .send()
        .await
        .unwrap();
    pc.list_all_job_by_name()
        .body(SearchJobsRequestBody {
            name: Some("nightly backup".try_into().unwrap()),
            enterprise_project_id: None,
            order_by_column: SortColumn::UpdateTime,
            sort_order: SortOrder::Desc,
            page_num: None,
            page_size: None,
        })
        .send()
        .await
        .unwrap();
    pc.search_template_by_id()
        .template_id("tpl-1")
        .share_type(ShareType::Private)
        .send()
        .await
        .unwrap();

    let log = gw.log.lock().unwrap().clone();
    assert_eq!(log.len(), 8);
    for (method, path, outcome) in log {
        assert_eq!(
            outcome,
            format!("signed by {AK} (token: false)"),
            "{method} {path}"
        );
    }
}

#[tokio::test]
async fn temporary_credentials_and_iam_tokens() {
    let (base, gw) = start().await;
    let temporary = TemporaryCredentials::new(AK, SK, "security-token-value");
    client(&base, ClientConfig::with_credentials(temporary))
        .execute_workflow()
        .workflow_id("wf-1")
        .send()
        .await
        .unwrap();
    client(
        &base,
        ClientConfig::with_credentials(IamToken::new("valid-token")),
    )
    .execute_workflow()
    .workflow_id("wf-1")
    .send()
    .await
    .unwrap();
    let log = gw.log.lock().unwrap().clone();
    assert_eq!(log[0].2, format!("signed by {AK} (token: true)"));
    assert_eq!(log[1].2, "token");
}

#[tokio::test]
async fn a_wrong_secret_is_refused_and_the_refusal_reaches_the_caller() {
    let (base, _gw) = start().await;
    let wrong = PermanentCredentials::new(AK, "not-the-secret").with_project_id(PROJECT);
    let err = client(&base, ClientConfig::with_credentials(wrong))
        .execute_workflow()
        .workflow_id("wf-1")
        .send()
        .await
        .unwrap_err();
    let Error::ErrorResponse(resp) = err else {
        panic!("{err:?}")
    };
    assert_eq!(resp.status(), 401);
    assert_eq!(resp.code(), Some("APIGW.0301"));
    assert_eq!(
        resp.message(),
        Some("Incorrect IAM authentication information: verify aksk signature fail")
    );
    assert_eq!(resp.request_id.as_deref(), Some("gw-1"));
}

#[tokio::test]
async fn secrets_never_show_in_debug_output() {
    let config = ClientConfig::with_credentials(
        TemporaryCredentials::new(AK, SK, "security-token-value").with_project_id(PROJECT),
    );
    let text = format!(
        "{config:?} {:?}",
        client("http://127.0.0.1:9", config.clone())
    );
    assert!(text.contains(AK), "the AK is not secret: {text}");
    assert!(!text.contains(SK), "{text}");
    assert!(!text.contains("security-token-value"), "{text}");
    let token = format!(
        "{:?}",
        ClientConfig::with_credentials(IamToken::new("valid-token"))
    );
    assert!(!token.contains("valid-token"), "{token}");
}
