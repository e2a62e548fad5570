//! Fault injection.
//!
//! # Rules
//!
//! A rule says what goes wrong (`kind`), for which requests (`route`, `method`), how often
//! (`rate`, `next`) and where relative to the handler (`when`). As a `--fault` SPEC it is a
//! comma-separated list of `key=value` (a first item without `=` is the kind):
//!
//! ```text
//! kind=status:503,route=execute_workflow,next=2
//! latency:250,rate=0.5
//! reset,route=search_workflow_execution_detail,when=after,next=1
//! kind=throttle:2,route=/v1/*/cms/workflow-list,method=POST
//! ```
//!
//! The admin endpoint (`POST /__emulator/faults`) takes the same rule as JSON, one object or an
//! array: `{"kind":"status:503","route":"execute_workflow","next":2,"when":"before"}`, or
//! `{"spec":"kind=status:503,next=2"}`, or a SPEC string.
//!
//! | key | values | default |
//! |---|---|---|
//! | `kind` | `latency:MS` (delay), `status:CODE` (answer CODE 400-599 with an AOM error body), `throttle[:SECS]` (429 `APIGW.0308` with `Retry-After: SECS`, default 1), `reset` (close the connection with a TCP reset, no answer), `truncate` (send half the body, then cut the connection), `malformed` (200 with a broken body), `slow[:MS]` (send the body in 8 chunks, MS apart; default 200) | required |
//! | `route` | an operation id (`execute_workflow`, ...), a path pattern starting with `/` (`*` matches within one segment, `**` across segments), or `*` | `*` (every API route) |
//! | `method` | `GET`, `POST`, `PUT`, ... | any |
//! | `rate` | probability in (0, 1] that a matching request is hit, drawn from the seed | 1 |
//! | `next` | only the next N hits, then the rule is spent | unlimited |
//! | `when` | `before`: the handler does not run (a 5xx, 429 or reset creates nothing); `after`: the handler runs and its answer is lost or replaced (so a client's retry is visible as a second execution) | `before` |
//!
//! `truncate`, `malformed` and `slow` need the handler's answer, so they always act after it;
//! `latency` waits before (or, with `when=after`, after) the handler.
//!
//! # Where faults apply
//!
//! Only to API routes, and only after the gateway accepted the request (authentication, project
//! check): a rule never fires on a refused request, an unknown route or the admin endpoint. Every
//! matching rule is evaluated in order; latencies add up, and of the other kinds the first that
//! fires wins (a rule whose slot is taken does not count as a hit).

use std::collections::VecDeque;
use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::{Deserialize, Serialize};

use crate::conn::ConnHandle;
use crate::error::{ApiError, EmulatorError, INTERNAL_ERROR, THROTTLED, gateway_error};
use crate::rng::Rng;

/// How many injections the state remembers.
const LOG_CAPACITY: usize = 1000;
/// Largest body a body fault rewrites (answers are far smaller).
const MAX_REWRITE: usize = 16 << 20;

/// A fault rule as configured (see the module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// What goes wrong, e.g. `status:503`.
    pub kind: String,
    /// Operation id, path pattern or `*`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
    /// HTTP method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Probability of a hit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    /// Only the next N hits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<u64>,
    /// `before` or `after`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
}

impl FaultSpec {
    /// A rule of `kind` for every route.
    pub fn new(kind: impl Into<String>) -> Self {
        Self {
            kind: kind.into(),
            route: None,
            method: None,
            rate: None,
            next: None,
            when: None,
        }
    }

    /// Restricts the rule to `route`.
    #[must_use]
    pub fn route(mut self, route: impl Into<String>) -> Self {
        self.route = Some(route.into());
        self
    }

    /// Restricts the rule to `method`.
    #[must_use]
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self
    }

    /// Hits with probability `rate`.
    #[must_use]
    pub fn rate(mut self, rate: f64) -> Self {
        self.rate = Some(rate);
        self
    }

    /// Hits only the next `n` matching requests.
    #[must_use]
    pub fn next(mut self, n: u64) -> Self {
        self.next = Some(n);
        self
    }

    /// Acts after the handler ran (`true`) or before it (`false`).
    #[must_use]
    pub fn after(mut self, after: bool) -> Self {
        self.when = Some(if after { "after" } else { "before" }.to_owned());
        self
    }
}

