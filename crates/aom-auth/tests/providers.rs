//! Credential providers and the default chain, including a local metadata service (an axum
//! server on 127.0.0.1:0).

// Test helpers may panic: a panic is a test failure with a message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aom_auth::provider::{
    CredentialChain, EnvProvider, EnvSource, MetadataProvider, ProfileProvider, ProfileScope,
    ProvideCredentials,
};
use aom_auth::{Credentials, PermanentCredentials, ProviderError};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, put};
use secrecy::ExposeSecret;

fn env(pairs: &[(&str, &str)]) -> Arc<dyn EnvSource> {
    Arc::new(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<HashMap<String, String>>(),
    )
}

/// A unique scratch directory under the system temp dir.
fn scratch_dir(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "aom-auth-test-{}-{}-{name}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write_file(name: &str, contents: &str) -> PathBuf {
    let path = scratch_dir(name).join("credentials");
    std::fs::write(&path, contents).unwrap();
    path
}

// ---------------------------------------------------------------- environment

#[test]
fn env_provider_reads_the_sdk_variables() {
    let c = EnvProvider::with_env(env(&[
        ("HUAWEICLOUD_SDK_AK", "AK1"),
        ("HUAWEICLOUD_SDK_SK", "SK1"),
        ("HUAWEICLOUD_SDK_PROJECT_ID", "p1"),
        ("HUAWEICLOUD_SDK_DOMAIN_ID", "d1"),
    ]))
    .load()
    .unwrap();
    let Credentials::Permanent(p) = c else {
        panic!("{c:?}")
    };
    assert_eq!((p.ak(), p.sk().expose_secret()), ("AK1", "SK1"));
    assert_eq!((p.project_id(), p.domain_id()), (Some("p1"), Some("d1")));

    let c = EnvProvider::with_env(env(&[
        ("HUAWEICLOUD_SDK_AK", "AK1"),
        ("HUAWEICLOUD_SDK_SK", "SK1"),
        ("HUAWEICLOUD_SDK_SECURITY_TOKEN", ""),
    ]))
    .load()
    .unwrap();
    let Credentials::Temporary(t) = c else {
        panic!("{c:?}")
    };
    assert_eq!(t.security_token().expose_secret(), "");
}

#[test]
fn half_set_environment_is_an_error_naming_the_variable() {
    let e = EnvProvider::with_env(env(&[("HUAWEICLOUD_SDK_AK", "AK1")]))
        .load()
        .unwrap_err();
    assert!(e.is_invalid());
    assert!(e.to_string().contains("HUAWEICLOUD_SDK_SK"), "{e}");
    let e = EnvProvider::with_env(env(&[
        ("HUAWEICLOUD_SDK_AK", ""),
        ("HUAWEICLOUD_SDK_SK", "SK1"),
    ]))
    .load()
    .unwrap_err();
    assert!(e.is_invalid());
    assert!(e.to_string().contains("HUAWEICLOUD_SDK_AK"), "{e}");
    let e = EnvProvider::with_env(env(&[])).load().unwrap_err();
    assert!(matches!(e, ProviderError::NotConfigured(_)), "{e}");
    let e = EnvProvider::with_env(env(&[
        ("HUAWEICLOUD_SDK_IDP_ID", "idp"),
        ("HUAWEICLOUD_SDK_ID_TOKEN_FILE", "/x"),
    ]))
    .load()
    .unwrap_err();
    assert!(e.to_string().contains("federated"), "{e}");
}

// ---------------------------------------------------------------- profile

#[test]
fn profile_provider_reads_sections() {
    let path = write_file(
        "basic",
        "[basic]\nak = AK1\nSK = SK1\nproject_id = p1\n\n[global]\nak = AK2\nsk = SK2\ndomain_id = d2\nsecurity_token = T2\n",
    );
    let c = ProfileProvider::with_env(env(&[]))
        .with_path(&path)
        .load()
        .unwrap();
    assert_eq!(
        (c.ak(), c.project_id(), c.kind()),
        (Some("AK1"), Some("p1"), "permanent")
    );
    let c = ProfileProvider::with_env(env(&[]))
        .with_path(&path)
        .with_scope(ProfileScope::Global)
        .load()
        .unwrap();
    let Credentials::Temporary(t) = c else {
        panic!()
    };
    assert_eq!((t.ak(), t.domain_id()), ("AK2", Some("d2")));

    // The override variable and the home directory are read through the injected env.
    let c = ProfileProvider::with_env(env(&[(
        "HUAWEICLOUD_SDK_CREDENTIALS_FILE",
        path.to_str().unwrap(),
    )]))
    .load()
    .unwrap();
    assert_eq!(c.ak(), Some("AK1"));
    let home = scratch_dir("home");
    std::fs::create_dir_all(home.join(".huaweicloud")).unwrap();
    std::fs::write(
        home.join(".huaweicloud/credentials"),
        "[basiccredentials]\nak=AK3\nsk=SK3\n",
    )
    .unwrap();
    let c = ProfileProvider::with_env(env(&[("HOME", home.to_str().unwrap())]))
        .load()
        .unwrap();
    assert_eq!(
        c.ak(),
        Some("AK3"),
        "falls back to the builder's [basiccredentials]"
    );
}

