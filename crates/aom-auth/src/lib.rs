//! Request signing, credentials and credential providers for Huawei Cloud AOM, byte-identical
//! to Huawei's official SDKs.
//!
//! A request signed one byte differently from the official SDK is refused by the API gateway
//! with `401 APIGW.0301`, so this crate reproduces the official Python SDK core
//! (`huaweicloudsdkcore` 3.1.219) exactly, quirks included. The golden vectors produced by
//! that SDK are vendored in `tests/vectors/` and every case is checked by the test suite.
//!
//! # Modules
//!
//! * [`signer`]: `SDK-HMAC-SHA256` (the default), `SDK-HMAC-SM3`, `V11-HMAC-SHA256`,
//!   `SDK-ECDSA-P256-SHA256` and `SDK-SM2-SM3`, for [`reqwest::Request`], [`http::Request`]
//!   and the SDK's own request model [`SdkRequest`]; the intermediate strings are exposed in
//!   a [`SigningTrace`].
//! * [`verify`]: the receiving side (the emulator's gateway): says whether a request is
//!   correctly signed, or exactly why not, with the gateway's reason texts.
//! * [`credentials`]: permanent AK/SK, temporary AK/SK with a security token, IAM tokens.
//!   Secrets never appear in `Debug` or `Display`.
//! * [`provider`]: explicit, environment (`HUAWEICLOUD_SDK_*`), profile
//!   (`~/.huaweicloud/credentials`) and ECS metadata providers, and the caching
//!   [`CredentialChain`](provider::CredentialChain).
//! * [`error`]: the error types.
//!
//! # Signing in a client hook
//!
//! ```no_run
//! # async fn hook(request: &mut reqwest::Request) -> Result<(), Box<dyn std::error::Error>> {
//! use aom_auth::provider::CredentialChain;
//! use aom_auth::Signer;
//!
//! // Once, when the client is built:
//! let chain = CredentialChain::default_chain()?;
//! let signer = Signer::default();
//!
//! // For every request (every attempt):
//! let credentials = chain.credentials().await?;
//! signer.sign_reqwest(request, &credentials)?;
//! # Ok(()) }
//! ```

pub mod credentials;
pub mod error;
pub mod provider;
pub mod signer;
pub mod verify;

pub use credentials::{Credentials, IamToken, PermanentCredentials, TemporaryCredentials};
pub use error::{ChainError, ProviderAttempt, ProviderError, SignError};
pub use signer::{
    DerivedScope, QueryValue, SdkRequest, Signer, SigningAlgorithm, SigningMode, SigningTrace,
    sign_reqwest,
};
pub use verify::{ReceivedRequest, VerifiedIdentity, Verifier, VerifyError};
