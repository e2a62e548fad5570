//! The default credential chain: explicit → environment → profile → metadata, with caching
//! and non-blocking refresh of temporary credentials.

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use time::OffsetDateTime;

use super::env::{EnvProvider, EnvSource, HUAWEICLOUD_SDK_PROJECT_ID, ProcessEnv};
use super::metadata::{DEFAULT_METADATA_ENDPOINT, MetadataProvider};
use super::profile::ProfileProvider;
use super::{BoxFuture, ProvideCredentials, StaticProvider};
use crate::credentials::Credentials;
use crate::error::{ChainError, ProviderAttempt, ProviderError};

/// Credentials with an expiry are refreshed when fewer than this remain (the official SDK's
/// rule: 40 minutes).
pub const DEFAULT_REFRESH_BEFORE: Duration = Duration::from_secs(40 * 60);

#[derive(Clone)]
struct Cached {
    credentials: Arc<Credentials>,
    /// Index of the provider that supplied them.
    provider: usize,
}

#[derive(Debug, PartialEq, Eq)]
enum Freshness {
    Fresh,
    /// Inside the refresh window but still valid: served while one task refreshes.
    Stale,
    Expired,
}

/// Tries providers in order and caches the first credentials found.
///
/// * The first provider that yields credentials wins; the result is cached.
/// * Credentials without an expiry (permanent, or static temporary ones) are never
///   refreshed. Credentials with one are refreshed, through the provider that supplied them,
///   once fewer than [`DEFAULT_REFRESH_BEFORE`] remain. While one task refreshes, concurrent
///   callers get the cached value at once; if the refresh fails the cached value is served
///   until it expires.
/// * A provider that finds broken configuration ([`ProviderError::Invalid`]) stops the chain.
/// * When nothing is found, one [`ChainError`] lists every provider tried and why.
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use aom_auth::provider::CredentialChain;
/// use aom_auth::Signer;
///
/// let chain = CredentialChain::default_chain()?;
/// let mut request = reqwest::Request::new(
///     reqwest::Method::GET,
///     "https://aom.cn-north-4.myhuaweicloud.com/v1/p/cms/workflow".parse()?,
/// );
/// let credentials = chain.credentials().await?;
/// Signer::default().sign_reqwest(&mut request, &credentials)?;
/// # Ok(()) }
/// ```
pub struct CredentialChain {
    providers: Vec<Arc<dyn ProvideCredentials>>,
    cache: RwLock<Option<Cached>>,
    refresh: tokio::sync::Mutex<()>,
    refresh_before: Duration,
}

impl fmt::Debug for CredentialChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.providers.iter().map(|p| p.name()).collect();
        f.debug_struct("CredentialChain")
            .field("providers", &names)
            .field("refresh_before", &self.refresh_before)
            .finish_non_exhaustive()
    }
}

/// Builds a [`CredentialChain`] with the default order and configurable sources.
#[derive(Clone)]
pub struct ChainBuilder {
    explicit: Option<Credentials>,
    env: Arc<dyn EnvSource>,
    profile_path: Option<PathBuf>,
    metadata_endpoint: Option<String>,
    refresh_before: Duration,
}

impl fmt::Debug for ChainBuilder {
    // The environment may hold the SK: never print it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChainBuilder")
            .field("explicit", &self.explicit)
            .field("profile_path", &self.profile_path)
            .field("metadata_endpoint", &self.metadata_endpoint)
            .field("refresh_before", &self.refresh_before)
            .finish_non_exhaustive()
    }
}

impl Default for ChainBuilder {
    fn default() -> Self {
        Self {
            explicit: None,
            env: Arc::new(ProcessEnv),
            profile_path: None,
            metadata_endpoint: Some(DEFAULT_METADATA_ENDPOINT.to_owned()),
            refresh_before: DEFAULT_REFRESH_BEFORE,
        }
    }
}

