//! The gateway's answers: signatures, tokens, temporary credentials, lockout, unknown routes,
//! request ids, the project check and the body limit.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aom_api::{AuthSigner, ClientConfig};
use aom_auth::{
    Credentials, DerivedScope, IamToken, PermanentCredentials, Signer, SigningAlgorithm,
    TemporaryCredentials,
};
use common::*;
use reqwest::Method;
use serde_json::json;

const PREFIX: &str = "Incorrect IAM authentication information: ";

fn list_jobs_body() -> Option<Vec<u8>> {
    Some(serde_json::to_vec(&job_search()).unwrap())
}

async fn list_jobs(emu: &aom_emulator::EmulatorHandle, credentials: Option<&Credentials>) -> Raw {
    send(
        emu,
        Method::POST,
        &api(emu, "job/list"),
        list_jobs_body(),
        credentials,
    )
    .await
}

fn assert_refused(answer: &Raw, reason: &str) {
    assert_eq!(answer.status, 401, "{}", answer.text());
    let body = answer.error();
    assert_eq!(body.code(), Some("APIGW.0301"));
    assert_eq!(body.message(), Some(format!("{PREFIX}{reason}").as_str()));
    let header = answer.headers["x-request-id"].to_str().unwrap();
    assert_eq!(body.request_id.as_deref(), Some(header));
    assert_eq!(header.len(), 32);
}

#[tokio::test]
async fn signature_failures_are_401_with_the_documented_reasons() {
    let emu = start().await;
    let wrong: Credentials = PermanentCredentials::new(emu.ak(), "not-the-secret").into();
    assert_refused(
        &list_jobs(&emu, Some(&wrong)).await,
        "verify aksk signature fail",
    );

    let unknown: Credentials = PermanentCredentials::new("UNKNOWNAK0000000000X", "sk").into();
    assert_refused(
        &list_jobs(&emu, Some(&unknown)).await,
        "Get secretKey failed,ak:UNK**************00X,err:ak not exist",
    );

    assert_refused(&list_jobs(&emu, None).await, "x-auth-token not found");

    // Signed 20 minutes ago: outside the 15-minute window.
    let good: Credentials = emu.credentials().into();
    let mut old = request(&emu, Method::POST, &api(&emu, "job/list"), list_jobs_body());
    let then = SystemTime::now() - Duration::from_secs(20 * 60);
    Signer::default()
        .sign_reqwest_at(&mut old, &good, then)
        .unwrap();
    assert_refused(
        &execute_raw(old).await,
        "verify aksk signature fail, the signature expired",
    );

    // Malformed Authorization headers.
    for value in [
        "garbage",
        "SDK-HMAC-SHA256 Access=x",
        "NOPE Access=a, SignedHeaders=x-sdk-date, Signature=00",
    ] {
        let answer = reqwest::Client::new()
            .post(format!("{}{}", emu.url(), api(&emu, "job/list")))
            .header("authorization", value)
            .header("x-sdk-date", "20250101T000000Z")
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 401, "{value}");
    }

    // A tampered request: signed, then the body changed in flight.
    let mut req = request(&emu, Method::POST, &api(&emu, "job/list"), list_jobs_body());
    Signer::default().sign_reqwest(&mut req, &good).unwrap();
    let mut tampered = job_search();
    tampered.sort_order = aom_api::types::SortOrder::Desc;
    *req.body_mut() = Some(serde_json::to_vec(&tampered).unwrap().into());
    assert_eq!(execute_raw(req).await.status, 401);

    assert_eq!(list_jobs(&emu, Some(&good)).await.status, 200);
}

#[tokio::test]
async fn every_signing_algorithm_is_accepted() {
    let emu = start().await;
    for algorithm in SigningAlgorithm::ALL {
        let mut signer = Signer::new(algorithm);
        if algorithm == SigningAlgorithm::V11HmacSha256 {
            signer = signer.with_derived_scope(DerivedScope::new("cn-north-4", "aom"));
        }
        let config = ClientConfig::with_signer(Arc::new(
            AuthSigner::new(emu.credentials()).with_signer(signer),
        ));
        let project = emu.project_client_with(config);
        let jobs = project
            .list_all_job_by_name()
            .body(job_search())
            .send()
            .await;
        assert!(jobs.is_ok(), "{}: {:?}", algorithm.name(), jobs.err());
    }
}

