//! Running one API operation: attempts with fresh signatures, retries, time limits, tracing, and
//! the translation of the generated client's errors into [`Error`].

use std::future::Future;
use std::time::{Duration, Instant};

use aom_api::{ErrorBody, ResponseValue};
use tracing::Instrument as _;

use crate::error::{ApiError, Error, TimeoutKind, excerpt};
use crate::retry::{RetryPolicy, parse_retry_after};

/// What the runner needs to know about an operation.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Op {
    /// The operationId, e.g. `execute_workflow`.
    pub name: &'static str,
    /// Whether sending it twice has the same effect as sending it once.
    pub idempotent: bool,
}

impl Op {
    pub(crate) const fn read(name: &'static str) -> Self {
        Self {
            name,
            idempotent: true,
        }
    }

    pub(crate) const fn write(name: &'static str) -> Self {
        Self {
            name,
            idempotent: false,
        }
    }
}

/// Time limits for one operation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Limits {
    pub attempt: Option<Duration>,
    pub operation: Option<Duration>,
}

/// Sends `builder` (a generated operation builder) with retries. `send` is called once per
/// attempt on a fresh clone, so each attempt runs the request hooks, and is signed, again.
pub(crate) async fn run<B, T, F, Fut>(
    op: Op,
    retry: &RetryPolicy,
    limits: Limits,
    builder: B,
    send: F,
) -> Result<ResponseValue<T>, Error>
where
    B: Clone,
    F: Fn(B) -> Fut,
    Fut: Future<Output = Result<ResponseValue<T>, aom_api::Error<ErrorBody>>>,
{
    let span = tracing::info_span!(
        "aom.operation",
        operation = op.name,
        attempts = tracing::field::Empty,
        status = tracing::field::Empty,
        request_id = tracing::field::Empty,
    );
    async move {
        let started = Instant::now();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let remaining = limits
                .operation
                .map(|limit| limit.saturating_sub(started.elapsed()));
            let (budget, kind) = match (limits.attempt, remaining) {
                (Some(a), Some(r)) if r < a => (Some(r), TimeoutKind::Operation),
                (Some(a), _) => (Some(a), TimeoutKind::Attempt),
                (None, Some(r)) => (Some(r), TimeoutKind::Operation),
                (None, None) => (None, TimeoutKind::Attempt),
            };
            let result = attempt_once(op, attempt, budget, kind, limits, send(builder.clone())).await;
            let error = match result {
                Ok(value) => {
                    let span = tracing::Span::current();
                    span.record("attempts", attempt);
                    span.record("status", value.status().as_u16());
                    if let Some(id) = request_id(value.headers()) {
                        span.record("request_id", id);
                    }
                    return Ok(value);
                }
                Err(error) => error,
            };
            let Some(delay) = retry.next_delay(&error, op.idempotent, attempt) else {
                record_failure(attempt, &error);
                return Err(error);
            };
            if let Some(limit) = limits.operation
                && started.elapsed() + delay >= limit
            {
                record_failure(attempt, &error);
                return Err(error);
            }
            tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, error = %error, "retrying");
            tokio::time::sleep(delay).await;
        }
    }
    .instrument(span)
    .await
}

fn record_failure(attempt: u32, error: &Error) {
    let span = tracing::Span::current();
    span.record("attempts", attempt);
    if let Some(status) = error.status() {
        span.record("status", status);
    }
    if let Some(id) = error.request_id() {
        span.record("request_id", id);
    }
}

async fn attempt_once<T, Fut>(
    op: Op,
    attempt: u32,
    budget: Option<Duration>,
    kind: TimeoutKind,
    limits: Limits,
    fut: Fut,
) -> Result<ResponseValue<T>, Error>
where
    Fut: Future<Output = Result<ResponseValue<T>, aom_api::Error<ErrorBody>>>,
{
    let span = tracing::debug_span!(
        "aom.attempt",
        operation = op.name,
        attempt,
        status = tracing::field::Empty,
        request_id = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
    );
    async move {
        let started = Instant::now();
        let outcome = match budget {
            Some(limit) => match tokio::time::timeout(limit, fut).await {
                Ok(r) => Ok(r),
                Err(_) => Err(Error::Timeout {
                    operation: op.name,
                    kind,
                    limit: match kind {
                        TimeoutKind::Attempt => limits.attempt.unwrap_or(limit),
                        TimeoutKind::Operation => limits.operation.unwrap_or(limit),
                    },
                    maybe_processed: !op.idempotent,
                }),
            },
            None => Ok(fut.await),
        };
        let result = match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(convert(op, e).await),
            Err(timeout) => Err(timeout),
        };
        let span = tracing::Span::current();
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        match &result {
            Ok(value) => {
                span.record("status", value.status().as_u16());
                if let Some(id) = request_id(value.headers()) {
                    span.record("request_id", id);
                }
                tracing::debug!("attempt succeeded");
            }
            Err(e) => {
                if let Some(status) = e.status() {
                    span.record("status", status);
                }
                if let Some(id) = e.request_id() {
                    span.record("request_id", id);
                }
                tracing::debug!(error = %e, "attempt failed");
            }
        }
        result
    }
    .instrument(span)
    .await
}

fn request_id(headers: &reqwest::header::HeaderMap) -> Option<&str> {
    headers.get("x-request-id").and_then(|v| v.to_str().ok())
}

/// Translates the generated client's error.
pub(crate) async fn convert(op: Op, error: aom_api::Error<ErrorBody>) -> Error {
    let operation = op.name;
    use aom_api::Error as E;
    match error {
        E::ErrorResponse(value) => {
            let status = value.status().as_u16();
            let header_id = request_id(value.headers()).map(str::to_string);
            let retry_after = value
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(parse_retry_after);
            let body = value.into_inner();
            Error::Api(Box::new(ApiError {
                operation,
                status,
                request_id: header_id.or_else(|| body.request_id.clone()),
                retry_after,
                body,
            }))
        }
        E::CommunicationError(source) | E::ResponseBodyError(source) => {
            Error::Transport {
                operation,
                // A connection never made carried no request; anything later may have.
                maybe_processed: !op.idempotent && !source.is_connect(),
                source,
            }
        }
        E::InvalidResponsePayload(bytes, e) => Error::Decode {
            operation,
            message: e.to_string(),
            excerpt: excerpt(&bytes),
        },
        E::UnexpectedResponse(response) => {
            let status = response.status();
            let bytes = response.bytes().await.unwrap_or_default();
            Error::Decode {
                operation,
                message: format!("unexpected HTTP status {status}"),
                excerpt: excerpt(&bytes),
            }
        }
        E::InvalidRequest(message) => invalid_request(&message),
        E::Custom(message) => Error::Auth(message),
        other => Error::Decode {
            operation,
            message: other.to_string(),
            excerpt: String::new(),
        },
    }
}

/// progenitor reports a rejected argument as "conversion to `T` for field failed: reason".
fn invalid_request(message: &str) -> Error {
    let parsed = message.split_once(" for ").and_then(|(_, rest)| {
        let (field, reason) = rest.split_once(" failed")?;
        Some((
            field.to_string(),
            reason.trim_start_matches(':').trim().to_string(),
        ))
    });
    match parsed {
        Some((field, reason)) if !reason.is_empty() => Error::validation(field, reason),
        _ => Error::validation("request", message.to_string()),
    }
}
