//! The error body of AOM and of the API gateway in front of it, in every spelling seen.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// An error answered by AOM or by the API gateway in front of it.
///
/// It replaces the spec's `ErrorBody` schema in the generated code, because the documentation's
/// own examples disagree with its table. Decoding never fails on any JSON value; all of these
/// are understood:
///
/// - `error_msg` (the table), `error_message` (the examples), `errorMsg`, `errorMessage`,
///   `message`, and the matching `error_code`, `errorCode`, `code`;
/// - `http_code` (the table), `htp_code` (the seed's 400 example), as an integer or as a string;
/// - the gateway's `request_id`;
/// - the same fields one level down (`{"error": {"code": …, "message": …}}`), which the
///   official SDKs also search;
/// - a body that is not an object at all (its text becomes the message).
///
/// Fields not listed above are kept in [`extra`](Self::extra).
///
/// ```
/// let body: aom_api::ErrorBody = serde_json::from_str(
///     r#"{"error_code":"AOM.31001403","error_message":"param error.","htp_code":"400"}"#,
/// ).unwrap();
/// assert_eq!(body.code(), Some("AOM.31001403"));
/// assert_eq!(body.message(), Some("param error."));
/// assert_eq!(body.http_code, Some(400));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ErrorBody {
    /// Service error code, for example `AOM.31001403`, or a gateway code such as `APIGW.0301`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// Failure description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_msg: Option<String>,
    /// HTTP status repeated in the body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_code: Option<i32>,
    /// Request id, sent by the API gateway on its own answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Every other field of the body, unchanged.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

const CODE_KEYS: &[&str] = &["error_code", "errorCode", "code"];
const MESSAGE_KEYS: &[&str] = &[
    "error_msg",
    "error_message",
    "errorMsg",
    "errorMessage",
    "message",
    "msg",
];
const HTTP_CODE_KEYS: &[&str] = &["http_code", "htp_code", "httpCode"];
const REQUEST_ID_KEYS: &[&str] = &["request_id", "requestId"];

impl ErrorBody {
    /// The error code with stray whitespace removed (one documented example prints
    /// `" AOM .31009004"`).
    pub fn code(&self) -> Option<&str> {
        self.error_code.as_deref().map(str::trim)
    }

    /// The error code with all whitespace removed, for comparing with known codes.
    pub fn normalized_code(&self) -> Option<String> {
        self.error_code
            .as_deref()
            .map(|c| c.chars().filter(|c| !c.is_whitespace()).collect())
    }

    /// The failure description.
    pub fn message(&self) -> Option<&str> {
        self.error_msg.as_deref()
    }

    /// Reads any JSON value leniently.
    pub fn from_value(value: Value) -> Self {
        match value {
            Value::Object(map) => Self::from_map(map),
            Value::Null => Self::default(),
            Value::String(text) => Self {
                error_msg: (!text.is_empty()).then_some(text),
                ..Self::default()
            },
            other => Self {
                error_msg: Some(other.to_string()),
                ..Self::default()
            },
        }
    }

    fn from_map(mut map: Map<String, Value>) -> Self {
        let mut body = Self {
            error_code: take_string(&mut map, CODE_KEYS),
            error_msg: take_string(&mut map, MESSAGE_KEYS),
            http_code: take_int(&mut map, HTTP_CODE_KEYS),
            request_id: take_string(&mut map, REQUEST_ID_KEYS),
            extra: BTreeMap::new(),
        };
        // Nothing at the top level: look one level down, as the official SDKs do, e.g.
        // {"error": {"code": "...", "message": "..."}}.
        if body.error_code.is_none() && body.error_msg.is_none() {
            for inner in map.values() {
                let Value::Object(inner) = inner else {
                    continue;
                };
                let mut inner = inner.clone();
                let code = take_string(&mut inner, CODE_KEYS);
                let msg = take_string(&mut inner, MESSAGE_KEYS);
                if code.is_some() || msg.is_some() {
                    body.error_code = code;
                    body.error_msg = msg;
                    body.http_code = body.http_code.or(take_int(&mut inner, HTTP_CODE_KEYS));
                    body.request_id = body.request_id.or(take_string(&mut inner, REQUEST_ID_KEYS));
                    break;
                }
            }
        }
        body.extra = map.into_iter().collect();
        body
    }
}

fn take_string(map: &mut Map<String, Value>, keys: &[&str]) -> Option<String> {
    for key in keys {
        match map.get(*key) {
            Some(Value::String(_)) => {
                if let Some(Value::String(s)) = map.remove(*key) {
                    return Some(s);
                }
            }
            Some(Value::Number(n)) => {
                let s = n.to_string();
                map.remove(*key);
                return Some(s);
            }
            _ => {}
        }
    }
    None
}

fn take_int(map: &mut Map<String, Value>, keys: &[&str]) -> Option<i32> {
    for key in keys {
        let parsed = match map.get(*key) {
            Some(Value::Number(n)) => n.as_i64().and_then(|n| i32::try_from(n).ok()),
            Some(Value::String(s)) => s.trim().parse::<i32>().ok(),
            _ => None,
        };
        if parsed.is_some() {
            map.remove(*key);
            return parsed;
        }
    }
    None
}

impl<'de> Deserialize<'de> for ErrorBody {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Value::deserialize(deserializer).map(Self::from_value)
    }
}

impl fmt::Display for ErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.code(), self.message()) {
            (Some(code), Some(msg)) => write!(f, "{code}: {msg}")?,
            (Some(code), None) => f.write_str(code)?,
            (None, Some(msg)) => f.write_str(msg)?,
            (None, None) => f.write_str("error with no code or message")?,
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}
