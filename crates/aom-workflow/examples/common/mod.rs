//! Shared by the examples: a client for the real service when credentials are configured, or
//! for a local emulator started in-process when they are not.

#![allow(dead_code)]

use std::error::Error;

use aom_emulator::{Emulator, EmulatorHandle};
use aom_workflow::{Client, NewWorkflow};
use serde_json::json;

/// The client, and the emulator behind it when one was started (keep it alive while the client
/// is used).
pub async fn connect(
    configure: impl FnOnce(aom_workflow::ClientBuilder) -> aom_workflow::ClientBuilder,
) -> Result<(Client, Option<EmulatorHandle>), Box<dyn Error>> {
    if std::env::var_os("HUAWEICLOUD_SDK_AK").is_some() {
        let region = std::env::var("AOM_REGION").unwrap_or_else(|_| "cn-north-4".into());
        eprintln!("using Huawei Cloud AOM in {region} (credentials from the environment)");
        let client = configure(Client::builder().region(region)).build().await?;
        return Ok((client, None));
    }
    let emulator = Emulator::builder()
        .seed(1)
        .time_scale(600.0)
        .start()
        .await?;
    eprintln!(
        "no credentials configured: using a local AOM emulator at {}",
        emulator.url()
    );
    let client = configure(
        Client::builder()
            .endpoint(emulator.url())
            .credentials(emulator.credentials()),
    )
    .build()
    .await?;
    Ok((client, Some(emulator)))
}

/// The workflow to run: `AOM_WORKFLOW_ID` on the real service; on the emulator, a new script
/// workflow over a dozen hosts, two of which fail.
pub async fn workflow_id(
    client: &Client,
    emulator: Option<&EmulatorHandle>,
) -> Result<String, Box<dyn Error>> {
    let Some(emulator) = emulator else {
        return std::env::var("AOM_WORKFLOW_ID")
            .map_err(|_| "set AOM_WORKFLOW_ID to the workflow to run".into());
    };
    let hosts: Vec<String> = emulator
        .hosts()
        .iter()
        .filter(|h| h.agent_state.as_deref() == Some("ONLINE"))
        .filter_map(|h| h.id.clone())
        .take(12)
        .collect();
    let created = client
        .workflows()
        .create(
            NewWorkflow::run_script("rotate-logs")
                .description("Rotate application logs")
                .hosts(&hosts)
                // The emulator's simulation: two hosts fail the script, each host takes 20-90 s.
                .input(
                    "emulator",
                    json!({"fail_hosts": [hosts[3], hosts[8]], "fail_nodes": ["run-script"], "host_seconds": [20, 90], "nodes": ["precheck", "run-script"]}),
                ),
        )
        .await?;
    Ok(created.id.ok_or("the created workflow has no id")?)
}
