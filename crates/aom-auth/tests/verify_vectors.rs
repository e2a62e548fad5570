//! The verifier accepts every vector as it went over the wire, and rejects each vector with
//! any single signed component changed: method, path, a query value, each signed header
//! value, body, date, signature and AK.

// Test helpers may panic: a panic is a test failure with a message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use aom_auth::verify::{ReceivedRequest, Verifier, VerifyError};
use http::{HeaderMap, HeaderName, HeaderValue};
use secrecy::SecretString;

/// A request as it arrived at the server, owned so that it can be tampered with.
#[derive(Clone)]
struct Wire {
    method: String,
    path: String,
    query: Option<String>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Wire {
    /// The headers as HTTP would carry them; `None` if one is not valid HTTP.
    fn try_header_map(&self) -> Option<HeaderMap> {
        let mut map = HeaderMap::new();
        for (k, v) in &self.headers {
            map.append(
                HeaderName::from_bytes(k.as_bytes()).ok()?,
                HeaderValue::from_bytes(v.as_bytes()).ok()?,
            );
        }
        Some(map)
    }

    fn header_map(&self) -> HeaderMap {
        self.try_header_map().unwrap_or_default()
    }

    fn verify(
        &self,
        verifier: &Verifier<HashMap<String, SecretString>>,
        now: SystemTime,
    ) -> Result<aom_auth::verify::VerifiedIdentity, VerifyError> {
        let headers = self.header_map();
        let received = ReceivedRequest {
            method: &self.method,
            path: &self.path,
            query: self.query.as_deref(),
            headers: &headers,
            body: &self.body,
            authority: None,
        };
        verifier.verify(&received, now)
    }

    /// Applies `f` to the last value of header `name` (case-insensitive).
    fn edit_header(&mut self, name: &str, f: impl FnOnce(&str) -> String) {
        if let Some((_, v)) = self
            .headers
            .iter_mut()
            .rev()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
        {
            *v = f(v);
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .rev()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn wire_of(case: &common::Case) -> Wire {
    let uri = case.expected["uri"].as_str().unwrap_or_default();
    let (path, query) = match uri.split_once('?') {
        Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
        None => (uri.to_owned(), None),
    };
    Wire {
        method: case.input["method"].as_str().unwrap_or_default().to_owned(),
        path,
        query,
        headers: common::pairs(case.expected.get("final_headers")),
        body: common::body(&case.input),
    }
}

fn shift_date(date: &str, seconds: u64) -> String {
    let t = common::parse_date(date).unwrap() + Duration::from_secs(seconds);
    let dt = time::OffsetDateTime::from(t);
    let fmt = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    dt.format(&fmt).unwrap()
}

fn flip_last_hex(s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    if let Some(c) = chars.last_mut() {
        *c = if *c == '0' { '1' } else { '0' };
    }
    chars.into_iter().collect()
}

#[test]
fn verifier_accepts_every_vector_and_rejects_every_single_tamper() {
    let mut failures: Vec<String> = Vec::new();
    let mut checked = 0usize;
    let mut tampers = 0usize;
    let mut not_http: Vec<String> = Vec::new();
    for file in common::all_files() {
        let cases = match common::load(&file) {
            Ok(c) => c,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        for case in &cases {
            checked += 1;
            let id = format!("{}/{}", case.file, case.id);
            let c = &case.input["credentials"];
            let ak = c["ak"].as_str().unwrap_or_default().to_owned();
            let sk = c["sk"].as_str().unwrap_or_default().to_owned();
            let verifier = Verifier::new(HashMap::from([(ak.clone(), SecretString::from(sk))]));
            let wire = wire_of(case);
            if wire.try_header_map().is_none() {
                not_http.push(id);
                continue;
            }
            let Some(date) = wire.header("x-sdk-date").map(str::to_owned) else {
                failures.push(format!("{id}: no X-Sdk-Date in final_headers"));
                continue;
            };
            let now = common::parse_date(&date).unwrap();
            let skipped = case.expected["signing_skipped"].as_bool().unwrap_or(false);
            if skipped {
                if wire.verify(&verifier, now).is_ok() {
                    failures.push(format!("{id}: a request the SDK did not sign was accepted"));
                }
                continue;
            }
            if let Err(e) = wire.verify(&verifier, now) {
                failures.push(format!("{id}: rejected as received: {e}"));
                continue;
            }

            let mut tampered: Vec<(String, Wire, SystemTime)> = Vec::new();
            let mut add = |what: String, w: Wire| tampered.push((what, w, now));

            let mut w = wire.clone();
            w.method = if w.method.eq_ignore_ascii_case("GET") {
                "POST"
            } else {
                "GET"
            }
            .to_owned();
            add("method".into(), w);

            let mut w = wire.clone();
            w.path.push('x');
            add("path".into(), w);

            let mut w = wire.clone();
            w.query = Some(match &wire.query {
                Some(q) if !q.is_empty() => match q.split_once('=') {
                    Some((k, v)) => format!("{k}=x{v}"),
                    None => format!("{q}x"),
                },
                _ => "tampered=1".to_owned(),
            });
            add("query value".into(), w);

            let auth = wire.header("authorization").unwrap_or_default().to_owned();
            let signed = auth
                .split("SignedHeaders=")
                .nth(1)
                .and_then(|s| s.split(',').next())
                .unwrap_or_default()
                .to_owned();
            let mut seen = Vec::new();
            for name in signed.split(';') {
                if seen.contains(&name) {
                    continue;
                }
                seen.push(name);
                let mut w = wire.clone();
                w.edit_header(name, |v| format!("{v}x"));
                add(format!("header {name}"), w);
            }

            let mut w = wire.clone();
            let unsigned = case.expected["payload_hash"].as_str() == Some("UNSIGNED-PAYLOAD");
            if unsigned && !w.body.is_empty() {
                w.body.clear();
            } else {
                w.body.push(b'x');
            }
            add("body".into(), w);

            let mut w = wire.clone();
            w.edit_header("x-sdk-date", |d| shift_date(d, 1));
            add("date (+1 s)".into(), w);

            let mut w = wire.clone();
            w.edit_header("authorization", flip_last_hex);
            add("signature".into(), w);

            let mut w = wire.clone();
            w.edit_header("authorization", |a| a.replacen(&ak, &format!("{ak}X"), 1));
            add("AK".into(), w);

            tampered.push((
                "clock 16 minutes later".into(),
                wire.clone(),
                now + Duration::from_secs(16 * 60),
            ));

            for (what, w, at) in tampered {
                tampers += 1;
                if let Ok(identity) = w.verify(&verifier, at) {
                    failures.push(format!("{id}: tampered {what} was accepted ({identity:?})"));
                }
            }
        }
    }
    eprintln!(
        "verifier: {checked} vectors, {tampers} tampered requests, {} not expressible as HTTP: {not_http:?}",
        not_http.len()
    );
    assert!(checked > 0, "no vector cases were loaded");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn verifier_errors_say_why() {
    let case = common::load(&common::vendored_files()[0])
        .unwrap()
        .into_iter()
        .next()
        .unwrap();
    let ak = case.input["credentials"]["ak"].as_str().unwrap().to_owned();
    let sk = case.input["credentials"]["sk"].as_str().unwrap().to_owned();
    let verifier = Verifier::new(HashMap::from([(ak.clone(), SecretString::from(sk))]));
    let wire = wire_of(&case);
    let now = common::parse_date("20240315T083000Z").unwrap();

    let mut w = wire.clone();
    w.headers.retain(|(k, _)| k != "Authorization");
    let e = w.verify(&verifier, now).unwrap_err();
    assert_eq!(e, VerifyError::MissingAuthorization);
    assert_eq!(e.reason(), "x-auth-token not found");

    let mut w = wire.clone();
    w.edit_header("authorization", |a| a.replacen(&ak, "UNKNOWNAK0000001", 1));
    let e = w.verify(&verifier, now).unwrap_err();
    assert_eq!(e, VerifyError::UnknownAccessKey("UNKNOWNAK0000001".into()));
    assert_eq!(
        e.error_msg(),
        "Incorrect IAM authentication information: Get secretKey failed,ak:UNK**********001,err:ak not exist"
    );

    let e = wire
        .verify(&verifier, now + Duration::from_secs(15 * 60 + 1))
        .unwrap_err();
    assert!(
        matches!(
            e,
            VerifyError::DateOutOfRange {
                skew_seconds: -901,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(
        wire.verify(&verifier, now + Duration::from_secs(15 * 60))
            .is_ok()
    );
    assert!(
        wire.verify(&verifier, now - Duration::from_secs(15 * 60))
            .is_ok()
    );

    let mut w = wire.clone();
    w.edit_header("authorization", |a| {
        a.replace("SDK-HMAC-SHA256", "SDK-HMAC-MD5")
    });
    assert_eq!(
        w.verify(&verifier, now).unwrap_err(),
        VerifyError::UnsupportedAlgorithm("SDK-HMAC-MD5".into())
    );

    let mut w = wire.clone();
    w.edit_header("authorization", |a| {
        a.replace(", Signature=", " Signature=")
    });
    assert!(matches!(
        w.verify(&verifier, now).unwrap_err(),
        VerifyError::MalformedAuthorization(_)
    ));

    let mut w = wire.clone();
    w.headers.retain(|(k, _)| k != "X-Sdk-Date");
    assert_eq!(
        w.verify(&verifier, now).unwrap_err(),
        VerifyError::MissingDate
    );

    let mut w = wire.clone();
    w.edit_header("x-sdk-date", |_| "2024-03-15T08:30:00Z".into());
    assert!(matches!(
        w.verify(&verifier, now).unwrap_err(),
        VerifyError::MalformedDate(_)
    ));

    let mut w = wire.clone();
    w.headers.retain(|(k, _)| k != "User-Agent");
    assert_eq!(
        w.verify(&verifier, now).unwrap_err(),
        VerifyError::SignedHeaderMissing("user-agent".into())
    );

    let mut w = wire.clone();
    w.edit_header("user-agent", |v| format!("{v}!"));
    let e = w.verify(&verifier, now).unwrap_err();
    assert_eq!(e, VerifyError::SignatureMismatch);
    assert_eq!(e.reason(), "verify aksk signature fail");
    assert_eq!((e.status(), e.error_code()), (401, "APIGW.0301"));

    // Unsigned headers may be added or changed freely (proxies do).
    let mut w = wire;
    w.headers.push(("Accept-Encoding".into(), "gzip".into()));
    assert!(w.verify(&verifier, now).is_ok());
}
