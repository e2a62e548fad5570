//! Error answers: the AOM service's (`AOM.xxxxxxxx`) and the API gateway's (`APIGW.xxxx`), and
//! the error type of the library API.
//!
//! Every error body is an [`aom_api::ErrorBody`] serialized as JSON.
//!
//! | status | code | when |
//! |---|---|---|
//! | 400 | [`PARAM_ERROR`] `AOM.31001403` | a request violates the spec (path, query or body), or an action does not apply to the execution's state |
//! | 403 | [`PROJECT_MISMATCH`] `AOM.31009003` | the path's project id is not the emulator's project (or not the signed `X-Project-Id`) |
//! | 404 | [`NOT_FOUND`] `AOM.31001404` | a workflow, execution, node, job, script or template that does not exist |
//! | 500 | [`INTERNAL_ERROR`] `AOM.31001405` | injected 5xx faults (the emulator itself never answers 5xx) |
//! | 401 | `APIGW.0301` | authentication failed (gateway; carries `request_id`) |
//! | 404 | [`API_NOT_FOUND`] `APIGW.0101` | no API at that method and path (gateway) |
//! | 413 | [`BODY_TOO_LARGE`] `APIGW.0201` | the body is larger than the configured limit (gateway) |
//! | 429 | [`THROTTLED`] `APIGW.0308` | injected throttling, with `Retry-After` (gateway) |
//!
//! `AOM.31001403`, `AOM.31009004` and `AOM.31001405` are documented; `AOM.31001404` and
//! `AOM.31009003` are the emulator's choice in the same families (the documentation has no
//! error-code catalogue).

use aom_api::ErrorBody;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Bad request: the documented `param error.` code.
pub const PARAM_ERROR: &str = "AOM.31001403";
/// A resource that does not exist (emulator's choice).
pub const NOT_FOUND: &str = "AOM.31001404";
/// Internal server error (documented; only ever injected).
pub const INTERNAL_ERROR: &str = "AOM.31001405";
/// The path's project is not the caller's (emulator's choice).
pub const PROJECT_MISMATCH: &str = "AOM.31009003";
/// The gateway's code for an API that does not exist.
pub const API_NOT_FOUND: &str = "APIGW.0101";
/// The gateway's message for an API that does not exist.
pub const API_NOT_FOUND_MSG: &str = "The API does not exist or has not been published";
/// The gateway's code for a body over the size limit.
pub const BODY_TOO_LARGE: &str = "APIGW.0201";
/// The gateway's code for throttling.
pub const THROTTLED: &str = "APIGW.0308";

/// An error answered by the AOM service behind the gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// `error_code`.
    pub code: &'static str,
    /// `error_msg`.
    pub message: String,
}

impl ApiError {
    /// 400 `AOM.31001403` with `param error: <detail>`.
    pub fn param(detail: impl std::fmt::Display) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code: PARAM_ERROR,
            message: format!("param error: {detail}"),
        }
    }

    /// 400 `AOM.31001403` for a field: `param error: <field>: <rule>`.
    pub fn field(field: &str, rule: impl std::fmt::Display) -> Self {
        Self::param(format_args!("{field}: {rule}"))
    }

    /// 404 `AOM.31001404`: `<what> <id> does not exist`.
    pub fn not_found(what: &str, id: &str) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            code: NOT_FOUND,
            message: format!("{what} {id:?} does not exist"),
        }
    }

    /// 403 `AOM.31009003`.
    pub fn project_mismatch(message: String) -> Self {
        Self {
            status: StatusCode::FORBIDDEN,
            code: PROJECT_MISMATCH,
            message,
        }
    }

    /// The same error with another status.
    #[must_use]
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// The error body.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error_code: Some(self.code.to_owned()),
            error_msg: Some(self.message.clone()),
            http_code: Some(i32::from(self.status.as_u16())),
            ..ErrorBody::default()
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_error(self.status, &self.body())
    }
}

/// A gateway answer: `{"error_code", "error_msg", "request_id"}`.
pub fn gateway_error(status: StatusCode, code: &str, message: &str, request_id: &str) -> Response {
    let body = ErrorBody {
        error_code: Some(code.to_owned()),
        error_msg: Some(message.to_owned()),
        request_id: Some(request_id.to_owned()),
        ..ErrorBody::default()
    };
    json_error(status, &body)
}

/// Serializes any value as a JSON response with `status`.
pub fn json_response<T: serde::Serialize>(status: StatusCode, value: &T) -> Response {
    // Serializing the emulator's own models cannot fail; `null` would be the answer if it did.
    let bytes = serde_json::to_vec(value).unwrap_or_else(|_| b"null".to_vec());
    let mut response = (status, bytes).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// A 200 JSON response of already serialized bytes.
pub fn json_bytes(bytes: bytes::Bytes) -> Response {
    let mut response = (StatusCode::OK, bytes).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn json_error(status: StatusCode, body: &ErrorBody) -> Response {
    json_response(status, body)
}

/// Why the emulator could not start or a setting was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmulatorError {
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A configuration value is invalid.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The fixtures could not be read or parsed.
    #[error("invalid fixtures: {0}")]
    Fixtures(String),
    /// A fault specification is invalid.
    #[error("invalid fault {spec:?}: {reason}")]
    Fault {
        /// The specification as given.
        spec: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An I/O error (e.g. writing the ready file).
    #[error("{0}")]
    Io(#[from] std::io::Error),
}