#[tokio::test]
async fn iam_tokens_and_temporary_credentials() {
    let emu = builder()
        .credential("PERMANENTAK000000001", "permanent-secret")
        .credential("TEMPORARYAK000000001", "temporary-secret")
        .security_token("TEMPORARYAK000000001", "the-security-token")
        .token("a-valid-iam-token")
        .start()
        .await
        .unwrap();
    let ok = |config| async {
        emu.project_client_with(config)
            .list_all_job_by_name()
            .body(job_search())
            .send()
            .await
    };
    assert!(
        ok(ClientConfig::with_credentials(IamToken::new(
            "a-valid-iam-token"
        )))
        .await
        .is_ok()
    );
    assert!(
        ok(ClientConfig::with_credentials(PermanentCredentials::new(
            "PERMANENTAK000000001",
            "permanent-secret"
        )))
        .await
        .is_ok()
    );
    assert!(
        ok(ClientConfig::with_credentials(TemporaryCredentials::new(
            "TEMPORARYAK000000001",
            "temporary-secret",
            "the-security-token"
        )))
        .await
        .is_ok()
    );
    // The demo pair is not accepted once credentials are configured.
    assert_eq!(emu.ak(), "PERMANENTAK000000001");

    let refused = |credentials: Credentials, reason: &'static str| {
        let emu = &emu;
        async move { assert_refused(&list_jobs(emu, Some(&credentials)).await, reason) }
    };
    refused(IamToken::new("forged").into(), "decrypt token fail").await;
    refused(
        TemporaryCredentials::new("TEMPORARYAK000000001", "temporary-secret", "stolen").into(),
        "verify security token fail",
    )
    .await;
    refused(
        PermanentCredentials::new("TEMPORARYAK000000001", "temporary-secret").into(),
        "verify security token fail",
    )
    .await;
    refused(
        TemporaryCredentials::new("PERMANENTAK000000001", "permanent-secret", "extra").into(),
        "verify security token fail",
    )
    .await;
}

#[tokio::test]
async fn repeated_failures_lock_the_access_key() {
    let emu = builder()
        .lockout_threshold(3)
        .lockout_duration(Duration::from_millis(400))
        .credential("LOCKEDAK000000000001", "secret-one")
        .credential("OTHERAK0000000000001", "secret-two")
        .start()
        .await
        .unwrap();
    let wrong: Credentials = PermanentCredentials::new("LOCKEDAK000000000001", "bad").into();
    let right: Credentials = PermanentCredentials::new("LOCKEDAK000000000001", "secret-one").into();
    let other: Credentials = PermanentCredentials::new("OTHERAK0000000000001", "secret-two").into();

    // Failures that are interrupted by a success do not add up.
    for _ in 0..2 {
        assert_eq!(list_jobs(&emu, Some(&wrong)).await.status, 401);
    }
    assert_eq!(list_jobs(&emu, Some(&right)).await.status, 200);
    for _ in 0..3 {
        assert_refused(
            &list_jobs(&emu, Some(&wrong)).await,
            "verify aksk signature fail",
        );
    }
    assert_refused(
        &list_jobs(&emu, Some(&right)).await,
        "AK access failed to reach the limit,forbidden",
    );
    assert_eq!(emu.state().locked_access_keys, ["LOCKEDAK000000000001"]);
    assert_eq!(
        list_jobs(&emu, Some(&other)).await.status,
        200,
        "other AKs are not locked"
    );
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert_eq!(
        list_jobs(&emu, Some(&right)).await.status,
        200,
        "the lock expires"
    );
    assert!(emu.state().locked_access_keys.is_empty());
}

