//! The precomputed timeline of one attempt of one node: for every target host, when it starts,
//! how long it runs, and how it ends (exit code, error message, log lines).
//!
//! An attempt is a pure function of (seed, workflow id, execution number, node index, attempt
//! number, host index) and the simulation options, so the same run under the same seed gives
//! the same results however often (or rarely) a client polls.

use aom_api::types::HostResult;

use super::hosts::unreachable_reason;
use super::{NodeSpec, SimOptions, Target};
use crate::rng::{Rng, hash_str};

/// Simulated milliseconds.
pub type SimMs = u64;

/// Default simulated run time of a node on one host: 20 to 90 seconds.
pub const DEFAULT_HOST_MS: (SimMs, SimMs) = (20_000, 90_000);

/// How long a host that cannot run the task takes to be reported failed.
const UNREACHABLE_MS: (SimMs, SimMs) = (200, 800);

/// Maximum start jitter of a host within its batch.
const START_JITTER_MS: SimMs = 1_500;

/// What identifies an attempt, for seeding.
#[derive(Debug, Clone, Copy)]
pub struct AttemptKey<'a> {
    /// The emulator seed.
    pub seed: u64,
    /// The workflow id.
    pub workflow_id: &'a str,
    /// 1-based number of the execution within its workflow.
    pub execution_number: u64,
    /// Index of the node in the workflow.
    pub node_index: usize,
    /// 0-based attempt of the node (a restart adds one).
    pub attempt: u32,
}

/// The outcome of a node attempt on one host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostRun {
    /// Index into the execution's targets.
    pub target: usize,
    /// Start, relative to the attempt start.
    pub offset: SimMs,
    /// Run time.
    pub duration: SimMs,
    /// Whether the host succeeded.
    pub success: bool,
    /// `code`: "0" when the agent ran the task, "1" when it could not.
    pub code: &'static str,
    /// `exit_code` as text ("-1" when the task never ran).
    pub exit_code: String,
    /// `error_msg` (empty for a script that merely exited non-zero, as in the documentation).
    pub error_msg: String,
    /// The full log; a running host shows a prefix of it.
    pub log: Vec<String>,
}

/// One attempt of one node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// Start, relative to the execution start.
    pub start: SimMs,
    /// Per-host runs.
    pub hosts: Vec<HostRun>,
    /// When the last host finishes, relative to the execution start.
    pub end: SimMs,
    /// When the execution was terminated during this attempt, if it was.
    pub cut_at: Option<SimMs>,
    /// The FunctionGraph execution id reported for this node attempt.
    pub function_execution_id: String,
}

impl Attempt {
    /// Whether any host failed.
    pub fn any_failed(&self) -> bool {
        self.hosts.iter().any(|h| !h.success)
    }
}

const FAILURE_LINES: [&str; 5] = [
    "line 1: cd: /opt/app/releases/current: Not a directory",
    "error: disk usage on / is above the 90% threshold",
    "systemctl: command not found",
    "cp: cannot create regular file '/etc/app/app.conf': Permission denied",
    "curl: (7) Failed to connect to 127.0.0.1 port 8080: Connection refused",
];

/// Plans one attempt starting at `start`.
pub fn plan_attempt(
    key: AttemptKey<'_>,
    node: &NodeSpec,
    targets: &[Target],
    sim: &SimOptions,
    start: SimMs,
) -> Attempt {
    let base = [
        key.seed,
        hash_str(key.workflow_id),
        key.execution_number,
        key.node_index as u64,
        u64::from(key.attempt),
    ];
    let mut hosts = Vec::with_capacity(targets.len());
    let batch_size = if sim.batch_max == 0 {
        targets.len().max(1)
    } else {
        sim.batch_max
    };
    let mut batch_start: SimMs = 0;
    for (batch_index, batch) in targets.chunks(batch_size).enumerate() {
        let mut batch_end = batch_start;
        for (i, target) in batch.iter().enumerate() {
            let index = batch_index * batch_size + i;
            let mut parts = base.to_vec();
            parts.push(index as u64);
            let mut rng = Rng::from_parts(&parts);
            let run = plan_host(&mut rng, key, node, target, index, sim, batch_start);
            batch_end = batch_end.max(run.offset + run.duration);
            hosts.push(run);
        }
        batch_start = batch_end + sim.batch_delay_ms;
    }
    let end = start
        + hosts
            .iter()
            .map(|h| h.offset + h.duration)
            .max()
            .unwrap_or(1_000);
    let function_execution_id =
        Rng::from_parts(&[base[0], base[1], base[2], base[3], base[4], 0xF6]).uuid();
    Attempt {
        start,
        hosts,
        end,
        cut_at: None,
        function_execution_id,
    }
}

