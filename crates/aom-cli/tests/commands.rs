//! Every command against the emulator, in table and JSON output.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Emu, text, transcript};
use serde_json::{Value, json};

fn run(emu: &Emu, args: &[&str]) -> String {
    let out = emu.aom().args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", transcript(&out));
    text(&out.stdout)
}

fn run_json(emu: &Emu, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["-o", "json"]);
    serde_json::from_str(&run(emu, &all)).unwrap()
}

#[test]
fn catalog_listings_in_table_and_json() {
    let emu = Emu::start();
    crate::snapshot!("job_list", run(&emu, &["job", "list"]));
    let jobs = run_json(&emu, &["job", "list"]);
    crate::snapshot!(
        "job_list_json",
        serde_json::to_string_pretty(&jobs).unwrap()
    );
    assert_eq!(
        run_json(&emu, &["job", "list", "--limit", "1"])
            .as_array()
            .unwrap()
            .len(),
        1
    );

    crate::snapshot!("script_list", run(&emu, &["script", "list"]));
    let scripts = run_json(&emu, &["script", "list"]);
    let script = scripts[0]["id"].as_str().unwrap();
    crate::snapshot!(
        "script_versions",
        run(&emu, &["script", "versions", script])
    );
    let versions = run_json(&emu, &["script", "versions", script]);
    assert!(
        versions
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["script_id"] == script)
    );

    let job = jobs
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["name"] == "deploy-web-app")
        .unwrap()["id"]
        .as_str()
        .unwrap();
    crate::snapshot!(
        "template_list",
        run(&emu, &["template", "list", "--job", job])
    );
    let templates = run_json(&emu, &["template", "list", "--job", job]);
    let template = templates[0]["id"].as_str().unwrap();
    crate::snapshot!("template_show", run(&emu, &["template", "show", template]));
    let shown = run_json(
        &emu,
        &["template", "show", template, "--share-type", "private"],
    );
    assert_eq!(shown["id"], template);
}

