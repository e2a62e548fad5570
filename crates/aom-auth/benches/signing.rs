//! Signing cost against the cost of the hashing alone.
//!
//! * `sign/get_seed`: the seed GET, `GET /v1/{project}/cms/workflow/wf1/executions/ex1/status`;
//! * `sign/post_json_2k`: a POST with a 2 KiB JSON body;
//! * `baseline/*`: bare SHA-256 (+ SHA-256 of the body) and HMAC-SHA256 over exactly the
//!   bytes the signer hashes for the same request. The HMAC starts from the SK-keyed state
//!   (ipad/opad already absorbed), because the signer legitimately caches that state per
//!   credentials; `baseline_unkeyed/*` keys the HMAC on every call, for comparison;
//! * `floor/*`: inserting the four headers a signer adds, without computing anything;
//! * `verify/get_seed`: the receiving side.
//!
//! Every request is built fresh (untimed) the way the `aom-api` client hands it to the signer
//! (`crates/aom-api/src/hooks.rs`): progenitor adds `accept: application/json` and the hook adds
//! `content-type: application/json`, on GETs too. Building it afresh, rather than cloning one,
//! also gives its header map the spare capacity a freshly built request has.

// Test helpers may panic: a panic is a test failure with a message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::SystemTime;

use aom_auth::verify::{ReceivedRequest, Verifier};
use aom_auth::{Credentials, PermanentCredentials, Signer};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use hmac::{KeyInit, Mac};
use http::HeaderValue;
use http::header::{ACCEPT, CONTENT_TYPE};
use secrecy::SecretString;
use sha2::{Digest, Sha256};

const PROJECT: &str = "0f3a2b6c9d8e4f1a0b2c3d4e5f6a7b8c";
const AK: &str = "HPUAEXAMPLEFAKEAK001";
const SK: &str = "ExampleFakeSecretKeyForVectors0123456789";

fn credentials() -> Credentials {
    PermanentCredentials::new(AK, SK)
        .with_project_id(PROJECT)
        .into()
}

/// A request as the client hook hands it to the signer.
fn client_request(
    method: reqwest::Method,
    url: &reqwest::Url,
    body: &bytes::Bytes,
) -> reqwest::Request {
    let mut req = reqwest::Request::new(method, url.clone());
    let headers = req.headers_mut();
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if !body.is_empty() {
        *req.body_mut() = Some(body.clone().into());
    }
    req
}

fn get_url() -> reqwest::Url {
    format!(
        "https://aom.cn-north-4.myhuaweicloud.com/v1/{PROJECT}/cms/workflow/wf1/executions/ex1/status"
    )
    .parse()
    .expect("url")
}

fn post_url() -> reqwest::Url {
    format!("https://aom.cn-north-4.myhuaweicloud.com/v1/{PROJECT}/cms/job/list")
        .parse()
        .expect("url")
}

fn json_2k() -> bytes::Bytes {
    let mut body = String::from("{\"jobs\":[");
    let mut i = 0;
    while body.len() < 2048 - 40 {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&format!("{{\"name\":\"job-{i:04}\",\"enabled\":true}}"));
        i += 1;
    }
    body.push_str("]}");
    while body.len() < 2048 {
        body.insert(body.len() - 2, ' ');
    }
    body.into_bytes().into()
}

