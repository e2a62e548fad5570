//! Handle failed hosts: list them with their exit code and the first line of their log, then
//! restart the failed node (the emulator's flaky hosts recover on the second attempt).
//!
//! `cargo run -p aom-workflow --example failed_hosts`

mod common;

use aom_workflow::ExecutionStatus;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, emulator) = common::connect(|b| b).await?;
    let workflow_id = common::workflow_id(&client, emulator.as_ref()).await?;

    let execution = client.workflows().execute_and_wait(&workflow_id).await?;
    if execution.status != ExecutionStatus::Fail {
        println!("execution ended {}; no failed hosts", execution.status);
        return Ok(());
    }
    let mut failed_node = None;
    for (node, host) in execution.failed_hosts() {
        println!(
            "{node}: {} ({}) exit {:?}: {}",
            host.name(),
            host.ip().unwrap_or("no ip"),
            host.exit_code(),
            host.failure_line().unwrap_or("")
        );
        failed_node.get_or_insert(node.to_string());
    }

    let (Some(node), Some(execution_id)) = (failed_node, execution.execution_id.as_deref()) else {
        return Ok(());
    };
    println!("restarting node {node}");
    client
        .executions()
        .restart_node(&workflow_id, execution_id, &node)
        .await?;
    let retried = client.executions().wait(&workflow_id, execution_id).await?;
    println!(
        "after restart: {} ({} hosts failed)",
        retried.status,
        retried.counts().fail
    );
    Ok(())
}