fn plan_host(
    rng: &mut Rng,
    key: AttemptKey<'_>,
    node: &NodeSpec,
    target: &Target,
    index: usize,
    sim: &SimOptions,
    batch_start: SimMs,
) -> HostRun {
    let offset = batch_start + rng.range(0, START_JITTER_MS);
    let roll = rng.unit();
    let (host, blocked) = match target {
        Target::Missing(id) => (
            None,
            Some(format!(
                "the ECS instance {id} does not exist in this project"
            )),
        ),
        Target::Host(host) => (Some(host), unreachable_reason(host)),
    };
    if let Some(reason) = blocked {
        return HostRun {
            target: index,
            offset,
            duration: rng.range(UNREACHABLE_MS.0, UNREACHABLE_MS.1),
            success: false,
            code: "1",
            exit_code: "-1".into(),
            log: vec![format!(
                "[uniagent] cannot dispatch {}: {reason}",
                node.task_name
            )],
            error_msg: reason,
        };
    }
    let (low, high) = sim.host_ms.unwrap_or(DEFAULT_HOST_MS);
    let duration = rng.range(low, high);
    let id = target.id();
    let forced = sim.fail_hosts.contains(id)
        && key.attempt < sim.fail_attempts
        && sim
            .fail_nodes
            .as_ref()
            .is_none_or(|nodes| nodes.contains(&node.id));
    let success = !(forced || roll < sim.failure_rate);
    let exit_code = if success {
        "0".to_owned()
    } else {
        rng.pick(&[1u8, 1, 1, 2, 127])
            .copied()
            .unwrap_or(1)
            .to_string()
    };
    let (name, ip) = host.map_or(("", ""), |h| {
        (
            h.name.as_deref().unwrap_or_default(),
            h.ip.as_deref().unwrap_or_default(),
        )
    });
    let mut log = vec![
        format!("[uniagent] {} dispatched to {name} ({ip})", node.task_name),
        format!(
            "/usr/local/uniagentd/tmp/tmp_{}_{}: started as root",
            key.execution_number,
            rng.uuid()
        ),
        "step 1/3: preparing the environment".to_owned(),
        "step 2/3: running the task".to_owned(),
    ];
    if success {
        log.push("step 3/3: collecting the results".to_owned());
    } else if let Some(line) = rng.pick(&FAILURE_LINES) {
        log.push((*line).to_owned());
    }
    log.push(format!("exit code: {exit_code}"));
    HostRun {
        target: index,
        offset,
        duration,
        success,
        code: "0",
        exit_code,
        error_msg: String::new(),
        log,
    }
}

/// Where a host stands at a given instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostPhase {
    /// Not started.
    NotPerformed,
    /// Running for this long so far.
    Running(SimMs),
    /// Finished (success or failure).
    Done,
    /// Stopped by a terminate after running this long.
    Terminated(SimMs),
}

/// The phase of `run` (of `attempt`) at execution-relative time `t`.
pub fn host_phase(attempt: &Attempt, run: &HostRun, t: SimMs) -> HostPhase {
    let start = attempt.start + run.offset;
    let end = start + run.duration;
    match attempt.cut_at {
        Some(cut) if cut < end && t >= cut => {
            if cut <= start {
                HostPhase::NotPerformed
            } else {
                HostPhase::Terminated(cut - start)
            }
        }
        _ if t < start => HostPhase::NotPerformed,
        _ if t < end => HostPhase::Running(t - start),
        _ => HostPhase::Done,
    }
}

/// The host entry of a node's output: the inventory fields of `target` plus the result fields
/// for `phase`.
pub fn host_result(
    target: &Target,
    attempt: &Attempt,
    run: &HostRun,
    phase: HostPhase,
    begin_epoch_ms: i64,
) -> HostResult {
    let mut host = target.inventory_entry();
    let start_epoch = begin_epoch_ms.saturating_add(ms_i64(attempt.start + run.offset));
    let (code, exit_code, error_msg, log, start_time, execute_time) = match phase {
        HostPhase::NotPerformed => (
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ),
        HostPhase::Running(elapsed) => {
            // Show the log lines "written so far".
            let total = run.log.len().max(1);
            let shown = 1 + (elapsed as usize * (total - 1)) / run.duration.max(1) as usize;
            (
                String::new(),
                String::new(),
                String::new(),
                run.log[..shown.min(run.log.len())].join("\n"),
                start_epoch.to_string(),
                elapsed.to_string(),
            )
        }
        HostPhase::Done => (
            run.code.to_owned(),
            run.exit_code.clone(),
            run.error_msg.clone(),
            run.log.join("\n"),
            start_epoch.to_string(),
            run.duration.to_string(),
        ),
        HostPhase::Terminated(elapsed) => {
            let mut log: Vec<&str> = run.log.iter().take(2).map(String::as_str).collect();
            log.push("terminated: the execution was stopped");
            (
                "1".to_owned(),
                "-1".to_owned(),
                "the execution was terminated".to_owned(),
                log.join("\n"),
                start_epoch.to_string(),
                elapsed.to_string(),
            )
        }
    };
    host.code = Some(code);
    host.exit_code = Some(exit_code);
    host.error_msg = Some(error_msg);
    host.log = Some(log);
    host.start_time = Some(start_time);
    host.execute_time = Some(execute_time);
    host
}

/// A host entry for a node that has not started: inventory fields and empty result fields.
pub fn host_not_started(target: &Target) -> HostResult {
    let mut host = target.inventory_entry();
    for field in [
        &mut host.code,
        &mut host.exit_code,
        &mut host.error_msg,
        &mut host.log,
        &mut host.start_time,
        &mut host.execute_time,
    ] {
        *field = Some(String::new());
    }
    host
}

/// Simulated milliseconds as `i64`, saturating.
pub fn ms_i64(ms: SimMs) -> i64 {
    i64::try_from(ms).unwrap_or(i64::MAX)
}
