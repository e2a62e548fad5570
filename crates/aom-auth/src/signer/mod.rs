//! Request signing, byte-identical to the official Huawei Cloud SDK core.
//!
//! Three entry points share one implementation:
//!
//! * [`Signer::sign_reqwest`] / [`Signer::sign_reqwest_at`] sign a [`reqwest::Request`] in
//!   place (what the `aom-api` client hook calls);
//! * [`Signer::sign_http_at`] signs an [`http::Request`] whose body bytes are given;
//! * [`Signer::sign_sdk_request`] signs an [`SdkRequest`], the SDK's own request model
//!   (case-sensitive ordered header dict, typed query values). It reproduces every golden
//!   vector, quirks included.
//!
//! Every call returns (or can return) a [`SigningTrace`] holding the intermediate strings
//! (canonical request, string to sign), as the official SDK's documentation teaches users to
//! compare them when a signature is rejected.
//!
//! # Signing a `reqwest::Request`
//!
//! ```
//! use aom_auth::{Credentials, PermanentCredentials, Signer};
//!
//! let creds: Credentials = PermanentCredentials::new("MYAK", "my-secret-key")
//!     .with_project_id("0f3a2b6c9d8e4f1a0b2c3d4e5f6a7b8c")
//!     .into();
//! let url = "https://aom.cn-north-4.myhuaweicloud.com/v1/0f3a2b6c9d8e4f1a0b2c3d4e5f6a7b8c/cms/workflow";
//! let mut request = reqwest::Request::new(reqwest::Method::GET, url.parse()?);
//! Signer::default().sign_reqwest(&mut request, &creds)?;
//! let auth = request.headers()["authorization"].to_str()?;
//! assert!(auth.starts_with("SDK-HMAC-SHA256 Access=MYAK, SignedHeaders=host;x-project-id;x-sdk-date, Signature="));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod algorithm;
mod canonical;
mod headers;

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::time::{SystemTime, UNIX_EPOCH};

use http::HeaderMap;
use secrecy::SecretString;

pub use self::algorithm::{DerivedKeyPair, SigningAlgorithm};
pub(crate) use self::algorithm::{HashKind, hex32, hmac_sha256, v11_signing_key};
pub use self::canonical::{QueryValue, canonical_query, canonical_uri, python_float_repr};
pub(crate) use self::canonical::{
    RawQueryOrder, format_sdk_date, parse_sdk_date, trim_value, write_canonical_query_raw,
    write_canonical_query_typed, write_canonical_uri,
};
pub use self::headers::SdkHeaders;
pub(crate) use self::headers::SignedEntry;
use self::headers::{
    AUTHORIZATION, CONTENT_TYPE, HeaderStore, HostSource, SignedList, StdHeader, X_AUTH_TOKEN,
    X_DOMAIN_ID, X_PROJECT_ID, X_SDK_CONTENT_SHA256, X_SDK_CONTENT_SM3, X_SDK_DATE,
    X_SECURITY_TOKEN,
};
use crate::credentials::{AkSkRef, Credentials, SigningCache};
use crate::error::SignError;

/// The value of the payload-hash header for bodies that are not hashed.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// Region and service name for `V11-HMAC-SHA256` (derived-key) signing. The key is scoped
/// to `<YYYYMMDD>/<region>/<service>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivedScope {
    /// Region id, e.g. `cn-north-4` (`globe` for global services).
    pub region: String,
    /// Service name, e.g. `aom`.
    pub service: String,
}

impl DerivedScope {
    /// A scope for `region` and `service`.
    pub fn new(region: impl Into<String>, service: impl Into<String>) -> Self {
        Self {
            region: region.into(),
            service: service.into(),
        }
    }
}

/// Signs requests with one algorithm. Cheap to clone; holds no credentials.
#[derive(Debug, Clone, Default)]
pub struct Signer {
    algorithm: SigningAlgorithm,
    derived_scope: Option<DerivedScope>,
}

/// What a signing call did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SigningMode {
    /// An `Authorization` header was computed and set.
    Signed,
    /// The request already carried a foreign `Authorization` header; as the official SDK
    /// does, only the credential headers were added and nothing was signed.
    PreAuthorized,
    /// IAM token credentials: `X-Auth-Token` was set, nothing was signed.
    Token,
}

/// The body as the signer sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Body<'a> {
    Bytes(&'a [u8]),
    /// A streaming body whose bytes are unknown.
    Stream,
}

/// Where the query string comes from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum QuerySource<'a> {
    Typed(&'a [(String, QueryValue)]),
    Raw(&'a str, RawQueryOrder),
}

/// How an existing `X-Sdk-Date` / `Authorization` is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Policy {
    /// The SDK's behaviour: keep and use an existing `X-Sdk-Date`; skip signing if the exact
    /// key `Authorization` exists.
    Sdk,
    /// For HTTP requests that may be retried: always write a fresh `X-Sdk-Date`; replace an
    /// `Authorization` this crate produced earlier, skip only for a foreign one.
    Fresh,
}

