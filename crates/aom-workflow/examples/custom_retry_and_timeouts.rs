//! Custom retry policy and timeouts, shown against injected faults: throttling and server
//! errors on reads are retried (honouring `Retry-After`), a slow answer hits the attempt
//! timeout, and an execute that may have run is never sent twice.
//!
//! `cargo run -p aom-workflow --example custom_retry_and_timeouts`

mod common;

use std::time::{Duration, Instant};

use aom_workflow::{RetryPolicy, Timeouts};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, emulator) = common::connect(|b| {
        b.retry_policy(
            RetryPolicy::standard()
                .with_max_attempts(5)
                .with_initial_backoff(Duration::from_millis(50))
                .with_max_backoff(Duration::from_secs(2))
                .with_max_retry_after(Duration::from_secs(5)),
        )
        .timeouts(Timeouts {
            connect: Some(Duration::from_secs(3)),
            attempt: Some(Duration::from_millis(500)),
            operation: Some(Duration::from_secs(10)),
        })
    })
    .await?;
    let Some(emulator) = emulator else {
        println!("configured against the real service; the fault demonstration needs the emulator");
        return Ok(());
    };
    let workflow_id = common::workflow_id(&client, Some(&emulator)).await?;

    emulator.add_fault_spec("kind=throttle:1,route=list_workflow_executions,next=1")?;
    emulator.add_fault_spec("kind=status:503,route=list_workflow_executions,next=2")?;
    let started = Instant::now();
    let history = client.executions().list(&workflow_id).await?;
    println!(
        "history read through a 429 and two 503s in {:?} ({} executions)",
        started.elapsed(),
        history.len()
    );

    emulator.add_fault_spec("kind=latency:3000,route=list_workflow_executions,next=20")?;
    match client.executions().list(&workflow_id).await {
        Ok(_) => println!("unexpectedly fast"),
        Err(e) => println!("slow answers: {e}"),
    }
    emulator.clear_faults();

    emulator.add_fault_spec("kind=status:502,route=execute_workflow,when=after,next=1")?;
    match client.workflows().execute(&workflow_id).await {
        Ok(id) => println!("executed {id}"),
        Err(e) => println!(
            "execute failed and was not re-sent: {e} (retryable: {})",
            e.is_retryable()
        ),
    }
    let runs = emulator
        .state()
        .executions_per_workflow
        .get(&workflow_id)
        .copied()
        .unwrap_or(0);
    println!("the emulator counted {runs} execution(s) of the workflow");
    Ok(())
}
