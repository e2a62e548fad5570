//! Credential providers, with the official SDK's names and formats, and the default chain.
//!
//! | provider | source |
//! |---|---|
//! | [`StaticProvider`] (`explicit`) | credentials given in code |
//! | [`EnvProvider`] (`environment`) | `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`, `HUAWEICLOUD_SDK_SECURITY_TOKEN`, `HUAWEICLOUD_SDK_PROJECT_ID`, `HUAWEICLOUD_SDK_DOMAIN_ID` |
//! | [`ProfileProvider`] (`profile`) | `~/.huaweicloud/credentials` (INI), or `HUAWEICLOUD_SDK_CREDENTIALS_FILE` |
//! | [`MetadataProvider`] (`metadata`) | the ECS metadata service, `http://169.254.169.254` |
//!
//! [`CredentialChain`] tries them in that order, caches the result and refreshes temporary
//! credentials before they expire.

mod chain;
mod env;
mod metadata;
mod profile;

use std::fmt;
use std::future::Future;
use std::pin::Pin;

pub use self::chain::{ChainBuilder, CredentialChain, DEFAULT_REFRESH_BEFORE};
pub use self::env::{
    EnvProvider, EnvSource, HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_CREDENTIALS_FILE,
    HUAWEICLOUD_SDK_DOMAIN_ID, HUAWEICLOUD_SDK_ID_TOKEN_FILE, HUAWEICLOUD_SDK_IDP_ID,
    HUAWEICLOUD_SDK_PROJECT_ID, HUAWEICLOUD_SDK_SECURITY_TOKEN, HUAWEICLOUD_SDK_SK, ProcessEnv,
};
pub use self::metadata::{DEFAULT_METADATA_ENDPOINT, MetadataProvider};
pub use self::profile::{ProfileProvider, ProfileScope};
use crate::credentials::Credentials;
use crate::error::ProviderError;

/// A boxed, `Send` future (providers are used as trait objects).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A source of credentials.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// A short name used in error messages (`environment`, `profile`, ...).
    fn name(&self) -> &str;

    /// Looks for credentials.
    ///
    /// Returns [`ProviderError::NotConfigured`] when the source is absent,
    /// [`ProviderError::Invalid`] when it is present but broken, and
    /// [`ProviderError::Fetch`] when fetching failed.
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, ProviderError>>;
}

/// Credentials given explicitly in code (the chain's first step).
#[derive(Clone)]
pub struct StaticProvider {
    credentials: Option<Credentials>,
}

impl StaticProvider {
    /// Provides `credentials`.
    pub fn new(credentials: impl Into<Credentials>) -> Self {
        Self {
            credentials: Some(credentials.into()),
        }
    }

    /// Provides nothing (the chain's `explicit` step when no credentials were given).
    #[must_use]
    pub fn none() -> Self {
        Self { credentials: None }
    }
}

impl fmt::Debug for StaticProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticProvider")
            .field("credentials", &self.credentials)
            .finish()
    }
}

impl ProvideCredentials for StaticProvider {
    fn name(&self) -> &str {
        "explicit"
    }

    fn provide(&self) -> BoxFuture<'_, Result<Credentials, ProviderError>> {
        let result = self.credentials.clone().ok_or_else(|| {
            ProviderError::NotConfigured("no credentials were given explicitly".to_owned())
        });
        Box::pin(std::future::ready(result))
    }
}