/// Byte ranges of the parts inside a canonical request buffer.
#[derive(Debug, Clone, Default)]
pub(crate) struct CanonicalParts {
    pub(crate) uri: Range<usize>,
    pub(crate) query: Range<usize>,
    pub(crate) headers: Range<usize>,
    pub(crate) signed: Range<usize>,
    pub(crate) payload: Range<usize>,
    /// The whole canonical request.
    pub(crate) request: Range<usize>,
    pub(crate) string_to_sign: Range<usize>,
    pub(crate) date: Range<usize>,
    pub(crate) signature: Range<usize>,
    pub(crate) authorization: Range<usize>,
}

impl CanonicalParts {
    /// Every range, in buffer order.
    fn ranges_mut(&mut self) -> [&mut Range<usize>; 10] {
        [
            &mut self.uri,
            &mut self.query,
            &mut self.headers,
            &mut self.signed,
            &mut self.payload,
            &mut self.request,
            &mut self.string_to_sign,
            &mut self.date,
            &mut self.signature,
            &mut self.authorization,
        ]
    }
}

/// Writes `method`, canonical URI and canonical query into `buf` (the first three lines).
pub(crate) fn write_request_line(
    buf: &mut Vec<u8>,
    method: &str,
    path: &str,
    query: QuerySource<'_>,
) -> CanonicalParts {
    buf.extend(method.bytes().map(|b| b.to_ascii_uppercase()));
    buf.push(b'\n');
    let uri_start = buf.len();
    write_canonical_uri(buf, path);
    let uri = uri_start..buf.len();
    buf.push(b'\n');
    let query_start = buf.len();
    match query {
        QuerySource::Typed(params) => write_canonical_query_typed(buf, params),
        QuerySource::Raw(raw, order) => write_canonical_query_raw(buf, raw, order),
    }
    let query = query_start..buf.len();
    CanonicalParts {
        uri,
        query,
        ..CanonicalParts::default()
    }
}

