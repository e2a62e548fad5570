//! Run a workflow and wait for it, printing progress as hosts finish.
//!
//! `cargo run -p aom-workflow --example run_and_wait` (a local emulator is started when no
//! credentials are configured; with `HUAWEICLOUD_SDK_AK`/`_SK`/`_PROJECT_ID` set, it runs
//! `AOM_WORKFLOW_ID` in `AOM_REGION`).

mod common;

use std::time::Duration;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, emulator) = common::connect(|b| b).await?;
    let workflow_id = common::workflow_id(&client, emulator.as_ref()).await?;

    let execution = client
        .workflows()
        .execute_and_wait(&workflow_id)
        .deadline(Duration::from_secs(30 * 60))
        .on_progress(|e| {
            let c = e.counts();
            println!(
                "{:<10} hosts: {} done, {} failed, {} running, {} waiting",
                e.status.as_str(),
                c.success,
                c.fail,
                c.in_execution,
                c.not_performed
            );
        })
        .await?;

    println!(
        "execution {} ended {} after {:?}",
        execution.execution_id.as_deref().unwrap_or("?"),
        execution.status,
        execution.duration().unwrap_or_default()
    );
    Ok(())
}