#[test]
fn profile_problems_are_clear_errors() {
    let home = scratch_dir("nohome");
    let e = ProfileProvider::with_env(env(&[("HOME", home.to_str().unwrap())]))
        .load()
        .unwrap_err();
    assert!(matches!(e, ProviderError::NotConfigured(_)), "{e}");

    let missing = home.join("nope");
    let e = ProfileProvider::with_env(env(&[(
        "HUAWEICLOUD_SDK_CREDENTIALS_FILE",
        missing.to_str().unwrap(),
    )]))
    .load()
    .unwrap_err();
    assert!(
        e.is_invalid(),
        "an explicitly named missing file is an error: {e}"
    );

    let path = write_file("malformed", "[basic]\nak = AK1\nthis line is junk\n");
    let e = ProfileProvider::with_env(env(&[]))
        .with_path(&path)
        .load()
        .unwrap_err();
    let msg = e.to_string();
    assert!(
        e.is_invalid() && msg.contains(path.to_str().unwrap()) && msg.contains("line 3"),
        "{msg}"
    );

    // A mistyped line is reported by number only: it may hold a secret.
    for (name, text) in [
        ("nosign", "[basic]\nak = AK1\nsk SECRET-SK-VALUE-1\n"),
        ("bare", "[basic]\nak = AK1\nSECRET-SK-VALUE-1\n"),
        ("header", "[basic]\nak = AK1\n[SECRET-SK-VALUE-1\n"),
    ] {
        let path = write_file(name, text);
        let e = ProfileProvider::with_env(env(&[]))
            .with_path(&path)
            .load()
            .unwrap_err();
        for text in [e.to_string(), format!("{e:?}")] {
            assert!(text.contains("line 3"), "{text}");
            assert!(
                !text.contains("SECRET-SK-VALUE"),
                "{name}: the line leaked: {text}"
            );
        }
    }

    let path = write_file("halfset", "[basic]\nak = AK1\n");
    let e = ProfileProvider::with_env(env(&[]))
        .with_path(&path)
        .load()
        .unwrap_err();
    assert!(e.is_invalid() && e.to_string().contains("[basic]"), "{e}");

    let path = write_file("nosection", "[global]\nak = AK1\nsk = SK1\n");
    let e = ProfileProvider::with_env(env(&[]))
        .with_path(&path)
        .load()
        .unwrap_err();
    assert!(matches!(e, ProviderError::NotConfigured(_)), "{e}");
}

// ---------------------------------------------------------------- metadata service

#[derive(Clone)]
struct Reply {
    status: u16,
    body: String,
    delay: Duration,
}

#[derive(Default)]
struct Fake {
    puts: AtomicUsize,
    gets: AtomicUsize,
    token_status: Mutex<u16>,
    tokens_seen: Mutex<Vec<Option<String>>>,
    script: Mutex<VecDeque<Reply>>,
    default: Mutex<Option<Reply>>,
}

fn creds_json(ak: &str, expires_in: time::Duration) -> String {
    let at = time::OffsetDateTime::now_utc() + expires_in;
    let fmt = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
    );
    format!(
        r#"{{"credential":{{"access":"{ak}","secret":"secret-{ak}","securitytoken":"token-{ak}","expires_at":"{}"}}}}"#,
        at.format(&fmt).unwrap()
    )
}

impl Fake {
    fn ok(ak: &str, expires_in: time::Duration) -> Reply {
        Reply {
            status: 200,
            body: creds_json(ak, expires_in),
            delay: Duration::ZERO,
        }
    }

    fn set_default(&self, reply: Reply) {
        *self.default.lock().unwrap() = Some(reply);
    }