/// Writes the rest of the canonical request after the query line: header lines, signed
/// header names and the payload hash. `signed` must already be sorted.
pub(crate) fn write_request_tail(
    buf: &mut Vec<u8>,
    parts: &mut CanonicalParts,
    signed: &[SignedEntry<'_>],
    signed_names: Option<&str>,
    payload_hash: &[u8],
) {
    buf.push(b'\n');
    let headers_start = buf.len();
    for (name, value) in signed {
        buf.extend_from_slice(name.as_bytes());
        buf.push(b':');
        buf.extend_from_slice(value);
        buf.push(b'\n');
    }
    parts.headers = headers_start..buf.len();
    buf.push(b'\n');
    let signed_start = buf.len();
    if let Some(names) = signed_names {
        buf.extend_from_slice(names.as_bytes());
    } else {
        for (i, (name, _)) in signed.iter().enumerate() {
            if i > 0 {
                buf.push(b';');
            }
            buf.extend_from_slice(name.as_bytes());
        }
    }
    parts.signed = signed_start..buf.len();
    buf.push(b'\n');
    let payload_start = buf.len();
    buf.extend_from_slice(payload_hash);
    parts.payload = payload_start..buf.len();
}

/// Appends the string to sign to `out`, given the hex hash of the canonical request.
pub(crate) fn write_string_to_sign(
    out: &mut Vec<u8>,
    alg: SigningAlgorithm,
    date: &[u8],
    info: Option<&str>,
    hash: &[u8; 64],
) {
    out.extend_from_slice(alg.name().as_bytes());
    out.push(b'\n');
    out.extend_from_slice(date);
    out.push(b'\n');
    if let Some(info) = info {
        out.extend_from_slice(info.as_bytes());
        out.push(b'\n');
    }
    out.extend_from_slice(hash);
}

/// The string to sign for a canonical request.
pub(crate) fn string_to_sign(
    alg: SigningAlgorithm,
    date: &str,
    info: Option<&str>,
    canonical_request: &[u8],
) -> Vec<u8> {
    let mut sts = Vec::with_capacity(alg.name().len() + date.len() + 64 + 48);
    let hash = hex32(&alg.hash_kind().digest(canonical_request));
    write_string_to_sign(&mut sts, alg, date.as_bytes(), info, &hash);
    sts
}

/// `<YYYYMMDD>/<region>/<service>` for V11.
pub(crate) fn v11_info(date: &str, scope: &DerivedScope) -> String {
    format!(
        "{}/{}/{}",
        date.get(..8).unwrap_or(date),
        scope.region,
        scope.service
    )
}

/// The hex signature of `sts` for symmetric algorithms (`None` for ECDSA / SM2).
pub(crate) fn symmetric_signature(
    alg: SigningAlgorithm,
    ak: &str,
    sk: &str,
    info: Option<&str>,
    sts: &[u8],
    cache: Option<&SigningCache>,
) -> Option<([u8; 64], Option<[u8; 64]>)> {
    match alg {
        SigningAlgorithm::HmacSha256 => Some((
            hex32(&match cache {
                Some(cache) => cache.hmac_sha256(sk, sts),
                None => hmac_sha256(sk.as_bytes(), sts),
            }),
            None,
        )),
        SigningAlgorithm::HmacSm3 => Some((hex32(&HashKind::Sm3.hmac(sk.as_bytes(), sts)), None)),
        SigningAlgorithm::V11HmacSha256 => {
            let key = v11_signing_key(ak, sk, info.unwrap_or_default());
            Some((hex32(&hmac_sha256(&key, sts)), Some(key)))
        }
        _ => None,
    }
}

fn now_unix(now: SystemTime) -> Result<i64, SignError> {
    let secs = now
        .duration_since(UNIX_EPOCH)
        .map_err(|_| SignError::Clock)?
        .as_secs();
    i64::try_from(secs).map_err(|_| SignError::Clock)
}

/// Intermediate results of one signing call: the strings the official SDK's documentation
/// tells users to compare when the gateway answers `APIGW.0301`.
///
/// `Debug` and `Display` redact the signature, the `Authorization` value, the derived key and
/// any `x-security-token` / `x-auth-token` line of the canonical request; the accessors return
/// the real values.
#[derive(Clone)]
pub struct SigningTrace {
    mode: SigningMode,
    algorithm: SigningAlgorithm,
    /// Canonical request, string to sign, date, signature and `Authorization`, in one buffer.
    text: String,
    parts: CanonicalParts,
    derived_signing_key: Option<SecretString>,
}

impl SigningTrace {
    /// What the call did.
    #[must_use]
    pub fn mode(&self) -> SigningMode {
        self.mode
    }

    /// Whether an `Authorization` header was computed.
    #[must_use]
    pub fn is_signed(&self) -> bool {
        self.mode == SigningMode::Signed
    }

    /// The algorithm used.
    #[must_use]
    pub fn algorithm(&self) -> SigningAlgorithm {
        self.algorithm
    }

    /// The `X-Sdk-Date` value signed (empty unless signed).
    #[must_use]
    pub fn sdk_date(&self) -> &str {
        self.part(&self.parts.date)
    }

    /// The full canonical request (empty unless signed).
    #[must_use]
    pub fn canonical_request(&self) -> &str {
        self.part(&self.parts.request)
    }

    fn part(&self, range: &Range<usize>) -> &str {
        self.text.get(range.clone()).unwrap_or_default()
    }

    /// The canonical URI (decoded, re-encoded per segment, trailing `/`).
    #[must_use]
    pub fn canonical_uri(&self) -> &str {
        self.part(&self.parts.uri)
    }

    /// The canonical query string; also the query string sent on the wire.
    #[must_use]
    pub fn canonical_query_string(&self) -> &str {
        self.part(&self.parts.query)
    }

    /// The canonical header lines, each ending in `\n`.
    #[must_use]
    pub fn canonical_headers(&self) -> &str {
        self.part(&self.parts.headers)
    }

    /// The signed header names joined by `;`.
    #[must_use]
    pub fn signed_headers(&self) -> &str {
        self.part(&self.parts.signed)
    }

    /// The payload hash (hex, or `UNSIGNED-PAYLOAD`).
    #[must_use]
    pub fn payload_hash(&self) -> &str {
        self.part(&self.parts.payload)
    }

    /// The string to sign.
    #[must_use]
    pub fn string_to_sign(&self) -> &str {
        self.part(&self.parts.string_to_sign)
    }

    /// The signature, lower-case hex (DER hex for ECDSA / SM2).
    #[must_use]
    pub fn signature(&self) -> &str {
        self.part(&self.parts.signature)
    }

    /// The `Authorization` header value set on the request.
    #[must_use]
    pub fn authorization(&self) -> &str {
        self.part(&self.parts.authorization)
    }

    /// The V11 signing key (64 hex characters used as the HMAC key), for V11 only.
    #[must_use]
    pub fn derived_signing_key(&self) -> Option<&SecretString> {
        self.derived_signing_key.as_ref()
    }

    /// The request target the SDK uses: `path`, plus `?` and the canonical query if non-empty.
    #[must_use]
    pub fn request_target(&self, path: &str) -> String {
        let q = self.canonical_query_string();
        if q.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{q}")
        }
    }

    fn redacted_authorization(&self) -> String {
        redact_authorization(self.authorization())
    }
}

/// Replaces the `Signature=` value of an `Authorization` header by `[REDACTED]`.
pub(crate) fn redact_authorization(value: &str) -> String {
    if value.is_empty() {
        return String::new();
    }
    match value.find("Signature=") {
        Some(i) => format!("{}Signature=[REDACTED]", &value[..i]),
        None => "[REDACTED]".to_owned(),
    }
}

/// Replaces the values of `x-security-token` / `x-auth-token` / `authorization` lines.
fn redact_canonical(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        match line.split_once(':') {
            Some((name, _))
                if matches!(name, "x-security-token" | "x-auth-token" | "authorization") =>
            {
                out.push_str(name);
                out.push_str(":[REDACTED]");
            }
            _ => out.push_str(line),
        }
    }
    out
}

