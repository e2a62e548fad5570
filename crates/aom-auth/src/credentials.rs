//! Credential types: permanent AK/SK, temporary AK/SK with a security token, and IAM tokens.
//!
//! Secrets (SK, security token, IAM token) are held in [`SecretString`]; `Debug` and
//! `Display` of every type here print `[REDACTED]` in their place. The AK, project id and
//! domain id are identifiers, not secrets, and are shown.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

/// Permanent AK/SK, optionally scoped to a project (`X-Project-Id`) or a domain
/// (`X-Domain-Id`). AOM uses the project-scoped form.
///
/// ```
/// use aom_auth::PermanentCredentials;
/// let creds = PermanentCredentials::new("MYAK", "my-secret").with_project_id("0f3a");
/// assert_eq!(creds.ak(), "MYAK");
/// assert!(!format!("{creds:?}").contains("my-secret"));
/// ```
#[derive(Clone)]
pub struct PermanentCredentials {
    ak: String,
    sk: SecretString,
    project_id: Option<String>,
    domain_id: Option<String>,
    signing_cache: SigningCache,
}

impl PermanentCredentials {
    /// AK/SK without a project or domain.
    pub fn new(ak: impl Into<String>, sk: impl Into<String>) -> Self {
        Self {
            ak: ak.into(),
            sk: SecretString::from(sk.into()),
            project_id: None,
            domain_id: None,
            signing_cache: SigningCache::default(),
        }
    }
}

/// Builder methods and accessors shared by the two AK/SK credential types.
macro_rules! aksk_methods {
    ($ty:ty) => {
        impl $ty {
            /// Adds a project id; signing then adds and signs `X-Project-Id`.
            #[must_use]
            pub fn with_project_id(mut self, project_id: impl Into<String>) -> Self {
                self.project_id = Some(project_id.into());
                self.signing_cache.forget_header_values();
                self
            }

            /// Adds a domain id; signing then adds and signs `X-Domain-Id`.
            #[must_use]
            pub fn with_domain_id(mut self, domain_id: impl Into<String>) -> Self {
                self.domain_id = Some(domain_id.into());
                self.signing_cache.forget_header_values();
                self
            }

            /// The access key id.
            #[must_use]
            pub fn ak(&self) -> &str {
                &self.ak
            }

            /// The secret access key.
            #[must_use]
            pub fn sk(&self) -> &SecretString {
                &self.sk
            }

            /// The project id, if any.
            #[must_use]
            pub fn project_id(&self) -> Option<&str> {
                self.project_id.as_deref()
            }

            /// The domain id, if any.
            #[must_use]
            pub fn domain_id(&self) -> Option<&str> {
                self.domain_id.as_deref()
            }
        }
    };
}

aksk_methods!(PermanentCredentials);
aksk_methods!(TemporaryCredentials);

/// Temporary AK/SK with a security token (from IAM, STS or the ECS metadata service).
/// Signing adds and signs `X-Security-Token`, even when the token is empty (as the official
/// SDK does).
#[derive(Clone)]
pub struct TemporaryCredentials {
    ak: String,
    sk: SecretString,
    security_token: SecretString,
    project_id: Option<String>,
    domain_id: Option<String>,
    expires_at: Option<OffsetDateTime>,
    signing_cache: SigningCache,
}

impl TemporaryCredentials {
    /// Temporary AK/SK with its security token and no known expiry.
    pub fn new(
        ak: impl Into<String>,
        sk: impl Into<String>,
        security_token: impl Into<String>,
    ) -> Self {
        Self {
            ak: ak.into(),
            sk: SecretString::from(sk.into()),
            security_token: SecretString::from(security_token.into()),
            project_id: None,
            domain_id: None,
            expires_at: None,
            signing_cache: SigningCache::default(),
        }
    }

    /// Sets the expiry. Credentials with an expiry are refreshed by the chain before it.
    #[must_use]
    pub fn with_expires_at(mut self, expires_at: OffsetDateTime) -> Self {
        self.expires_at = Some(expires_at);
        self
    }

    /// The security token.
    #[must_use]
    pub fn security_token(&self) -> &SecretString {
        &self.security_token
    }

    /// When the credentials expire, if known.
    #[must_use]
    pub fn expires_at(&self) -> Option<OffsetDateTime> {
        self.expires_at
    }
}

/// An IAM user token, sent as `X-Auth-Token`; requests are then not AK/SK-signed.
///
/// The official SDK core has no token credential type; this is an extension for the API's
/// documented `X-Auth-Token` authentication.
#[derive(Clone)]
pub struct IamToken {
    token: SecretString,
    project_id: Option<String>,
    expires_at: Option<OffsetDateTime>,
}

impl IamToken {
    /// A token (the `X-Subject-Token` IAM returned).
    pub fn new(token: impl Into<String>) -> Self {
        Self {
            token: SecretString::from(token.into()),
            project_id: None,
            expires_at: None,
        }
    }