#[test]
fn workflows_create_list_run_history_and_trigger() {
    let emu = Emu::start();
    let hosts = emu.hosts(2);
    let out = emu
        .aom()
        .args(["workflow", "create", "--name", "nightly", "--type", "cron"])
        .args(["--hosts", &hosts.join(","), "--description", "every night"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    crate::snapshot!("workflow_create", text(&out.stdout));
    let list = run_json(&emu, &["workflow", "list"]);
    let wf = list[0]["id"].as_str().unwrap().to_string();
    assert_eq!(list[0]["name"], "nightly");
    crate::snapshot!("workflow_list", run(&emu, &["workflow", "list"]));

    let started = run(&emu, &["workflow", "run", &wf]);
    assert!(started.starts_with("Started execution "), "{started}");
    let ex = started.split_whitespace().nth(2).unwrap();
    run(&emu, &["execution", "status", &wf, ex, "--wait"]);
    crate::snapshot!(
        "workflow_executions",
        run(&emu, &["workflow", "executions", &wf])
    );
    let history = run_json(&emu, &["workflow", "executions", &wf]);
    assert_eq!(history.as_array().unwrap().len(), 1);

    crate::snapshot!(
        "trigger_disable",
        run(&emu, &["workflow", "trigger", "disable", &wf])
    );
    let enabled = run_json(&emu, &["workflow", "trigger", "enable", &wf]);
    assert_eq!(enabled["trigger"], "enable".to_string() + "d");
}

#[test]
fn workflow_create_from_a_body_file() {
    let emu = Emu::start();
    let dir = std::env::temp_dir().join(format!("aom-cli-body-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("body.json");
    let body = json!({
        "name": "from-file", "type": "manual", "task_type": "script",
        "template_name": "CMS::ECS::BulkyRunScript", "input": {}, "tags": {}, "quote": [],
    });
    std::fs::write(&file, body.to_string()).unwrap();
    let created = run_json(
        &emu,
        &["workflow", "create", "--body", file.to_str().unwrap()],
    );
    std::fs::write(&file, "{\"name\": 1}").unwrap();
    let bad = emu
        .aom()
        .args(["workflow", "create", "--body", file.to_str().unwrap()])
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(created["name"], "from-file");
    assert_eq!(bad.status.code(), Some(2), "{}", transcript(&bad));
    assert!(text(&bad.stderr).contains("--body"), "{}", transcript(&bad));
}

#[test]
fn node_actions_on_a_paused_execution_and_termination() {
    let emu = Emu::start();
    let hosts = emu.hosts(3);
    let wf = emu.create_workflow(
        "paused",
        &hosts,
        json!({"host_seconds": [1, 1], "fail_hosts": [hosts[0]], "on_failure": "pause"}),
    );
    // --wait ends at the pause, exit 1 because a node failed.
    let out = emu
        .aom()
        .args(["workflow", "run", &wf, "--wait"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", transcript(&out));
    let stdout = text(&out.stdout);
    assert!(
        stdout
            .contains("it stopped at failed node run-script: `aom execution restart` or `skip` it"),
        "{stdout}"
    );
    let history = run_json(&emu, &["workflow", "executions", &wf]);
    let ex = history[0]["execution_id"].as_str().unwrap().to_string();

    crate::snapshot!(
        "execution_restart",
        run(
            &emu,
            &["execution", "restart", &wf, &ex, "--node", "run-script"]
        )
    );
    // The restart succeeds (a host fails only its first attempt by default).
    let out = emu
        .aom()
        .args(["execution", "status", &wf, &ex, "--wait", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    let done: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(done["status"], "success");

    // Skip and terminate on a finished execution: the service refuses (exit 3).
    let out = emu
        .aom()
        .args(["execution", "skip", &wf, &ex, "--node", "run-script"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", transcript(&out));
    crate::snapshot!("execution_skip_refused", transcript(&out));
    let out = emu
        .aom()
        .args(["execution", "terminate", &wf, &ex])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", transcript(&out));
}

#[test]
fn terminate_and_continue_a_running_execution() {
    let emu = Emu::with(aom_emulator::Emulator::builder().seed(7).time_scale(1.0));
    let hosts = emu.hosts(2);
    let wf = emu.create_workflow(
        "gated",
        &hosts,
        json!({"host_seconds": [0, 0], "nodes": [{"id": "gate", "pause": true}, "run-script"]}),
    );
    let ex = emu.execute(&wf);
    // Wait until the gate pauses, then continue it.
    let out = emu
        .aom()
        .args(["execution", "status", &wf, &ex, "--wait"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    assert!(
        text(&out.stdout).contains("pause node gate waits for `aom execution continue`")
            && text(&out.stdout).contains("still to run"),
        "{}",
        transcript(&out)
    );
    let continued = run_json(&emu, &["execution", "continue", &wf, &ex, "--node", "gate"]);
    assert_eq!(continued["node_id"], "gate");

    let slow = emu.create_workflow("slow", &hosts, json!({"host_seconds": [1000, 1000]}));
    let ex = emu.execute(&slow);
    crate::snapshot!(
        "execution_terminate",
        run(&emu, &["execution", "terminate", &slow, &ex])
    );
}

#[test]
fn aom_emulator_serves_in_the_foreground() {
    use std::io::{BufRead as _, BufReader};
    use std::process::Stdio;

    let mut child = std::process::Command::new(common::AOM)
        .args([
            "emulator",
            "--listen",
            "127.0.0.1:0",
            "--seed",
            "3",
            "--project-id",
        ])
        .arg("abcdefabcdefabcdefabcdefabcdef12")
        .env_clear()
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut next = || lines.next().unwrap().unwrap();
    let first = next();
    let url = first
        .strip_prefix("aom-emulator listening on ")
        .unwrap()
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{first}");
    assert_eq!(next(), "project_id: abcdefabcdefabcdefabcdefabcdef12");
    let ak = next().strip_prefix("ak: ").unwrap().to_string();
    let sk = next().strip_prefix("sk: ").unwrap().to_string();
    let out = common::clean()
        .env("HUAWEICLOUD_SDK_AK", ak)
        .env("HUAWEICLOUD_SDK_SK", sk)
        .args([
            "--endpoint",
            &url,
            "--project-id",
            "abcdefabcdefabcdefabcdefabcdef12",
        ])
        .args(["job", "list", "-o", "json"])
        .output()
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    let jobs: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(jobs.as_array().unwrap().len(), 3);

    let bad = common::clean()
        .args(["emulator", "--time-scale", "fast"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2), "{}", transcript(&bad));
    assert!(
        text(&bad.stderr).contains("--time-scale"),
        "{}",
        transcript(&bad)
    );
}

#[test]
fn a_closed_stdout_ends_quietly() {
    // `aom completions bash | head -0`: the reader is gone before anything is written.
    for args in [&["completions", "bash"][..], &["demo", "-o", "json"][..]] {
        let mut child = std::process::Command::new(common::AOM)
            .env_clear()
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = text(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}
