//! The client: one per project and endpoint, cheap to clone, safe to share across tasks.

use std::sync::Arc;

use aom_api::ProjectClient;
use aom_auth::provider::CredentialChain;

use crate::call::{self, Limits, Op};
use crate::config::{ClientBuilder, CredentialSource, check_project_id};
use crate::error::Error;
use crate::resources::{Executions, Jobs, Scripts, Templates, Workflows};
use crate::retry::RetryPolicy;

/// The AOM automation client.
///
/// Operations are grouped by resource: [`workflows`](Self::workflows),
/// [`executions`](Self::executions), [`jobs`](Self::jobs), [`scripts`](Self::scripts) and
/// [`templates`](Self::templates). The generated low-level client stays reachable through
/// [`api`](Self::api).
///
/// ```no_run
/// # async fn run() -> Result<(), aom_workflow::Error> {
/// let client = aom_workflow::Client::builder().region("cn-north-4").build().await?;
/// let execution = client
///     .workflows()
///     .execute_and_wait("my-workflow-id")
///     .await?;
/// for (node, host) in execution.failed_hosts() {
///     println!("{node}: {} ({:?}) exit {:?}", host.name(), host.ip(), host.exit_code());
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) api: ProjectClient,
    pub(crate) retry: RetryPolicy,
    pub(crate) limits: Limits,
    pub(crate) endpoint: String,
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Workflows: create, list, execute, trigger.
    pub fn workflows(&self) -> Workflows<'_> {
        Workflows { client: self }
    }

    /// Executions: details, history, waiting, node actions, termination.
    pub fn executions(&self) -> Executions<'_> {
        Executions { client: self }
    }

    /// Jobs.
    pub fn jobs(&self) -> Jobs<'_> {
        Jobs { client: self }
    }

    /// Scripts and their versions.
    pub fn scripts(&self) -> Scripts<'_> {
        Scripts { client: self }
    }

    /// Templates (execution plans).
    pub fn templates(&self) -> Templates<'_> {
        Templates { client: self }
    }

    /// The generated low-level client, bound to this client's project, for anything this crate
    /// does not wrap. Calls made through it get the request hooks (signing) but not this
    /// crate's retries, timeouts or typed results.
    pub fn api(&self) -> &ProjectClient {
        &self.inner.api
    }

    /// The project id.
    pub fn project_id(&self) -> &str {
        self.inner.api.project_id()
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    pub(crate) async fn run<B, T, F, Fut>(
        &self,
        op: Op,
        builder: B,
        send: F,
    ) -> Result<aom_api::ResponseValue<T>, Error>
    where
        B: Clone,
        F: Fn(B) -> Fut,
        Fut: std::future::Future<
                Output = Result<aom_api::ResponseValue<T>, aom_api::Error<aom_api::ErrorBody>>,
            >,
    {
        call::run(op, &self.inner.retry, self.inner.limits, builder, send).await
    }
}

impl ClientBuilder {
    /// Builds the client. Fails, without sending anything to AOM, when the configuration is
    /// incomplete or invalid: no region or endpoint, a malformed region (an availability zone
    /// is recognised and named), no project id anywhere, or no credentials when the project id
    /// has to come from them.
    pub async fn build(self) -> Result<Client, Error> {
        let endpoint = self.resolve_endpoint()?;
        let source = match self.credentials.clone() {
            Some(source) => source,
            None => CredentialSource::Chain(Arc::new(
                CredentialChain::builder()
                    .env(self.env.clone())
                    .build()
                    .map_err(|e| Error::Auth(e.to_string()))?,
            )),
        };
        let fixed = match &source {
            CredentialSource::Fixed(c) => Some(c.as_ref()),
            CredentialSource::Chain(_) => None,
        };
        let project_id = match self.explicit_project_id(fixed) {
            Some(id) => id,
            None => match &source {
                CredentialSource::Chain(chain) => {
                    let credentials = chain
                        .credentials()
                        .await
                        .map_err(|e| Error::Auth(e.to_string()))?;
                    credentials
                        .project_id()
                        .map(str::to_string)
                        .ok_or_else(no_project_id)?
                }
                CredentialSource::Fixed(_) => return Err(no_project_id()),
            },
        };
        let project_id = check_project_id(&project_id)?;
        let http = match self.http {
            Some(http) => http,
            None => {
                let mut b = reqwest::Client::builder().user_agent(match &self.user_agent {
                    Some(extra) => format!("aom-rs/{} {extra}", env!("CARGO_PKG_VERSION")),
                    None => format!("aom-rs/{}", env!("CARGO_PKG_VERSION")),
                });
                if let Some(d) = self.timeouts.connect {
                    b = b.connect_timeout(d);
                }
                b.build()
                    .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?
            }
        };
        let config = match source {
            CredentialSource::Fixed(c) => aom_api::ClientConfig::with_credentials(*c),
            CredentialSource::Chain(chain) => aom_api::ClientConfig::with_credential_chain(chain),
        };
        let api = aom_api::Client::new_with_client(&endpoint, http, config);
        Ok(Client {
            inner: Arc::new(Inner {
                api: ProjectClient::new(api, project_id),
                retry: self.retry,
                limits: Limits {
                    attempt: self.timeouts.attempt,
                    operation: self.timeouts.operation,
                },
                endpoint,
            }),
        })
    }
}

fn no_project_id() -> Error {
    Error::Config(
        "no project id: call .project_id(\"…32 characters…\"), set HUAWEICLOUD_SDK_PROJECT_ID, or use credentials that carry one"
            .into(),
    )
}