impl FromStr for FaultSpec {
    type Err = EmulatorError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = |reason: String| EmulatorError::Fault {
            spec: text.to_owned(),
            reason,
        };
        let mut spec = Self::new(String::new());
        for (i, item) in text.split(',').map(str::trim).enumerate() {
            if item.is_empty() {
                continue;
            }
            let (key, value) = match item.split_once('=') {
                Some((k, v)) => (k.trim(), v.trim()),
                None if i == 0 => ("kind", item),
                None => return Err(bad(format!("{item:?} is not key=value"))),
            };
            match key {
                "kind" => spec.kind = value.to_owned(),
                "route" => spec.route = Some(value.to_owned()),
                "method" => spec.method = Some(value.to_owned()),
                "when" => spec.when = Some(value.to_owned()),
                "rate" => {
                    spec.rate = Some(
                        value
                            .parse()
                            .map_err(|_| bad(format!("rate {value:?} is not a number")))?,
                    );
                }
                "next" => {
                    spec.next = Some(
                        value
                            .parse()
                            .map_err(|_| bad(format!("next {value:?} is not a count")))?,
                    );
                }
                _ => {
                    return Err(bad(format!(
                        "unknown key {key:?} (known: kind, route, method, rate, next, when)"
                    )));
                }
            }
        }
        // Check it now, so a bad flag fails at start-up.
        Rule::compile(0, spec.clone())?;
        Ok(spec)
    }
}

impl fmt::Display for FaultSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "kind={}", self.kind)?;
        if let Some(route) = &self.route {
            write!(f, ",route={route}")?;
        }
        if let Some(method) = &self.method {
            write!(f, ",method={method}")?;
        }
        if let Some(rate) = self.rate {
            write!(f, ",rate={rate}")?;
        }
        if let Some(next) = self.next {
            write!(f, ",next={next}")?;
        }
        if let Some(when) = &self.when {
            write!(f, ",when={when}")?;
        }
        Ok(())
    }
}

/// What goes wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// Wait this long.
    Latency(Duration),
    /// Answer this status with an error body.
    Status(u16),
    /// 429 with `Retry-After` in seconds.
    Throttle(u64),
    /// Close the connection with a TCP reset.
    Reset,
    /// Send half the body, then cut the connection.
    Truncate,
    /// Replace the body with broken text.
    Malformed,
    /// Send the body in chunks this far apart.
    Slow(Duration),
}

impl FaultKind {
    fn parse(text: &str) -> Result<Self, String> {
        let (name, arg) = match text.split_once(':') {
            Some((n, a)) => (n.trim(), Some(a.trim())),
            None => (text.trim(), None),
        };
        let number = |max: u64| -> Result<Option<u64>, String> {
            arg.map(|a| {
                a.parse::<u64>()
                    .ok()
                    .filter(|n| *n <= max)
                    .ok_or_else(|| format!("{name}: {a:?} is not a number up to {max}"))
            })
            .transpose()
        };
        let kind = match name {
            "latency" => Self::Latency(Duration::from_millis(
                number(600_000)?.ok_or("latency needs milliseconds: latency:MS")?,
            )),
            "status" => {
                let code = number(599)?.ok_or("status needs a code: status:CODE")?;
                if code < 400 {
                    return Err(format!("status {code}: use a code from 400 to 599"));
                }
                Self::Status(u16::try_from(code).map_err(|e| e.to_string())?)
            }
            "throttle" => Self::Throttle(number(3600)?.unwrap_or(1)),
            "reset" if arg.is_none() => Self::Reset,
            "truncate" if arg.is_none() => Self::Truncate,
            "malformed" if arg.is_none() => Self::Malformed,
            "slow" => Self::Slow(Duration::from_millis(number(60_000)?.unwrap_or(200))),
            _ => {
                return Err(format!(
                    "unknown kind {text:?} (known: latency:MS, status:CODE, throttle[:SECS], \
                     reset, truncate, malformed, slow[:MS])"
                ));
            }
        };
        Ok(kind)
    }