    /// Adds a project id (`X-Project-Id`).
    #[must_use]
    pub fn with_project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Sets the expiry (IAM tokens live 24 hours).
    #[must_use]
    pub fn with_expires_at(mut self, expires_at: OffsetDateTime) -> Self {
        self.expires_at = Some(expires_at);
        self
    }

    /// The token.
    #[must_use]
    pub fn token(&self) -> &SecretString {
        &self.token
    }

    /// The project id, if any.
    #[must_use]
    pub fn project_id(&self) -> Option<&str> {
        self.project_id.as_deref()
    }

    /// When the token expires, if known.
    #[must_use]
    pub fn expires_at(&self) -> Option<OffsetDateTime> {
        self.expires_at
    }
}

/// Any credentials a request can be authenticated with.
#[derive(Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// Permanent AK/SK.
    Permanent(PermanentCredentials),
    /// Temporary AK/SK with a security token.
    Temporary(TemporaryCredentials),
    /// An IAM token.
    IamToken(IamToken),
}

impl From<PermanentCredentials> for Credentials {
    fn from(value: PermanentCredentials) -> Self {
        Self::Permanent(value)
    }
}

impl From<TemporaryCredentials> for Credentials {
    fn from(value: TemporaryCredentials) -> Self {
        Self::Temporary(value)
    }
}

impl From<IamToken> for Credentials {
    fn from(value: IamToken) -> Self {
        Self::IamToken(value)
    }
}

/// The AK/SK view of credentials used by the signer.
#[derive(Clone, Copy)]
pub(crate) struct AkSkRef<'a> {
    pub(crate) ak: &'a str,
    pub(crate) sk: &'a str,
    pub(crate) security_token: Option<&'a str>,
    pub(crate) project_id: Option<&'a str>,
    pub(crate) domain_id: Option<&'a str>,
    pub(crate) signing_cache: &'a SigningCache,
}

/// What signing derives from credentials and can reuse for every request signed with them:
/// the HMAC-SHA256 state keyed with the SK (saves hashing the key pads on every signature)
/// and the ready-made values of the credential headers (saves building and validating them).
/// Filled on first use; never printed.
#[derive(Clone, Default)]
pub(crate) struct SigningCache {
    hmac: std::sync::OnceLock<hmac::Hmac<sha2::Sha256>>,
    headers: std::sync::OnceLock<CredentialHeaderValues>,
}

/// `X-Project-Id`, `X-Domain-Id` and `X-Security-Token` as header values (`None` when absent
/// or not a valid header value).
#[derive(Clone, Default)]
pub(crate) struct CredentialHeaderValues {
    pub(crate) project_id: Option<http::HeaderValue>,
    pub(crate) domain_id: Option<http::HeaderValue>,
    pub(crate) security_token: Option<http::HeaderValue>,
}

impl SigningCache {
    /// HMAC-SHA256(`sk`, `data`).
    pub(crate) fn hmac_sha256(&self, sk: &str, data: &[u8]) -> [u8; 32] {
        use hmac::{KeyInit, Mac};
        let keyed = self.hmac.get_or_init(|| {
            // HMAC accepts keys of any length.
            hmac::Hmac::<sha2::Sha256>::new_from_slice(sk.as_bytes())
                .unwrap_or_else(|_| hmac::Hmac::<sha2::Sha256>::new(&Default::default()))
        });
        let mut mac = keyed.clone();
        mac.update(data);
        mac.finalize().into_bytes().into()
    }

    /// Drops the cached header values (the credentials they came from changed).
    pub(crate) fn forget_header_values(&mut self) {
        self.headers = std::sync::OnceLock::new();
    }

    /// The credential header values of `aksk`, the credentials this cache belongs to. The
    /// builders that change a credential header reset the cache.
    pub(crate) fn header_values(&self, aksk: &AkSkRef<'_>) -> &CredentialHeaderValues {
        self.headers.get_or_init(|| {
            let value = |v: Option<&str>, sensitive: bool| {
                let mut value = http::HeaderValue::from_str(v?).ok()?;
                value.set_sensitive(sensitive);
                Some(value)
            };
            CredentialHeaderValues {
                project_id: value(aksk.project_id, false),
                domain_id: value(aksk.domain_id, false),
                security_token: value(aksk.security_token, true),
            }
        })
    }
}

impl Credentials {
    /// AK/SK credentials from their parts, as the environment and profile providers read
    /// them: [`Credentials::Temporary`] when a security token is present (even empty, as in
    /// the official SDK), else [`Credentials::Permanent`].
    #[must_use]
    pub fn from_aksk(
        ak: impl Into<String>,
        sk: impl Into<String>,
        security_token: Option<String>,
        project_id: Option<String>,
        domain_id: Option<String>,
    ) -> Self {
        match security_token {
            Some(token) => {
                let mut c = TemporaryCredentials::new(ak, sk, token);
                c.project_id = project_id;
                c.domain_id = domain_id;
                c.into()
            }
            None => {
                let mut c = PermanentCredentials::new(ak, sk);
                c.project_id = project_id;
                c.domain_id = domain_id;
                c.into()
            }
        }
    }