impl ChainBuilder {
    /// Credentials to use first.
    #[must_use]
    pub fn explicit(mut self, credentials: impl Into<Credentials>) -> Self {
        self.explicit = Some(credentials.into());
        self
    }

    /// The environment the environment and profile providers read (default: the process's).
    #[must_use]
    pub fn env(mut self, env: Arc<dyn EnvSource>) -> Self {
        self.env = env;
        self
    }

    /// The credentials file to read (default: `HUAWEICLOUD_SDK_CREDENTIALS_FILE`, else
    /// `~/.huaweicloud/credentials`).
    #[must_use]
    pub fn profile_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.profile_path = Some(path.into());
        self
    }

    /// The metadata service base URL (default [`DEFAULT_METADATA_ENDPOINT`]); `None` leaves
    /// the metadata provider out.
    #[must_use]
    pub fn metadata_endpoint(mut self, endpoint: Option<String>) -> Self {
        self.metadata_endpoint = endpoint;
        self
    }

    /// How long before expiry temporary credentials are refreshed.
    #[must_use]
    pub fn refresh_before(mut self, refresh_before: Duration) -> Self {
        self.refresh_before = refresh_before;
        self
    }

    /// Builds the chain.
    ///
    /// # Errors
    /// [`ProviderError::Fetch`] if the metadata provider's HTTP client cannot be built.
    pub fn build(self) -> Result<CredentialChain, ProviderError> {
        let explicit = self
            .explicit
            .map_or_else(StaticProvider::none, StaticProvider::new);
        let mut profile = ProfileProvider::with_env(Arc::clone(&self.env));
        if let Some(path) = self.profile_path {
            profile = profile.with_path(path);
        }
        let mut providers: Vec<Arc<dyn ProvideCredentials>> = vec![
            Arc::new(explicit),
            Arc::new(EnvProvider::with_env(Arc::clone(&self.env))),
            Arc::new(profile),
        ];
        if let Some(endpoint) = self.metadata_endpoint {
            let project = self
                .env
                .var(HUAWEICLOUD_SDK_PROJECT_ID)
                .filter(|p| !p.is_empty());
            providers.push(Arc::new(
                MetadataProvider::with_endpoint(endpoint)?.with_project_id(project),
            ));
        }
        Ok(CredentialChain::new(providers).with_refresh_before(self.refresh_before))
    }
}

impl CredentialChain {
    /// A chain over `providers`, tried in order.
    #[must_use]
    pub fn new(providers: Vec<Arc<dyn ProvideCredentials>>) -> Self {
        Self {
            providers,
            cache: RwLock::new(None),
            refresh: tokio::sync::Mutex::new(()),
            refresh_before: DEFAULT_REFRESH_BEFORE,
        }
    }

    /// The default chain over the process environment: environment → profile → metadata.
    ///
    /// # Errors
    /// [`ProviderError::Fetch`] if the metadata provider's HTTP client cannot be built.
    pub fn default_chain() -> Result<Self, ProviderError> {
        ChainBuilder::default().build()
    }

    /// A builder for the default order with configurable sources.
    #[must_use]
    pub fn builder() -> ChainBuilder {
        ChainBuilder::default()
    }

    /// Changes how long before expiry credentials are refreshed.
    #[must_use]
    pub fn with_refresh_before(mut self, refresh_before: Duration) -> Self {
        self.refresh_before = refresh_before;
        self
    }

    /// The providers' names, in order.
    #[must_use]
    pub fn provider_names(&self) -> Vec<&str> {
        self.providers.iter().map(|p| p.name()).collect()
    }

