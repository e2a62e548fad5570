//! Shared by the `aom` tests: an emulator on 127.0.0.1 in this process, the `aom` binary with a
//! clean environment pointed at it, and insta filters for what changes from run to run.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::process::Output;

use aom_emulator::{EmulatorBuilder, EmulatorHandle};
use assert_cmd::Command;

/// The `aom` binary under test.
pub const AOM: &str = env!("CARGO_BIN_EXE_aom");

/// An emulator served by its own runtime, so that tests can block on the `aom` process.
pub struct Emu {
    runtime: tokio::runtime::Runtime,
    handle: Option<EmulatorHandle>,
}

impl Emu {
    /// Fast simulated time (a 60-second host run takes 20 ms), fixed seed.
    pub fn start() -> Self {
        Self::with(aom_emulator::Emulator::builder().seed(7).time_scale(3000.0))
    }

    pub fn with(builder: EmulatorBuilder) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let handle = runtime.block_on(builder.start()).unwrap();
        Self {
            runtime,
            handle: Some(handle),
        }
    }

    pub fn handle(&self) -> &EmulatorHandle {
        self.handle.as_ref().unwrap()
    }

    pub fn url(&self) -> String {
        self.handle().url()
    }

    /// `aom --endpoint URL`, with the emulator's credentials in the official SDK's variables.
    pub fn aom(&self) -> Command {
        let h = self.handle();
        let mut cmd = clean();
        cmd.env("HUAWEICLOUD_SDK_AK", h.ak())
            .env("HUAWEICLOUD_SDK_SK", h.sk())
            .env("HUAWEICLOUD_SDK_PROJECT_ID", h.project_id())
            .args(["--endpoint", &h.url()]);
        cmd
    }

    /// The first `n` host ids that can run tasks.
    pub fn hosts(&self, n: usize) -> Vec<String> {
        self.handle()
            .hosts()
            .iter()
            .filter(|h| h.agent_state.as_deref() == Some("ONLINE"))
            .filter_map(|h| h.id.clone())
            .take(n)
            .collect()
    }

    /// Creates a script workflow over `hosts` with the emulator knobs `emulator` (through
    /// `aom workflow create`) and returns its id.
    pub fn create_workflow(
        &self,
        name: &str,
        hosts: &[String],
        emulator: serde_json::Value,
    ) -> String {
        let input = serde_json::json!({ "emulator": emulator }).to_string();
        let out = self
            .aom()
            .args([
                "workflow",
                "create",
                "--name",
                name,
                "--hosts",
                &hosts.join(","),
            ])
            .args(["--input", &input, "-o", "json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let created: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        created["id"].as_str().unwrap().to_string()
    }

    /// Starts an execution of `workflow_id` and returns its id.
    pub fn execute(&self, workflow_id: &str) -> String {
        let out = self
            .aom()
            .args(["workflow", "run", workflow_id, "-o", "json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let started: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        started["execution_id"].as_str().unwrap().to_string()
    }
}

impl Drop for Emu {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            self.runtime.block_on(handle.shutdown());
        }
    }
}

/// `aom` with none of the caller's configuration: no credentials, no home directory (so no
/// credentials file), no color settings.
pub fn clean() -> Command {
    let mut cmd = Command::new(AOM);
    cmd.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    cmd
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Exit code, stdout and stderr in one text, for a snapshot.
pub fn transcript(out: &Output) -> String {
    format!(
        "exit code: {}\n--- stdout\n{}--- stderr\n{}",
        out.status.code().map_or("none".into(), |c| c.to_string()),
        text(&out.stdout),
        text(&out.stderr)
    )
}

/// What differs between runs: ids, ports, times, durations, request ids.
pub fn filters() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            "[uuid]",
        ),
        (r"127\.0\.0\.1:\d+", "127.0.0.1:[port]"),
        (r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?Z?", "[time]"),
        (r"request id: [0-9a-zA-Z-]+", "request id: [request id]"),
        (
            r#""request_id": "[^"]*""#,
            r#""request_id": "[request id]""#,
        ),
        (
            r"\b\d+(\.\d+)?(ms|s)\b|\b\d+m\d\ds\b|\b\d+h\d\dm\b",
            "[dur]",
        ),
        (r#""(start_time|execute_time)": "\d+""#, r#""$1": "[ms]""#),
        (
            r#""(create_time|update_time|edit_time)": \d+"#,
            r#""$1": [ms]"#,
        ),
        (
            r#""last_record_id_with_snapshot": "[^"]*""#,
            r#""last_record_id_with_snapshot": "[id]""#,
        ),
    ]
}

/// Asserts a snapshot of `value` with [`filters`].
#[macro_export]
macro_rules! snapshot {
    ($name:expr, $value:expr) => {{
        let mut settings = insta::Settings::clone_current();
        for (from, to) in $crate::common::filters() {
            settings.add_filter(from, to);
        }
        settings.bind(|| insta::assert_snapshot!($name, $value));
    }};
}
