//! The exit-code contract: usage errors (2) name the argument and the rule and send nothing;
//! API and authentication errors (3) print code, message and request id; timeouts exit 4; an
//! execution that ended failed exits 1.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Emu, clean, text, transcript};
use serde_json::json;

const PROJECT: &str = "0123456789abcdef0123456789abcdef";

/// Usage errors need no server: nothing is sent. (The endpoint is a closed port; were anything
/// sent, the error would be a transport error with exit code 3.)
#[test]
fn usage_errors_name_the_argument_and_the_rule() {
    let cases: &[(&str, &[&str])] = &[
        (
            "project_id_not_32",
            &["--project-id", "0123456789abcdef", "job", "list"],
        ),
        (
            "project_id_bad_characters",
            &[
                "--project-id",
                "0123456789abcdef0123456789abcde!",
                "job",
                "list",
            ],
        ),
        (
            "workflow_id_too_long",
            &["workflow", "run", &"w".repeat(65)],
        ),
        ("execution_id_empty", &["execution", "status", "wf-1", ""]),
        ("node_missing", &["execution", "restart", "wf-1", "ex-1"]),
        (
            "timeout_not_a_duration",
            &["--timeout", "soon", "workflow", "run", "wf-1"],
        ),
        (
            "region_is_a_zone",
            &["--region", "cn-north-4a", "job", "list"],
        ),
        (
            "bad_workflow_name",
            &["workflow", "create", "--name", "no spaces"],
        ),
        (
            "input_not_an_object",
            &["workflow", "create", "--name", "n", "--input", "[1]"],
        ),
        (
            "empty_host_id",
            &["workflow", "create", "--name", "n", "--hosts", "a,,b"],
        ),
        (
            "body_with_other_flags",
            &["workflow", "create", "--body", "wf.json", "--type", "cron"],
        ),
        ("limit_zero", &["workflow", "list", "--limit", "0"]),
        ("unknown_output", &["-o", "yaml", "job", "list"]),
        (
            "wait_and_watch",
            &["execution", "status", "wf", "ex", "--wait", "--watch"],
        ),
    ];
    for (name, args) in cases {
        let out = clean()
            .env("HUAWEICLOUD_SDK_AK", "AK")
            .env("HUAWEICLOUD_SDK_SK", "SK")
            .args(["--endpoint", "http://127.0.0.1:9"])
            .args(*args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}: {}", transcript(&out));
        assert!(out.stdout.is_empty(), "{name}");
        insta::assert_snapshot!(format!("usage_{name}"), text(&out.stderr));
    }
}

#[test]
fn no_region_or_endpoint_is_a_usage_error() {
    let out = clean().args(["job", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!("usage_no_region", text(&out.stderr));
}

#[test]
fn an_unknown_execution_is_an_api_error_with_code_message_and_request_id() {
    let emu = Emu::start();
    let out = emu
        .aom()
        .args([
            "execution",
            "status",
            "no-such-workflow",
            "no-such-execution",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", transcript(&out));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("request id: ") && !stderr.contains("request id: -"),
        "{stderr}"
    );
    crate::snapshot!("api_error_not_found", transcript(&out));
}

#[test]
fn a_wrong_secret_key_is_an_authentication_error() {
    let emu = Emu::start();
    let out = emu
        .aom()
        .env("HUAWEICLOUD_SDK_SK", "not-the-secret")
        .args(["job", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", transcript(&out));
    assert!(!text(&out.stderr).contains("not-the-secret"));
    crate::snapshot!("api_error_signature", transcript(&out));
}

#[test]
fn an_unreadable_credentials_file_is_an_authentication_error() {
    let emu = Emu::start();
    let out = clean()
        .env(
            "HUAWEICLOUD_SDK_CREDENTIALS_FILE",
            "/nonexistent/aom-cli-test/credentials",
        )
        .args([
            "--endpoint",
            &emu.url(),
            "--project-id",
            PROJECT,
            "--profile",
            "basic",
        ])
        .args(["job", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", transcript(&out));
    crate::snapshot!("auth_error_profile", transcript(&out));
}

#[test]
fn a_profile_section_supplies_the_credentials() {
    let emu = Emu::start();
    let dir = std::env::temp_dir().join(format!("aom-cli-profile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("credentials");
    let h = emu.handle();
    std::fs::write(
        &file,
        format!(
            "[basic]\nak = {}\nsk = {}\nproject_id = {}\n",
            h.ak(),
            h.sk(),
            h.project_id()
        ),
    )
    .unwrap();
    let out = clean()
        .env("HUAWEICLOUD_SDK_CREDENTIALS_FILE", &file)
        .args([
            "--endpoint",
            &emu.url(),
            "--profile",
            "basic",
            "job",
            "list",
        ])
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
}

#[test]
fn a_wait_that_outlasts_the_timeout_exits_4() {
    // Simulated time runs at real speed here: a host takes 1000 s.
    let emu = Emu::with(aom_emulator::Emulator::builder().seed(7).time_scale(1.0));
    let wf = emu.create_workflow("slow", &emu.hosts(2), json!({"host_seconds": [1000, 1000]}));
    let out = emu
        .aom()
        .args(["--timeout", "1s", "workflow", "run", &wf, "--wait"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", transcript(&out));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("error: timed out after"), "{stderr}");
    let message = stderr.lines().last().unwrap();
    assert!(
        message.contains("last seen: [executing] nodes 0/1 done"),
        "{stderr}"
    );
    let mut settings = insta::Settings::clone_current();
    for (from, to) in common::filters() {
        settings.add_filter(from, to);
    }
    settings.add_filter(r"\d+/\d+ hosts done, \d+ failed, \d+ running", "[hosts]");
    settings.bind(|| insta::assert_snapshot!("timeout_wait", message));
}

#[test]
fn an_operation_that_outlasts_the_timeout_exits_4() {
    let emu = Emu::start();
    emu.handle()
        .add_fault_spec("kind=latency:5000,route=list_all_job_by_name")
        .unwrap();
    let out = emu
        .aom()
        .args(["--timeout", "500ms", "job", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", transcript(&out));
    crate::snapshot!("timeout_operation", text(&out.stderr));
}

#[test]
fn a_failed_execution_exits_1_and_a_successful_one_0() {
    let emu = Emu::start();
    let hosts = emu.hosts(3);
    let failing = emu.create_workflow(
        "failing",
        &hosts,
        json!({"host_seconds": [1, 1], "fail_hosts": [hosts[1]]}),
    );
    let out = emu
        .aom()
        .args(["workflow", "run", &failing, "--wait"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", transcript(&out));

    let fine = emu.create_workflow("fine", &hosts, json!({"host_seconds": [1, 1]}));
    let out = emu
        .aom()
        .args(["workflow", "run", &fine, "--wait"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
}

#[test]
fn debug_logs_requests_but_never_the_secret_key() {
    let emu = Emu::start();
    let out = emu.aom().args(["--debug", "job", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("list_all_job_by_name"), "{stderr}");
    assert!(stderr.contains("request_id"), "{stderr}");
    assert!(
        !stderr.contains(&emu.handle().sk()),
        "the SK was logged:\n{stderr}"
    );
    assert!(
        !stderr.contains('\u{1b}'),
        "colors off a terminal:\n{stderr}"
    );
}
