//! `aom demo`: the main job on a fresh machine, with no account and no network. An emulator
//! starts in-process on 127.0.0.1; a workflow runs a script over 24 simulated hosts, three of
//! which fail; the run is shown live, then host by host.

use std::time::Duration;

use aom_emulator::{Emulator, EmulatorHandle};
use aom_workflow::{Client, NewWorkflow, PollPolicy};
use serde_json::json;

use crate::args::{DemoArgs, Global, Output};
use crate::commands::execution;
use crate::exit::{CliError, Outcome};
use crate::progress::Progress;

/// How many simulated hosts the demo runs on.
pub const HOSTS: usize = 24;
/// Which of them (by position) fail the script.
const FAILING: [usize; 3] = [4, 11, 19];
/// Simulated seconds per real second: a 10-60 s script run takes 0.25-1.5 s, so the whole demo
/// takes about three seconds, long enough to watch the progress.
const TIME_SCALE: f64 = 40.0;

/// Runs the demo. Exits 0 whether or not hosts fail: the failures are part of the show.
pub async fn run(g: &Global, args: &DemoArgs) -> Result<Outcome, CliError> {
    let emulator = Emulator::builder()
        .seed(args.seed)
        .time_scale(TIME_SCALE)
        .start()
        .await
        .map_err(|e| CliError {
            code: crate::exit::API,
            message: format!("cannot start the emulator: {e}"),
        })?;
    let result = demo(g, &emulator).await;
    emulator.shutdown().await;
    result
}

async fn demo(g: &Global, emulator: &EmulatorHandle) -> Result<Outcome, CliError> {
    eprintln!(
        "aom demo: an AOM emulator is running in this process at {} (no account, no network).",
        emulator.url()
    );
    let client = Client::builder()
        .endpoint(emulator.url())
        .credentials(emulator.credentials())
        .build()
        .await?;
    let hosts: Vec<String> = emulator
        .hosts()
        .iter()
        .filter(|h| h.agent_state.as_deref() == Some("ONLINE"))
        .filter_map(|h| h.id.clone())
        .take(HOSTS)
        .collect();
    let failing: Vec<&String> = FAILING.iter().filter_map(|&i| hosts.get(i)).collect();
    let workflow = client.workflows().create(body(&hosts, &failing)).await?;
    let workflow_id = workflow.id.unwrap_or_default();
    eprintln!(
        "Created workflow {workflow_id}: nodes precheck and run-script over {} hosts ({} set up to fail).",
        hosts.len(),
        failing.len()
    );
    eprintln!(
        "Simulated time runs {TIME_SCALE} times faster than real time: the times shown are simulated."
    );
    let execution_id = client.workflows().execute(&workflow_id).await?;
    eprintln!("Started execution {execution_id}; waiting for it.");
    let poll = PollPolicy {
        initial: Duration::from_millis(100),
        max: Duration::from_millis(300),
        multiplier: 1.5,
    };
    let done = execution::wait_for(
        g,
        &client,
        &workflow_id,
        &execution_id,
        poll,
        Progress::new(g.color()),
    )
    .await?;
    execution::show(g, &done)?;
    if g.output == Output::Table {
        outln!(
            "(aom demo exits 0: these failures are part of the demo. `aom workflow run --wait` exits 1 when an execution fails.)"
        );
    }
    Ok(Outcome::Success)
}

/// A script workflow over `hosts`, with the emulator's knobs making `failing` fail the
/// `run-script` node.
fn body(hosts: &[String], failing: &[&String]) -> NewWorkflow {
    NewWorkflow::run_script("demo-rotate-logs")
        .description("aom demo: rotate application logs on every host")
        .hosts(hosts)
        .input(
            "emulator",
            json!({
                "nodes": ["precheck", "run-script"],
                "fail_hosts": failing,
                "fail_nodes": ["run-script"],
                "host_seconds": [10, 60],
            }),
        )
}
