//! The ergonomic client for Huawei Cloud AOM automation workflows.
//!
//! Run a workflow, wait for it, and act on the per-host results, without writing HTTP, signing
//! or polling code:
//!
//! ```no_run
//! # async fn run() -> Result<(), aom_workflow::Error> {
//! use std::time::Duration;
//! use aom_workflow::Client;
//!
//! // Credentials come from HUAWEICLOUD_SDK_AK/SK (or ~/.huaweicloud/credentials, or the ECS
//! // metadata service), exactly as with Huawei's official SDKs.
//! let client = Client::builder().region("cn-north-4").build().await?;
//!
//! let execution = client
//!     .workflows()
//!     .execute_and_wait("my-workflow-id")
//!     .deadline(Duration::from_secs(15 * 60))
//!     .on_progress(|e| eprintln!("{} {:?}", e.status, e.counts()))
//!     .await?;
//!
//! for (node, host) in execution.failed_hosts() {
//!     eprintln!("{node} failed on {} ({}): exit {:?}", host.name(), host.ip().unwrap_or("?"), host.exit_code());
//! }
//! # Ok(()) }
//! ```
//!
//! - [`Client`] and [`ClientBuilder`]: region or endpoint, credentials, project id, timeouts,
//!   retries, user agent, your own `reqwest::Client`.
//! - [`NewWorkflow`]: a workflow to create, as a template over hosts.
//! - Operations by resource: [`Workflows`], [`Executions`], [`Jobs`], [`Scripts`],
//!   [`Templates`]; lists come one page at a time or as a `Stream` of every item.
//! - [`Execution`]: open-enum statuses ([`ExecutionStatus`], [`NodeStatus`]), real times, and
//!   each node's output read as per-host results ([`HostOutcomes`], [`Host`]), lossless.
//! - [`Wait`]: deadline, jittered backoff, progress callback or a `Stream` of changes.
//! - [`RetryPolicy`]: bounded, jittered, `Retry-After`-aware, and never re-sends a
//!   state-changing call that may have reached the service.
//! - [`Error`]: code, message, request id; `is_retryable()`.
//!
//! Request and response models of the API are re-exported in [`model`].

mod call;
mod client;
mod config;
mod error;
mod execution;
mod new_workflow;
pub mod resources;
mod retry;
mod status;
mod validate;
mod wait;

pub use client::Client;
pub use config::{ClientBuilder, Region, Timeouts};
pub use error::{ApiError, Error, MAX_EXCERPT, TimeoutKind, WaitFailure};
pub use execution::{Execution, Host, HostCounts, HostOutcomes, NodeResult};
pub use new_workflow::{NewWorkflow, RUN_SCRIPT_TEMPLATE};
pub use resources::{
    ExecutionSummary, Executions, Jobs, NodeAction, Page, Scripts, Templates, Workflows,
};
pub use retry::RetryPolicy;
pub use status::{ExecutionStatus, NodeStatus};
pub use wait::{Condition, DEFAULT_DEADLINE, PollPolicy, Wait};

/// The API's request and response models (generated from the spec), so that callers never need
/// to depend on `aom-api` themselves.
pub mod model {
    pub use aom_api::types::*;
    pub use aom_api::{ErrorBody, WorkflowExecutionBrief};
}

/// Credentials and credential providers (`aom-auth`).
pub mod auth {
    pub use aom_auth::provider::{CredentialChain, EnvSource};
    pub use aom_auth::{Credentials, IamToken, PermanentCredentials, TemporaryCredentials};
}
