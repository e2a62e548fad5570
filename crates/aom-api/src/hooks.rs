//! The request hooks every generated operation runs, and the seam where authentication goes.
//!
//! Each generated operation builds a `reqwest::Request` and then calls, in order,
//! [`ClientHooks::pre`] (which edits the request), [`ClientHooks::exec`] (which sends it) and
//! `post`. This module implements them for [`Client`]:
//!
//! - `pre` removes progenitor's `api-version` header (AOM does not know it, and a header that a
//!   proxy might strip must not be signed), adds `Content-Type: application/json` when the request
//!   has none (the API documents it as required on every operation, GETs included, and the
//!   official SDKs send it), and then asks the configured [`RequestSigner`] to authenticate the
//!   request. It runs once per send, so a re-sent request is signed afresh.
//! - `exec` sends the request and makes sure an error answer always reaches the caller with its
//!   HTTP status: a 4xx/5xx body that is not JSON (an HTML page from a proxy, an empty body) is
//!   re-encoded as a JSON string, which [`ErrorBody`](crate::ErrorBody) reads as the message.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};

use crate::Client;

/// The error a [`RequestSigner`] returns. It must not contain secrets.
pub type SignError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The future a [`RequestSigner`] returns.
pub type SignFuture<'a> = Pin<Box<dyn Future<Output = Result<(), SignError>> + Send + 'a>>;

/// Authenticates a request just before it is sent.
///
/// Implementations add headers such as `X-Sdk-Date` and `Authorization` (AK/SK signing),
/// `X-Security-Token`, `X-Project-Id` or `X-Auth-Token`. It is called on every send, so a
/// signature is never reused across attempts. The `aom-auth` crate provides the implementations;
/// this trait only fixes the seam.
pub trait RequestSigner: Send + Sync + fmt::Debug {
    /// Adds authentication to `request`.
    fn sign<'a>(&'a self, request: &'a mut reqwest::Request) -> SignFuture<'a>;
}

/// Configuration the generated [`Client`] carries to its hooks.
///
/// ```
/// let config = aom_api::ClientConfig::default();
/// assert!(config.signer().is_none());
/// ```
#[derive(Clone, Default)]
pub struct ClientConfig {
    signer: Option<Arc<dyn RequestSigner>>,
}

impl ClientConfig {
    /// A configuration that authenticates every request with `signer`.
    pub fn with_signer(signer: Arc<dyn RequestSigner>) -> Self {
        Self {
            signer: Some(signer),
        }
    }

    /// The configured signer, if any.
    pub fn signer(&self) -> Option<&Arc<dyn RequestSigner>> {
        self.signer.as_ref()
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The signer's own Debug is trusted to redact its secrets.
        f.debug_struct("ClientConfig")
            .field("signer", &self.signer)
            .finish()
    }
}

/// Largest error body kept when re-encoding a non-JSON error answer.
const MAX_ERROR_TEXT: usize = 4096;

impl ClientHooks<ClientConfig> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let headers = request.headers_mut();
        headers.remove("api-version");
        if !headers.contains_key(CONTENT_TYPE) {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        if let Some(signer) = &self.inner.signer {
            signer.sign(request).await.map_err(|e| {
                progenitor_client::Error::Custom(format!(
                    "could not authenticate {}: {e}",
                    info.operation_id
                ))
            })?;
        }
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let response = self.client.execute(request).await?;
        let status = response.status();
        if !(status.is_client_error() || status.is_server_error()) {
            return Ok(response);
        }
        let headers = response.headers().clone();
        let version = response.version();
        let bytes = response.bytes().await?;
        let body = if serde_json::from_slice::<serde_json::Value>(&bytes).is_ok() {
            bytes.to_vec()
        } else {
            let text = String::from_utf8_lossy(&bytes);
            let text = truncate(text.trim(), MAX_ERROR_TEXT);
            let value = if text.is_empty() {
                serde_json::Value::Null
            } else {
                serde_json::Value::String(text.to_string())
            };
            value.to_string().into_bytes()
        };
        let mut rebuilt = http::Response::new(body);
        *rebuilt.status_mut() = status;
        *rebuilt.version_mut() = version;
        *rebuilt.headers_mut() = headers;
        rebuilt.headers_mut().remove(CONTENT_LENGTH);
        Ok(reqwest::Response::from(rebuilt))
    }
}

fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}
