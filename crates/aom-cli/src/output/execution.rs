//! How an execution is shown: its nodes, a per-host table and a one-line summary.

use std::collections::BTreeMap;

use aom_workflow::{Execution, Host, NodeResult, NodeStatus};

use super::table::{self, Table};

/// Longest log excerpt in the host table.
const LOG_WIDTH: usize = 60;

/// The execution's header lines, node table and per-host table.
pub fn details(e: &Execution) -> String {
    let mut out = String::new();
    let mut head = Table::new(&["", ""]);
    head.row(vec![
        "execution".into(),
        table::or_dash(e.execution_id.as_deref()),
    ]);
    head.row(vec![
        "workflow".into(),
        table::or_dash(e.workflow_id.as_deref()),
    ]);
    head.row(vec!["status".into(), e.status.to_string()]);
    head.row(vec!["started".into(), table::time(e.begin_time)]);
    head.row(vec!["ended".into(), table::time(e.end_time)]);
    // The header row of this table is empty: skip it.
    let text = head.render();
    out.push_str(text.split_once('\n').map_or("", |(_, rest)| rest));
    out.push('\n');
    out.push_str(&nodes(e).render());
    out.push('\n');
    out.push_str(&hosts(e).render());
    out
}

/// One row per node.
pub fn nodes(e: &Execution) -> Table {
    let mut t = Table::new(&[
        "NODE", "STATUS", "HOSTS", "SUCCESS", "FAILED", "RUNNING", "NOT RUN", "TIME",
    ]);
    for n in &e.nodes {
        let (total, c) = match &n.hosts {
            Some(h) => {
                let c = h.counts();
                (
                    c.total().to_string(),
                    [c.success, c.fail, c.in_execution, c.not_performed].map(|v| v.to_string()),
                )
            }
            None => ("-".into(), ["-", "-", "-", "-"].map(String::from)),
        };
        let [s, f, r, w] = c;
        t.row(vec![
            n.node_id.clone(),
            n.status.to_string(),
            total,
            s,
            f,
            r,
            w,
            table::duration(n.duration()),
        ]);
    }
    t
}

/// One row per host and node: host, ip, node, status, exit code, time, and the first line of
/// the log (or the error message) of a failure.
pub fn hosts(e: &Execution) -> Table {
    let mut t = Table::new(&["HOST", "IP", "NODE", "STATUS", "EXIT", "TIME", "LOG"]);
    for n in &e.nodes {
        let Some(outcomes) = &n.hosts else { continue };
        let mut rows: Vec<(&Host, &str)> = Vec::new();
        rows.extend(outcomes.success.iter().map(|h| (h, "success")));
        rows.extend(outcomes.fail.iter().map(|h| (h, "fail")));
        rows.extend(outcomes.in_execution.iter().map(|h| (h, "running")));
        rows.extend(outcomes.not_performed.iter().map(|h| (h, "not run")));
        rows.sort_by(|a, b| {
            a.0.name()
                .cmp(b.0.name())
                .then_with(|| a.0.id().cmp(b.0.id()))
        });
        for (h, status) in rows {
            let log = if status == "fail" {
                failure_line(h)
            } else {
                String::new()
            };
            t.row(vec![
                table::or_dash(Some(h.name()).filter(|n| !n.is_empty()).or(Some(h.id()))),
                table::or_dash(h.ip()),
                n.node_id.clone(),
                status.to_string(),
                h.exit_code().map_or_else(|| "-".into(), |c| c.to_string()),
                table::duration(h.execute_time()),
                log,
            ]);
        }
    }
    t
}

/// The line that says why a host failed: its error message, else the last line of its log
/// (a script's error is usually what it printed last), leaving out an `exit code: N` trailer
/// (the EXIT column has it).
fn failure_line(h: &Host) -> String {
    table::first_line(h.failure_line().unwrap_or_default(), LOG_WIDTH)
}

/// What became of one host over all nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum HostState {
    Success,
    NotRun,
    Running,
    Failed,
}

/// Every host (by id, else name) with its worst state over the nodes, names kept.
fn host_states(e: &Execution) -> BTreeMap<String, (String, HostState)> {
    let mut out: BTreeMap<String, (String, HostState)> = BTreeMap::new();
    for n in &e.nodes {
        let Some(h) = &n.hosts else { continue };
        let lists = [
            (&h.success, HostState::Success),
            (&h.not_performed, HostState::NotRun),
            (&h.in_execution, HostState::Running),
            (&h.fail, HostState::Failed),
        ];
        for (list, state) in lists {
            for host in list {
                let key = if host.id().is_empty() {
                    host.name()
                } else {
                    host.id()
                };
                let entry = out
                    .entry(key.to_string())
                    .or_insert_with(|| (host.name().to_string(), state));
                entry.1 = entry.1.max(state);
            }
        }
    }
    out
}

