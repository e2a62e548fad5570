//! `Debug` and `Display` of every credential type, signing result, signed request, provider
//! and error never show a secret.

// Test helpers may panic: a panic is a test failure with a message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::SystemTime;

use aom_auth::provider::{
    CredentialChain, EnvProvider, EnvSource, MetadataProvider, ProfileProvider, StaticProvider,
};
use aom_auth::signer::DerivedKeyPair;
use aom_auth::verify::{ReceivedRequest, Verifier};
use aom_auth::{
    Credentials, DerivedScope, IamToken, PermanentCredentials, SdkRequest, Signer,
    SigningAlgorithm, TemporaryCredentials,
};
use secrecy::{ExposeSecret, SecretString};

const SK: &str = "SuperSecretKeyValue0123456789";
const TOKEN: &str = "SecurityTokenValueABCDEFGH";
const IAM: &str = "IamTokenValueMIIXYZ";

fn assert_clean(what: &str, text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "{what} leaks {secret:?}:\n{text}");
    }
}

/// Formats with `{:?}`, `{:#?}` and (when given) `{}` and checks every secret.
macro_rules! check {
    ($secrets:expr, debug: $($v:expr),+ $(,)?) => {
        $( assert_clean(stringify!($v), &format!("{:?} {:#?}", $v, $v), $secrets); )+
    };
    ($secrets:expr, both: $($v:expr),+ $(,)?) => {
        $( assert_clean(stringify!($v), &format!("{:?} {:#?} {}", $v, $v, $v), $secrets); )+
    };
}

#[test]
fn nothing_formats_a_secret() {
    let permanent = PermanentCredentials::new("AKPERM", SK).with_project_id("p1");
    let temporary = TemporaryCredentials::new("AKTEMP", SK, TOKEN).with_domain_id("d1");
    let token = IamToken::new(IAM).with_project_id("p1");
    let creds: Vec<Credentials> = vec![
        permanent.clone().into(),
        temporary.clone().into(),
        token.clone().into(),
    ];
    let mut secrets: Vec<String> = vec![SK.into(), TOKEN.into(), IAM.into()];

    check!(&[SK, TOKEN, IAM], both: permanent, temporary, token);
    for c in &creds {
        check!(&[SK, TOKEN, IAM], both: c);
    }

    // Signing results with every algorithm; the signature and derived keys are secrets too.
    let now = SystemTime::now();
    for alg in SigningAlgorithm::ALL {
        let signer = Signer::new(alg).with_derived_scope(DerivedScope::new("cn-north-4", "aom"));
        let mut sdk = SdkRequest::new("POST", "aom.cn-north-4.myhuaweicloud.com", "/v1/p1/x");
        sdk.headers
            .push(("Content-Type".into(), "application/json".into()));
        sdk.body = b"{}".to_vec();
        let trace = signer.sign_sdk_request(&mut sdk, &creds[1], now).unwrap();
        secrets.push(trace.signature().to_owned());
        if let Some(k) = trace.derived_signing_key() {
            secrets.push(k.expose_secret().to_owned());
        }
        let refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
        check!(&refs, both: trace);
        check!(&refs, debug: sdk);
        if alg.is_asymmetric() {
            let pair = DerivedKeyPair::derive(alg, "AKTEMP", SK).unwrap();
            let private = pair.private_key_hex().expose_secret().to_owned();
            check!(&[private.as_str(), SK], debug: pair);
        }
    }

    // Signed reqwest and http requests.
    let mut req = reqwest::Request::new(
        reqwest::Method::GET,
        "https://aom.cn-north-4.myhuaweicloud.com/v1/p1/x"
            .parse()
            .unwrap(),
    );
    let trace = Signer::default()
        .sign_reqwest_at(&mut req, &creds[1], now)
        .unwrap();
    secrets.push(trace.signature().to_owned());
    let mut hreq = http::Request::get("https://aom.cn-north-4.myhuaweicloud.com/v1/p1/y")
        .body(())
        .unwrap();
    let htrace = Signer::default()
        .sign_http_at(&mut hreq, &[], &creds[1], now)
        .unwrap();
    secrets.push(htrace.signature().to_owned());
    let mut treq = reqwest::Request::new(
        reqwest::Method::GET,
        "https://aom.cn-north-4.myhuaweicloud.com/v1/p1/x"
            .parse()
            .unwrap(),
    );
    Signer::default()
        .sign_reqwest(&mut treq, &creds[2])
        .unwrap();
    let refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
    check!(&refs, debug: req, hreq, treq, req.headers(), hreq.headers());
    let redacted = aom_auth::signer::redacted_headers(req.headers());
    check!(&refs, debug: redacted);
    check!(&refs, both: trace, htrace);

    // The verifier's identity.
    let verifier = Verifier::new(|ak: &str| (ak == "AKTEMP").then(|| SecretString::from(SK)));
    let received = ReceivedRequest {
        method: "GET",
        path: req.url().path(),
        query: req.url().query(),
        headers: req.headers(),
        body: &[],
        authority: None,
    };
    let identity = verifier.verify(&received, now).unwrap();
    check!(&refs, debug: identity);
    let err = verifier
        .verify(
            &ReceivedRequest {
                method: "PUT",
                ..received
            },
            now,
        )
        .unwrap_err();
    check!(&refs, both: err);

    // Providers and chains holding secrets.
    let env: Arc<dyn EnvSource> = Arc::new(HashMap::from([
        ("HUAWEICLOUD_SDK_AK".to_owned(), "AKENV".to_owned()),
        ("HUAWEICLOUD_SDK_SK".to_owned(), SK.to_owned()),
        (
            "HUAWEICLOUD_SDK_SECURITY_TOKEN".to_owned(),
            TOKEN.to_owned(),
        ),
    ]));
    let env_provider = EnvProvider::with_env(Arc::clone(&env));
    let profile = ProfileProvider::with_env(Arc::clone(&env));
    let fixed = StaticProvider::new(temporary);
    let metadata = MetadataProvider::with_endpoint("http://127.0.0.1:9").unwrap();
    let builder = CredentialChain::builder().env(env).explicit(token);
    let chain = builder.clone().build().unwrap();
    check!(&refs, debug: env_provider, profile, fixed, metadata, builder, chain);
    let from_env = env_provider.load().unwrap();
    check!(&refs, both: from_env);
}