impl fmt::Debug for SigningTrace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningTrace")
            .field("mode", &self.mode)
            .field("algorithm", &self.algorithm)
            .field("sdk_date", &self.sdk_date())
            .field(
                "canonical_request",
                &redact_canonical(self.canonical_request()),
            )
            .field("string_to_sign", &self.string_to_sign())
            .field("signature", &"[REDACTED]")
            .field("authorization", &self.redacted_authorization())
            .field(
                "derived_signing_key",
                &self.derived_signing_key.as_ref().map(|_| "[REDACTED]"),
            )
            .finish()
    }
}

impl fmt::Display for SigningTrace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.mode {
            SigningMode::Signed => write!(
                f,
                "canonical request:\n{}\n\nstring to sign:\n{}\n\nauthorization: {}",
                redact_canonical(self.canonical_request()),
                self.string_to_sign(),
                self.redacted_authorization()
            ),
            SigningMode::PreAuthorized => {
                f.write_str("not signed: the request already had an Authorization header")
            }
            SigningMode::Token => f.write_str("not signed: IAM token authentication"),
        }
    }
}

/// A request in the official SDK's own model. Signing it reproduces the Python SDK byte for
/// byte, including the quirks of its case-sensitive header dict (vectors c42, c54) and of
/// typed query values (c09, c15).
///
/// ```
/// use std::time::SystemTime;
/// use aom_auth::{Credentials, PermanentCredentials, SdkRequest, Signer};
///
/// let creds: Credentials = PermanentCredentials::new("HPUAEXAMPLEFAKEAK001", "ExampleFakeSecretKeyForVectors0123456789")
///     .with_project_id("0f3a2b6c9d8e4f1a0b2c3d4e5f6a7b8c")
///     .into();
/// let mut req = SdkRequest::new(
///     "GET",
///     "aom.cn-north-4.myhuaweicloud.com",
///     "/v1/0f3a2b6c9d8e4f1a0b2c3d4e5f6a7b8c/cms/workflow/wf-0001/executions/ex-0001/status",
/// );
/// req.headers.push(("Content-Type".into(), "application/json".into()));
/// req.headers.push(("User-Agent".into(), "huaweicloud-usdk-python/3.0; os/Linux python/3.11.7 impl/CPython".into()));
/// req.headers.push(("X-Sdk-Date".into(), "20240315T083000Z".into()));
/// let trace = Signer::default().sign_sdk_request(&mut req, &creds, SystemTime::now())?;
/// assert_eq!(trace.signature(), "418ad243d9d02c95083e3dc6aa0b45a6535159284e00e9bb56f037bf08f42c88");
/// # Ok::<(), aom_auth::SignError>(())
/// ```
#[derive(Clone, Default)]
pub struct SdkRequest {
    /// HTTP method (upper-cased for signing).
    pub method: String,
    /// Endpoint netloc (`host` or `host:port`), used for `Host` unless a header sets it.
    pub host: String,
    /// Resource path exactly as given to the signer (already path-parameter-encoded).
    pub path: String,
    /// Ordered query parameters with their types. Null values must be left out.
    pub query: Vec<(String, QueryValue)>,
    /// Ordered headers with case-sensitive names; signing adds to them.
    pub headers: SdkHeaders,
    /// The body bytes (empty for none).
    pub body: Vec<u8>,
}

impl SdkRequest {
    /// A request without query, headers or body.
    pub fn new(
        method: impl Into<String>,
        host: impl Into<String>,
        path: impl Into<String>,
    ) -> Self {
        Self {
            method: method.into(),
            host: host.into(),
            path: path.into(),
            ..Self::default()
        }
    }
}

impl fmt::Debug for SdkRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, Cow<'_, str>)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                let lower = k.to_ascii_lowercase();
                let shown = match lower.as_str() {
                    "authorization" => Cow::Owned(redact_authorization(v)),
                    "x-security-token" | "x-auth-token" => Cow::Borrowed("[REDACTED]"),
                    _ => Cow::Borrowed(v.as_str()),
                };
                (k.as_str(), shown)
            })
            .collect();
        f.debug_struct("SdkRequest")
            .field("method", &self.method)
            .field("host", &self.host)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Everything about one request except its headers.
struct Target<'a> {
    method: &'a str,
    path: &'a str,
    query: QuerySource<'a>,
    host: Option<HostSource<'a>>,
    body: Body<'a>,
}

impl Signer {
    /// A signer for `algorithm`.
    #[must_use]
    pub fn new(algorithm: SigningAlgorithm) -> Self {
        Self {
            algorithm,
            derived_scope: None,
        }
    }

    /// Sets the region and service for `V11-HMAC-SHA256`.
    #[must_use]
    pub fn with_derived_scope(mut self, scope: DerivedScope) -> Self {
        self.derived_scope = Some(scope);
        self
    }

    /// The algorithm this signer uses.
    #[must_use]
    pub fn algorithm(&self) -> SigningAlgorithm {
        self.algorithm
    }