/// One line: how the execution ended (or where it is), and what became of its hosts.
pub fn summary(e: &Execution) -> String {
    let id = e.execution_id.as_deref().unwrap_or("?");
    let states = host_states(e);
    let count = |s: HostState| states.values().filter(|(_, st)| *st == s).count();
    let total = states.len();
    let mut parts = vec![format!(
        "{} of {total} hosts succeeded",
        count(HostState::Success)
    )];
    for (state, word) in [
        (HostState::Failed, "failed"),
        (HostState::Running, "running"),
        // Before the end, a host that has not run every node yet is not lost, only waiting.
        (
            HostState::NotRun,
            if e.is_finished() {
                "not run"
            } else {
                "still to run"
            },
        ),
    ] {
        let n = count(state);
        if n > 0 {
            parts.push(format!("{n} {word}"));
        }
    }
    let mut failed: Vec<&str> = states
        .values()
        .filter(|(_, st)| *st == HostState::Failed)
        .map(|(name, _)| name.as_str())
        .collect();
    failed.sort_unstable();
    let failed = match failed.len() {
        0 => String::new(),
        1..=5 => format!(" ({})", failed.join(", ")),
        n => format!(" ({}, and {} more)", failed[..5].join(", "), n - 5),
    };
    let when = if e.is_finished() {
        format!("ended {} in {}", e.status, table::duration(e.duration()))
    } else {
        // Running or paused: the time since it started, not up to its last change.
        let so_far = e
            .begin_time
            .and_then(|b| std::time::Duration::try_from(time::OffsetDateTime::now_utc() - b).ok());
        format!(
            "is {} after {}",
            e.status,
            table::duration(so_far.or(e.duration()))
        )
    };
    // The emulator and AOM accept `continue` only at a pause node, and `restart`/`skip` only
    // at the failed node an execution stopped at.
    let paused = match e.paused_node() {
        Some(n) => format!(
            "; pause node {} waits for `aom execution continue`",
            n.node_id
        ),
        None if e.status == aom_workflow::ExecutionStatus::Pausing => e
            .nodes
            .iter()
            .find(|n| n.status == NodeStatus::Fail)
            .map(|n| {
                format!(
                    "; it stopped at failed node {}: `aom execution restart` or `skip` it",
                    n.node_id
                )
            })
            .unwrap_or_default(),
        None => String::new(),
    };
    format!(
        "Execution {id} {when}: {}{failed}{paused}.",
        parts.join(", ")
    )
}

/// The node the execution is at: the last one that has started (the first one before that).
pub fn current_node(e: &Execution) -> Option<&NodeResult> {
    e.nodes
        .iter()
        .rev()
        .find(|n| {
            n.status != NodeStatus::WaitExecute
                && n.hosts.as_ref().is_some_and(|h| {
                    let c = h.counts();
                    c.total() > c.not_performed
                })
        })
        .or_else(|| e.nodes.first())
}

/// Nodes done, failed and running, e.g. `nodes 1/2 done, 0 failed, 1 running`.
pub fn nodes_line(e: &Execution) -> String {
    let total = e.nodes.len();
    let count = |f: fn(&NodeStatus) -> bool| e.nodes.iter().filter(|n| f(&n.status)).count();
    let done = count(|s| matches!(s, NodeStatus::Success | NodeStatus::Skip));
    let failed = count(|s| matches!(s, NodeStatus::Fail | NodeStatus::Cancel));
    let running = count(|s| matches!(s, NodeStatus::Executing | NodeStatus::Pausing));
    format!("nodes {done}/{total} done, {failed} failed, {running} running")
}

/// The hosts of a node, e.g. `run-script: 21/24 hosts done, 3 failed, 0 running`.
pub fn node_hosts_line(n: &NodeResult) -> String {
    let c = n.hosts.as_ref().map(|h| h.counts()).unwrap_or_default();
    format!(
        "{}: {}/{} hosts done, {} failed, {} running",
        n.node_id,
        c.success,
        c.total(),
        c.fail,
        c.in_execution
    )
}

/// One line of progress: the status, the nodes, and the hosts of the current node done,
/// failed and running, e.g.
/// `[executing] nodes 1/2 done, 0 failed, 1 running | run-script: 10/24 hosts done, 1 failed, 13 running`.
pub fn progress_line(e: &Execution) -> String {
    let mut line = format!("[{}] {}", e.status, nodes_line(e));
    if let Some(n) = current_node(e) {
        line.push_str(" | ");
        line.push_str(&node_hosts_line(n));
    }
    line
}

/// Whether the execution ended in a way that counts as failed (exit code 1).
pub fn ended_failed(e: &Execution) -> bool {
    use aom_workflow::ExecutionStatus as S;
    e.is_finished() && matches!(e.status, S::Fail | S::Cancel | S::ApprovalFailed)
}
