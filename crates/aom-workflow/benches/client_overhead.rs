//! Client CPU per seed-operation call (SearchWorkflowExecutionDetail) and calls per second
//! against the emulator on loopback, side by side with a bare `reqwest` GET of the same bytes
//! from a plain server.
//!
//! `cargo bench -p aom-workflow --bench client_overhead`, or `tests/conformance/bench.sh` to
//! measure Huawei's official Python SDK against the same answer first and compare with that
//! figure (`AOM_BENCH_PYTHON_US`) instead of the 0.93 ms quoted in issue 5.
//!
//! The servers run on their own runtime thread; the client runs on the main thread, whose CPU
//! time is measured, so server work is not counted. The SDK call signs the request, checks the
//! ids, decodes the JSON into the generated model and builds the typed `Execution` (per-host
//! results included); the baseline only fetches the bytes, and a second baseline also decodes
//! them into the generated model.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot set up should stop

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use aom_emulator::Emulator;
use aom_workflow::Client;
use aom_workflow::model::SearchWorkflowExecutionDetailResponse;
use cpu_time::ThreadTime;
use serde_json::json;

const CALLS: u32 = 3000;

struct Setup {
    url: String,
    credentials: aom_workflow::auth::PermanentCredentials,
    workflow: String,
    execution: String,
    bare_url: String,
    body: bytes::Bytes,
}

fn servers() -> Setup {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let emu = Emulator::builder().seed(1).start().await.unwrap();
            let client = Client::builder()
                .endpoint(emu.url())
                .credentials(emu.credentials())
                .build()
                .await
                .unwrap();
            // The test suite's workflow helper: a script over 3 hosts that finishes at once.
            let targets = common::hosts(&emu, 3);
            let workflow = common::create(
                &client,
                common::workflow("bench", &targets, json!({"host_seconds": 0})),
            )
            .await;
            let execution = client
                .workflows()
                .execute_and_wait(&workflow)
                .await
                .unwrap();
            let execution = execution.execution_id.unwrap();

            // The exact bytes the emulator answers, served by a plain axum server.
            let mut request = reqwest::Request::new(
                reqwest::Method::GET,
                format!(
                    "{}/v1/{}/cms/workflow/{workflow}/executions/{execution}/status",
                    emu.url(),
                    emu.project_id()
                )
                .parse()
                .unwrap(),
            );
            request
                .headers_mut()
                .insert("content-type", "application/json".parse().unwrap());
            aom_auth::sign_reqwest(&mut request, &emu.credentials().into()).unwrap();
            let body = reqwest::Client::new()
                .execute(request)
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            let served = body.clone();
            let app = axum::Router::new().route(
                "/bytes",
                axum::routing::get(move || {
                    let body = body.clone();
                    async move { ([("content-type", "application/json")], body) }
                }),
            );
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let bare_url = format!("http://{}/bytes", listener.local_addr().unwrap());
            tx.send(Setup {
                url: emu.url(),
                credentials: emu.credentials(),
                workflow,
                execution,
                bare_url,
                body: served,
            })
            .unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    rx.recv().unwrap()
}

struct Figures {
    cpu_per_call: Duration,
    calls_per_sec: f64,
}

async fn measure<F, Fut>(mut call: F) -> Figures
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for _ in 0..300 {
        call().await;
    }
    let cpu = ThreadTime::now();
    let wall = Instant::now();
    for _ in 0..CALLS {
        call().await;
    }
    let cpu = cpu.elapsed();
    let wall = wall.elapsed();
    Figures {
        cpu_per_call: cpu / CALLS,
        calls_per_sec: f64::from(CALLS) / wall.as_secs_f64(),
    }
}

/// The official Python SDK's client CPU per call, in µs: measured by `tests/conformance/bench.sh`,
/// else the figure quoted in issue 5.
fn python_sdk_us() -> (f64, &'static str) {
    match std::env::var("AOM_BENCH_PYTHON_US")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
    {
        Some(us) if us > 0.0 => (us, "measured by tests/conformance/bench.sh"),
        _ => (
            930.0,
            "quoted in issue 5; run tests/conformance/bench.sh to measure it",
        ),
    }
}

