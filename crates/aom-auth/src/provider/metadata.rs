//! The ECS metadata service provider (agency credentials of the instance).
//!
//! 1. `PUT /meta-data/latest/api/token` with `X-Metadata-Token-Ttl-Seconds: 21600` gets a
//!    session token (200); 404, 405 and 503 mean "no token" and the provider carries on
//!    without one. The PUT is retried only when no token is held and the last try was more
//!    than 24 hours ago.
//! 2. `GET /openstack/latest/securitykey` (with `X-Metadata-Token` when a token is held)
//!    returns temporary AK/SK, security token and expiry. On a 401 that is not "Please
//!    configure Cloud Service Agency first", the token is fetched again and the GET retried
//!    once.

use std::fmt;
use std::time::{Duration, Instant};

use time::OffsetDateTime;
use tokio::sync::Mutex;

use super::{BoxFuture, ProvideCredentials};
use crate::credentials::{Credentials, TemporaryCredentials};
use crate::error::ProviderError;

/// The metadata service's address.
pub const DEFAULT_METADATA_ENDPOINT: &str = "http://169.254.169.254";

const TOKEN_PATH: &str = "/meta-data/latest/api/token";
const SECURITY_KEY_PATH: &str = "/openstack/latest/securitykey";
const TOKEN_TTL_HEADER: &str = "X-Metadata-Token-Ttl-Seconds";
const TOKEN_HEADER: &str = "X-Metadata-Token";
const TOKEN_TTL_SECONDS: &str = "21600";
const TOKEN_RETRY_AFTER: Duration = Duration::from_secs(24 * 60 * 60);
const NO_AGENCY: &str = "Please configure Cloud Service Agency first";

#[derive(Default)]
struct TokenState {
    token: Option<String>,
    last_attempt: Option<Instant>,
}

/// Fetches temporary credentials from the ECS metadata service.
pub struct MetadataProvider {
    endpoint: String,
    client: reqwest::Client,
    project_id: Option<String>,
    token: Mutex<TokenState>,
}

impl fmt::Debug for MetadataProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetadataProvider")
            .field("endpoint", &self.endpoint)
            .field("project_id", &self.project_id)
            .finish_non_exhaustive()
    }
}

impl MetadataProvider {
    /// A provider for the real metadata service ([`DEFAULT_METADATA_ENDPOINT`]).
    ///
    /// # Errors
    /// [`ProviderError::Fetch`] if the HTTP client cannot be built.
    pub fn new() -> Result<Self, ProviderError> {
        Self::with_endpoint(DEFAULT_METADATA_ENDPOINT)
    }

    /// A provider for another base URL (tests run a local server on 127.0.0.1). Uses the
    /// SDK's 3 s connect and 3 s read timeouts and no proxy.
    ///
    /// # Errors
    /// [`ProviderError::Fetch`] if the HTTP client cannot be built.
    pub fn with_endpoint(endpoint: impl Into<String>) -> Result<Self, ProviderError> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .read_timeout(Duration::from_secs(3))
            .no_proxy()
            .build()
            .map_err(|e| ProviderError::Fetch(format!("cannot build an HTTP client: {e}")))?;
        Ok(Self {
            endpoint: endpoint.into().trim_end_matches('/').to_owned(),
            client,
            project_id: None,
            token: Mutex::new(TokenState::default()),
        })
    }

    /// Attaches a project id to the credentials (the service does not return one).
    #[must_use]
    pub fn with_project_id(mut self, project_id: Option<String>) -> Self {
        self.project_id = project_id;
        self
    }

    /// The base URL.
    #[must_use]
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    fn unreachable(&self, e: &reqwest::Error) -> ProviderError {
        ProviderError::Fetch(format!(
            "metadata service at {} unreachable: {e}",
            self.endpoint
        ))
    }

    /// `PUT` the session token. `Ok(None)`: the service has no token API.
    async fn fetch_token(&self) -> Result<Option<String>, ProviderError> {
        let response = self
            .client
            .put(format!("{}{TOKEN_PATH}", self.endpoint))
            .header(TOKEN_TTL_HEADER, TOKEN_TTL_SECONDS)
            .send()
            .await
            .map_err(|e| self.unreachable(&e))?;
        match response.status().as_u16() {
            200 => {
                let token = response.text().await.map_err(|e| self.unreachable(&e))?;
                Ok(Some(token.trim().to_owned()))
            }
            404 | 405 | 503 => Ok(None),
            status => Err(ProviderError::Fetch(format!(
                "metadata token request answered HTTP {status}"
            ))),
        }
    }

    /// The session token to use, fetching one when allowed.
    async fn current_token(&self, force: bool) -> Result<Option<String>, ProviderError> {
        let mut state = self.token.lock().await;
        let due = state
            .last_attempt
            .is_none_or(|t| t.elapsed() > TOKEN_RETRY_AFTER);
        if force || (state.token.is_none() && due) {
            state.last_attempt = Some(Instant::now());
            match self.fetch_token().await {
                Ok(token) => state.token = token,
                Err(e) if force => return Err(e),
                Err(e) => {
                    tracing::debug!(error = %e, "metadata token unavailable; continuing without");
                    state.token = None;
                }
            }
        }
        Ok(state.token.clone())
    }

    async fn get_security_key(&self, token: Option<&str>) -> Result<(u16, String), ProviderError> {
        let mut request = self
            .client
            .get(format!("{}{SECURITY_KEY_PATH}", self.endpoint));
        if let Some(token) = token {
            request = request.header(TOKEN_HEADER, token);
        }
        let response = request.send().await.map_err(|e| self.unreachable(&e))?;
        let status = response.status().as_u16();
        let body = response.text().await.map_err(|e| self.unreachable(&e))?;
        Ok((status, body))
    }

    /// Fetches credentials.
    ///
    /// # Errors
    /// [`ProviderError::Fetch`] if the service is unreachable, answers with an error, or
    /// returns a body that cannot be parsed.
    pub async fn fetch(&self) -> Result<Credentials, ProviderError> {
        let token = self.current_token(false).await?;
        let (mut status, mut body) = self.get_security_key(token.as_deref()).await?;
        if status == 401 && !body.contains(NO_AGENCY) {
            let token = self.current_token(true).await?;
            (status, body) = self.get_security_key(token.as_deref()).await?;
        }
        if status >= 400 {
            let snippet: String = body.chars().take(200).collect();
            return Err(ProviderError::Fetch(format!(
                "metadata service answered HTTP {status} for {SECURITY_KEY_PATH}: {snippet}"
            )));
        }
        let creds = parse_temporary_credentials(&body)?;
        Ok(creds.or_project_id(self.project_id.as_deref()))
    }
}

