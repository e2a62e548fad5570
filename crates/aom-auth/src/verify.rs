//! Verifying signed requests on the receiving side (the emulator's API gateway layer).
//!
//! The verifier rebuilds the canonical request from what was **received** (raw path, raw
//! query, the header values named in `SignedHeaders`, the body) exactly as the signer builds
//! it, and checks the signature with the secret key looked up by AK. Errors say exactly why a
//! request was refused and map onto the gateway's `APIGW.0301` reason texts
//! ([`VerifyError::reason`]).
//!
//! ```
//! use std::time::SystemTime;
//! use aom_auth::verify::{ReceivedRequest, Verifier};
//! use aom_auth::{Credentials, PermanentCredentials, Signer};
//! use secrecy::SecretString;
//!
//! // Client side.
//! let creds: Credentials = PermanentCredentials::new("MYAK", "my-secret").into();
//! let mut req = reqwest::Request::new(
//!     reqwest::Method::GET,
//!     "http://127.0.0.1:8080/v1/p/cms/workflow?limit=10".parse()?,
//! );
//! let now = SystemTime::now();
//! Signer::default().sign_reqwest_at(&mut req, &creds, now)?;
//!
//! // Server side.
//! let verifier = Verifier::new(|ak: &str| (ak == "MYAK").then(|| SecretString::from("my-secret")));
//! let received = ReceivedRequest {
//!     method: req.method().as_str(),
//!     path: req.url().path(),
//!     query: req.url().query(),
//!     headers: req.headers(),
//!     body: &[],
//!     authority: None,
//! };
//! let identity = verifier.verify(&received, now)?;
//! assert_eq!(identity.access_key, "MYAK");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::borrow::Cow;
use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::HeaderMap;
use secrecy::{ExposeSecret, SecretString};

use crate::signer::{
    CanonicalParts, DerivedKeyPair, QuerySource, RawQueryOrder, SignedEntry, SigningAlgorithm,
    string_to_sign, symmetric_signature, trim_value, write_request_line, write_request_tail,
};

/// The gateway's error code for every authentication failure (older gateways: `APIG.0301`).
pub const GATEWAY_AUTH_ERROR_CODE: &str = "APIGW.0301";

/// The default allowed distance between `X-Sdk-Date` and the verifier's clock.
pub const DEFAULT_MAX_SKEW: Duration = Duration::from_secs(15 * 60);

/// Looks up the secret key of an access key id.
pub trait SecretLookup {
    /// The SK of `ak`, or `None` if the AK is unknown.
    fn secret_key(&self, ak: &str) -> Option<SecretString>;
}

impl<F> SecretLookup for F
where
    F: Fn(&str) -> Option<SecretString>,
{
    fn secret_key(&self, ak: &str) -> Option<SecretString> {
        self(ak)
    }
}

impl SecretLookup for HashMap<String, SecretString> {
    fn secret_key(&self, ak: &str) -> Option<SecretString> {
        self.get(ak).cloned()
    }
}

/// A request as received, before any decoding.
#[derive(Debug, Clone, Copy)]
pub struct ReceivedRequest<'a> {
    /// The HTTP method.
    pub method: &'a str,
    /// The raw (still percent-encoded) path, e.g. `/v1/p/cms/workflow/a%2Fb`.
    pub path: &'a str,
    /// The raw query string without `?`, if any.
    pub query: Option<&'a str>,
    /// The received headers.
    pub headers: &'a HeaderMap,
    /// The received body bytes.
    pub body: &'a [u8],
    /// The request authority, used as `host` when no `Host` header arrived (HTTP/2).
    pub authority: Option<&'a str>,
}

/// Who signed a verified request.
#[derive(Clone)]
#[non_exhaustive]
pub struct VerifiedIdentity {
    /// The access key id.
    pub access_key: String,
    /// The algorithm the request was signed with.
    pub algorithm: SigningAlgorithm,
    /// The signed header names, as listed in `Authorization`.
    pub signed_headers: Vec<String>,
    /// The `X-Sdk-Date` value.
    pub sdk_date: String,
    /// The V11 scope (`<YYYYMMDD>/<region>/<service>`), for V11 only.
    pub derived_scope: Option<String>,
    /// The `X-Security-Token` header, if sent (temporary credentials); the caller decides
    /// whether it belongs to the AK.
    pub security_token: Option<SecretString>,
    /// The `X-Project-Id` header, if sent.
    pub project_id: Option<String>,
}