fn get_request() -> reqwest::Request {
    client_request(reqwest::Method::GET, &get_url(), &bytes::Bytes::new())
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

fn bench(c: &mut Criterion) {
    let creds = credentials();
    let signer = Signer::default();
    let now = SystemTime::now();

    let cases = [
        (
            "get_seed",
            reqwest::Method::GET,
            get_url(),
            bytes::Bytes::new(),
        ),
        ("post_json_2k", reqwest::Method::POST, post_url(), json_2k()),
    ];
    for (name, method, url, body) in cases {
        let fresh = || client_request(method.clone(), &url, &body);
        let mut signed = fresh();
        let trace = signer
            .sign_reqwest_at(&mut signed, &creds, now)
            .expect("sign");
        let canonical = trace.canonical_request().as_bytes().to_vec();
        let sts = trace.string_to_sign().as_bytes().to_vec();
        let keyed = hmac::Hmac::<Sha256>::new_from_slice(SK.as_bytes()).expect("any key length");

        // What the client hook calls: a fresh request, the clock read, no trace.
        c.bench_function(&format!("sign/{name}"), |b| {
            b.iter_batched_ref(
                fresh,
                |req| signer.sign_reqwest(req, &creds).expect("sign"),
                BatchSize::SmallInput,
            );
        });
        // The same, also returning the trace (canonical request, string to sign).
        c.bench_function(&format!("sign_traced/{name}"), |b| {
            b.iter_batched_ref(
                fresh,
                |req| signer.sign_reqwest_at(req, &creds, now).expect("sign"),
                BatchSize::SmallInput,
            );
        });
        // A retry: the same request signed again (date renewed, signature replaced).
        c.bench_function(&format!("resign/{name}"), |b| {
            let mut req = fresh();
            b.iter(|| signer.sign_reqwest(&mut req, &creds).expect("sign"));
        });
        // The hashing alone: body hash, canonical request hash, HMAC from the keyed state.
        c.bench_function(&format!("baseline/{name}"), |b| {
            b.iter(|| {
                let body_hash = (!body.is_empty()).then(|| Sha256::digest(black_box(&body[..])));
                let hash = Sha256::digest(black_box(&canonical));
                let mut mac = keyed.clone();
                mac.update(black_box(&sts));
                let sig: [u8; 32] = mac.finalize().into_bytes().into();
                (body_hash, hash, sig)
            });
        });
        // The same with the HMAC keyed on every call.
        c.bench_function(&format!("baseline_unkeyed/{name}"), |b| {
            b.iter(|| {
                let body_hash = (!body.is_empty()).then(|| Sha256::digest(black_box(&body[..])));
                let hash = Sha256::digest(black_box(&canonical));
                (body_hash, hash, hmac_sha256(SK.as_bytes(), black_box(&sts)))
            });
        });
    }

    // The floor any signer pays on a fresh `reqwest::Request`: inserting the four headers it
    // adds (X-Project-Id, X-Sdk-Date, Host, Authorization) into the request's header map.
    let mut signed_get = get_request();
    signer
        .sign_reqwest_at(&mut signed_get, &creds, now)
        .expect("sign");
    let added: Vec<(http::HeaderName, Vec<u8>)> =
        ["x-project-id", "x-sdk-date", "host", "authorization"]
            .iter()
            .map(|n| {
                let name = http::HeaderName::from_static(n);
                let value = signed_get.headers()[&name].as_bytes().to_vec();
                (name, value)
            })
            .collect();
    c.bench_function("floor/insert_4_headers", |b| {
        b.iter_batched_ref(
            get_request,
            |req| {
                for (name, value) in &added {
                    let v = http::HeaderValue::from_bytes(value).expect("valid");
                    req.headers_mut().insert(name.clone(), v);
                }
            },
            BatchSize::SmallInput,
        );
    });
    // The same when the three values that repeat from one request to the next (project id,
    // date of the current second, host) are kept ready-made and only cloned; only the
    // `Authorization` value is new.
    let ready: Vec<(http::HeaderName, HeaderValue)> = added[..3]
        .iter()
        .map(|(name, value)| (name.clone(), HeaderValue::from_bytes(value).expect("valid")))
        .collect();
    let (auth_name, auth_value) = added[3].clone();
    c.bench_function("floor/insert_4_headers_cached", |b| {
        b.iter_batched_ref(
            get_request,
            |req| {
                for (name, value) in &ready {
                    req.headers_mut().insert(name.clone(), value.clone());
                }
                let v = HeaderValue::from_bytes(&auth_value).expect("valid");
                req.headers_mut().insert(auth_name.clone(), v);
            },
            BatchSize::SmallInput,
        );
    });

    // The receiving side.
    let mut signed = get_request();
    signer
        .sign_reqwest_at(&mut signed, &creds, now)
        .expect("sign");
    let verifier = Verifier::new(|ak: &str| (ak == AK).then(|| SecretString::from(SK)));
    c.bench_function("verify/get_seed", |b| {
        b.iter(|| {
            let received = ReceivedRequest {
                method: signed.method().as_str(),
                path: signed.url().path(),
                query: signed.url().query(),
                headers: signed.headers(),
                body: &[],
                authority: None,
            };
            verifier
                .verify(black_box(&received), now)
                .expect("verifies")
        });
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