    fn is_body_fault(self) -> bool {
        matches!(self, Self::Truncate | Self::Malformed | Self::Slow(_))
    }
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Latency(d) => write!(f, "latency:{}", d.as_millis()),
            Self::Status(c) => write!(f, "status:{c}"),
            Self::Throttle(s) => write!(f, "throttle:{s}"),
            Self::Reset => f.write_str("reset"),
            Self::Truncate => f.write_str("truncate"),
            Self::Malformed => f.write_str("malformed"),
            Self::Slow(d) => write!(f, "slow:{}", d.as_millis()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum RouteMatch {
    Any,
    Operation(String),
    Path(String),
}

#[derive(Debug, Clone)]
struct Rule {
    id: u64,
    spec: FaultSpec,
    kind: FaultKind,
    route: RouteMatch,
    method: Option<Method>,
    after: bool,
    matched: u64,
    injected: u64,
    remaining: Option<u64>,
}

impl Rule {
    fn compile(id: u64, spec: FaultSpec) -> Result<Self, EmulatorError> {
        let bad = |reason: String| EmulatorError::Fault {
            spec: spec.to_string(),
            reason,
        };
        let kind = FaultKind::parse(&spec.kind).map_err(bad)?;
        let route = match spec.route.as_deref().map(str::trim) {
            None | Some("" | "*") => RouteMatch::Any,
            Some(p) if p.starts_with('/') => RouteMatch::Path(p.to_owned()),
            Some(op) if crate::api::OPERATIONS.iter().any(|o| o.id == op) => {
                RouteMatch::Operation(op.to_owned())
            }
            Some(other) => {
                return Err(bad(format!(
                    "route {other:?} is not an operation id, a path pattern starting with '/', or '*'"
                )));
            }
        };
        let method = match spec.method.as_deref() {
            None => None,
            Some(m) => Some(
                Method::from_bytes(m.trim().to_ascii_uppercase().as_bytes())
                    .map_err(|_| bad(format!("method {m:?} is not an HTTP method")))?,
            ),
        };
        let after = match spec.when.as_deref() {
            None | Some("before") => false,
            Some("after") => true,
            Some(other) => return Err(bad(format!("when {other:?}: use before or after"))),
        };
        if let Some(rate) = spec.rate
            && !(rate > 0.0 && rate <= 1.0)
        {
            return Err(bad(format!("rate {rate}: use a probability in (0, 1]")));
        }
        if spec.next == Some(0) {
            return Err(bad("next=0 would never fire".into()));
        }
        Ok(Self {
            id,
            remaining: spec.next,
            spec,
            kind,
            route,
            method,
            after,
            matched: 0,
            injected: 0,
        })
    }

    fn matches(&self, operation: &str, method: &Method, path: &str) -> bool {
        let route = match &self.route {
            RouteMatch::Any => true,
            RouteMatch::Operation(op) => op == operation,
            RouteMatch::Path(pattern) => glob(pattern.as_bytes(), path.as_bytes()),
        };
        route && self.method.as_ref().is_none_or(|m| m == method)
    }

    fn active(&self) -> bool {
        self.remaining != Some(0)
    }
}

/// `*` matches within one path segment, `**` anything.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    match pattern {
        [] => text.is_empty(),
        [b'*', b'*', rest @ ..] => (0..=text.len()).any(|i| glob(rest, &text[i..])),
        [b'*', rest @ ..] => {
            let segment = text.iter().position(|&b| b == b'/').unwrap_or(text.len());
            (0..=segment).any(|i| glob(rest, &text[i..]))
        }
        [p, rest @ ..] => text.first() == Some(p) && glob(rest, &text[1..]),
    }
}

/// A rule as the admin state reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultRuleState {
    /// Rule id (for `DELETE /__emulator/faults/{id}`).
    pub id: u64,
    /// The rule as a SPEC string.
    pub spec: String,
    /// The rule as configured.
    pub rule: FaultSpec,
    /// Matching requests seen while the rule was active.
    pub matched: u64,
    /// Faults injected.
    pub injected: u64,
    /// Hits left (`next` rules).
    pub remaining: Option<u64>,
    /// Whether it can still fire.
    pub active: bool,
}

/// One injected fault.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Injection {
    /// The rule that fired.
    pub rule_id: u64,
    /// What was injected, e.g. `status:503`.
    pub kind: String,
    /// `before` or `after` the handler.
    pub when: String,
    /// The operation id of the request.
    pub operation: String,
    /// HTTP method.
    pub method: String,
    /// Request path.
    pub path: String,
    /// The request id answered (or that would have been).
    pub request_id: String,
}

/// What to do to one request.
#[derive(Debug, Default, Clone)]
pub struct Decision {
    /// Wait before the handler.
    pub latency_before: Duration,
    /// Wait after the handler.
    pub latency_after: Duration,
    /// Act instead of the handler.
    pub before: Option<FaultKind>,
    /// Act on the handler's answer.
    pub after: Option<FaultKind>,
}

#[derive(Debug, Default)]
struct Inner {
    rules: Vec<Rule>,
    next_id: u64,
    log: VecDeque<Injection>,
    total: u64,
}

/// The fault rules and what they injected.
#[derive(Debug)]
pub struct Faults {
    seed: u64,
    inner: Mutex<Inner>,
}

