//! End to end: `aom workflow run --wait` and `aom demo` against emulators on 127.0.0.1, off a
//! terminal (one plain progress line per change on stderr), and the JSON output read back into
//! the `aom-workflow` types.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Emu, clean, text, transcript};
use serde_json::{Value, json};

/// A progress line: `[status] nodes D/N done, F failed, R running | NODE: D/N hosts done, F failed, R running`.
fn is_progress_line(line: &str) -> bool {
    let Some(rest) = line.strip_prefix('[') else {
        return false;
    };
    let Some((status, rest)) = rest.split_once("] nodes ") else {
        return false;
    };
    let Some((nodes, hosts)) = rest.split_once(" | ") else {
        return false;
    };
    !status.is_empty()
        && nodes.ends_with(" running")
        && hosts.contains(" hosts done, ")
        && hosts.ends_with(" running")
}

fn progress_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.starts_with('[')).collect()
}

#[test]
fn run_wait_prints_plain_progress_then_the_host_table_and_summary() {
    let emu = Emu::start();
    let hosts = emu.hosts(4);
    let wf = emu.create_workflow(
        "rotate-logs",
        &hosts,
        json!({"host_seconds": [1, 1], "fail_hosts": [hosts[2]], "nodes": ["precheck", "run-script"], "fail_nodes": ["run-script"]}),
    );
    let out = emu
        .aom()
        .args(["workflow", "run", &wf, "--wait"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", transcript(&out));
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with("Started execution "), "{stderr}");
    let lines = progress_lines(&stderr);
    assert!(!lines.is_empty(), "no progress lines:\n{stderr}");
    for line in &lines {
        assert!(is_progress_line(line), "not a progress line: {line}");
    }
    assert!(
        lines
            .last()
            .unwrap()
            .starts_with("[fail] nodes 1/2 done, 1 failed, 0 running"),
        "{stderr}"
    );
    // No terminal: no cursor movement or colors.
    assert!(!stderr.contains('\u{1b}'), "{stderr}");
    let stdout = text(&out.stdout);
    assert!(
        stdout
            .lines()
            .last()
            .unwrap()
            .contains("3 of 4 hosts succeeded, 1 failed"),
        "{stdout}"
    );
    crate::snapshot!("run_wait_table", stdout);
}

#[test]
fn run_wait_json_round_trips_into_the_workflow_types() {
    let emu = Emu::start();
    let hosts = emu.hosts(3);
    let wf = emu.create_workflow(
        "json",
        &hosts,
        json!({"host_seconds": [1, 1], "fail_hosts": [hosts[0]]}),
    );
    let out = emu
        .aom()
        .args(["workflow", "run", &wf, "--wait", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", transcript(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["status"], "fail");
    assert_eq!(json["workflow_id"], wf.as_str());
    crate::snapshot!(
        "run_wait_json",
        serde_json::to_string_pretty(&json).unwrap()
    );

    // The same document, read back as the SDK's type, serializes to the same JSON.
    let execution: aom_workflow::Execution = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(execution.status, aom_workflow::ExecutionStatus::Fail);
    assert_eq!(execution.failed_hosts().count(), 1);
    assert_eq!(serde_json::to_value(&execution).unwrap(), json);

    // `execution status -o json` gives the same document for the finished execution.
    let ex = json["execution_id"].as_str().unwrap();
    let out = emu
        .aom()
        .args(["execution", "status", &wf, ex, "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", transcript(&out));
    let again: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(again, json);
}

#[test]
fn watch_prints_one_document_per_change() {
    let emu = Emu::start();
    let wf = emu.create_workflow("watched", &emu.hosts(2), json!({"host_seconds": [1, 1]}));
    let ex = emu.execute(&wf);
    let out = emu
        .aom()
        .args(["execution", "status", &wf, &ex, "--watch", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    let docs: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!docs.is_empty());
    assert_eq!(docs.last().unwrap()["status"], "success");
    let out = emu
        .aom()
        .args(["execution", "status", &wf, &ex, "--watch"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    let stdout = text(&out.stdout);
    assert!(
        stdout.lines().next().is_some_and(is_progress_line),
        "{stdout}"
    );
    assert!(stdout.contains("2 of 2 hosts succeeded"), "{stdout}");
}

#[test]
fn demo_runs_on_its_own_emulator_and_exits_0() {
    // No credentials, no endpoint: the demo needs neither.
    let out = clean().arg("demo").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("AOM emulator is running in this process at http://127.0.0.1:"),
        "{stderr}"
    );
    let lines = progress_lines(&stderr);
    assert!(lines.len() >= 2, "{stderr}");
    assert!(lines.iter().all(|l| is_progress_line(l)), "{stderr}");
    assert!(
        lines
            .last()
            .unwrap()
            .starts_with("[fail] nodes 1/2 done, 1 failed, 0 running"),
        "{stderr}"
    );
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("21 of 24 hosts succeeded, 3 failed"),
        "{stdout}"
    );
    crate::snapshot!("demo", stdout);
}

#[test]
fn demo_json_is_the_execution() {
    let out = clean().args(["demo", "-o", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    let execution: aom_workflow::Execution = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(execution.counts().total(), 48);
    assert_eq!(execution.failed_hosts().count(), 3);
}