#[tokio::test]
async fn unknown_apis_are_404_before_authentication() {
    let emu = start().await;
    let project = emu.project_id().to_owned();
    for (method, path) in [
        (Method::GET, format!("/v1/{project}/cms/nothing-here")),
        (Method::GET, "/".to_owned()),
        (Method::DELETE, format!("/v1/{project}/cms/workflow")),
        (Method::GET, format!("/v1/{project}/cms/workflow")),
        (Method::PUT, format!("/v1/{project}/cms/job/list")),
        (Method::GET, "/__emulator/nothing".to_owned()),
        (Method::GET, format!("/v2/{project}/cms/workflow-list")),
    ] {
        let answer = send(&emu, method.clone(), &path, None, None).await;
        assert_eq!(answer.status, 404, "{method} {path}");
        let body = answer.error();
        assert_eq!(body.code(), Some("APIGW.0101"));
        assert_eq!(
            body.message(),
            Some("The API does not exist or has not been published")
        );
        assert_eq!(
            body.request_id.as_deref(),
            answer
                .headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
        );
    }
}

#[tokio::test]
async fn every_answer_carries_a_request_id() {
    let emu = start().await;
    let good: Credentials = emu.credentials().into();
    let answers = [
        list_jobs(&emu, Some(&good)).await, // 200
        send(
            &emu,
            Method::POST,
            &api(&emu, "job/list"),
            Some(b"{".to_vec()),
            Some(&good),
        )
        .await, // 400
        send(
            &emu,
            Method::POST,
            &api(&emu, "workflow/nope/executions"),
            None,
            Some(&good),
        )
        .await, // 404 AOM
        list_jobs(&emu, None).await,        // 401
        send(&emu, Method::GET, "/nope", None, None).await, // 404 gateway
        send(&emu, Method::GET, "/__emulator/state", None, None).await, // admin
    ];
    let mut ids = std::collections::BTreeSet::new();
    for answer in &answers {
        let id = answer.headers["x-request-id"].to_str().unwrap().to_owned();
        assert_eq!(id.len(), 32);
        ids.insert(id);
    }
    assert_eq!(ids.len(), answers.len(), "ids are unique");
    // AOM errors have the documented body.
    let body = answers[1].error();
    assert_eq!(
        (body.code(), body.http_code),
        (Some("AOM.31001403"), Some(400))
    );
}

#[tokio::test]
async fn the_path_project_must_be_the_callers() {
    let emu = start().await;
    let good: Credentials = emu.credentials().into();
    let other = "ffffffffffffffffffffffffffffffff";
    let answer = send(
        &emu,
        Method::POST,
        &format!("/v1/{other}/cms/job/list"),
        list_jobs_body(),
        Some(&good),
    )
    .await;
    assert_eq!(answer.status, 403);
    assert_eq!(answer.error().code(), Some("AOM.31009003"));
    let answer = send(
        &emu,
        Method::POST,
        "/v1/short/cms/job/list",
        list_jobs_body(),
        Some(&good),
    )
    .await;
    assert_eq!(answer.status, 400);
    assert!(answer.error().message().unwrap().contains("project_id"));
    // Signed for another project (X-Project-Id), sent to this one.
    let elsewhere: Credentials = PermanentCredentials::new(emu.ak(), emu.sk())
        .with_project_id(other)
        .into();
    let answer = list_jobs(&emu, Some(&elsewhere)).await;
    assert_eq!(answer.status, 403);
    assert!(answer.error().message().unwrap().contains("X-Project-Id"));
    // Without X-Project-Id (e.g. a domain-level AK/SK) the path decides.
    let bare: Credentials = PermanentCredentials::new(emu.ak(), emu.sk()).into();
    assert_eq!(list_jobs(&emu, Some(&bare)).await.status, 200);
}

#[tokio::test]
async fn oversized_bodies_are_413() {
    let emu = builder().max_body_bytes(1024).start().await.unwrap();
    let good: Credentials = emu.credentials().into();
    let mut body = serde_json::to_value(job_search()).unwrap();
    body["padding"] = json!("x".repeat(2000));
    let answer = send(
        &emu,
        Method::POST,
        &api(&emu, "job/list"),
        Some(serde_json::to_vec(&body).unwrap()),
        Some(&good),
    )
    .await;
    assert_eq!(answer.status, 413);
    assert_eq!(answer.error().code(), Some("APIGW.0201"));
    assert_eq!(list_jobs(&emu, Some(&good)).await.status, 200);
}