impl Faults {
    /// No rules yet.
    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            inner: Mutex::new(Inner {
                next_id: 1,
                ..Inner::default()
            }),
        }
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Adds a rule; returns its id.
    ///
    /// # Errors
    /// [`EmulatorError::Fault`] for an invalid rule.
    pub fn add(&self, spec: FaultSpec) -> Result<u64, EmulatorError> {
        let mut inner = self.inner();
        let id = inner.next_id;
        let rule = Rule::compile(id, spec)?;
        inner.next_id += 1;
        inner.rules.push(rule);
        Ok(id)
    }

    /// Removes every rule; returns how many there were.
    pub fn clear(&self) -> usize {
        let mut inner = self.inner();
        let n = inner.rules.len();
        inner.rules.clear();
        n
    }

    /// Removes one rule.
    pub fn remove(&self, id: u64) -> bool {
        let mut inner = self.inner();
        let before = inner.rules.len();
        inner.rules.retain(|r| r.id != id);
        inner.rules.len() != before
    }

    /// Decides what happens to one request and records the injections.
    pub fn decide(
        &self,
        operation: &str,
        method: &Method,
        path: &str,
        request_id: &str,
    ) -> Decision {
        let mut decision = Decision::default();
        let mut inner = self.inner();
        if inner.rules.is_empty() {
            return decision;
        }
        let mut fired = Vec::new();
        for rule in &mut inner.rules {
            if !rule.active() || !rule.matches(operation, method, path) {
                continue;
            }
            let slot = match rule.kind {
                FaultKind::Latency(_) => None,
                k if k.is_body_fault() || rule.after => Some(&mut decision.after),
                _ => Some(&mut decision.before),
            };
            if slot.as_ref().is_some_and(|s| s.is_some()) {
                continue;
            }
            rule.matched += 1;
            let hit = rule.spec.rate.is_none_or(|rate| {
                Rng::from_parts(&[self.seed, rule.id, rule.matched]).unit() < rate
            });
            if !hit {
                continue;
            }
            rule.injected += 1;
            if let Some(n) = rule.remaining.as_mut() {
                *n -= 1;
            }
            let after = match (rule.kind, slot) {
                (FaultKind::Latency(d), _) => {
                    if rule.after {
                        decision.latency_after += d;
                    } else {
                        decision.latency_before += d;
                    }
                    rule.after
                }
                (kind, Some(slot)) => {
                    *slot = Some(kind);
                    kind.is_body_fault() || rule.after
                }
                (_, None) => rule.after,
            };
            fired.push(Injection {
                rule_id: rule.id,
                kind: rule.kind.to_string(),
                when: if after { "after" } else { "before" }.to_owned(),
                operation: operation.to_owned(),
                method: method.to_string(),
                path: path.to_owned(),
                request_id: request_id.to_owned(),
            });
        }
        for injection in fired {
            inner.total += 1;
            if inner.log.len() >= LOG_CAPACITY {
                inner.log.pop_front();
            }
            inner.log.push_back(injection);
        }
        decision
    }

    /// The rules, the last injections (oldest first) and the total injected.
    pub fn snapshot(&self) -> (Vec<FaultRuleState>, Vec<Injection>, u64) {
        let inner = self.inner();
        let rules = inner
            .rules
            .iter()
            .map(|r| FaultRuleState {
                id: r.id,
                spec: r.spec.to_string(),
                rule: r.spec.clone(),
                matched: r.matched,
                injected: r.injected,
                remaining: r.remaining,
                active: r.active(),
            })
            .collect();
        (rules, inner.log.iter().cloned().collect(), inner.total)
    }
}

/// A 200 whose body stream fails at once: with a killed connection nothing reaches the client.
fn dead_response() -> Response {
    let stream = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "injected reset",
        ))
    });
    Response::new(Body::from_stream(stream))
}

/// The answer for a fault that replaces the handler's (status, throttle, reset).
pub fn replacement(
    kind: FaultKind,
    conn: Option<&ConnHandle>,
    request_id: &str,
) -> Option<Response> {
    match kind {
        FaultKind::Status(code) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            let error = ApiError {
                status,
                code: INTERNAL_ERROR,
                message: format!("internal server error. (injected fault: status {code})"),
            };
            let error = if status.is_server_error() {
                error
            } else {
                ApiError::param(format_args!("injected fault: status {code}")).with_status(status)
            };
            Some(error.into_response())
        }
        FaultKind::Throttle(seconds) => {
            let mut response = gateway_error(
                StatusCode::TOO_MANY_REQUESTS,
                THROTTLED,
                "The throttling threshold has been reached",
                request_id,
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            Some(response)
        }
        FaultKind::Reset => {
            if let Some(conn) = conn {
                conn.kill();
            }
            Some(dead_response())
        }
        FaultKind::Latency(_) | FaultKind::Truncate | FaultKind::Malformed | FaultKind::Slow(_) => {
            None
        }
    }
}