    /// Signs a [`reqwest::Request`] in place with the current time.
    ///
    /// Adds `X-Project-Id` / `X-Domain-Id` / `X-Security-Token` as the credentials require, a
    /// fresh `X-Sdk-Date`, `Host`, `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` for non-JSON
    /// content types and `Authorization`; rewrites the URL query to the canonical query
    /// string (which is what the official SDK sends). With [`Credentials::IamToken`] it sets
    /// `X-Auth-Token` instead. Secret-bearing headers are marked sensitive, so `reqwest`'s
    /// `Debug` shows them as `Sensitive`.
    ///
    /// Call it again on a retried request: the date is renewed and the previous signature
    /// replaced. A foreign `Authorization` header (one this crate did not produce) is left
    /// alone and nothing is signed, as the official SDK does.
    ///
    /// # Errors
    /// See [`SignError`]; e.g. an empty AK/SK or a streaming JSON body.
    pub fn sign_reqwest(
        &self,
        request: &mut reqwest::Request,
        credentials: &Credentials,
    ) -> Result<(), SignError> {
        let now = SystemTime::now();
        SIGNING_BUFFER.with(|cell| match cell.try_borrow_mut() {
            Ok(mut buf) => self
                .sign_reqwest_into(request, credentials, now, &mut buf)
                .map(drop),
            // Re-entered from the same thread (cannot happen today): use a fresh buffer.
            Err(_) => self
                .sign_reqwest_into(request, credentials, now, &mut Vec::with_capacity(1024))
                .map(drop),
        })
    }

    /// [`sign_reqwest`](Self::sign_reqwest) at a given time, returning the trace.
    ///
    /// # Errors
    /// See [`SignError`].
    pub fn sign_reqwest_at(
        &self,
        request: &mut reqwest::Request,
        credentials: &Credentials,
        now: SystemTime,
    ) -> Result<SigningTrace, SignError> {
        let mut buf = Vec::with_capacity(1024);
        let outcome = self.sign_reqwest_into(request, credentials, now, &mut buf)?;
        Ok(outcome.into_trace(buf))
    }

    fn sign_reqwest_into(
        &self,
        request: &mut reqwest::Request,
        credentials: &Credentials,
        now: SystemTime,
        buf: &mut Vec<u8>,
    ) -> Result<Outcome, SignError> {
        // Sign a detached header map so that the URL and body can stay borrowed.
        let mut headers = std::mem::take(request.headers_mut());
        headers.reserve(headers_added(credentials));
        let result = {
            let url = request.url();
            let host = url.host_str().map(|h| HostSource::HostPort(h, url.port()));
            let body = match request.body() {
                None => Body::Bytes(&[]),
                Some(b) => b.as_bytes().map_or(Body::Stream, Body::Bytes),
            };
            let target = Target {
                method: request.method().as_str(),
                path: url.path(),
                query: QuerySource::Raw(
                    url.query().unwrap_or_default(),
                    RawQueryOrder::KeyThenValue,
                ),
                host,
                body,
            };
            self.sign_store(&mut headers, &target, credentials, now, Policy::Fresh, buf)
        };
        *request.headers_mut() = headers;
        let outcome = result?;
        let canonical_query = outcome.query(buf);
        if canonical_query != request.url().query().unwrap_or_default() {
            let url = request.url_mut();
            url.set_query((!canonical_query.is_empty()).then_some(canonical_query));
        }
        Ok(outcome)
    }

    /// Signs an [`http::Request`] in place; `body` is the exact body that will be sent.
    /// Behaves like [`sign_reqwest_at`](Self::sign_reqwest_at). The host comes from the
    /// `Host` header if present, else from the URI's authority.
    ///
    /// # Errors
    /// See [`SignError`].
    pub fn sign_http_at<B>(
        &self,
        request: &mut http::Request<B>,
        body: &[u8],
        credentials: &Credentials,
        now: SystemTime,
    ) -> Result<SigningTrace, SignError> {
        let uri = request.uri().clone();
        let host = uri
            .authority()
            .map(|a| HostSource::HostPort(a.host(), a.port_u16()));
        let raw_query = uri.query().unwrap_or_default();
        let method = request.method().clone();
        let target = Target {
            method: method.as_str(),
            path: uri.path(),
            query: QuerySource::Raw(raw_query, RawQueryOrder::KeyThenValue),
            host,
            body: Body::Bytes(body),
        };
        let mut buf = Vec::with_capacity(1024);
        request.headers_mut().reserve(headers_added(credentials));
        let outcome = self.sign_store(
            request.headers_mut(),
            &target,
            credentials,
            now,
            Policy::Fresh,
            &mut buf,
        )?;
        let trace = outcome.into_trace(buf);
        let canonical_query = trace.canonical_query_string();
        if canonical_query != raw_query {
            let mut parts = uri.into_parts();
            let target = trace.request_target(request.uri().path());
            parts.path_and_query =
                Some(http::uri::PathAndQuery::try_from(target).map_err(|_| SignError::InvalidUri)?);
            *request.uri_mut() = http::Uri::from_parts(parts).map_err(|_| SignError::InvalidUri)?;
        }
        Ok(trace)
    }

