//! The `aom-emulator` binary: what it prints, the ready file, flags, graceful exit on SIGTERM.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_aom-emulator");

#[test]
fn it_prints_its_coordinates_writes_the_ready_file_and_exits_cleanly_on_sigterm() {
    let dir = std::env::temp_dir().join(format!("aom-emulator-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ready = dir.join("ready.json");
    let fixtures = dir.join("fixtures.json");
    std::fs::write(
        &fixtures,
        r#"{"hosts":[{"id":"h-1","name":"only-host","ip":"10.0.0.1"}]}"#,
    )
    .unwrap();
    let started = Instant::now();
    let mut child = Command::new(BIN)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--seed",
            "5",
            "--time-scale",
            "600",
        ])
        .args(["--project-id", "abcdefabcdefabcdefabcdefabcdef12"])
        .args(["--credential", "CLIAK000000000000001:cli-secret"])
        .args([
            "--token",
            "cli-token",
            "--fault",
            "kind=latency:1,route=list_workflow",
        ])
        .arg("--fixtures")
        .arg(&fixtures)
        .arg("--ready-file")
        .arg(&ready)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut next = || lines.next().unwrap().unwrap();
    let first = next();
    let url = first
        .strip_prefix("aom-emulator listening on ")
        .unwrap()
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{first}");
    assert_eq!(next(), "project_id: abcdefabcdefabcdefabcdefabcdef12");
    assert_eq!(next(), "ak: CLIAK000000000000001");
    assert_eq!(next(), "sk: cli-secret");
    assert_eq!(next(), format!("admin: {url}/__emulator"));

    // The ready file appears whole.
    let deadline = Instant::now() + Duration::from_secs(5);
    while !ready.exists() {
        assert!(Instant::now() < deadline, "no ready file");
        std::thread::sleep(Duration::from_millis(10));
    }
    let info: Value = serde_json::from_str(&std::fs::read_to_string(&ready).unwrap()).unwrap();
    assert_eq!(info["url"], url.as_str());
    assert_eq!(info["admin_url"], format!("{url}/__emulator"));
    assert_eq!(info["ak"], "CLIAK000000000000001");
    assert_eq!(info["sk"], "cli-secret");
    assert_eq!(info["project_id"], "abcdefabcdefabcdefabcdefabcdef12");
    assert!(started.elapsed() < Duration::from_secs(5));

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let hosts: Value = reqwest::get(format!("{url}/__emulator/hosts"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            hosts[0]["name"], "only-host",
            "the fixtures file replaced the hosts"
        );
        let state: Value = reqwest::get(format!("{url}/__emulator/state"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(state["active_fault_rules"], 1);
        let answer = reqwest::Client::new()
            .post(format!(
                "{url}/v1/abcdefabcdefabcdefabcdefabcdef12/cms/job/list"
            ))
            .header("x-auth-token", "cli-token")
            .body(r#"{"order_by_column":"name","sort_order":"ASC"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
    });

    let status = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(Instant::now() < deadline, "did not exit on SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success(), "{exit:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn help_documents_the_flags_faults_and_admin_json() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "--listen",
        "--seed",
        "--time-scale",
        "--project-id",
        "--credential",
        "--security-token",
        "--token",
        "--fixtures",
        "--fault",
        "--lockout-threshold",
        "--max-executions",
        "--ready-file",
        "FAULT SPEC",
        "kind=status:503,route=execute_workflow",
        "/__emulator/state",
        "executions_per_workflow",
        "input.emulator",
    ] {
        assert!(help.contains(needle), "--help lacks {needle}");
    }
}

#[test]
fn bad_flags_fail_fast_and_fixtures_can_be_dumped() {
    for args in [
        &["--fault", "kind=explode"][..],
        &["--project-id", "short"],
        &["--credential", "no-colon"],
        &["--security-token", "UNKNOWN:token"],
        &["--time-scale", "0"],
    ] {
        let out = Command::new(BIN)
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
    let out = Command::new(BIN).arg("--dump-fixtures").output().unwrap();
    assert!(out.status.success());
    let fixtures: Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in ["jobs", "scripts", "versions", "templates", "hosts"] {
        assert!(
            fixtures[key].as_array().is_some_and(|a| !a.is_empty()),
            "{key}"
        );
    }
}
