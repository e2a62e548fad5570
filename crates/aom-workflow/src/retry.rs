//! Retry policy: bounded attempts, exponential backoff with full jitter, `Retry-After`, and the
//! rule that decides which failures may be retried for which operations.

use std::time::Duration;

use crate::error::{Error, TimeoutKind};

/// How failed attempts are retried.
///
/// Only transient failures are retried: throttling (429), server errors (5xx), connection
/// failures, attempt timeouts and garbled answers. Operations that change state (executing or creating a
/// workflow, acting on or terminating an execution, changing a trigger) are retried only when the
/// request provably never reached AOM: the connection could not be established, or the API
/// gateway throttled it (429 with an `APIGW` error code). Every attempt is signed afresh.
///
/// ```
/// use std::time::Duration;
/// use aom_workflow::RetryPolicy;
///
/// let policy = RetryPolicy::standard()
///     .with_max_attempts(5)
///     .with_initial_backoff(Duration::from_millis(50))
///     .with_max_backoff(Duration::from_secs(2));
/// assert_eq!(policy.max_attempts(), 5);
/// assert!(policy.backoff(10) <= Duration::from_secs(2));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::standard()
    }
}

impl RetryPolicy {
    /// Three attempts, backoff from 100 ms doubling up to 20 s with full jitter, and a server's
    /// `Retry-After` honoured up to 60 s.
    pub fn standard() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(60),
        }
    }

    /// One attempt, never retried.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::standard()
        }
    }

    /// At most `n` attempts in all (at least 1).
    #[must_use]
    pub fn with_max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// The backoff ceiling before the first retry; it doubles for each further retry.
    #[must_use]
    pub fn with_initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }

    /// The largest backoff.
    #[must_use]
    pub fn with_max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }

    /// The longest `Retry-After` honoured; a longer one ends the retries.
    #[must_use]
    pub fn with_max_retry_after(mut self, d: Duration) -> Self {
        self.max_retry_after = d;
        self
    }

    /// Attempts in all.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The delay before retry number `retry` (1 for the first retry): a random duration between
    /// zero and `min(max_backoff, initial_backoff × 2^(retry-1))` ("full jitter").
    pub fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self
            .initial_backoff
            .saturating_mul(1u32 << retry.saturating_sub(1).min(20))
            .min(self.max_backoff);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }

    /// The delay before the next attempt after `error`, or `None` if it must not be retried.
    pub(crate) fn next_delay(
        &self,
        error: &Error,
        idempotent: bool,
        attempt: u32,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts || !may_retry(error, idempotent) {
            return None;
        }
        let backoff = self.backoff(attempt);
        match retry_after(error) {
            Some(after) if after > self.max_retry_after => None,
            Some(after) => Some(after.max(backoff)),
            None => Some(backoff),
        }
    }
}

fn retry_after(error: &Error) -> Option<Duration> {
    match error {
        Error::Api(api) => api.retry_after,
        _ => None,
    }
}

/// Which failures may be retried, for idempotent and for state-changing operations.
pub(crate) fn may_retry(error: &Error, idempotent: bool) -> bool {
    match error {
        Error::Api(api) => {
            let transient = api.status == 429 || api.status >= 500;
            if idempotent {
                transient
            } else {
                // The gateway throttled it: AOM never saw the request.
                api.status == 429 && api.is_from_gateway()
            }
        }
        // A connection that was never established carried no request.
        Error::Transport { source, .. } if source.is_connect() => true,
        Error::Transport { .. } => idempotent,
        // A cut or garbled answer (a proxy fault) may decode fine the next time.
        Error::Decode { .. } => idempotent,
        Error::Timeout {
            kind: TimeoutKind::Attempt,
            ..
        } => idempotent,
        _ => false,
    }
}

/// Reads a `Retry-After` header: seconds, or an HTTP date.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_capped_and_jittered() {
        let p = RetryPolicy::standard()
            .with_initial_backoff(Duration::from_millis(100))
            .with_max_backoff(Duration::from_millis(350));
        for retry in 1..40 {
            let ceiling = Duration::from_millis(100 * (1u64 << (retry - 1).min(10)))
                .min(Duration::from_millis(350));
            for _ in 0..50 {
                assert!(p.backoff(retry) <= ceiling);
            }
        }
        let spread: std::collections::BTreeSet<Duration> = (0..50).map(|_| p.backoff(3)).collect();
        assert!(spread.len() > 10, "jittered");
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("7"), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }
}
