//! The `reqwest::Request` and `http::Request` entry points sign like the SDK model: each
//! vector, replayed as an HTTP request, gets the vector's `Authorization`, and the verifier
//! accepts the result.

// Test helpers may panic: a panic is a test failure with a message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use aom_auth::verify::{ReceivedRequest, Verifier};
use aom_auth::{
    Credentials, IamToken, PermanentCredentials, Signer, SigningMode, TemporaryCredentials,
};
use secrecy::SecretString;
use serde_json::Value;

/// Cases whose SDK-model input cannot be expressed as an HTTP request.
const NOT_EXPRESSIBLE_OVER_HTTP: &[(&str, &str)] = &[
    (
        "c15-",
        "integer query values sort numerically only when their type is known; a URL carries strings",
    ),
    (
        "c42-",
        "a lower-case content-type key is the Content-Type header in HTTP (names are case-insensitive)",
    ),
];

fn reqwest_request(case: &common::Case) -> reqwest::Request {
    let input = &case.input;
    let scheme = input["scheme"].as_str().unwrap_or("https");
    let host = input["host"].as_str().unwrap_or_default();
    let uri = case.expected["uri"].as_str().unwrap_or_default();
    let url = format!("{scheme}://{host}{uri}").parse().unwrap();
    let method = reqwest::Method::from_bytes(input["method"].as_str().unwrap().as_bytes()).unwrap();
    let mut req = reqwest::Request::new(method, url);
    for (k, v) in common::pairs(input.get("headers")) {
        req.headers_mut().append(
            http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            http::HeaderValue::from_bytes(v.as_bytes()).unwrap(),
        );
    }
    let body = common::body(input);
    if !body.is_empty() {
        *req.body_mut() = Some(body.into());
    }
    req
}