    /// Signs an [`SdkRequest`] exactly as the official SDK core would: an existing
    /// `X-Sdk-Date` (any case) is used as the time, else `now` is written; an existing
    /// `Authorization` key skips signing.
    ///
    /// # Errors
    /// See [`SignError`]; e.g. a malformed `X-Sdk-Date`.
    pub fn sign_sdk_request(
        &self,
        request: &mut SdkRequest,
        credentials: &Credentials,
        now: SystemTime,
    ) -> Result<SigningTrace, SignError> {
        let SdkRequest {
            method,
            host,
            path,
            query,
            headers,
            body,
        } = request;
        let target = Target {
            method,
            path,
            query: QuerySource::Typed(query),
            host: Some(HostSource::Netloc(host)),
            body: Body::Bytes(body),
        };
        let mut buf = Vec::with_capacity(1024);
        let outcome = self.sign_store(headers, &target, credentials, now, Policy::Sdk, &mut buf)?;
        Ok(outcome.into_trace(buf))
    }

    /// Signs into `buf` (cleared first); the trace's text is built from `buf` by the caller
    /// if wanted.
    fn sign_store<H: HeaderStore>(
        &self,
        headers: &mut H,
        target: &Target<'_>,
        credentials: &Credentials,
        now: SystemTime,
        policy: Policy,
        buf: &mut Vec<u8>,
    ) -> Result<Outcome, SignError> {
        let alg = self.algorithm;
        buf.clear();
        let aksk = match credentials.aksk() {
            Some(aksk) => aksk,
            None => {
                if let Credentials::IamToken(token) = credentials {
                    use secrecy::ExposeSecret;
                    if let Some(pid) = token.project_id() {
                        headers.set(&X_PROJECT_ID, pid.as_bytes())?;
                    }
                    headers.set(&X_AUTH_TOKEN, token.token().expose_secret().as_bytes())?;
                }
                let parts = write_request_line(buf, target.method, target.path, target.query);
                return Ok(Outcome::unsigned(SigningMode::Token, alg, parts));
            }
        };

        // 1. Credential headers, added before signing so that they are signed.
        add_credential_headers(headers, &aksk)?;

        // 2. Pre-signed requests.
        if let Some(existing) = headers.get_exact(&AUTHORIZATION) {
            let ours = policy == Policy::Fresh
                && SigningAlgorithm::ALL.iter().any(|a| {
                    existing.starts_with(a.name().as_bytes())
                        && existing.get(a.name().len()) == Some(&b' ')
                });
            if ours {
                headers.remove_ignore_case(&AUTHORIZATION);
            } else {
                let parts = write_request_line(buf, target.method, target.path, target.query);
                return Ok(Outcome::unsigned(SigningMode::PreAuthorized, alg, parts));
            }
        }

        // 4. AK and SK must both be non-empty.
        if aksk.ak.is_empty() || aksk.sk.is_empty() {
            return Err(SignError::EmptyAccessKey);
        }
        let scope = match (alg, &self.derived_scope) {
            (SigningAlgorithm::V11HmacSha256, None) => return Err(SignError::MissingDerivedScope),
            (SigningAlgorithm::V11HmacSha256, Some(scope)) => Some(scope),
            _ => None,
        };

        // 6. Content-type check (exact key, case-sensitive prefix test).
        let content_header = content_hash_header(alg);
        if let Some(ct) = headers.get_exact(&CONTENT_TYPE)
            && !ct.starts_with(b"application/json")
            && !ct.starts_with(b"application/bson")
        {
            headers.set(content_header, UNSIGNED_PAYLOAD.as_bytes())?;
        }

        // 7. Timestamp.
        let date = resolve_date(headers, now, policy)?;

        // 8. Host.
        if !headers.set_host_if_absent(target.host)? {
            return Err(SignError::MissingHost);
        }

        // 9.-10. Signed headers and canonical request.
        let mut parts = write_request_line(buf, target.method, target.path, target.query);
        let lowered = headers.lowered_names();
        let mut signed = SignedList::new();
        if !headers.signed(&lowered, &mut signed) {
            // Values are sent as signed, trimmed: trim them in place and list them again.
            drop(signed);
            headers.trim_values();
            signed = SignedList::new();
            headers.signed(&lowered, &mut signed);
        }
        signed.sort();
        let empty_hex;
        let body_hex;
        let payload_hash: &[u8] = match target.body {
            Body::Bytes([]) => {
                empty_hex = alg.hash_kind().empty_hex();
                empty_hex.as_bytes()
            }
            body => match headers.last_ignore_case(content_header) {
                Some(v) => trim_value(v),
                None => match body {
                    Body::Bytes(b) => {
                        body_hex = hex32(&alg.hash_kind().digest(b));
                        &body_hex
                    }
                    Body::Stream => return Err(SignError::UnhashableBody),
                },
            },
        };
        write_request_tail(buf, &mut parts, signed.as_slice(), None, payload_hash);
        drop(signed);
        parts.request = 0..buf.len();

        // 11.-12. String to sign, signature, Authorization: appended to the same buffer.
        let info = scope.map(|s| v11_info(std::str::from_utf8(&date).unwrap_or_default(), s));
        let hash = hex32(&alg.hash_kind().digest(buf));
        buf.push(b'\n');
        let sts_start = buf.len();
        write_string_to_sign(buf, alg, &date, info.as_deref(), &hash);
        parts.string_to_sign = sts_start..buf.len();
        buf.push(b'\n');
        parts.date = push_range(buf, &date);
        buf.push(b'\n');
        let sts = &buf[parts.string_to_sign.clone()];
        let derived_key = match symmetric_signature(
            alg,
            aksk.ak,
            aksk.sk,
            info.as_deref(),
            sts,
            Some(aksk.signing_cache),
        ) {
            Some((sig, key)) => {
                parts.signature = push_range(buf, &sig);
                key.map(|k| SecretString::from(ascii_string(&k)))
            }
            None => {
                let pair = DerivedKeyPair::derive(alg, aksk.ak, aksk.sk)?;
                let sig = hex::encode(pair.sign(sts)?);
                parts.signature = push_range(buf, sig.as_bytes());
                None
            }
        };
        buf.push(b'\n');
        let auth_start = buf.len();
        buf.extend_from_slice(alg.name().as_bytes());
        match &info {
            Some(info) => {
                buf.extend_from_slice(b" Credential=");
                buf.extend_from_slice(aksk.ak.as_bytes());
                buf.push(b'/');
                buf.extend_from_slice(info.as_bytes());
            }
            None => {
                buf.extend_from_slice(b" Access=");
                buf.extend_from_slice(aksk.ak.as_bytes());
            }
        }
        buf.extend_from_slice(b", SignedHeaders=");
        buf.extend_from_within(parts.signed.clone());
        buf.extend_from_slice(b", Signature=");
        buf.extend_from_within(parts.signature.clone());
        parts.authorization = auth_start..buf.len();
        headers.set(&AUTHORIZATION, &buf[parts.authorization.clone()])?;
        Ok(Outcome {
            mode: SigningMode::Signed,
            algorithm: alg,
            parts,
            derived_signing_key: derived_key,
        })
    }
}