    /// A short name of the kind: `permanent`, `temporary` or `iam-token`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Permanent(_) => "permanent",
            Self::Temporary(_) => "temporary",
            Self::IamToken(_) => "iam-token",
        }
    }

    /// The access key id (`None` for an IAM token).
    #[must_use]
    pub fn ak(&self) -> Option<&str> {
        match self {
            Self::Permanent(c) => Some(c.ak()),
            Self::Temporary(c) => Some(c.ak()),
            Self::IamToken(_) => None,
        }
    }

    /// The project id, if any.
    #[must_use]
    pub fn project_id(&self) -> Option<&str> {
        match self {
            Self::Permanent(c) => c.project_id(),
            Self::Temporary(c) => c.project_id(),
            Self::IamToken(c) => c.project_id(),
        }
    }

    /// When the credentials expire, if known (permanent credentials never do).
    #[must_use]
    pub fn expires_at(&self) -> Option<OffsetDateTime> {
        match self {
            Self::Permanent(_) => None,
            Self::Temporary(c) => c.expires_at(),
            Self::IamToken(c) => c.expires_at(),
        }
    }

    /// Returns these credentials with `project_id` set if they have none.
    #[must_use]
    pub fn or_project_id(self, project_id: Option<&str>) -> Self {
        let Some(pid) = project_id else { return self };
        match self {
            Self::Permanent(c) if c.project_id.is_none() => Self::Permanent(c.with_project_id(pid)),
            Self::Temporary(c) if c.project_id.is_none() => Self::Temporary(c.with_project_id(pid)),
            Self::IamToken(c) if c.project_id.is_none() => Self::IamToken(c.with_project_id(pid)),
            other => other,
        }
    }

    pub(crate) fn aksk(&self) -> Option<AkSkRef<'_>> {
        match self {
            Self::Permanent(c) => Some(AkSkRef {
                ak: &c.ak,
                sk: c.sk.expose_secret(),
                security_token: None,
                project_id: c.project_id.as_deref(),
                domain_id: c.domain_id.as_deref(),
                signing_cache: &c.signing_cache,
            }),
            Self::Temporary(c) => Some(AkSkRef {
                ak: &c.ak,
                sk: c.sk.expose_secret(),
                security_token: Some(c.security_token.expose_secret()),
                project_id: c.project_id.as_deref(),
                domain_id: c.domain_id.as_deref(),
                signing_cache: &c.signing_cache,
            }),
            Self::IamToken(_) => None,
        }
    }
}

const REDACTED: &str = "[REDACTED]";

impl fmt::Debug for PermanentCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PermanentCredentials")
            .field("ak", &self.ak)
            .field("sk", &REDACTED)
            .field("project_id", &self.project_id)
            .field("domain_id", &self.domain_id)
            .finish()
    }
}

impl fmt::Debug for TemporaryCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TemporaryCredentials")
            .field("ak", &self.ak)
            .field("sk", &REDACTED)
            .field("security_token", &REDACTED)
            .field("project_id", &self.project_id)
            .field("domain_id", &self.domain_id)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl fmt::Debug for IamToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IamToken")
            .field("token", &REDACTED)
            .field("project_id", &self.project_id)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Permanent(c) => c.fmt(f),
            Self::Temporary(c) => c.fmt(f),
            Self::IamToken(c) => c.fmt(f),
        }
    }
}

fn fmt_scope(
    f: &mut fmt::Formatter<'_>,
    project: Option<&str>,
    domain: Option<&str>,
) -> fmt::Result {
    if let Some(p) = project {
        write!(f, ", project {p}")?;
    }
    if let Some(d) = domain {
        write!(f, ", domain {d}")?;
    }
    Ok(())
}

impl fmt::Display for PermanentCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "permanent AK/SK (AK {}, SK {REDACTED}", self.ak)?;
        fmt_scope(f, self.project_id(), self.domain_id())?;
        f.write_str(")")
    }
}

impl fmt::Display for TemporaryCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "temporary AK/SK (AK {}, SK {REDACTED}, security token {REDACTED}",
            self.ak
        )?;
        fmt_scope(f, self.project_id(), self.domain_id())?;
        if let Some(e) = self.expires_at {
            write!(f, ", expires {e}")?;
        }
        f.write_str(")")
    }
}

impl fmt::Display for IamToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IAM token ({REDACTED}")?;
        fmt_scope(f, self.project_id(), None)?;
        f.write_str(")")
    }
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Permanent(c) => c.fmt(f),
            Self::Temporary(c) => c.fmt(f),
            Self::IamToken(c) => c.fmt(f),
        }
    }
}