#[test]
fn reqwest_and_http_requests_sign_like_the_vectors() {
    let mut failures = Vec::new();
    let mut compared = 0;
    for file in common::vendored_files() {
        for case in common::load(&file).unwrap() {
            let id = format!("{}/{}", case.file, case.id);
            if NOT_EXPRESSIBLE_OVER_HTTP
                .iter()
                .any(|(p, _)| case.id.starts_with(p))
                || case.expected["signature_is_randomized"].as_bool() == Some(true)
            {
                continue;
            }
            let signer = common::signer(&case.input).unwrap();
            let creds = common::credentials(&case.input);
            let now = common::signing_time(&case);
            let skipped = case.expected["signing_skipped"].as_bool() == Some(true);

            let mut req = reqwest_request(&case);
            let trace = signer.sign_reqwest_at(&mut req, &creds, now).unwrap();
            if skipped {
                if trace.mode() != SigningMode::PreAuthorized {
                    failures.push(format!(
                        "{id}: expected PreAuthorized, got {:?}",
                        trace.mode()
                    ));
                }
                continue;
            }
            compared += 1;
            let expected_auth = case.expected["authorization"].as_str().unwrap();
            if trace.authorization() != expected_auth {
                failures.push(format!(
                    "{id}: reqwest authorization\n  expected {expected_auth}\n  actual   {}\n{}",
                    trace.authorization(),
                    trace.canonical_request()
                ));
            }
            let expected_query = case.expected["uri"]
                .as_str()
                .unwrap()
                .split_once('?')
                .map(|(_, q)| q);
            if req.url().query() != expected_query {
                failures.push(format!("{id}: wire query {:?}", req.url().query()));
            }
            // The signed request verifies.
            let ak = case.input["credentials"]["ak"].as_str().unwrap().to_owned();
            let sk = case.input["credentials"]["sk"].as_str().unwrap().to_owned();
            let verifier = Verifier::new(HashMap::from([(ak, SecretString::from(sk))]));
            let body = req
                .body()
                .and_then(reqwest::Body::as_bytes)
                .unwrap_or_default()
                .to_vec();
            let received = ReceivedRequest {
                method: req.method().as_str(),
                path: req.url().path(),
                query: req.url().query(),
                headers: req.headers(),
                body: &body,
                authority: None,
            };
            if let Err(e) = verifier.verify(&received, now) {
                failures.push(format!("{id}: signed reqwest request rejected: {e}"));
            }

            // Same through http::Request, where the URI is expressible.
            let uri = format!(
                "{}://{}{}",
                case.input["scheme"].as_str().unwrap_or("https"),
                case.input["host"].as_str().unwrap(),
                case.expected["uri"].as_str().unwrap()
            );
            if let Ok(uri) = uri.parse::<http::Uri>() {
                let mut builder = http::Request::builder()
                    .method(case.input["method"].as_str().unwrap())
                    .uri(uri);
                for (k, v) in common::pairs(case.input.get("headers")) {
                    builder = builder.header(k, v);
                }
                let mut hreq = builder.body(()).unwrap();
                let body = common::body(&case.input);
                let trace = signer.sign_http_at(&mut hreq, &body, &creds, now).unwrap();
                if trace.authorization() != expected_auth {
                    failures.push(format!(
                        "{id}: http authorization {}",
                        trace.authorization()
                    ));
                }
                if let Err(e) = verifier.verify_http(&hreq, &body, now) {
                    failures.push(format!("{id}: signed http request rejected: {e}"));
                }
            }
        }
    }
    assert!(compared > 80, "only {compared} cases compared");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fresh_date_and_resigning_on_retry() {
    let creds: Credentials = PermanentCredentials::new("AK1", "SK1")
        .with_project_id("p1")
        .into();
    let mut req = reqwest::Request::new(
        reqwest::Method::GET,
        "https://aom.cn-north-4.myhuaweicloud.com/v1/p1/cms/workflow?b=2&a=x+y"
            .parse()
            .unwrap(),
    );
    let t0 = common::parse_date("20240315T083000Z").unwrap();
    let first = Signer::default()
        .sign_reqwest_at(&mut req, &creds, t0)
        .unwrap();
    assert_eq!(req.url().query(), Some("a=x%20y&b=2"));
    assert_eq!(req.headers()["x-sdk-date"], "20240315T083000Z");
    assert_eq!(req.headers()["host"], "aom.cn-north-4.myhuaweicloud.com");
    assert_eq!(req.headers()["x-project-id"], "p1");
    assert!(req.headers()["authorization"].is_sensitive());
    // A retry re-signs with a fresh date; the stale signature is replaced, not kept.
    let second = Signer::default()
        .sign_reqwest_at(&mut req, &creds, t0 + Duration::from_secs(5))
        .unwrap();
    assert_eq!(second.mode(), SigningMode::Signed);
    assert_eq!(req.headers()["x-sdk-date"], "20240315T083005Z");
    assert_ne!(first.signature(), second.signature());
    assert_eq!(req.headers().get_all("authorization").iter().count(), 1);
    // The convenience fn uses the clock.
    aom_auth::sign_reqwest(&mut req, &creds).unwrap();
    assert_ne!(req.headers()["x-sdk-date"], "20240315T083005Z");
}

#[test]
fn temporary_and_token_credentials() {
    let temp: Credentials = TemporaryCredentials::new("AK1", "SK1", "tok").into();
    let mut req = reqwest::Request::new(
        reqwest::Method::POST,
        "http://127.0.0.1:9/v1/x".parse().unwrap(),
    );
    req.headers_mut()
        .insert("content-type", "application/octet-stream".parse().unwrap());
    *req.body_mut() = Some(reqwest::Body::from(vec![1u8, 2, 3]));
    let trace = Signer::default()
        .sign_reqwest_at(&mut req, &temp, SystemTime::now())
        .unwrap();
    assert_eq!(req.headers()["x-security-token"], "tok");
    assert!(req.headers()["x-security-token"].is_sensitive());
    assert_eq!(req.headers()["x-sdk-content-sha256"], "UNSIGNED-PAYLOAD");
    assert_eq!(trace.payload_hash(), "UNSIGNED-PAYLOAD");
    assert!(trace.signed_headers().contains("x-security-token"));
    assert_eq!(req.headers()["host"], "127.0.0.1:9");

    let token: Credentials = IamToken::new("iam-token-value").with_project_id("p").into();
    let mut req = reqwest::Request::new(
        reqwest::Method::GET,
        "http://127.0.0.1:9/v1/x".parse().unwrap(),
    );
    let trace = Signer::default()
        .sign_reqwest_at(&mut req, &token, SystemTime::now())
        .unwrap();
    assert_eq!(trace.mode(), SigningMode::Token);
    assert_eq!(req.headers()["x-auth-token"], "iam-token-value");
    assert_eq!(req.headers()["x-project-id"], "p");
    assert!(req.headers().get("authorization").is_none());
    assert!(req.headers().get("x-sdk-date").is_none());
}

#[test]
fn value_json_helpers_cover_numbers() {
    assert_eq!(
        common::query_value(&Value::from(1.5)),
        Some(aom_auth::QueryValue::Float(1.5))
    );
}

/// `sign_reqwest` (the client hook's call: clock, no trace, per-thread caches) produces
/// requests the verifier accepts, and the cached values never leak from one request, second,
/// host or set of credentials to another.
#[test]
fn untraced_signing_and_its_caches() {
    const AK: &str = "HPUAEXAMPLEFAKEAK001";
    const SK: &str = "ExampleFakeSecretKeyForVectors0123456789";
    let verifier = Verifier::new(HashMap::from([(AK.to_owned(), SecretString::from(SK))]));
    let request = |url: &str| {
        let mut req = reqwest::Request::new(reqwest::Method::GET, url.parse().unwrap());
        req.headers_mut()
            .insert("accept", "application/json".parse().unwrap());
        req.headers_mut()
            .insert("content-type", "application/json".parse().unwrap());
        req
    };
    let verify = |req: &reqwest::Request, now: SystemTime| {
        let received = ReceivedRequest {
            method: req.method().as_str(),
            path: req.url().path(),
            query: req.url().query(),
            headers: req.headers(),
            body: &[],
            authority: None,
        };
        verifier.verify(&received, now)
    };

    // Credentials without a project id sign without X-Project-Id; once one is added (which
    // resets their cached header values) it is sent and signed.
    let creds: Credentials = PermanentCredentials::new(AK, SK).into();
    for url in [
        "https://aom.cn-north-4.myhuaweicloud.com/v1/p1/cms/workflow",
        "http://127.0.0.1:8080/v1/p1/cms/workflow?b=2&a=1",
        "https://aom.cn-north-4.myhuaweicloud.com/v1/p1/cms/workflow",
    ] {
        let mut req = request(url);
        aom_auth::sign_reqwest(&mut req, &creds).unwrap();
        verify(&req, SystemTime::now()).unwrap();
        let url = req.url().clone();
        let expected_host = match url.port() {
            Some(port) => format!("{}:{port}", url.host_str().unwrap()),
            None => url.host_str().unwrap().to_owned(),
        };
        assert_eq!(req.headers()["host"], expected_host.as_str());
        assert!(req.headers().get("x-project-id").is_none());
    }
    let creds = creds.or_project_id(Some("p2"));
    let mut req = request("https://aom.cn-north-4.myhuaweicloud.com/v1/p2/cms/workflow");
    aom_auth::sign_reqwest(&mut req, &creds).unwrap();
    assert_eq!(req.headers()["x-project-id"], "p2");
    let identity = verify(&req, SystemTime::now()).unwrap();
    assert!(identity.signed_headers.iter().any(|h| h == "x-project-id"));

    // The date is the one of the second being signed, whatever was signed before on this
    // thread.
    let t0 = common::parse_date("20240315T083000Z").unwrap();
    for (offset, expected) in [
        (0, "20240315T083000Z"),
        (1, "20240315T083001Z"),
        (1, "20240315T083001Z"),
        (0, "20240315T083000Z"),
        (86_400, "20240316T083000Z"),
    ] {
        let now = t0 + Duration::from_secs(offset);
        let mut req = request("https://aom.cn-north-4.myhuaweicloud.com/v1/p2/cms/workflow");
        let trace = Signer::default()
            .sign_reqwest_at(&mut req, &creds, now)
            .unwrap();
        assert_eq!(req.headers()["x-sdk-date"], expected);
        assert_eq!(trace.sdk_date(), expected);
        verify(&req, now).unwrap();
    }
}