/// Parses the temporary-credential JSON shared by every STS-like source: the data may be
/// wrapped in `credential` or `credentials`; field names vary by source.
fn parse_temporary_credentials(body: &str) -> Result<Credentials, ProviderError> {
    let bad = |why: &str| ProviderError::Fetch(format!("metadata security key response {why}"));
    let doc: serde_json::Value = serde_json::from_str(body).map_err(|_| bad("is not JSON"))?;
    let data = doc
        .get("credential")
        .or_else(|| doc.get("credentials"))
        .unwrap_or(&doc);
    let field = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| data.get(*n).and_then(serde_json::Value::as_str))
    };
    let ak = field(&["access", "accessKeyId", "access_key_id"])
        .ok_or_else(|| bad("has no access key"))?;
    let sk = field(&["secret", "secretAccessKey", "secret_access_key"])
        .ok_or_else(|| bad("has no secret key"))?;
    let token = field(&["securitytoken", "securityToken", "security_token"])
        .ok_or_else(|| bad("has no security token"))?;
    let expires = field(&["expires_at", "expiration"]).ok_or_else(|| bad("has no expiry"))?;
    let expires = parse_expiry(expires).ok_or_else(|| {
        bad(&format!(
            "has an expiry {expires:?} not in YYYY-MM-DDTHH:MM:SS.ffffffZ"
        ))
    })?;
    Ok(TemporaryCredentials::new(ak, sk, token)
        .with_expires_at(expires)
        .into())
}

/// Parses `YYYY-MM-DDTHH:MM:SS.ffffffZ`; fractional seconds are required, as in the SDK.
fn parse_expiry(value: &str) -> Option<OffsetDateTime> {
    let fmt = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond]Z"
    );
    time::PrimitiveDateTime::parse(value, &fmt)
        .ok()
        .map(time::PrimitiveDateTime::assume_utc)
}

impl ProvideCredentials for MetadataProvider {
    fn name(&self) -> &str {
        "metadata"
    }

    fn provide(&self) -> BoxFuture<'_, Result<Credentials, ProviderError>> {
        Box::pin(self.fetch())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_field_spelling() {
        let c = parse_temporary_credentials(
            r#"{"credential":{"access":"A","secret":"S","securitytoken":"T","expires_at":"2030-01-02T03:04:05.123456Z"}}"#,
        )
        .unwrap();
        assert_eq!(c.ak(), Some("A"));
        assert_eq!(c.expires_at().unwrap().year(), 2030);
        let c = parse_temporary_credentials(
            r#"{"credentials":{"access_key_id":"A","secret_access_key":"S","security_token":"T","expiration":"2030-01-02T03:04:05.000000Z"}}"#,
        )
        .unwrap();
        assert_eq!(c.kind(), "temporary");
        assert!(parse_expiry("2030-01-02T03:04:05Z").is_none());
        assert!(parse_temporary_credentials(r#"{"credential":{"access":"A"}}"#).is_err());
    }
}