    fn push(&self, reply: Reply) {
        self.script.lock().unwrap().push_back(reply);
    }
}

async fn token_handler(State(fake): State<Arc<Fake>>, headers: HeaderMap) -> (StatusCode, String) {
    fake.puts.fetch_add(1, Ordering::SeqCst);
    assert_eq!(headers["x-metadata-token-ttl-seconds"], "21600");
    let status = *fake.token_status.lock().unwrap();
    (
        StatusCode::from_u16(status).unwrap(),
        "session-token-1".to_owned(),
    )
}

async fn key_handler(State(fake): State<Arc<Fake>>, headers: HeaderMap) -> (StatusCode, String) {
    fake.gets.fetch_add(1, Ordering::SeqCst);
    fake.tokens_seen.lock().unwrap().push(
        headers
            .get("x-metadata-token")
            .map(|v| v.to_str().unwrap().to_owned()),
    );
    let reply = fake
        .script
        .lock()
        .unwrap()
        .pop_front()
        .or_else(|| fake.default.lock().unwrap().clone())
        .unwrap();
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    (StatusCode::from_u16(reply.status).unwrap(), reply.body)
}

/// Starts the fake metadata service on 127.0.0.1 and returns its base URL.
async fn start_fake(fake: Arc<Fake>) -> String {
    let app = axum::Router::new()
        .route("/meta-data/latest/api/token", put(token_handler))
        .route("/openstack/latest/securitykey", get(key_handler))
        .with_state(fake);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    format!("http://{addr}")
}

fn new_fake(token_status: u16) -> Arc<Fake> {
    let fake = Arc::new(Fake::default());
    *fake.token_status.lock().unwrap() = token_status;
    fake
}

/// A local address nothing listens on.
async fn closed_endpoint() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

#[tokio::test]
async fn metadata_session_token_then_security_key() {
    let fake = new_fake(200);
    fake.set_default(Fake::ok("TMPAK", time::Duration::hours(6)));
    let url = start_fake(Arc::clone(&fake)).await;
    let provider = MetadataProvider::with_endpoint(&url)
        .unwrap()
        .with_project_id(Some("p1".into()));
    let c = provider.fetch().await.unwrap();
    let Credentials::Temporary(t) = &c else {
        panic!()
    };
    assert_eq!(t.ak(), "TMPAK");
    assert_eq!(t.sk().expose_secret(), "secret-TMPAK");
    assert_eq!(t.security_token().expose_secret(), "token-TMPAK");
    assert_eq!(t.project_id(), Some("p1"));
    assert!(t.expires_at().is_some());
    provider.fetch().await.unwrap();
    assert_eq!(
        fake.puts.load(Ordering::SeqCst),
        1,
        "the session token is kept"
    );
    assert_eq!(fake.gets.load(Ordering::SeqCst), 2);
    assert_eq!(
        *fake.tokens_seen.lock().unwrap(),
        vec![Some("session-token-1".to_owned()); 2]
    );
}

#[tokio::test]
async fn metadata_without_token_api_and_with_errors() {
    let fake = new_fake(404);
    fake.set_default(Fake::ok("TMPAK", time::Duration::hours(6)));
    let url = start_fake(Arc::clone(&fake)).await;
    let provider = MetadataProvider::with_endpoint(&url).unwrap();
    provider.fetch().await.unwrap();
    provider.fetch().await.unwrap();
    assert_eq!(
        fake.puts.load(Ordering::SeqCst),
        1,
        "no PUT again within 24 h"
    );
    assert_eq!(*fake.tokens_seen.lock().unwrap(), vec![None, None]);

    // A 401 re-fetches the session token and retries once.
    let fake = new_fake(200);
    fake.push(Reply {
        status: 401,
        body: "token expired".into(),
        delay: Duration::ZERO,
    });
    fake.set_default(Fake::ok("TMPAK", time::Duration::hours(6)));
    let url = start_fake(Arc::clone(&fake)).await;
    MetadataProvider::with_endpoint(&url)
        .unwrap()
        .fetch()
        .await
        .unwrap();
    assert_eq!(
        (
            fake.puts.load(Ordering::SeqCst),
            fake.gets.load(Ordering::SeqCst)
        ),
        (2, 2)
    );

    // ... but not when the instance simply has no agency.
    let fake = new_fake(200);
    fake.set_default(Reply {
        status: 401,
        body: "Please configure Cloud Service Agency first".into(),
        delay: Duration::ZERO,
    });
    let url = start_fake(Arc::clone(&fake)).await;
    let e = MetadataProvider::with_endpoint(&url)
        .unwrap()
        .fetch()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("401"), "{e}");
    assert_eq!(fake.gets.load(Ordering::SeqCst), 1);

    // Unexpected token status, server errors and unreachable services are errors.
    let fake = new_fake(500);
    let url = start_fake(Arc::clone(&fake)).await;
    fake.set_default(Fake::ok("TMPAK", time::Duration::hours(6)));
    assert!(
        MetadataProvider::with_endpoint(&url)
            .unwrap()
            .fetch()
            .await
            .is_ok(),
        "a failed token PUT is not fatal on the first try"
    );
    let e = MetadataProvider::with_endpoint(closed_endpoint().await)
        .unwrap()
        .fetch()
        .await
        .unwrap_err();
    assert!(
        matches!(e, ProviderError::Fetch(_)) && e.to_string().contains("unreachable"),
        "{e}"
    );
}

