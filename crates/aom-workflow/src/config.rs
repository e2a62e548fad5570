//! Client configuration: region and endpoint, credentials, project id, timeouts, retries.

use std::sync::Arc;
use std::time::Duration;

use aom_auth::Credentials;
use aom_auth::provider::{CredentialChain, EnvSource, HUAWEICLOUD_SDK_PROJECT_ID, ProcessEnv};

use crate::error::Error;
use crate::retry::RetryPolicy;

/// Timeouts. Every one can be changed; `None` means no limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// Establishing a connection (default 5 s). Applies to the `reqwest::Client` this crate
    /// builds; a caller-supplied client keeps its own.
    pub connect: Option<Duration>,
    /// One attempt, from sending to the decoded answer (default 30 s).
    pub attempt: Option<Duration>,
    /// One operation, all attempts and backoff included (default 2 minutes).
    pub operation: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Some(Duration::from_secs(5)),
            attempt: Some(Duration::from_secs(30)),
            operation: Some(Duration::from_secs(120)),
        }
    }
}

/// A region id such as `cn-north-4`. Any well-formed id is accepted (no built-in list), so new
/// regions work without upgrading.
///
/// ```
/// use aom_workflow::Region;
/// assert_eq!(Region::new("cn-north-4").unwrap().endpoint(), "https://aom.cn-north-4.myhuaweicloud.com");
/// let err = Region::new("cn-east-2c").unwrap_err().to_string();
/// assert!(err.contains("availability zone"), "{err}");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Region(String);

impl Region {
    /// Checks the form of a region id.
    pub fn new(id: impl Into<String>) -> Result<Self, Error> {
        let id = id.into();
        let bad = |rule: String| Error::validation("region", rule);
        if id.is_empty() {
            return Err(bad("must not be empty (for example cn-north-4)".into()));
        }
        if !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            || id.starts_with('-')
            || id.ends_with('-')
        {
            return Err(bad(format!(
                "{id:?} is not a region id: use lower-case letters, digits and '-' (for example cn-north-4)"
            )));
        }
        if let Some(region) = az_region(&id) {
            return Err(bad(format!(
                "{id:?} looks like an availability zone; the region is probably {region:?}"
            )));
        }
        Ok(Self(id))
    }

    /// The id.
    pub fn id(&self) -> &str {
        &self.0
    }

    /// The public AOM endpoint of the region.
    pub fn endpoint(&self) -> String {
        format!("https://aom.{}.myhuaweicloud.com", self.0)
    }

    /// The environment variable the official SDKs read to override this region's AOM endpoint:
    /// `HUAWEICLOUD_SDK_REGION_AOM_<REGION>`, e.g. `HUAWEICLOUD_SDK_REGION_AOM_CN_NORTH_4`.
    pub fn endpoint_env_var(&self) -> String {
        format!(
            "HUAWEICLOUD_SDK_REGION_AOM_{}",
            self.0.to_ascii_uppercase().replace('-', "_")
        )
    }
}

/// `cn-east-2c` → `cn-east-2`: a region id ends in a number, an AZ adds one letter.
fn az_region(id: &str) -> Option<&str> {
    let (region, last) = id.split_at(id.len().checked_sub(1)?);
    let bytes = region.as_bytes();
    (last.as_bytes()[0].is_ascii_lowercase()
        && bytes.last().is_some_and(u8::is_ascii_digit)
        && region.matches('-').count() >= 2)
        .then_some(region)
}

/// Where credentials come from.
#[derive(Clone, Debug)]
pub(crate) enum CredentialSource {
    Fixed(Box<Credentials>),
    Chain(Arc<CredentialChain>),
}

/// Builds a [`crate::Client`].
///
/// ```no_run
/// # async fn run() -> Result<(), aom_workflow::Error> {
/// use std::time::Duration;
/// use aom_workflow::{Client, RetryPolicy};
///
/// let client = Client::builder()
///     .region("cn-north-4")
///     .attempt_timeout(Duration::from_secs(10))
///     .retry_policy(RetryPolicy::standard().with_max_attempts(5))
///     .build()
///     .await?;
/// # Ok(()) }
/// ```
pub struct ClientBuilder {
    pub(crate) region: Option<String>,
    pub(crate) endpoint: Option<String>,
    pub(crate) credentials: Option<CredentialSource>,
    pub(crate) project_id: Option<String>,
    pub(crate) timeouts: Timeouts,
    pub(crate) retry: RetryPolicy,
    pub(crate) user_agent: Option<String>,
    pub(crate) http: Option<reqwest::Client>,
    pub(crate) env: Arc<dyn EnvSource>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Credentials redact their own secrets.
        f.debug_struct("ClientBuilder")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("credentials", &self.credentials)
            .field("project_id", &self.project_id)
            .field("timeouts", &self.timeouts)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            region: None,
            endpoint: None,
            credentials: None,
            project_id: None,
            timeouts: Timeouts::default(),
            retry: RetryPolicy::standard(),
            user_agent: None,
            http: None,
            env: Arc::new(ProcessEnv),
        }
    }
}

impl ClientBuilder {
    /// The region; the endpoint is `https://aom.{region}.myhuaweicloud.com` unless
    /// `HUAWEICLOUD_SDK_REGION_AOM_<REGION>` or [`endpoint`](Self::endpoint) says otherwise.
    #[must_use]
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// An explicit endpoint (`https://…`, or `http://127.0.0.1:…` for a local emulator). A value
    /// without a scheme gets `https://`.
    #[must_use]
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Fixed credentials (AK/SK, temporary AK/SK with a security token, or an IAM token).
    /// Without this, the `aom-auth` default chain is used: environment, then
    /// `~/.huaweicloud/credentials`, then the ECS metadata service.
    #[must_use]
    pub fn credentials(mut self, credentials: impl Into<Credentials>) -> Self {
        self.credentials = Some(CredentialSource::Fixed(Box::new(credentials.into())));
        self
    }

