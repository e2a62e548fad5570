//! Error types.
//!
//! * [`SignError`]: a request could not be signed.
//! * [`ProviderError`]: one credential provider gave nothing, or found broken configuration.
//! * [`ChainError`]: the provider chain gave nothing; lists every provider tried and why.
//!
//! The verifier's error, [`VerifyError`](crate::verify::VerifyError), lives with the verifier.

use std::fmt;

/// A request could not be signed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The AK or the SK is empty (the official SDK refuses these too).
    #[error("AK and SK must both be non-empty to sign a request")]
    EmptyAccessKey,
    /// An `X-Sdk-Date` header was present but not in the `YYYYMMDDTHHMMSSZ` format.
    #[error("invalid X-Sdk-Date header {value:?}: expected YYYYMMDDTHHMMSSZ")]
    InvalidDate {
        /// The offending value.
        value: String,
    },
    /// The clock is before 1970 or after 9999.
    #[error("the signing time is outside the range X-Sdk-Date can express")]
    Clock,
    /// The algorithm cannot be used here.
    #[error("signing algorithm {0} is not supported here")]
    UnsupportedAlgorithm(&'static str),
    /// `V11-HMAC-SHA256` needs a region and a service name.
    #[error(
        "V11-HMAC-SHA256 needs a derived scope (region and service name); \
         set one with Signer::with_derived_scope"
    )]
    MissingDerivedScope,
    /// No `Host` header and no authority in the request URI.
    #[error("the request has neither a Host header nor an absolute URI")]
    MissingHost,
    /// A value could not be put into an HTTP header (e.g. a project id with a line break).
    #[error("value for header {name} is not a valid HTTP header value")]
    InvalidHeaderValue {
        /// The header name.
        name: &'static str,
    },
    /// The body is a stream, so its hash cannot be computed; send it with a non-JSON
    /// content type (UNSIGNED-PAYLOAD) or buffer it.
    #[error(
        "cannot hash a streaming request body; buffer it or use a non-JSON content type \
         (UNSIGNED-PAYLOAD)"
    )]
    UnhashableBody,
    /// The rewritten request URI was rejected by the `http` crate.
    #[error("could not rebuild the request URI with the canonical query string")]
    InvalidUri,
    /// No private key could be derived from AK and SK (practically impossible).
    #[error("could not derive an asymmetric key from AK and SK")]
    KeyDerivation,
    /// The ECDSA / SM2 signer failed.
    #[error("the asymmetric signer failed")]
    Crypto,
}

/// Why one credential provider gave no credentials.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ProviderError {
    /// The provider's source is simply absent (no variables, no file, ...). The chain moves
    /// on to the next provider.
    #[error("{0}")]
    NotConfigured(String),
    /// The source exists but is broken: a half-set environment, a malformed credentials
    /// file. The chain stops here with this error instead of silently skipping.
    #[error("invalid configuration in {source_name}: {reason}")]
    Invalid {
        /// Where the problem is: a variable name, a file path with line number, ...
        source_name: String,
        /// What is wrong.
        reason: String,
    },
    /// Fetching credentials failed (e.g. the metadata service is unreachable or answered
    /// with an error).
    #[error("{0}")]
    Fetch(String),
}

impl ProviderError {
    /// Shorthand for [`ProviderError::Invalid`].
    pub fn invalid(source_name: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::Invalid {
            source_name: source_name.into(),
            reason: reason.into(),
        }
    }

    /// Whether this is a configuration error that must stop the chain.
    #[must_use]
    pub fn is_invalid(&self) -> bool {
        matches!(self, Self::Invalid { .. })
    }
}

/// One provider tried by the chain, and why it gave nothing.
#[derive(Debug, Clone)]
pub struct ProviderAttempt {
    /// The provider's name (`explicit`, `environment`, `profile`, `metadata`, ...).
    pub provider: String,
    /// Why it gave nothing.
    pub error: ProviderError,
}

/// The credential chain gave no credentials. Lists every provider tried and why each gave
/// nothing; if a provider found broken configuration the chain stopped there.
#[derive(Debug, Clone, thiserror::Error)]
pub struct ChainError {
    /// Every provider tried, in order.
    pub attempts: Vec<ProviderAttempt>,
}

impl ChainError {
    /// Whether the chain stopped because a source was misconfigured.
    #[must_use]
    pub fn is_misconfiguration(&self) -> bool {
        self.attempts.iter().any(|a| a.error.is_invalid())
    }
}

impl fmt::Display for ChainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_misconfiguration() {
            f.write_str("credential chain stopped at a misconfigured source; tried: ")?;
        } else {
            f.write_str("no credentials found by any provider; tried: ")?;
        }
        if self.attempts.is_empty() {
            f.write_str("(no providers)")?;
        }
        for (i, attempt) in self.attempts.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{} ({})", attempt.provider, attempt.error)?;
        }
        Ok(())
    }
}
