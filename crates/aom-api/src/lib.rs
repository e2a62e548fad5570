//! Low-level client and models for the Huawei Cloud AOM automation API (aom2.0 `cms`).
//!
//! Everything under [`types`], [`builder`], [`Client`] and [`ProjectClient`] is generated from
//! `spec/aom.yaml` by `cargo xtask codegen` and checked in as `src/generated.rs`; it is never
//! edited by hand. The hand-written rest of this crate is small:
//!
//! - [`ClientConfig`] and the [`RequestSigner`] seam: the request hook that every generated
//!   operation runs just before sending, where authentication is applied (see [`hooks`]).
//! - [`ErrorBody`], a lenient error type that understands every spelling of Huawei's error bodies,
//!   and [`WorkflowExecutionBrief`], which reads both spellings the documentation uses.
//! - [`AuthSigner`], which signs with `aom-auth` (AK/SK, temporary credentials, IAM tokens).
//! - [`text`], for the two operations that answer raw text instead of JSON.
//!
//! Most users want the ergonomic `aom-workflow` crate instead; this crate is what it stands on.
//!
//! # Example
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use aom_api::{Client, ClientConfig, ProjectClient};
//!
//! // Bring your own reqwest::Client: this crate sets no timeouts and no TLS backend.
//! let http = reqwest::Client::builder()
//!     .connect_timeout(std::time::Duration::from_secs(5))
//!     .build()?;
//! let client = Client::new_with_client(
//!     "https://aom.cn-north-4.myhuaweicloud.com",
//!     http,
//!     ClientConfig::with_credential_chain(std::sync::Arc::new(
//!         aom_auth::provider::CredentialChain::default_chain()?, // environment, profile file, metadata
//!     )),
//! );
//! let project = ProjectClient::new(client, "0123456789abcdef0123456789abcdef".parse()?);
//! let detail = project
//!     .search_workflow_execution_detail()
//!     .workflow_id("wf-1")
//!     .execution_id("ex-1")
//!     .send()
//!     .await?
//!     .into_inner();
//! println!("{:?}", detail.status);
//! # Ok(())
//! # }
//! ```

mod error_body;
pub mod hooks;
mod models;
mod signing;
pub mod text;

// The generated file is formatted by prettyplease in xtask (pinned by Cargo.lock) and must stay
// byte-identical to what `cargo xtask codegen` writes, so rustfmt must not touch it.
#[rustfmt::skip]
#[allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::all,
    rustdoc::all
)]
mod generated;

pub use error_body::ErrorBody;
pub use generated::*;
pub use hooks::{ClientConfig, RequestSigner, SignError};
pub use models::WorkflowExecutionBrief;
pub use progenitor_client::{ByteStream, Error, ResponseValue};
pub use signing::AuthSigner;