impl std::fmt::Debug for VerifiedIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifiedIdentity")
            .field("access_key", &self.access_key)
            .field("algorithm", &self.algorithm)
            .field("signed_headers", &self.signed_headers)
            .field("sdk_date", &self.sdk_date)
            .field("derived_scope", &self.derived_scope)
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "[REDACTED]"),
            )
            .field("project_id", &self.project_id)
            .finish()
    }
}

/// Why a request was refused. Every variant is an HTTP 401 with error code
/// [`GATEWAY_AUTH_ERROR_CODE`]; [`reason`](Self::reason) gives the gateway's reason text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// No `Authorization` header.
    #[error("the request has no Authorization header")]
    MissingAuthorization,
    /// The `Authorization` header does not have the SDK's format.
    #[error("malformed Authorization header: {0}")]
    MalformedAuthorization(String),
    /// The algorithm in `Authorization` is not one this verifier knows.
    #[error("unsupported signing algorithm {0:?}")]
    UnsupportedAlgorithm(String),
    /// No `X-Sdk-Date` header.
    #[error("the request has no X-Sdk-Date header")]
    MissingDate,
    /// `X-Sdk-Date` is not `YYYYMMDDTHHMMSSZ`.
    #[error("malformed X-Sdk-Date {0:?}: expected YYYYMMDDTHHMMSSZ")]
    MalformedDate(String),
    /// `X-Sdk-Date` is further from the verifier's clock than allowed (15 minutes).
    #[error(
        "X-Sdk-Date {date} is {skew_seconds} s away from the server clock (max {max_seconds} s)"
    )]
    DateOutOfRange {
        /// The received date.
        date: String,
        /// Signed distance `date - now` in seconds.
        skew_seconds: i64,
        /// The allowed distance in seconds.
        max_seconds: u64,
    },
    /// The AK is not known to the secret lookup.
    #[error("unknown access key {}", mask_ak(.0))]
    UnknownAccessKey(String),
    /// A header listed in `SignedHeaders` was not received.
    #[error("signed header {0:?} is missing from the request")]
    SignedHeaderMissing(String),
    /// The signature does not match the received request.
    #[error("the signature does not match the request")]
    SignatureMismatch,
}

/// Masks an AK for messages: the first and last three characters are kept.
#[must_use]
pub fn mask_ak(ak: &str) -> String {
    let chars: Vec<char> = ak.chars().collect();
    if chars.len() <= 6 {
        return "*".repeat(chars.len());
    }
    let n = chars.len();
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < 3 || i >= n - 3 { *c } else { '*' })
        .collect()
}

impl VerifyError {
    /// The HTTP status the gateway answers with (always 401).
    #[must_use]
    pub const fn status(&self) -> u16 {
        401
    }

    /// The gateway error code ([`GATEWAY_AUTH_ERROR_CODE`]).
    #[must_use]
    pub const fn error_code(&self) -> &'static str {
        GATEWAY_AUTH_ERROR_CODE
    }

    /// The reason text the gateway puts after `Incorrect IAM authentication information: `.
    ///
    /// | error | reason |
    /// |---|---|
    /// | missing `Authorization` | `x-auth-token not found` |
    /// | unknown AK | `Get secretKey failed,ak:<masked>,err:ak not exist` |
    /// | date outside the window | `verify aksk signature fail, the signature expired` (the docs name the case, not a text) |
    /// | any other signature problem | `verify aksk signature fail` |
    #[must_use]
    pub fn reason(&self) -> Cow<'static, str> {
        match self {
            Self::MissingAuthorization => Cow::Borrowed("x-auth-token not found"),
            Self::UnknownAccessKey(ak) => Cow::Owned(format!(
                "Get secretKey failed,ak:{},err:ak not exist",
                mask_ak(ak)
            )),
            Self::DateOutOfRange { .. } => {
                Cow::Borrowed("verify aksk signature fail, the signature expired")
            }
            _ => Cow::Borrowed("verify aksk signature fail"),
        }
    }

    /// The gateway's `error_msg`: `Incorrect IAM authentication information: <reason>`.
    #[must_use]
    pub fn error_msg(&self) -> String {
        format!(
            "Incorrect IAM authentication information: {}",
            self.reason()
        )
    }
}

/// A parsed `Authorization` header.
struct ParsedAuthorization<'a> {
    algorithm: SigningAlgorithm,
    access_key: &'a str,
    info: Option<&'a str>,
    signed_headers: &'a str,
    signature: &'a str,
}

fn malformed(reason: &str) -> VerifyError {
    VerifyError::MalformedAuthorization(reason.to_owned())
}