fn main() {
    let (python_us, python_source) = python_sdk_us();
    let setup = servers();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let client = Client::builder()
            .endpoint(&setup.url)
            .credentials(setup.credentials.clone())
            .build()
            .await
            .unwrap();
        let bare = reqwest::Client::new();
        let credentials: aom_auth::Credentials = setup.credentials.clone().into();
        let emu_url: reqwest::Url = format!(
            "{}/v1/{}/cms/workflow/{}/executions/{}/status",
            setup.url,
            client.project_id(),
            setup.workflow,
            setup.execution
        )
        .parse()
        .unwrap();
        let sdk_call = || async {
            let e = client
                .executions()
                .get(&setup.workflow, &setup.execution)
                .await
                .unwrap();
            std::hint::black_box(e);
        };
        // `AOM_BENCH_PROFILE=1` runs only the SDK call, long enough for `perf record`.
        if std::env::var_os("AOM_BENCH_PROFILE").is_some() {
            for _ in 0..20 {
                measure(sdk_call).await;
            }
            return;
        }
        let mut rounds = Vec::new();
        for _ in 0..3 {
            let sdk = measure(sdk_call).await;
            let raw = measure(|| async {
                let b = bare.get(&setup.bare_url).send().await.unwrap().bytes().await.unwrap();
                std::hint::black_box(b);
            })
            .await;
            let decoded = measure(|| async {
                let b = bare.get(&setup.bare_url).send().await.unwrap().bytes().await.unwrap();
                let d: SearchWorkflowExecutionDetailResponse = serde_json::from_slice(&b).unwrap();
                std::hint::black_box(d);
            })
            .await;
            let signed = measure(|| async {
                let mut request = reqwest::Request::new(reqwest::Method::GET, emu_url.clone());
                request
                    .headers_mut()
                    .insert("content-type", reqwest::header::HeaderValue::from_static("application/json"));
                aom_auth::sign_reqwest(&mut request, &credentials).unwrap();
                let b = bare.execute(request).await.unwrap().bytes().await.unwrap();
                let d: SearchWorkflowExecutionDetailResponse = serde_json::from_slice(&b).unwrap();
                std::hint::black_box(d);
            })
            .await;
            let api = measure(|| async {
                let d = client
                    .api()
                    .search_workflow_execution_detail()
                    .workflow_id(setup.workflow.as_str())
                    .execution_id(setup.execution.as_str())
                    .send()
                    .await
                    .unwrap();
                std::hint::black_box(d);
            })
            .await;
            rounds.push([sdk, raw, decoded, signed, api]);
        }
        // Where the CPU goes, without any I/O.
        let parts = 20_000u32;
        let cpu = ThreadTime::now();
        for _ in 0..parts {
            let d: SearchWorkflowExecutionDetailResponse =
                serde_json::from_slice(std::hint::black_box(&setup.body)).unwrap();
            std::hint::black_box(d);
        }
        let decode = cpu.elapsed() / parts;
        let decoded: SearchWorkflowExecutionDetailResponse =
            serde_json::from_slice(&setup.body).unwrap();
        let cpu = ThreadTime::now();
        for _ in 0..parts {
            let e = aom_workflow::Execution::from_api(std::hint::black_box(decoded.clone()));
            std::hint::black_box(e);
        }
        let typed = cpu.elapsed() / parts;
        let cpu = ThreadTime::now();
        for _ in 0..parts {
            std::hint::black_box(std::hint::black_box(&decoded).clone());
        }
        let clone = cpu.elapsed() / parts;
        let cpu = ThreadTime::now();
        for _ in 0..parts {
            let mut request = reqwest::Request::new(reqwest::Method::GET, emu_url.clone());
            aom_auth::sign_reqwest(&mut request, &credentials).unwrap();
            std::hint::black_box(request);
        }
        let sign = cpu.elapsed() / parts;
        println!(
            "without I/O: decode {:.1} µs, typed Execution {:.1} µs (of which cloning the input {:.1} µs), build + sign a request {:.1} µs",
            decode.as_secs_f64() * 1e6,
            typed.as_secs_f64() * 1e6,
            clone.as_secs_f64() * 1e6,
            sign.as_secs_f64() * 1e6,
        );
        println!(
            "seed operation, {} bytes per answer, {CALLS} calls per measurement, client on one thread",
            setup.body.len()
        );
        let names = [
            "aom-workflow executions().get()",
            "bare reqwest GET, bytes only (axum stub)",
            "bare reqwest GET + decode (axum stub)",
            "signed reqwest GET + decode (emulator)",
            "aom-api generated call (emulator)",
        ];
        println!("{:<50} {:>16} {:>10}", "", "client CPU/call", "calls/s");
        for (i, round) in rounds.iter().enumerate() {
            for (name, f) in names.iter().zip(round) {
                println!(
                    "round {i} {name:<42} {:>13.1} µs {:>10.0}",
                    f.cpu_per_call.as_secs_f64() * 1e6,
                    f.calls_per_sec
                );
            }
            let [sdk, raw, decoded, signed, _] = round;
            let sdk_s = sdk.cpu_per_call.as_secs_f64();
            println!(
                "round {i} ratio: SDK CPU = {:.2}× bare bytes, {:.2}× bare+decode, {:.2}× signed+decode; {:.1}× less CPU than the official Python SDK's {python_us:.0} µs ({python_source})",
                sdk_s / raw.cpu_per_call.as_secs_f64(),
                sdk_s / decoded.cpu_per_call.as_secs_f64(),
                sdk_s / signed.cpu_per_call.as_secs_f64(),
                python_us * 1e-6 / sdk_s,
            );
        }
    });
}