    fn cached(&self) -> Option<Cached> {
        match self.cache.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn store(&self, cached: Cached) {
        match self.cache.write() {
            Ok(mut guard) => *guard = Some(cached),
            Err(poisoned) => *poisoned.into_inner() = Some(cached),
        }
    }

    fn freshness(&self, credentials: &Credentials) -> Freshness {
        let Some(expires) = credentials.expires_at() else {
            return Freshness::Fresh;
        };
        let remaining = expires - OffsetDateTime::now_utc();
        if remaining <= time::Duration::ZERO {
            Freshness::Expired
        } else if remaining < self.refresh_before {
            Freshness::Stale
        } else {
            Freshness::Fresh
        }
    }

    /// Forgets the cached credentials; the next call resolves the chain again.
    pub fn invalidate(&self) {
        match self.cache.write() {
            Ok(mut guard) => *guard = None,
            Err(poisoned) => *poisoned.into_inner() = None,
        }
    }

    /// The current credentials: cached, refreshed, or resolved through the chain.
    ///
    /// # Errors
    /// [`ChainError`] listing every provider tried and why each gave nothing.
    pub async fn credentials(&self) -> Result<Arc<Credentials>, ChainError> {
        if let Some(cached) = self.cached() {
            match self.freshness(&cached.credentials) {
                Freshness::Fresh => return Ok(cached.credentials),
                Freshness::Stale => {
                    // One task refreshes; everybody else keeps signing with the cached value.
                    let Ok(_guard) = self.refresh.try_lock() else {
                        return Ok(cached.credentials);
                    };
                    return Ok(self.refresh_stale(cached).await);
                }
                Freshness::Expired => {}
            }
        }
        let _guard = self.refresh.lock().await;
        if let Some(cached) = self.cached()
            && self.freshness(&cached.credentials) == Freshness::Fresh
        {
            return Ok(cached.credentials);
        }
        let (credentials, provider) = self.resolve().await?;
        let credentials = Arc::new(credentials);
        self.store(Cached {
            credentials: Arc::clone(&credentials),
            provider,
        });
        Ok(credentials)
    }

    /// Refreshes stale credentials through the provider that supplied them; on failure keeps
    /// serving them (they are still valid).
    async fn refresh_stale(&self, stale: Cached) -> Arc<Credentials> {
        // Another task may have refreshed between our read and taking the lock.
        if let Some(current) = self.cached()
            && !Arc::ptr_eq(&current.credentials, &stale.credentials)
        {
            return current.credentials;
        }
        let Some(provider) = self.providers.get(stale.provider) else {
            return stale.credentials;
        };
        match provider.provide().await {
            Ok(fresh) => {
                tracing::debug!(
                    provider = provider.name(),
                    "refreshed temporary credentials"
                );
                let fresh = Arc::new(fresh);
                self.store(Cached {
                    credentials: Arc::clone(&fresh),
                    provider: stale.provider,
                });
                fresh
            }
            Err(e) => {
                tracing::warn!(
                    provider = provider.name(),
                    error = %e,
                    "refreshing temporary credentials failed; using the cached ones until they expire"
                );
                stale.credentials
            }
        }
    }

    /// Runs the chain once, without the cache.
    ///
    /// # Errors
    /// [`ChainError`] listing every provider tried and why each gave nothing.
    pub async fn resolve(&self) -> Result<(Credentials, usize), ChainError> {
        let mut attempts = Vec::with_capacity(self.providers.len());
        for (index, provider) in self.providers.iter().enumerate() {
            match provider.provide().await {
                Ok(credentials) => {
                    tracing::debug!(
                        provider = provider.name(),
                        kind = credentials.kind(),
                        "credentials found"
                    );
                    return Ok((credentials, index));
                }
                Err(error) => {
                    let stop = error.is_invalid();
                    attempts.push(ProviderAttempt {
                        provider: provider.name().to_owned(),
                        error,
                    });
                    if stop {
                        break;
                    }
                }
            }
        }
        Err(ChainError { attempts })
    }
}

impl ProvideCredentials for CredentialChain {
    fn name(&self) -> &str {
        "chain"
    }

    fn provide(&self) -> BoxFuture<'_, Result<Credentials, ProviderError>> {
        Box::pin(async move {
            self.credentials()
                .await
                .map(|c| Credentials::clone(&c))
                .map_err(|e| ProviderError::NotConfigured(e.to_string()))
        })
    }
}
