//! One module per command group; each turns parsed arguments into `aom-workflow` calls and
//! prints the result.

pub mod demo;
pub mod emulator;
pub mod execution;
pub mod job;
pub mod script;
pub mod template;
pub mod workflow;

use std::sync::Arc;
use std::time::Duration;

use aom_auth::provider::{CredentialChain, ProfileProvider, ProfileScope};
use aom_workflow::{Client, PollPolicy};
use clap::CommandFactory as _;
use futures_util::{Stream, StreamExt as _};

use crate::args::{Cli, Command, Global, Profile};
use crate::exit::{CliError, Outcome};

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> Result<Outcome, CliError> {
    let g = &cli.global;
    match cli.command {
        Command::Workflow(cmd) => workflow::run(g, cmd).await,
        Command::Execution(cmd) => execution::run(g, cmd).await,
        Command::Job(cmd) => job::run(g, cmd).await,
        Command::Script(cmd) => script::run(g, cmd).await,
        Command::Template(cmd) => template::run(g, cmd).await,
        Command::Demo(args) => demo::run(g, &args).await,
        Command::Completions { shell } => {
            let mut command = Cli::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "aom", &mut script);
            out!("{}", String::from_utf8_lossy(&script));
            Ok(Outcome::Success)
        }
        Command::Emulator { args } => emulator::run(args).await,
    }
}

/// The client the global options describe. Nothing is sent: a missing region, a bad endpoint
/// or project id is a usage error; missing credentials are an authentication error.
pub async fn connect(g: &Global) -> Result<Client, CliError> {
    if g.region.is_none() && g.endpoint.is_none() {
        return Err(CliError::usage(
            "no region or endpoint: pass --region (e.g. cn-north-4) or --endpoint URL",
        ));
    }
    let mut builder = Client::builder().user_agent(concat!("aom-cli/", env!("CARGO_PKG_VERSION")));
    if let Some(region) = &g.region {
        builder = builder.region(region);
    }
    if let Some(endpoint) = &g.endpoint {
        builder = builder.endpoint(endpoint);
    }
    if let Some(project_id) = &g.project_id {
        builder = builder.project_id(project_id);
    }
    if let Some(timeout) = g.timeout {
        builder = builder
            .operation_timeout(timeout)
            .attempt_timeout(timeout.min(Duration::from_secs(30)));
    }
    if let Some(profile) = g.profile {
        let scope = match profile {
            Profile::Basic => ProfileScope::Basic,
            Profile::Global => ProfileScope::Global,
        };
        let chain = CredentialChain::new(vec![Arc::new(ProfileProvider::new().with_scope(scope))]);
        builder = builder.credential_chain(Arc::new(chain));
    }
    Ok(builder.build().await?)
}

/// How often a CLI wait polls: quickly at first, at most every 5 seconds.
pub fn poll_policy() -> PollPolicy {
    PollPolicy {
        initial: Duration::from_millis(250),
        max: Duration::from_secs(5),
        multiplier: 1.5,
    }
}

/// Collects at most `limit` items of a paged stream.
pub async fn collect<T>(
    stream: impl Stream<Item = Result<T, aom_workflow::Error>>,
    limit: Option<usize>,
) -> Result<Vec<T>, CliError> {
    let mut stream = std::pin::pin!(stream.take(limit.unwrap_or(usize::MAX)));
    let mut items = Vec::new();
    while let Some(item) = stream.next().await {
        items.push(item?);
    }
    Ok(items)
}