// ---------------------------------------------------------------- chain

#[tokio::test]
async fn chain_order_and_one_error_listing_every_provider() {
    let explicit = PermanentCredentials::new("EXPLICIT", "SK0");
    let chain = CredentialChain::builder()
        .explicit(explicit)
        .env(env(&[
            ("HUAWEICLOUD_SDK_AK", "ENVAK"),
            ("HUAWEICLOUD_SDK_SK", "SK"),
        ]))
        .metadata_endpoint(None)
        .build()
        .unwrap();
    assert_eq!(chain.credentials().await.unwrap().ak(), Some("EXPLICIT"));

    let profile = write_file("chain", "[basic]\nak = PROFILEAK\nsk = SK\n");
    let chain = CredentialChain::builder()
        .env(env(&[
            ("HUAWEICLOUD_SDK_AK", "ENVAK"),
            ("HUAWEICLOUD_SDK_SK", "SK"),
        ]))
        .profile_path(&profile)
        .metadata_endpoint(None)
        .build()
        .unwrap();
    assert_eq!(chain.credentials().await.unwrap().ak(), Some("ENVAK"));

    let chain = CredentialChain::builder()
        .env(env(&[]))
        .profile_path(&profile)
        .metadata_endpoint(None)
        .build()
        .unwrap();
    assert_eq!(chain.credentials().await.unwrap().ak(), Some("PROFILEAK"));

    let home = scratch_dir("empty-home");
    let chain = CredentialChain::builder()
        .env(env(&[("HOME", home.to_str().unwrap())]))
        .metadata_endpoint(Some(closed_endpoint().await))
        .build()
        .unwrap();
    assert_eq!(
        chain.provider_names(),
        ["explicit", "environment", "profile", "metadata"]
    );
    let e = chain.credentials().await.unwrap_err();
    let names: Vec<&str> = e.attempts.iter().map(|a| a.provider.as_str()).collect();
    assert_eq!(names, ["explicit", "environment", "profile", "metadata"]);
    let msg = e.to_string();
    for needle in [
        "given explicitly",
        "HUAWEICLOUD_SDK_AK",
        "no credentials file",
        "unreachable",
    ] {
        assert!(msg.contains(needle), "{needle} missing from: {msg}");
    }
    assert!(!e.is_misconfiguration());
}

#[tokio::test]
async fn misconfiguration_stops_the_chain_with_a_clear_error() {
    let fake = new_fake(200);
    fake.set_default(Fake::ok("TMPAK", time::Duration::hours(6)));
    let url = start_fake(Arc::clone(&fake)).await;
    let chain = CredentialChain::builder()
        .env(env(&[("HUAWEICLOUD_SDK_AK", "ENVAK")]))
        .metadata_endpoint(Some(url.clone()))
        .build()
        .unwrap();
    let e = chain.credentials().await.unwrap_err();
    assert!(e.is_misconfiguration());
    assert!(e.to_string().contains("HUAWEICLOUD_SDK_SK"), "{e}");
    assert_eq!(e.attempts.len(), 2, "stopped at the environment");

    let profile = write_file("chain-bad", "[basic\nak = x\n");
    let chain = CredentialChain::builder()
        .env(env(&[]))
        .profile_path(&profile)
        .metadata_endpoint(Some(url))
        .build()
        .unwrap();
    let e = chain.credentials().await.unwrap_err();
    assert!(
        e.to_string().contains(profile.to_str().unwrap()) && e.to_string().contains("line 1"),
        "{e}"
    );
    assert_eq!(fake.gets.load(Ordering::SeqCst), 0, "metadata never tried");
}

