//! Authentication with `aom-auth`: the [`RequestSigner`] the hooks call on every send.

use std::fmt;
use std::sync::Arc;

use aom_auth::provider::CredentialChain;
use aom_auth::{Credentials, Signer};

use crate::hooks::{RequestSigner, SignFuture};

/// Signs every request with `aom-auth`: AK/SK signing (`SDK-HMAC-SHA256` by default, or any
/// algorithm [`Signer`] supports), temporary credentials with `X-Security-Token`, or an IAM token
/// sent as `X-Auth-Token`.
///
/// Credentials are either fixed or come from a [`CredentialChain`], which caches them and
/// refreshes temporary ones before they expire; the chain is asked on every send, so a refreshed
/// credential is used from the next request on.
///
/// ```
/// use std::sync::Arc;
/// use aom_api::{AuthSigner, ClientConfig};
/// use aom_auth::PermanentCredentials;
///
/// let credentials = PermanentCredentials::new("AK", "SK")
///     .with_project_id("0123456789abcdef0123456789abcdef");
/// let config = ClientConfig::with_signer(Arc::new(AuthSigner::new(credentials)));
/// assert!(!format!("{config:?}").contains("\"SK\""));
/// ```
#[derive(Clone)]
pub struct AuthSigner {
    signer: Signer,
    source: Source,
}

#[derive(Clone)]
enum Source {
    Fixed(Arc<Credentials>),
    Chain(Arc<CredentialChain>),
}

impl AuthSigner {
    /// Signs with fixed credentials.
    pub fn new(credentials: impl Into<Credentials>) -> Self {
        Self {
            signer: Signer::default(),
            source: Source::Fixed(Arc::new(credentials.into())),
        }
    }

    /// Signs with whatever `chain` provides (explicit, environment, profile file, ECS metadata).
    pub fn from_chain(chain: Arc<CredentialChain>) -> Self {
        Self {
            signer: Signer::default(),
            source: Source::Chain(chain),
        }
    }

    /// Uses `signer` (another algorithm, or a V11 derived scope) instead of the default
    /// `SDK-HMAC-SHA256`.
    #[must_use]
    pub fn with_signer(mut self, signer: Signer) -> Self {
        self.signer = signer;
        self
    }
}

impl fmt::Debug for AuthSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Credentials and the chain redact their own secrets.
        let mut d = f.debug_struct("AuthSigner");
        d.field("signer", &self.signer);
        match &self.source {
            Source::Fixed(c) => d.field("credentials", c),
            Source::Chain(c) => d.field("chain", c),
        };
        d.finish()
    }
}

impl RequestSigner for AuthSigner {
    fn sign<'a>(&'a self, request: &'a mut reqwest::Request) -> SignFuture<'a> {
        Box::pin(async move {
            match &self.source {
                Source::Fixed(credentials) => self.signer.sign_reqwest(request, credentials)?,
                Source::Chain(chain) => {
                    let credentials = chain.credentials().await?;
                    self.signer.sign_reqwest(request, &credentials)?;
                }
            }
            Ok(())
        })
    }
}

impl crate::ClientConfig {
    /// A configuration that signs every request with `credentials`.
    pub fn with_credentials(credentials: impl Into<Credentials>) -> Self {
        Self::with_signer(Arc::new(AuthSigner::new(credentials)))
    }

    /// A configuration that signs every request with credentials from `chain`.
    pub fn with_credential_chain(chain: Arc<CredentialChain>) -> Self {
        Self::with_signer(Arc::new(AuthSigner::from_chain(chain)))
    }
}
