//! The API gateway in front of the AOM handlers.
//!
//! For every request, in order:
//!
//! 1. A request id (32 hex characters) is made; every answer, gateway or AOM, carries it in
//!    `X-Request-Id` ([`request_id`]).
//! 2. No API at that method and path: 404 `APIGW.0101` (`The API does not exist or has not
//!    been published`), before authentication, as the real gateway does.
//! 3. A body over the limit (default 1 MiB): 413 `APIGW.0201`.
//! 4. Authentication ([`Gateway::authenticate`]), failures answered 401 `APIGW.0301` with
//!    `Incorrect IAM authentication information: <reason>` and a `request_id`:
//!    - `Authorization` present: AK/SK signature checked with the `aom-auth` verifier (every
//!      algorithm it supports; `X-Sdk-Date` within 15 minutes). Reasons are the verifier's:
//!      `verify aksk signature fail`, `Get secretKey failed,ak:<masked>,err:ak not exist`,
//!      `verify aksk signature fail, the signature expired`. A temporary AK (configured with a
//!      security token) must send that `X-Security-Token`, and a permanent AK must not send
//!      one: `verify security token fail`.
//!    - Lockout: after `lockout_threshold` (default 5) consecutive failures of a known AK, the
//!      AK is refused for `lockout_duration` (default 5 minutes) with
//!      `AK access failed to reach the limit,forbidden`, even when correctly signed. A success
//!      resets the count.
//!    - else `X-Auth-Token` present: it must be one of the configured IAM tokens, else
//!      `decrypt token fail`.
//!    - else: `x-auth-token not found`.
//! 5. The project: the path's `project_id` must be 32 characters (else 400 `AOM.31001403`)
//!    and be the emulator's project, and equal the signed `X-Project-Id` when one was sent
//!    (else 403 `AOM.31009003`).
//! 6. Faults ([`crate::faults`]), around the handler.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use aom_auth::verify::{GATEWAY_AUTH_ERROR_CODE, ReceivedRequest, Verifier, VerifyError};
use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use secrecy::{ExposeSecret, SecretString};

use crate::api::operation;
use crate::app::App;
use crate::config::Config;
use crate::conn::ConnHandle;
use crate::error::{API_NOT_FOUND, API_NOT_FOUND_MSG, ApiError, BODY_TOO_LARGE, gateway_error};
use crate::faults;

/// The request id of the request being handled (a request extension).
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The reason text of a locked AK.
pub const LOCKED_REASON: &str = "AK access failed to reach the limit,forbidden";
/// The reason text of a bad security token.
pub const SECURITY_TOKEN_REASON: &str = "verify security token fail";
/// The reason text of an unknown IAM token.
pub const TOKEN_REASON: &str = "decrypt token fail";

/// Who a request was authenticated as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// AK/SK signature.
    AccessKey {
        /// The AK.
        ak: String,
        /// The signed `X-Project-Id`, if sent.
        project_id: Option<String>,
    },
    /// IAM token.
    Token,
}

#[derive(Debug, Default, Clone, Copy)]
struct Lockout {
    failures: u32,
    until: Option<Instant>,
}

/// Credentials and lockout state.
pub struct Gateway {
    verifier: Verifier<HashMap<String, SecretString>>,
    known: HashSet<String>,
    security_tokens: HashMap<String, SecretString>,
    tokens: Vec<SecretString>,
    threshold: u32,
    duration: Duration,
    lockouts: Mutex<HashMap<String, Lockout>>,
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gateway")
            .field("access_keys", &self.known)
            .field("threshold", &self.threshold)
            .finish_non_exhaustive()
    }
}

impl Gateway {
    /// A gateway for the configured credentials.
    pub fn new(config: &Config) -> Self {
        let credentials = config.effective_credentials();
        let secrets: HashMap<String, SecretString> = credentials
            .iter()
            .map(|(ak, sk)| (ak.clone(), SecretString::from(sk.clone())))
            .collect();
        Self {
            known: secrets.keys().cloned().collect(),
            verifier: Verifier::new(secrets),
            security_tokens: config
                .security_tokens
                .iter()
                .map(|(ak, t)| (ak.clone(), SecretString::from(t.clone())))
                .collect(),
            tokens: config
                .tokens
                .iter()
                .cloned()
                .map(SecretString::from)
                .collect(),
            threshold: config.lockout_threshold,
            duration: config.lockout_duration,
            lockouts: Mutex::new(HashMap::new()),
        }
    }

    fn lockouts(&self) -> std::sync::MutexGuard<'_, HashMap<String, Lockout>> {
        self.lockouts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Authenticates a request; `Err` is the gateway's reason text.
    ///
    /// # Errors
    /// The reason the request is refused.
    pub fn authenticate(&self, request: &ReceivedRequest<'_>) -> Result<Caller, String> {
        let headers = request.headers;
        if headers.contains_key(header::AUTHORIZATION) {
            return self.authenticate_signed(request);
        }
        if let Some(token) = headers.get("x-auth-token") {
            let token = token.as_bytes();
            let known = self
                .tokens
                .iter()
                .any(|t| ct_eq(t.expose_secret().as_bytes(), token));
            return if known {
                Ok(Caller::Token)
            } else {
                Err(TOKEN_REASON.to_owned())
            };
        }
        Err(VerifyError::MissingAuthorization.reason().into_owned())
    }

