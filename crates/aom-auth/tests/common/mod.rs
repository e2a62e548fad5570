//! Loading golden signing vectors (shared by the vector and verifier tests).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use aom_auth::{Credentials, DerivedScope, QueryValue, SdkRequest, Signer, SigningAlgorithm};
use serde_json::Value;

/// One case of one vector file.
pub struct Case {
    pub file: String,
    pub id: String,
    pub input: Value,
    pub expected: Value,
    pub fixed_date: Option<String>,
}

/// The vendored vector files.
pub fn vendored_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    [
        "signing-sdk-hmac-sha256.json",
        "signing-derived.json",
        "signing-other-algorithms.json",
    ]
    .iter()
    .map(|f| dir.join(f))
    .collect()
}

/// Extra files from `AOM_SIGNING_VECTORS` (colon-separated paths).
pub fn env_files() -> Vec<PathBuf> {
    std::env::var("AOM_SIGNING_VECTORS")
        .unwrap_or_default()
        .split(':')
        .filter(|p| !p.trim().is_empty())
        .map(|p| PathBuf::from(p.trim()))
        .collect()
}

/// All vendored files plus the `AOM_SIGNING_VECTORS` ones.
pub fn all_files() -> Vec<PathBuf> {
    let mut files = vendored_files();
    files.extend(env_files());
    files
}

/// Loads every case of `path`. `cases` may be a list, or an object of lists (grouped by
/// algorithm); a top-level list is accepted too.
pub fn load(path: &Path) -> Result<Vec<Case>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let doc: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", path.display()))?;
    let fixed_date = doc
        .pointer("/meta/fixed_date")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let cases = doc.get("cases").unwrap_or(&doc);
    let mut list: Vec<&Value> = Vec::new();
    match cases {
        Value::Array(items) => list.extend(items),
        Value::Object(groups) => {
            for group in groups.values() {
                match group {
                    Value::Array(items) => list.extend(items),
                    other => list.push(other),
                }
            }
        }
        _ => return Err(format!("{}: no cases", path.display())),
    }
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |f| f.to_string_lossy().into_owned(),
    );
    list.into_iter()
        .enumerate()
        .map(|(i, case)| {
            let id = case
                .get("id")
                .and_then(Value::as_str)
                .map_or_else(|| format!("#{i}"), str::to_owned);
            let input = case
                .get("input")
                .cloned()
                .ok_or_else(|| format!("{file}/{id}: no input"))?;
            let expected = case
                .get("expected")
                .cloned()
                .ok_or_else(|| format!("{file}/{id}: no expected"))?;
            Ok(Case {
                file: file.clone(),
                id,
                input,
                expected,
                fixed_date: fixed_date.clone(),
            })
        })
        .collect()
}

fn str_field<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// JSON value → typed query value (rendering depends on the JSON type).
pub fn query_value(v: &Value) -> Option<QueryValue> {
    Some(match v {
        Value::Null => return None,
        Value::String(s) => QueryValue::Str(s.clone()),
        Value::Bool(b) => QueryValue::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                QueryValue::Int(i128::from(i))
            } else if let Some(u) = n.as_u64() {
                QueryValue::Int(i128::from(u))
            } else {
                QueryValue::Float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        // Inside a list Python renders `None` with `str()`; only top-level nulls are dropped.
        Value::Array(items) => QueryValue::List(
            items
                .iter()
                .map(|v| query_value(v).unwrap_or_else(|| QueryValue::Str("None".into())))
                .collect(),
        ),
        Value::Object(_) => QueryValue::Str(v.to_string()),
    })
}

/// Minimal standard base64 decoder (vector bodies).
pub fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a' + 26),
            b'0'..=b'9' => u32::from(c - b'0' + 52),
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        })
    };
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes().filter_map(val) {
        acc = (acc << 6) | c;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    out
}

/// The body bytes of an input or `None`.
pub fn body(input: &Value) -> Vec<u8> {
    match input.get("body") {
        Some(b) if !b.is_null() => {
            let data = str_field(b, "data");
            if str_field(b, "encoding") == "base64" {
                base64_decode(data)
            } else {
                data.as_bytes().to_vec()
            }
        }
        _ => Vec::new(),
    }
}

/// Credentials of an input.
pub fn credentials(input: &Value) -> Credentials {
    let c = &input["credentials"];
    let ak = str_field(c, "ak");
    let sk = str_field(c, "sk");
    let project = c.get("project_id").and_then(Value::as_str);
    let domain = c.get("domain_id").and_then(Value::as_str);
    let owned = |v: Option<&str>| v.map(str::to_owned);
    Credentials::from_aksk(
        ak,
        sk,
        owned(c.get("security_token").and_then(Value::as_str)),
        owned(project),
        owned(domain),
    )
}

/// The signer an input asks for.
pub fn signer(input: &Value) -> Result<Signer, String> {
    if let Some(derived) = input.get("derived").filter(|d| !d.is_null()) {
        return Ok(
            Signer::new(SigningAlgorithm::V11HmacSha256).with_derived_scope(DerivedScope::new(
                str_field(derived, "region"),
                str_field(derived, "service"),
            )),
        );
    }
    let setting = input
        .get("signing_algorithm")
        .and_then(Value::as_str)
        .unwrap_or("HMAC_SHA256");
    SigningAlgorithm::from_sdk_setting(setting)
        .map(Signer::new)
        .ok_or_else(|| format!("unknown signing_algorithm {setting}"))
}

/// The SDK-model request of an input.
pub fn sdk_request(input: &Value) -> SdkRequest {
    let mut req = SdkRequest::new(
        str_field(input, "method"),
        str_field(input, "host"),
        str_field(input, "path"),
    );
    if let Some(Value::Array(q)) = input.get("query") {
        for pair in q {
            if let (Some(k), Some(v)) = (pair.get(0).and_then(Value::as_str), pair.get(1))
                && let Some(v) = query_value(v)
            {
                req.query.push((k.to_owned(), v));
            }
        }
    }
    req.headers = pairs(input.get("headers"));
    req.body = body(input);
    req
}

/// `[[name, value], ...]` → pairs.
pub fn pairs(v: Option<&Value>) -> Vec<(String, String)> {
    v.and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|p| {
                    Some((
                        p.get(0)?.as_str()?.to_owned(),
                        p.get(1)?.as_str()?.to_owned(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The signing time: the case's X-Sdk-Date, else the one the SDK sent, else the file's
/// fixed date, else now.
pub fn signing_time(case: &Case) -> std::time::SystemTime {
    let date_in = |list: Option<&Value>| {
        pairs(list)
            .into_iter()
            .rev()
            .find(|(k, _)| k.eq_ignore_ascii_case("x-sdk-date"))
            .map(|(_, v)| v)
    };
    date_in(case.input.get("headers"))
        .or_else(|| date_in(case.expected.get("final_headers")))
        .or_else(|| case.fixed_date.clone())
        .and_then(|d| parse_date(&d))
        .unwrap_or_else(std::time::SystemTime::now)
}

/// `YYYYMMDDTHHMMSSZ` → time.
pub fn parse_date(d: &str) -> Option<std::time::SystemTime> {
    let fmt = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let dt = time::PrimitiveDateTime::parse(d.trim(), &fmt)
        .ok()?
        .assume_utc();
    Some(std::time::SystemTime::from(dt))
}
