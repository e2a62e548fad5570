//! The environment provider (`HUAWEICLOUD_SDK_*`), with injectable environment access.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;

use super::{BoxFuture, ProvideCredentials};
use crate::credentials::Credentials;
use crate::error::ProviderError;

/// Access key id.
pub const HUAWEICLOUD_SDK_AK: &str = "HUAWEICLOUD_SDK_AK";
/// Secret access key.
pub const HUAWEICLOUD_SDK_SK: &str = "HUAWEICLOUD_SDK_SK";
/// Security token of temporary credentials; set but empty still sends an empty
/// `X-Security-Token`, as the official SDK does.
pub const HUAWEICLOUD_SDK_SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
/// Project id.
pub const HUAWEICLOUD_SDK_PROJECT_ID: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
/// Domain (account) id.
pub const HUAWEICLOUD_SDK_DOMAIN_ID: &str = "HUAWEICLOUD_SDK_DOMAIN_ID";
/// Overrides the profile file path.
pub const HUAWEICLOUD_SDK_CREDENTIALS_FILE: &str = "HUAWEICLOUD_SDK_CREDENTIALS_FILE";
/// Identity provider id (federation; not supported by this crate).
pub const HUAWEICLOUD_SDK_IDP_ID: &str = "HUAWEICLOUD_SDK_IDP_ID";
/// OpenID Connect id-token file (federation; not supported by this crate).
pub const HUAWEICLOUD_SDK_ID_TOKEN_FILE: &str = "HUAWEICLOUD_SDK_ID_TOKEN_FILE";

/// Read access to environment variables. Tests inject a map instead of mutating the
/// process environment.
pub trait EnvSource: Send + Sync {
    /// The value of `name`, or `None` if unset.
    fn var(&self, name: &str) -> Option<String>;
}

/// The real process environment. Values that are not UTF-8 are converted lossily.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessEnv;

impl EnvSource for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var_os(name).map(|v| v.to_string_lossy().into_owned())
    }
}

impl EnvSource for HashMap<String, String> {
    fn var(&self, name: &str) -> Option<String> {
        self.get(name).cloned()
    }
}

impl EnvSource for BTreeMap<String, String> {
    fn var(&self, name: &str) -> Option<String> {
        self.get(name).cloned()
    }
}

/// Reads `HUAWEICLOUD_SDK_AK` / `_SK` (both required), optionally `_SECURITY_TOKEN`,
/// `_PROJECT_ID` and `_DOMAIN_ID`.
///
/// * neither AK nor SK set: [`ProviderError::NotConfigured`];
/// * only one of them set (or set but empty): [`ProviderError::Invalid`] naming the variable;
/// * a security token set (even empty): [`Credentials::Temporary`].
///
/// ```
/// use std::collections::HashMap;
/// use std::sync::Arc;
/// use aom_auth::provider::EnvProvider;
///
/// let env = HashMap::from([
///     ("HUAWEICLOUD_SDK_AK".to_owned(), "MYAK".to_owned()),
///     ("HUAWEICLOUD_SDK_SK".to_owned(), "secret".to_owned()),
/// ]);
/// let creds = EnvProvider::with_env(Arc::new(env)).load()?;
/// assert_eq!(creds.ak(), Some("MYAK"));
/// # Ok::<(), aom_auth::ProviderError>(())
/// ```
#[derive(Clone)]
pub struct EnvProvider {
    env: Arc<dyn EnvSource>,
}

impl fmt::Debug for EnvProvider {
    // The environment may hold the SK: never print it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnvProvider").finish_non_exhaustive()
    }
}

impl Default for EnvProvider {
    fn default() -> Self {
        Self::new()
    }
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

impl EnvProvider {
    /// Reads the process environment.
    #[must_use]
    pub fn new() -> Self {
        Self::with_env(Arc::new(ProcessEnv))
    }

    /// Reads `env` instead of the process environment.
    #[must_use]
    pub fn with_env(env: Arc<dyn EnvSource>) -> Self {
        Self { env }
    }

    /// Loads credentials synchronously.
    ///
    /// # Errors
    /// See the type's documentation.
    pub fn load(&self) -> Result<Credentials, ProviderError> {
        let ak = non_empty(self.env.var(HUAWEICLOUD_SDK_AK));
        let sk = non_empty(self.env.var(HUAWEICLOUD_SDK_SK));
        let (ak, sk) = match (ak, sk) {
            (Some(ak), Some(sk)) => (ak, sk),
            (Some(_), None) => {
                return Err(ProviderError::invalid(
                    format!("environment variable {HUAWEICLOUD_SDK_SK}"),
                    format!(
                        "{HUAWEICLOUD_SDK_AK} is set but {HUAWEICLOUD_SDK_SK} is unset or empty"
                    ),
                ));
            }
            (None, Some(_)) => {
                return Err(ProviderError::invalid(
                    format!("environment variable {HUAWEICLOUD_SDK_AK}"),
                    format!(
                        "{HUAWEICLOUD_SDK_SK} is set but {HUAWEICLOUD_SDK_AK} is unset or empty"
                    ),
                ));
            }
            (None, None) => {
                let federated = self.env.var(HUAWEICLOUD_SDK_IDP_ID).is_some()
                    && self.env.var(HUAWEICLOUD_SDK_ID_TOKEN_FILE).is_some();
                return Err(ProviderError::NotConfigured(if federated {
                    format!(
                        "{HUAWEICLOUD_SDK_IDP_ID} / {HUAWEICLOUD_SDK_ID_TOKEN_FILE} select federated \
                         credentials, which aom-auth does not support; set {HUAWEICLOUD_SDK_AK} and \
                         {HUAWEICLOUD_SDK_SK}"
                    )
                } else {
                    format!("{HUAWEICLOUD_SDK_AK} and {HUAWEICLOUD_SDK_SK} are not set")
                }));
            }
        };
        let project = non_empty(self.env.var(HUAWEICLOUD_SDK_PROJECT_ID));
        let domain = non_empty(self.env.var(HUAWEICLOUD_SDK_DOMAIN_ID));
        Ok(Credentials::from_aksk(
            ak,
            sk,
            self.env.var(HUAWEICLOUD_SDK_SECURITY_TOKEN),
            project,
            domain,
        ))
    }
}

impl ProvideCredentials for EnvProvider {
    fn name(&self) -> &str {
        "environment"
    }

    fn provide(&self) -> BoxFuture<'_, Result<Credentials, ProviderError>> {
        Box::pin(std::future::ready(self.load()))
    }
}
