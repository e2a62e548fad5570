//! `aom execution ...`: status (and waiting), node actions, termination; and the waiting and
//! showing that `aom workflow run --wait` and `aom demo` share.

use aom_workflow::{
    Client, DEFAULT_DEADLINE, Execution, ExecutionStatus, NodeAction, NodeStatus, PollPolicy,
};
use futures_util::StreamExt as _;

use super::connect;
use crate::args::{ExecutionCommand, Global, NodeArgs, Output};
use crate::exit::{CliError, Outcome};
use crate::output::execution::{details, ended_failed, progress_line, summary};
use crate::output::json;
use crate::progress::Progress;

/// Runs `aom execution ...`.
pub async fn run(g: &Global, cmd: ExecutionCommand) -> Result<Outcome, CliError> {
    match cmd {
        ExecutionCommand::Status { ids, wait, watch } => {
            let client = connect(g).await?;
            let (wf, ex) = (&ids.workflow_id, &ids.execution_id);
            if watch {
                return watch_execution(g, &client, wf, ex).await;
            }
            let execution = if wait {
                wait_for(
                    g,
                    &client,
                    wf,
                    ex,
                    super::poll_policy(),
                    Progress::new(g.color()),
                )
                .await?
            } else {
                client.executions().get(wf, ex).await?
            };
            show(g, &execution)
        }
        ExecutionCommand::Restart(args) => act(g, args, NodeAction::Restart, "restarted").await,
        ExecutionCommand::Skip(args) => act(g, args, NodeAction::Skip, "skipped").await,
        ExecutionCommand::Continue(args) => act(g, args, NodeAction::Continue, "continued").await,
        ExecutionCommand::Terminate { ids } => {
            let client = connect(g).await?;
            let answer = client
                .executions()
                .terminate(&ids.workflow_id, &ids.execution_id)
                .await?;
            match g.output {
                Output::Json => json::print(&serde_json::json!({
                    "workflow_id": ids.workflow_id,
                    "execution_id": ids.execution_id,
                    "result": answer,
                }))?,
                Output::Table => outln!(
                    "Termination of execution {} requested ({}).",
                    ids.execution_id,
                    answer.trim()
                ),
            }
            Ok(Outcome::Success)
        }
    }
}

async fn act(
    g: &Global,
    args: NodeArgs,
    action: NodeAction,
    done: &str,
) -> Result<Outcome, CliError> {
    let client = connect(g).await?;
    let result = client
        .executions()
        .act(
            &args.ids.workflow_id,
            &args.ids.execution_id,
            &args.node,
            action,
        )
        .await?;
    match g.output {
        Output::Json => json::print(&serde_json::json!({
            "workflow_id": args.ids.workflow_id,
            "execution_id": args.ids.execution_id,
            "node_id": args.node,
            "result": result,
        }))?,
        Output::Table => outln!(
            "Node {} of execution {} {done}.",
            args.node,
            args.ids.execution_id
        ),
    }
    Ok(Outcome::Success)
}

/// Whether a wait is over: the execution ended, or it is paused waiting for `continue`, `skip`
/// or `restart` (waiting on would only end at the deadline).
fn stopped(e: &Execution) -> bool {
    e.is_finished() || e.status == ExecutionStatus::Pausing
}

/// Waits for an execution to end (or pause for an action), showing progress; `--timeout` is
/// the deadline.
pub async fn wait_for(
    g: &Global,
    client: &Client,
    workflow_id: &str,
    execution_id: &str,
    poll: PollPolicy,
    mut progress: Progress,
) -> Result<Execution, CliError> {
    let result = {
        let wait = client
            .executions()
            .wait(workflow_id, execution_id)
            .deadline(g.timeout.unwrap_or(DEFAULT_DEADLINE))
            .poll_policy(poll)
            .until(stopped)
            .on_progress(|e| progress.update(e));
        wait.await
    };
    progress.finish();
    Ok(result?)
}

/// `--watch`: every change on stdout, as a progress line (table) or a JSON document per line.
async fn watch_execution(
    g: &Global,
    client: &Client,
    workflow_id: &str,
    execution_id: &str,
) -> Result<Outcome, CliError> {
    let stream = client
        .executions()
        .wait(workflow_id, execution_id)
        .deadline(g.timeout.unwrap_or(DEFAULT_DEADLINE))
        .poll_policy(super::poll_policy())
        .until(stopped)
        .stream();
    let mut stream = std::pin::pin!(stream);
    let mut last = None;
    while let Some(item) = stream.next().await {
        let execution = item?;
        match g.output {
            Output::Json => json::print_line(&execution)?,
            Output::Table => outln!("{}", progress_line(&execution)),
        }
        last = Some(execution);
    }
    let Some(last) = last else {
        return Ok(Outcome::Success);
    };
    if g.output == Output::Table {
        outln!();
        out!("{}", crate::output::execution::hosts(&last).render());
        outln!("{}", summary(&last));
    }
    Ok(outcome(&last))
}

/// Prints an execution (details and summary, or JSON) and returns the outcome it implies.
pub fn show(g: &Global, execution: &Execution) -> Result<Outcome, CliError> {
    match g.output {
        Output::Json => json::print(execution)?,
        Output::Table => {
            out!("{}", details(execution));
            outln!();
            outln!("{}", summary(execution));
        }
    }
    Ok(outcome(execution))
}

/// Exit 1 for an execution that ended failed, or that is paused after a node failed.
pub fn outcome(execution: &Execution) -> Outcome {
    let paused_on_failure = execution.status == ExecutionStatus::Pausing
        && execution.nodes.iter().any(|n| n.status == NodeStatus::Fail);
    if ended_failed(execution) || paused_on_failure {
        Outcome::ExecutionFailed
    } else {
        Outcome::Success
    }
}
