//! The one error type of this crate.

use std::fmt;
use std::time::Duration;

use aom_api::ErrorBody;

use crate::execution::Execution;

/// Everything that can go wrong, with what a caller needs to act on it.
///
/// ```
/// # fn check(err: aom_workflow::Error) {
/// if err.is_retryable() {
///     eprintln!("transient: {err} (request id {:?})", err.request_id());
/// } else if err.code() == Some("AOM.31001403") {
///     eprintln!("the service rejected the parameters: {err}");
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service (or the API gateway in front of it) answered with an error status.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// An argument breaks a documented rule; nothing was sent.
    #[error("invalid {field}: {rule}")]
    Validation {
        /// The argument or body field, e.g. `project_id` or `body.name`.
        field: String,
        /// The rule it breaks, e.g. `must be exactly 32 characters, got 31`.
        rule: String,
    },
    /// The client configuration is incomplete or invalid.
    #[error("configuration: {0}")]
    Config(String),
    /// Credentials could not be found or a request could not be signed; nothing was sent.
    #[error("authentication: {0}")]
    Auth(String),
    /// A time limit ran out.
    #[error("{operation}: {kind} of {limit:?} exceeded{}", if *.maybe_processed { " (the request may have been processed)" } else { "" })]
    Timeout {
        /// The operation.
        operation: &'static str,
        /// Which limit.
        kind: TimeoutKind,
        /// The limit.
        limit: Duration,
        /// Whether the request may have reached the service (a state-changing call that timed
        /// out in flight is not retried automatically, and may have taken effect).
        maybe_processed: bool,
    },
    /// The connection failed, or the answer was cut off.
    #[error("{operation}: transport error: {}{}", causes(source), if *.maybe_processed { " (the request may have been processed)" } else { "" })]
    Transport {
        /// The operation.
        operation: &'static str,
        /// What failed.
        #[source]
        source: reqwest::Error,
        /// Whether the request may have reached the service: a state-changing call whose
        /// connection broke after it was sent is not retried automatically, and may have taken
        /// effect (check before sending it again).
        maybe_processed: bool,
    },
    /// The answer could not be decoded.
    #[error(
        "{operation}: could not decode the answer: {message}; the body starts with {excerpt:?}"
    )]
    Decode {
        /// The operation.
        operation: &'static str,
        /// What is wrong with it.
        message: String,
        /// The start of the body (at most [`MAX_EXCERPT`] bytes).
        excerpt: String,
    },
    /// Waiting for an execution ended without reaching the wanted state.
    #[error("waited {waited:?} for execution {execution_id}: {reason}{}", last_seen(.last))]
    Wait {
        /// The execution.
        execution_id: String,
        /// How long the wait lasted.
        waited: Duration,
        /// The last state seen, if any poll succeeded.
        last: Option<Box<Execution>>,
        /// Why the wait ended.
        reason: WaitFailure,
    },
}

/// The error and its causes, each once: reqwest's own message ("error sending request for
/// url ...") leaves out the part that says what happened ("Connection refused").
fn causes(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let message = cause.to_string();
        if !text.contains(&message) {
            text.push_str(": ");
            text.push_str(&message);
        }
        source = cause.source();
    }
    text
}

fn last_seen(last: &Option<Box<Execution>>) -> String {
    match last {
        Some(e) => format!(" (last status: {})", e.status),
        None => " (no state seen)".to_string(),
    }
}

/// Largest body excerpt kept in [`Error::Decode`].
pub const MAX_EXCERPT: usize = 512;

/// Which time limit ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// One attempt took too long.
    Attempt,
    /// The operation, retries included, took too long.
    Operation,
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutKind::Attempt => "attempt timeout",
            TimeoutKind::Operation => "operation timeout",
        })
    }
}

/// Why a wait ended without reaching the wanted state.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WaitFailure {
    /// The deadline passed.
    #[error("the deadline passed")]
    Deadline,
    /// Polling failed and could not be retried.
    #[error("polling failed: {0}")]
    Poll(#[source] Box<Error>),
}

/// An error answer: HTTP status, Huawei error code, message and request id.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The operation.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// The request id, from the `X-Request-Id` header or the body.
    pub request_id: Option<String>,
    /// The server's `Retry-After`, if it sent one.
    pub retry_after: Option<std::time::Duration>,
    /// The decoded body (all of Huawei's spellings understood).
    pub body: ErrorBody,
}

impl ApiError {
    /// The Huawei error code, e.g. `AOM.31001403` or `APIGW.0301`.
    pub fn code(&self) -> Option<&str> {
        self.body.code()
    }

    /// The message.
    pub fn message(&self) -> Option<&str> {
        self.body.message()
    }

    /// Whether the API gateway answered by itself (the request never reached AOM).
    pub fn is_from_gateway(&self) -> bool {
        self.code()
            .is_some_and(|c| c.starts_with("APIGW.") || c.starts_with("APIG."))
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: HTTP {}", self.operation, self.status)?;
        if let Some(code) = self.code() {
            write!(f, " {code}")?;
        }
        if let Some(message) = self.message() {
            write!(f, ": {message}")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

impl Error {
    /// Whether trying again later may succeed: throttling, server errors, connection failures,
    /// timeouts, and answers that arrived garbled (cut or malformed bodies). Validation,
    /// configuration, authentication and other 4xx errors are not.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(api) => api.status == 429 || api.status >= 500,
            // Refused, reset or cut connections are all worth another try.
            Error::Transport { .. } => true,
            Error::Timeout { .. } | Error::Decode { .. } => true,
            Error::Wait { reason, .. } => match reason {
                WaitFailure::Deadline => false,
                WaitFailure::Poll(e) => e.is_retryable(),
            },
            _ => false,
        }
    }

    /// The request id of an error answer.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.request_id.as_deref(),
            Error::Wait {
                reason: WaitFailure::Poll(e),
                ..
            } => e.request_id(),
            _ => None,
        }
    }

    /// The Huawei error code of an error answer.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.code(),
            Error::Wait {
                reason: WaitFailure::Poll(e),
                ..
            } => e.code(),
            _ => None,
        }
    }

    /// The HTTP status of an error answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Wait {
                reason: WaitFailure::Poll(e),
                ..
            } => e.status(),
            _ => None,
        }
    }

    pub(crate) fn validation(field: impl Into<String>, rule: impl Into<String>) -> Self {
        Error::Validation {
            field: field.into(),
            rule: rule.into(),
        }
    }
}

/// Cuts `bytes` to at most [`MAX_EXCERPT`] bytes of text.
pub(crate) fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut end = text.len().min(MAX_EXCERPT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_string()
}