    fn authenticate_signed(&self, request: &ReceivedRequest<'_>) -> Result<Caller, String> {
        let claimed = claimed_access_key(request.headers).filter(|ak| self.known.contains(ak));
        let now = Instant::now();
        if let Some(ak) = &claimed
            && let Some(lock) = self.lockouts().get(ak)
            && lock.until.is_some_and(|until| now < until)
        {
            return Err(LOCKED_REASON.to_owned());
        }
        let outcome = self
            .verifier
            .verify(request, SystemTime::now())
            .map_err(|e| e.reason().into_owned())
            .and_then(|identity| {
                let expected = self.security_tokens.get(&identity.access_key);
                let sent = identity.security_token.as_ref();
                let token_ok = match (expected, sent) {
                    (None, None) => true,
                    (Some(e), Some(s)) => {
                        ct_eq(e.expose_secret().as_bytes(), s.expose_secret().as_bytes())
                    }
                    _ => false,
                };
                if token_ok {
                    Ok(Caller::AccessKey {
                        ak: identity.access_key.clone(),
                        project_id: identity.project_id.clone(),
                    })
                } else {
                    Err(SECURITY_TOKEN_REASON.to_owned())
                }
            });
        if let Some(ak) = claimed {
            let mut lockouts = self.lockouts();
            let entry = lockouts.entry(ak).or_default();
            match &outcome {
                Ok(_) => *entry = Lockout::default(),
                Err(_) => {
                    entry.failures += 1;
                    if self.threshold > 0 && entry.failures >= self.threshold {
                        entry.failures = 0;
                        entry.until = Some(now + self.duration);
                    }
                }
            }
        }
        outcome
    }

    /// The AKs locked right now.
    pub fn locked_access_keys(&self) -> Vec<String> {
        let now = Instant::now();
        let mut locked: Vec<String> = self
            .lockouts()
            .iter()
            .filter(|(_, l)| l.until.is_some_and(|u| now < u))
            .map(|(ak, _)| ak.clone())
            .collect();
        locked.sort();
        locked
    }
}

/// Constant-time comparison (length is not secret).
fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The AK an `Authorization` header names (`Access=AK` or `Credential=AK/...`), for lockout
/// bookkeeping only; the verifier does the real parsing.
fn claimed_access_key(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let start = value
        .find("Access=")
        .map(|i| i + "Access=".len())
        .or_else(|| value.find("Credential=").map(|i| i + "Credential=".len()))?;
    let ak: String = value[start..]
        .chars()
        .take_while(|c| !matches!(c, ',' | '/' | ' '))
        .collect();
    (!ak.is_empty()).then_some(ak)
}

fn request_id_of(request: &Request) -> String {
    request
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default()
}

/// Outermost layer: makes the request id and puts it on every answer.
pub async fn request_id(State(app): State<Arc<App>>, mut request: Request, next: Next) -> Response {
    let id = app.next_request_id();
    request.extensions_mut().insert(RequestId(id.clone()));
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// The answer for a method and path with no API: 404 `APIGW.0101`.
pub async fn not_found(request: Request) -> Response {
    gateway_error(
        StatusCode::NOT_FOUND,
        API_NOT_FOUND,
        API_NOT_FOUND_MSG,
        &request_id_of(&request),
    )
}

/// The gateway layer of every API route (see the module docs).
pub async fn gateway(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let request_id = request_id_of(&request);
    let matched = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned());
    let Some(op) = matched.and_then(|path| operation(request.method(), &path)) else {
        return not_found(request).await;
    };
    let conn = request
        .extensions()
        .get::<ConnectInfo<ConnHandle>>()
        .map(|c| c.0.clone());
    let limit = app.config.max_body_bytes;
    let too_large = || {
        gateway_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            BODY_TOO_LARGE,
            &format!("Request entity too large (the limit is {limit} bytes)"),
            &request_id,
        )
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return too_large();
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return too_large();
    };

    let received = ReceivedRequest {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query(),
        headers: &parts.headers,
        body: &bytes,
        authority: parts.uri.authority().map(|a| a.as_str()),
    };
    let caller = match app.gateway.authenticate(&received) {
        Ok(caller) => caller,
        Err(reason) => {
            return gateway_error(
                StatusCode::UNAUTHORIZED,
                GATEWAY_AUTH_ERROR_CODE,
                &format!("Incorrect IAM authentication information: {reason}"),
                &request_id,
            );
        }
    };
    if let Err(error) = check_project(&app, parts.uri.path(), &caller) {
        return error.into_response();
    }

    let decision = app
        .faults
        .decide(op.id, &parts.method, parts.uri.path(), &request_id);
    if !decision.latency_before.is_zero() {
        tokio::time::sleep(decision.latency_before).await;
    }
    if let Some(response) = decision
        .before
        .and_then(|kind| faults::replacement(kind, conn.as_ref(), &request_id))
    {
        return response;
    }
    let mut request = Request::from_parts(parts, Body::from(bytes));
    request.extensions_mut().insert(caller);
    let response = next.run(request).await;
    if !decision.latency_after.is_zero() {
        tokio::time::sleep(decision.latency_after).await;
    }
    match decision.after {
        Some(kind) => faults::after(kind, response, conn.as_ref(), &request_id).await,
        None => response,
    }
}

fn check_project(app: &App, path: &str, caller: &Caller) -> Result<(), ApiError> {
    let raw = path.split('/').nth(2).unwrap_or_default();
    let project = percent_encoding::percent_decode_str(raw).decode_utf8_lossy();
    if project.chars().count() != 32 {
        return Err(ApiError::field(
            "project_id",
            format_args!("must be 32 characters (got {})", project.chars().count()),
        ));
    }
    let expected = app.config.project_id.as_str();
    if project != expected {
        return Err(ApiError::project_mismatch(format!(
            "the project {project} is not accessible with these credentials"
        )));
    }
    if let Caller::AccessKey {
        project_id: Some(signed),
        ..
    } = caller
        && signed != expected
    {
        return Err(ApiError::project_mismatch(format!(
            "X-Project-Id {signed} does not match the project {project} in the path"
        )));
    }
    Ok(())
}