    /// A credential chain of your own (for example with a different profile file).
    #[must_use]
    pub fn credential_chain(mut self, chain: Arc<CredentialChain>) -> Self {
        self.credentials = Some(CredentialSource::Chain(chain));
        self
    }

    /// The project id (32 characters). Without it, the credentials' project id is used, then
    /// `HUAWEICLOUD_SDK_PROJECT_ID`.
    #[must_use]
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// All timeouts at once.
    #[must_use]
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// The connect timeout.
    #[must_use]
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.timeouts.connect = Some(d);
        self
    }

    /// The per-attempt timeout.
    #[must_use]
    pub fn attempt_timeout(mut self, d: Duration) -> Self {
        self.timeouts.attempt = Some(d);
        self
    }

    /// The per-operation timeout (all attempts and backoff).
    #[must_use]
    pub fn operation_timeout(mut self, d: Duration) -> Self {
        self.timeouts.operation = Some(d);
        self
    }

    /// The retry policy.
    #[must_use]
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Text appended to the `User-Agent` header.
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// A `reqwest::Client` of your own (proxies, TLS roots, connection pool). Its timeouts and
    /// user agent are used as they are.
    #[must_use]
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Where environment variables are read from (tests use a map instead of the process env).
    #[must_use]
    pub fn env(mut self, env: Arc<dyn EnvSource>) -> Self {
        self.env = env;
        self
    }

    /// Resolves the endpoint: explicit, then the official SDK's per-region environment
    /// override, then the region's public endpoint.
    pub(crate) fn resolve_endpoint(&self) -> Result<String, Error> {
        if let Some(endpoint) = &self.endpoint {
            return normalize_endpoint(endpoint);
        }
        let Some(region) = &self.region else {
            return Err(Error::Config(
                "no region or endpoint: call .region(\"cn-north-4\") or .endpoint(\"https://…\")"
                    .into(),
            ));
        };
        let region = Region::new(region.clone())?;
        if let Some(value) = self.env.var(&region.endpoint_env_var()) {
            // The official SDK accepts several, comma-separated; the first is used here.
            if let Some(first) = value.split(',').map(str::trim).find(|s| !s.is_empty()) {
                return normalize_endpoint(first);
            }
        }
        Ok(region.endpoint())
    }

    /// The project id from the builder, the credentials, or the environment.
    pub(crate) fn explicit_project_id(&self, credentials: Option<&Credentials>) -> Option<String> {
        self.project_id
            .clone()
            .or_else(|| credentials.and_then(|c| c.project_id().map(str::to_string)))
            .or_else(|| self.env.var(HUAWEICLOUD_SDK_PROJECT_ID))
    }
}

fn normalize_endpoint(endpoint: &str) -> Result<String, Error> {
    let trimmed = endpoint.trim();
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_string()
    } else {
        format!("https://{trimmed}")
    };
    let bad = |why: String| Error::validation("endpoint", format!("{endpoint:?} {why}"));
    let url = reqwest::Url::parse(&with_scheme).map_err(|e| bad(format!("is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("must use http or https".into()));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("has no host".into()));
    }
    Ok(with_scheme.trim_end_matches('/').to_string())
}

/// Checks a project id before anything is sent.
pub(crate) fn check_project_id(id: &str) -> Result<aom_api::types::ProjectId, Error> {
    let n = id.chars().count();
    if n != 32 {
        return Err(Error::validation(
            "project_id",
            format!("must be exactly 32 characters, got {n}"),
        ));
    }
    // Huawei's project ids are hexadecimal; the id goes into every request path, so anything
    // else (a '/', a '?', a space) is refused here rather than sent.
    if let Some(c) = id.chars().find(|c| !c.is_ascii_alphanumeric()) {
        return Err(Error::validation(
            "project_id",
            format!("must be letters and digits only, got {c:?}"),
        ));
    }
    id.parse()
        .map_err(|e| Error::validation("project_id", format!("{e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_and_zones() {
        assert!(Region::new("cn-north-4").is_ok());
        assert!(Region::new("ap-southeast-1").is_ok());
        assert!(Region::new("my-kualalumpur-1").is_ok());
        for az in ["cn-east-2c", "cn-north-4a", "ap-southeast-1b"] {
            let e = Region::new(az).unwrap_err().to_string();
            assert!(e.contains("availability zone"), "{e}");
        }
        assert!(Region::new("CN-NORTH-4").is_err());
        assert!(Region::new("").is_err());
        assert_eq!(
            Region::new("cn-north-4").unwrap().endpoint_env_var(),
            "HUAWEICLOUD_SDK_REGION_AOM_CN_NORTH_4"
        );
    }

    #[test]
    fn endpoints() {
        assert_eq!(
            normalize_endpoint("aom.example/").unwrap(),
            "https://aom.example"
        );
        assert_eq!(
            normalize_endpoint("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(normalize_endpoint("http://").is_err());
        assert!(normalize_endpoint("ftp://aom.example").is_err());
    }

    #[test]
    fn project_ids() {
        assert!(check_project_id("0123456789abcdef0123456789ABCDEF").is_ok());
        let short = check_project_id("abc").unwrap_err().to_string();
        assert!(
            short.contains("project_id") && short.contains("exactly 32"),
            "{short}"
        );
        let slash = check_project_id("0123456789abcdef0123456789abcd/f")
            .unwrap_err()
            .to_string();
        assert!(
            slash.contains("letters and digits") && slash.contains("'/'"),
            "{slash}"
        );
    }
}
