//! Shared helpers: an emulator on 127.0.0.1 and an `aom_workflow::Client` pointed at it.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use aom_emulator::{Emulator, EmulatorBuilder, EmulatorHandle};
use aom_workflow::model::SearchJobsRequestBody;
use aom_workflow::{Client, ClientBuilder, NewWorkflow, PollPolicy, RetryPolicy};
use serde_json::Value;

/// Fast simulated time (a 60-second host run takes 20 ms), fixed seed.
pub fn emulator() -> EmulatorBuilder {
    Emulator::builder().seed(7).time_scale(3000.0)
}

/// A client builder for `emu`, with short backoff so retry tests stay quick.
pub fn client_for(emu: &EmulatorHandle) -> ClientBuilder {
    Client::builder()
        .endpoint(emu.url())
        .credentials(emu.credentials())
        .retry_policy(
            RetryPolicy::standard()
                .with_initial_backoff(Duration::from_millis(5))
                .with_max_backoff(Duration::from_millis(20)),
        )
}

pub async fn start() -> (EmulatorHandle, Client) {
    let emu = emulator().start().await.unwrap();
    let client = client_for(&emu).build().await.unwrap();
    (emu, client)
}

/// A fast poll policy for waits.
pub fn fast_poll() -> PollPolicy {
    PollPolicy {
        initial: Duration::from_millis(5),
        max: Duration::from_millis(40),
        multiplier: 2.0,
    }
}

/// The first `n` host ids of the emulator's inventory that can run tasks.
pub fn hosts(emu: &EmulatorHandle, n: usize) -> Vec<String> {
    emu.hosts()
        .iter()
        .filter(|h| h.agent_state.as_deref() == Some("ONLINE"))
        .filter_map(|h| h.id.clone())
        .take(n)
        .collect()
}

/// A script workflow over `targets`, with emulator knobs in `emulator`.
pub fn workflow(name: &str, targets: &[String], emulator: Value) -> NewWorkflow {
    NewWorkflow::run_script(name)
        .hosts(targets)
        .input("emulator", emulator)
}

/// Creates a workflow and returns its id.
pub async fn create(client: &Client, body: NewWorkflow) -> String {
    client.workflows().create(body).await.unwrap().id.unwrap()
}

/// A job search with the defaults.
pub fn jobs_query() -> SearchJobsRequestBody {
    aom_workflow::Jobs::query()
}
