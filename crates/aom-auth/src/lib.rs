//! Request signing, credentials and credential providers for Huawei Cloud AOM.
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