fn metadata_chain(url: String) -> CredentialChain {
    let home = scratch_dir("md-home");
    CredentialChain::builder()
        .env(env(&[
            ("HOME", home.to_str().unwrap()),
            ("HUAWEICLOUD_SDK_PROJECT_ID", "p9"),
        ]))
        .metadata_endpoint(Some(url))
        .build()
        .unwrap()
}

#[tokio::test]
async fn chain_caches_and_refreshes_within_40_minutes_of_expiry() {
    let fake = new_fake(200);
    fake.set_default(Fake::ok("LONG", time::Duration::hours(2)));
    let chain = metadata_chain(start_fake(Arc::clone(&fake)).await);
    let first = chain.credentials().await.unwrap();
    assert_eq!((first.ak(), first.project_id()), (Some("LONG"), Some("p9")));
    chain.credentials().await.unwrap();
    chain.credentials().await.unwrap();
    assert_eq!(
        fake.gets.load(Ordering::SeqCst),
        1,
        "cached while more than 40 min remain"
    );

    // Credentials living less than 40 minutes are refreshed on every call (the SDK's rule).
    let fake = new_fake(200);
    fake.set_default(Fake::ok("SHORT", time::Duration::minutes(30)));
    let chain = metadata_chain(start_fake(Arc::clone(&fake)).await);
    for _ in 0..3 {
        assert_eq!(chain.credentials().await.unwrap().ak(), Some("SHORT"));
    }
    assert_eq!(fake.gets.load(Ordering::SeqCst), 3);

    // A failed refresh keeps serving the still-valid credentials.
    fake.set_default(Reply {
        status: 500,
        body: "boom".into(),
        delay: Duration::ZERO,
    });
    assert_eq!(chain.credentials().await.unwrap().ak(), Some("SHORT"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_does_not_block_concurrent_signers() {
    let fake = new_fake(200);
    fake.push(Fake::ok("OLD", time::Duration::minutes(30)));
    fake.push(Reply {
        delay: Duration::from_millis(800),
        ..Fake::ok("NEW", time::Duration::hours(6))
    });
    fake.set_default(Fake::ok("LATER", time::Duration::hours(6)));
    let chain = Arc::new(metadata_chain(start_fake(Arc::clone(&fake)).await));
    assert_eq!(chain.credentials().await.unwrap().ak(), Some("OLD"));

    let start = Instant::now();
    let refresher = {
        let chain = Arc::clone(&chain);
        tokio::spawn(async move { chain.credentials().await.unwrap().ak().map(str::to_owned) })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut others = Vec::new();
    for _ in 0..8 {
        let chain = Arc::clone(&chain);
        others.push(tokio::spawn(async move {
            let t = Instant::now();
            let ak = chain.credentials().await.unwrap().ak().map(str::to_owned);
            (ak, t.elapsed())
        }));
    }
    for other in others {
        let (ak, waited) = other.await.unwrap();
        assert_eq!(
            ak.as_deref(),
            Some("OLD"),
            "served the cached value during the refresh"
        );
        assert!(waited < Duration::from_millis(300), "waited {waited:?}");
    }
    assert_eq!(refresher.await.unwrap().as_deref(), Some("NEW"));
    assert!(start.elapsed() >= Duration::from_millis(700));
    assert_eq!(chain.credentials().await.unwrap().ak(), Some("NEW"));
    assert_eq!(
        fake.gets.load(Ordering::SeqCst),
        2,
        "one refresh for nine callers"
    );
}

#[tokio::test]
async fn expired_credentials_are_fetched_again_before_use() {
    let fake = new_fake(200);
    fake.push(Fake::ok("EXPIRED", time::Duration::seconds(-5)));
    fake.set_default(Fake::ok("VALID", time::Duration::hours(6)));
    let chain = metadata_chain(start_fake(Arc::clone(&fake)).await);
    assert_eq!(chain.credentials().await.unwrap().ak(), Some("EXPIRED"));
    assert_eq!(chain.credentials().await.unwrap().ak(), Some("VALID"));
    // The chain itself is a provider too.
    assert_eq!(chain.provide().await.unwrap().ak(), Some("VALID"));
}
