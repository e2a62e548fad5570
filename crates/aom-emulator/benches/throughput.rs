//! Signed seed-operation requests per second: 32 concurrent clients poll
//! SearchWorkflowExecutionDetail through the generated `aom_api` client (SDK-HMAC-SHA256
//! signing on every request, verified by the emulator's gateway), server and clients in one
//! process on this machine. Two figures: polling an execution that is still running (rendered on
//! every request) and one that has finished (rendered once).
//!
//! `cargo bench -p aom-emulator --bench throughput` (set `BENCH_SECONDS`, default 5, and
//! `BENCH_CLIENTS`, default 32).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use aom_api::ProjectClient;
use aom_emulator::{Emulator, EmulatorHandle};
use serde_json::json;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn start_execution(
    project: &ProjectClient,
    name: &str,
    input: serde_json::Value,
) -> (String, String) {
    let workflow = common::create_workflow(project, name, input).await;
    let execution = common::execute(project, &workflow).await;
    (workflow, execution)
}

async fn measure(emu: &EmulatorHandle, workflow: &str, execution: &str, label: &str) {
    let seconds = env("BENCH_SECONDS", 5);
    let clients = env("BENCH_CLIENTS", 32);
    let done = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let measuring = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let project = emu.project_client();
        let (workflow, execution) = (workflow.to_owned(), execution.to_owned());
        let (done, errors, measuring, stop) = (
            done.clone(),
            errors.clone(),
            measuring.clone(),
            stop.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut status = None;
            while !stop.load(Ordering::Relaxed) {
                let answer = project
                    .search_workflow_execution_detail()
                    .workflow_id(&*workflow)
                    .execution_id(&*execution)
                    .send()
                    .await;
                if measuring.load(Ordering::Relaxed) {
                    match answer {
                        Ok(detail) => {
                            status = detail.into_inner().status;
                            done.fetch_add(1, Ordering::Relaxed)
                        }
                        Err(_) => errors.fetch_add(1, Ordering::Relaxed),
                    };
                }
            }
            status
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await; // warm up: connections, caches
    measuring.store(true, Ordering::Relaxed);
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    measuring.store(false, Ordering::Relaxed);
    let elapsed = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    let ok = done.load(Ordering::Relaxed);
    let failed = errors.load(Ordering::Relaxed);
    println!(
        "search_workflow_execution_detail, {label} (status {:?}): {clients} clients, {elapsed:.1} s: \
         {ok} signed requests, {:.0} req/s, {failed} errors",
        statuses[0].as_deref().unwrap_or("?"),
        ok as f64 / elapsed,
    );
    assert_eq!(failed, 0);
}

async fn run() {
    println!(
        "{} CPUs available; server and clients share one tokio runtime",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    // Start-up time (the target: well under a second), measured here rather than
    // asserted in a test: median of 20 starts.
    let mut starts = Vec::new();
    for _ in 0..20 {
        let t = std::time::Instant::now();
        let emu = Emulator::builder().start().await.unwrap();
        starts.push(t.elapsed());
        emu.shutdown().await;
    }
    starts.sort();
    println!(
        "emulator start-up: median {:?}, max {:?}",
        starts[10], starts[19]
    );

    let emu = Emulator::builder().time_scale(1.0).start().await.unwrap();
    let project = emu.project_client();
    // Default targets (3 hosts), 20-90 simulated s per host: still running while measured.
    let (workflow, execution) = start_execution(&project, "running", json!({})).await;
    measure(&emu, &workflow, &execution, "running execution").await;
    // Done within 1.5 s.
    let (workflow, execution) = start_execution(
        &project,
        "finished",
        json!({"emulator": {"host_seconds": 0}}),
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    measure(&emu, &workflow, &execution, "finished execution").await;
    emu.shutdown().await;
}

fn main() {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(run());
}