/// The result of [`Signer::sign_store`]; the texts are in the buffer.
struct Outcome {
    mode: SigningMode,
    algorithm: SigningAlgorithm,
    parts: CanonicalParts,
    derived_signing_key: Option<SecretString>,
}

impl Outcome {
    fn unsigned(mode: SigningMode, algorithm: SigningAlgorithm, parts: CanonicalParts) -> Self {
        Self {
            mode,
            algorithm,
            parts,
            derived_signing_key: None,
        }
    }

    fn into_trace(self, buf: Vec<u8>) -> SigningTrace {
        let (text, parts) = into_string(buf, self.parts);
        SigningTrace {
            mode: self.mode,
            algorithm: self.algorithm,
            text,
            parts,
            derived_signing_key: self.derived_signing_key,
        }
    }

    /// The canonical query string inside `buf` (ASCII by construction).
    fn query<'b>(&self, buf: &'b [u8]) -> &'b str {
        std::str::from_utf8(&buf[self.parts.query.clone()]).unwrap_or_default()
    }
}

thread_local! {
    /// Reused by [`Signer::sign_reqwest`], which returns no trace.
    static SIGNING_BUFFER: std::cell::RefCell<Vec<u8>> =
        std::cell::RefCell::new(Vec::with_capacity(1024));
}

/// Appends `bytes` and returns where they are.
fn push_range(buf: &mut Vec<u8>, bytes: &[u8]) -> Range<usize> {
    let start = buf.len();
    buf.extend_from_slice(bytes);
    start..buf.len()
}

/// How many headers signing adds at most (besides `X-Sdk-Content-Sha256`), to reserve room
/// for them at once. Reserving more than needed would make a header map that has just
/// enough room grow.
fn headers_added(credentials: &Credentials) -> usize {
    match credentials.aksk() {
        // X-Sdk-Date, Host, Authorization and the credential headers.
        Some(aksk) => {
            3 + usize::from(aksk.project_id.is_some())
                + usize::from(aksk.domain_id.is_some())
                + usize::from(aksk.security_token.is_some())
        }
        // X-Auth-Token and X-Project-Id.
        None => 2,
    }
}

/// The payload-hash header for an algorithm.
fn content_hash_header(alg: SigningAlgorithm) -> &'static StdHeader {
    match alg.hash_kind() {
        HashKind::Sha256 => &X_SDK_CONTENT_SHA256,
        HashKind::Sm3 => &X_SDK_CONTENT_SM3,
    }
}