fn parse_authorization(value: &str) -> Result<ParsedAuthorization<'_>, VerifyError> {
    let (name, rest) = value.split_once(' ').ok_or_else(|| {
        malformed("expected `<ALGORITHM> Access=..., SignedHeaders=..., Signature=...`")
    })?;
    let algorithm = SigningAlgorithm::from_name(name)
        .ok_or_else(|| VerifyError::UnsupportedAlgorithm(name.to_owned()))?;
    let (mut access, mut signed, mut signature) = (None, None, None);
    let credential_key = if algorithm == SigningAlgorithm::V11HmacSha256 {
        "Credential"
    } else {
        "Access"
    };
    for part in rest.split(',') {
        let (k, v) = part
            .trim()
            .split_once('=')
            .ok_or_else(|| malformed("a field without `=`"))?;
        let slot = match k {
            _ if k == credential_key => &mut access,
            "SignedHeaders" => &mut signed,
            "Signature" => &mut signature,
            _ => return Err(malformed(&format!("unexpected field {k:?}"))),
        };
        if slot.replace(v).is_some() {
            return Err(malformed(&format!("duplicate field {k:?}")));
        }
    }
    let access = access.ok_or_else(|| malformed(&format!("no {credential_key}= field")))?;
    let signed_headers = signed.ok_or_else(|| malformed("no SignedHeaders= field"))?;
    let signature = signature.ok_or_else(|| malformed("no Signature= field"))?;
    if signature.is_empty() || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(malformed("the signature is not hex"));
    }
    if signed_headers.is_empty() || signed_headers.split(';').any(str::is_empty) {
        return Err(malformed("empty signed header name"));
    }
    let (access_key, info) = if algorithm == SigningAlgorithm::V11HmacSha256 {
        let (ak, info) = access
            .split_once('/')
            .ok_or_else(|| malformed("Credential must be <AK>/<date>/<region>/<service>"))?;
        if info.split('/').count() != 3 || info.split('/').any(str::is_empty) {
            return Err(malformed(
                "Credential must be <AK>/<date>/<region>/<service>",
            ));
        }
        (ak, Some(info))
    } else {
        (access, None)
    };
    if access_key.is_empty() {
        return Err(malformed("empty access key"));
    }
    Ok(ParsedAuthorization {
        algorithm,
        access_key,
        info,
        signed_headers,
        signature,
    })
}

/// Constant-time equality of two byte strings (length is not secret).
fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn last_value<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h [u8]> {
    headers
        .get_all(name)
        .iter()
        .next_back()
        .map(http::HeaderValue::as_bytes)
}

/// Verifies signed requests against secrets looked up by AK.
#[derive(Debug, Clone)]
pub struct Verifier<L> {
    lookup: L,
    max_skew: Duration,
}

impl<L: SecretLookup> Verifier<L> {
    /// A verifier with the gateway's 15-minute date window.
    pub fn new(lookup: L) -> Self {
        Self {
            lookup,
            max_skew: DEFAULT_MAX_SKEW,
        }
    }

    /// Changes the allowed distance between `X-Sdk-Date` and the clock.
    #[must_use]
    pub fn with_max_skew(mut self, max_skew: Duration) -> Self {
        self.max_skew = max_skew;
        self
    }

    /// Verifies an [`http::Request`] whose body bytes are given.
    ///
    /// # Errors
    /// See [`VerifyError`].
    pub fn verify_http<B>(
        &self,
        request: &http::Request<B>,
        body: &[u8],
        now: SystemTime,
    ) -> Result<VerifiedIdentity, VerifyError> {
        let uri = request.uri();
        let received = ReceivedRequest {
            method: request.method().as_str(),
            path: uri.path(),
            query: uri.query(),
            headers: request.headers(),
            body,
            authority: uri.authority().map(http::uri::Authority::as_str),
        };
        self.verify(&received, now)
    }

    /// Verifies a received request at time `now`.
    ///
    /// # Errors
    /// See [`VerifyError`]; each variant says exactly why the request was refused.
    pub fn verify(
        &self,
        request: &ReceivedRequest<'_>,
        now: SystemTime,
    ) -> Result<VerifiedIdentity, VerifyError> {
        let headers = request.headers;
        let auth_value =
            last_value(headers, "authorization").ok_or(VerifyError::MissingAuthorization)?;
        let auth_text = std::str::from_utf8(auth_value)
            .map_err(|_| malformed("not UTF-8"))?
            .trim();
        let auth = parse_authorization(auth_text)?;
        let alg = auth.algorithm;
        let signed_names: Vec<&str> = auth.signed_headers.split(';').collect();
        if !signed_names
            .iter()
            .any(|n| n.eq_ignore_ascii_case("x-sdk-date"))
        {
            return Err(malformed("X-Sdk-Date is not among the signed headers"));
        }

        // Date.
        let raw_date = last_value(headers, "x-sdk-date").ok_or(VerifyError::MissingDate)?;
        let date_bytes = trim_value(raw_date);
        let date_text = String::from_utf8_lossy(date_bytes).into_owned();
        let date_secs = crate::signer::parse_sdk_date(date_bytes)
            .ok_or_else(|| VerifyError::MalformedDate(date_text.clone()))?;
        let now_secs = match now.duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
        };
        let skew = date_secs.saturating_sub(now_secs);
        if skew.unsigned_abs() > self.max_skew.as_secs() {
            return Err(VerifyError::DateOutOfRange {
                date: date_text,
                skew_seconds: skew,
                max_seconds: self.max_skew.as_secs(),
            });
        }
        if let Some(info) = auth.info
            && info.get(..8) != date_text.get(..8)
        {
            return Err(malformed("the Credential date is not the X-Sdk-Date day"));
        }