/// Applies an after-handler fault to `response`.
pub async fn after(
    kind: FaultKind,
    response: Response,
    conn: Option<&ConnHandle>,
    request_id: &str,
) -> Response {
    if let Some(replaced) = replacement(kind, conn, request_id) {
        return replaced;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_REWRITE).await else {
        return dead_response();
    };
    let half = bytes.len() / 2;
    match kind {
        FaultKind::Truncate => {
            // Keep Content-Length at the full size, send half, pause so the half is flushed,
            // then fail the stream: hyper drops the connection mid-body.
            parts
                .headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
            let first = bytes.slice(..half);
            let stream = futures_util::stream::unfold(0u8, move |step| {
                let first = first.clone();
                async move {
                    match step {
                        0 => Some((Ok(first), 1)),
                        1 => {
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            Some((
                                Err(std::io::Error::new(
                                    std::io::ErrorKind::UnexpectedEof,
                                    "injected truncation",
                                )),
                                2,
                            ))
                        }
                        _ => None,
                    }
                }
            });
            Response::from_parts(parts, Body::from_stream(stream))
        }
        FaultKind::Malformed => {
            let mut broken = bytes.slice(..half).to_vec();
            broken.extend_from_slice(b"<html><body>502 Bad Gateway</body></html>");
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(broken))
        }
        FaultKind::Slow(delay) => {
            parts
                .headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
            let chunk = bytes.len().div_ceil(8).max(1);
            let stream = futures_util::stream::unfold(0usize, move |at| {
                let bytes = bytes.clone();
                async move {
                    if at >= bytes.len() {
                        return None;
                    }
                    if at > 0 {
                        tokio::time::sleep(delay).await;
                    }
                    let end = (at + chunk).min(bytes.len());
                    Some((Ok::<Bytes, std::io::Error>(bytes.slice(at..end)), end))
                }
            });
            Response::from_parts(parts, Body::from_stream(stream))
        }
        _ => Response::from_parts(parts, Body::from(bytes)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_print() {
        let spec: FaultSpec = "kind=status:503,route=execute_workflow,next=2"
            .parse()
            .unwrap();
        assert_eq!(spec.kind, "status:503");
        assert_eq!(spec.next, Some(2));
        assert_eq!(
            spec.to_string(),
            "kind=status:503,route=execute_workflow,next=2"
        );
        let short: FaultSpec = "latency:10,rate=0.5,when=after".parse().unwrap();
        assert_eq!(short.kind, "latency:10");
        for bad in [
            "kind=status:200",
            "kind=explode",
            "kind=reset,route=no_such_op",
            "kind=reset,rate=2",
            "kind=reset,next=0",
            "kind=reset,when=during",
            "kind=reset,color=red",
            "status:503,oops",
            "latency",
        ] {
            assert!(bad.parse::<FaultSpec>().is_err(), "{bad}");
        }
    }

    #[test]
    fn globs() {
        assert!(glob(b"/v1/*/cms/workflow", b"/v1/p/cms/workflow"));
        assert!(!glob(b"/v1/*/cms/workflow", b"/v1/p/q/cms/workflow"));
        assert!(glob(
            b"/v1/**/status",
            b"/v1/p/cms/workflow/w/executions/e/status"
        ));
        assert!(!glob(b"/v1/*", b"/v1/p/cms"));
    }

    #[test]
    fn next_rules_are_spent_and_rates_are_seeded() {
        let faults = Faults::new(7);
        faults
            .add(
                FaultSpec::new("status:503")
                    .route("execute_workflow")
                    .next(2),
            )
            .unwrap();
        let post = Method::POST;
        let hits = (0..5)
            .filter(|_| {
                faults
                    .decide("execute_workflow", &post, "/x", "r")
                    .before
                    .is_some()
            })
            .count();
        assert_eq!(hits, 2);
        assert!(
            faults
                .decide("list_workflow", &post, "/x", "r")
                .before
                .is_none()
        );

        let pattern = |seed| {
            let f = Faults::new(seed);
            f.add(FaultSpec::new("reset").rate(0.5)).unwrap();
            (0..64)
                .map(|_| f.decide("list_workflow", &post, "/x", "r").before.is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(pattern(1), pattern(1));
        assert_ne!(pattern(1), pattern(2));
        let (rules, log, total) = faults.snapshot();
        assert_eq!(rules.len(), 1);
        assert!(!rules[0].active);
        assert_eq!(log.len(), 2);
        assert_eq!(total, 2);
    }
}