/// A `String` from bytes that are ASCII by construction (hex digits, dates).
fn ascii_string(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn add_credential_headers<H: HeaderStore>(
    headers: &mut H,
    aksk: &AkSkRef<'_>,
) -> Result<(), SignError> {
    let ready = aksk.signing_cache.header_values(aksk);
    if let Some(pid) = aksk.project_id {
        headers.set_ready(&X_PROJECT_ID, pid.as_bytes(), ready.project_id.as_ref())?;
    }
    if let Some(did) = aksk.domain_id {
        headers.set_ready(&X_DOMAIN_ID, did.as_bytes(), ready.domain_id.as_ref())?;
    }
    // "Token is not null": an empty token still adds an empty, signed header (c55).
    if let Some(token) = aksk.security_token {
        headers.set_ready(
            &X_SECURITY_TOKEN,
            token.as_bytes(),
            ready.security_token.as_ref(),
        )?;
    }
    Ok(())
}

fn resolve_date<H: HeaderStore>(
    headers: &mut H,
    now: SystemTime,
    policy: Policy,
) -> Result<[u8; 16], SignError> {
    if policy == Policy::Sdk
        && let Some(existing) = headers.last_ignore_case(&X_SDK_DATE)
    {
        let secs = parse_sdk_date(existing).ok_or_else(|| SignError::InvalidDate {
            value: String::from_utf8_lossy(existing).into_owned(),
        })?;
        return format_sdk_date(secs).ok_or(SignError::Clock);
    }
    let (formatted, ready) = sdk_date_of(now_unix(now)?)?;
    // For `Policy::Fresh` (HTTP header maps) `set` replaces every existing value.
    headers.set_ready(&X_SDK_DATE, &formatted, ready.as_ref())?;
    Ok(formatted)
}

thread_local! {
    /// The `X-Sdk-Date` of the second this thread last signed in, formatted and as a header
    /// value: requests signed within one second all carry that second's date, so it is built
    /// once per second instead of once per request. Only ever used for the same second.
    static LAST_DATE: std::cell::RefCell<Option<(i64, [u8; 16], http::HeaderValue)>> =
        const { std::cell::RefCell::new(None) };
}

/// `X-Sdk-Date` for `unix_seconds`, formatted and (when this thread can cache it) as a
/// header value.
fn sdk_date_of(unix_seconds: i64) -> Result<([u8; 16], Option<http::HeaderValue>), SignError> {
    let format = || format_sdk_date(unix_seconds).ok_or(SignError::Clock);
    LAST_DATE.with(|cell| {
        let Ok(mut last) = cell.try_borrow_mut() else {
            return Ok((format()?, None));
        };
        if let Some((secs, formatted, value)) = &*last
            && *secs == unix_seconds
        {
            return Ok((*formatted, Some(value.clone())));
        }
        let formatted = format()?;
        // Digits and letters: always a valid header value.
        let value = http::HeaderValue::from_bytes(&formatted).ok();
        *last = value.clone().map(|v| (unix_seconds, formatted, v));
        Ok((formatted, value))
    })
}

/// Turns the trace buffer into a `String`. Only header values can hold invalid UTF-8; then
/// every part is converted separately so that the ranges stay right.
fn into_string(buf: Vec<u8>, mut parts: CanonicalParts) -> (String, CanonicalParts) {
    match String::from_utf8(buf) {
        Ok(s) => (s, parts),
        Err(e) => {
            let buf = e.into_bytes();
            // Map every range boundary through a lossy conversion of the pieces in between.
            let mut bounds: Vec<usize> = parts
                .ranges_mut()
                .iter()
                .flat_map(|r| [r.start, r.end])
                .chain([0, buf.len()])
                .collect();
            bounds.sort_unstable();
            bounds.dedup();
            let mut out = String::with_capacity(buf.len() + 16);
            let mut mapped = Vec::with_capacity(bounds.len());
            mapped.push((0, 0));
            for w in bounds.windows(2) {
                out.push_str(&String::from_utf8_lossy(&buf[w[0]..w[1]]));
                mapped.push((w[1], out.len()));
            }
            let map = |p: usize| mapped.iter().find(|(b, _)| *b == p).map_or(0, |(_, n)| *n);
            for r in parts.ranges_mut() {
                *r = map(r.start)..map(r.end);
            }
            (out, parts)
        }
    }
}

/// Signs a [`reqwest::Request`] in place with the default algorithm (`SDK-HMAC-SHA256`) and
/// the current time. Shorthand for `Signer::default().sign_reqwest(request, credentials)`.
///
/// # Errors
/// See [`SignError`].
pub fn sign_reqwest(
    request: &mut reqwest::Request,
    credentials: &Credentials,
) -> Result<(), SignError> {
    Signer::default().sign_reqwest(request, credentials)
}

/// Redacted `Debug` view of a header map: values of `Authorization`, `X-Security-Token` and
/// `X-Auth-Token` (and any value marked sensitive) are replaced.
#[must_use]
pub fn redacted_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| {
            let shown = if k == http::header::AUTHORIZATION {
                redact_authorization(&String::from_utf8_lossy(v.as_bytes()))
            } else if v.is_sensitive() || k == X_SECURITY_TOKEN.lower || k == X_AUTH_TOKEN.lower {
                "[REDACTED]".to_owned()
            } else {
                String::from_utf8_lossy(v.as_bytes()).into_owned()
            };
            (k.as_str().to_owned(), shown)
        })
        .collect()
}