        // Secret.
        let sk = self
            .lookup
            .secret_key(auth.access_key)
            .ok_or_else(|| VerifyError::UnknownAccessKey(auth.access_key.to_owned()))?;
        let sk = sk.expose_secret();

        // Signed header values as received.
        let mut signed: Vec<SignedEntry<'_>> = Vec::with_capacity(signed_names.len());
        for name in &signed_names {
            let lower = name.to_ascii_lowercase();
            let value = match last_value(headers, &lower) {
                Some(v) => v,
                None if lower == "host" => request
                    .authority
                    .map(str::as_bytes)
                    .ok_or_else(|| VerifyError::SignedHeaderMissing((*name).to_owned()))?,
                None => return Err(VerifyError::SignedHeaderMissing((*name).to_owned())),
            };
            signed.push((*name, trim_value(value)));
        }

        // Payload hash.
        let hash_kind = alg.hash_kind();
        let payload_hash: Cow<'_, str> = if request.body.is_empty() {
            Cow::Borrowed(hash_kind.empty_hex())
        } else if let Some(v) = last_value(headers, &alg.content_hash_header().to_ascii_lowercase())
        {
            String::from_utf8_lossy(trim_value(v))
        } else {
            let hex = crate::signer::hex32(&hash_kind.digest(request.body));
            Cow::Owned(String::from_utf8_lossy(&hex).into_owned())
        };

        // The query as received keeps the client's order of values of one key (the SDK sorts
        // integer values numerically); a client that sorted them as strings is accepted too.
        let raw_query = request.query.unwrap_or_default();
        let asymmetric_key = if alg.is_asymmetric() {
            Some(
                DerivedKeyPair::derive(alg, auth.access_key, sk)
                    .map_err(|_| VerifyError::SignatureMismatch)?,
            )
        } else {
            None
        };
        let signature_bytes = if alg.is_asymmetric() {
            hex::decode(auth.signature).map_err(|_| malformed("the signature is not hex"))?
        } else {
            Vec::new()
        };
        let mut tried_queries: Vec<Vec<u8>> = Vec::with_capacity(2);
        for order in [RawQueryOrder::KeyOnly, RawQueryOrder::KeyThenValue] {
            let mut buf = Vec::with_capacity(512);
            let mut parts: CanonicalParts = write_request_line(
                &mut buf,
                request.method,
                request.path,
                QuerySource::Raw(raw_query, order),
            );
            let query = buf[parts.query.clone()].to_vec();
            if tried_queries.contains(&query) {
                continue;
            }
            tried_queries.push(query);
            write_request_tail(
                &mut buf,
                &mut parts,
                &signed,
                Some(auth.signed_headers),
                payload_hash.as_bytes(),
            );
            let sts = string_to_sign(alg, &date_text, auth.info, &buf);
            let ok = match &asymmetric_key {
                Some(key) => key.verify(&sts, &signature_bytes),
                None => symmetric_signature(alg, auth.access_key, sk, auth.info, &sts, None)
                    .is_some_and(|(expected, _)| ct_eq(&expected, auth.signature.as_bytes())),
            };
            if ok {
                return Ok(VerifiedIdentity {
                    access_key: auth.access_key.to_owned(),
                    algorithm: alg,
                    signed_headers: signed_names.iter().map(|s| (*s).to_owned()).collect(),
                    sdk_date: date_text,
                    derived_scope: auth.info.map(str::to_owned),
                    security_token: last_value(headers, "x-security-token")
                        .map(|v| SecretString::from(String::from_utf8_lossy(v).into_owned())),
                    project_id: last_value(headers, "x-project-id")
                        .map(|v| String::from_utf8_lossy(v).into_owned()),
                });
            }
        }
        Err(VerifyError::SignatureMismatch)
    }
}
