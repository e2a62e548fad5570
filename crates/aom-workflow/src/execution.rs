//! Typed executions: statuses, real times, and each node's output read as per-host results.

use std::time::Duration;

use aom_api::types::{HostResult, SearchWorkflowExecutionDetailResponse};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

use crate::status::{ExecutionStatus, NodeStatus};

/// Converts epoch milliseconds to a time; out-of-range values become `None`.
pub(crate) fn from_millis(ms: Option<i64>) -> Option<OffsetDateTime> {
    let ms = ms?;
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
}

fn span(begin: Option<OffsetDateTime>, end: Option<OffsetDateTime>) -> Option<Duration> {
    let d = end? - begin?;
    Duration::try_from(d).ok()
}

/// One execution of a workflow, as [`Executions::get`](crate::resources::Executions::get)
/// returns it.
///
/// Every field of the API's answer is here (times as real times), and each node keeps its
/// output exactly as received next to the per-host view, so nothing is lost. It serialises to
/// JSON and reads back into an equal value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Execution {
    /// The workflow id.
    pub workflow_id: Option<String>,
    /// The execution id.
    pub execution_id: Option<String>,
    /// The status.
    pub status: ExecutionStatus,
    /// When it started.
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub begin_time: Option<OffsetDateTime>,
    /// When it ended.
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub end_time: Option<OffsetDateTime>,
    /// When it last changed.
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub last_update_time: Option<OffsetDateTime>,
    /// The edit time of the workflow version this execution ran.
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub workflow_edit_time: Option<OffsetDateTime>,
    /// The nodes, in the order the service lists them.
    pub nodes: Vec<NodeResult>,
    /// Approving users.
    #[serde(default)]
    pub approvers: Vec<String>,
    /// The project id, as the service reported it.
    #[serde(default)]
    pub project_id: Option<String>,
    /// The id of the execution's last snapshot record.
    #[serde(default)]
    pub last_record_id_with_snapshot: Option<String>,
}

impl Execution {
    /// Reads the API's answer. Never fails: an output of an unexpected shape is kept raw.
    ///
    /// The answer is taken apart, not copied: each node's output moves into
    /// [`NodeResult::raw_output`], and only the per-host fields are read out of it.
    pub fn from_api(raw: SearchWorkflowExecutionDetailResponse) -> Self {
        let nodes = raw
            .execution_result_list
            .into_iter()
            .flatten()
            .map(|n| NodeResult {
                hosts: n.output.as_ref().and_then(HostOutcomes::parse),
                node_id: n.node_id.unwrap_or_default(),
                status: NodeStatus::from(n.status.unwrap_or_default()),
                begin_time: from_millis(n.begin_time),
                end_time: from_millis(n.end_time),
                function_execution_id: n.function_execution_id,
                raw_output: n.output,
            })
            .collect();
        Self {
            workflow_id: raw.workflow_id,
            execution_id: raw.execution_id,
            status: ExecutionStatus::from(raw.status.unwrap_or_default()),
            begin_time: from_millis(raw.begin_time),
            end_time: from_millis(raw.end_time),
            last_update_time: from_millis(raw.last_update_time),
            workflow_edit_time: from_millis(raw.workflow_edit_time),
            nodes,
            approvers: raw.approve_user_name_list.unwrap_or_default(),
            project_id: raw.project_id,
            last_record_id_with_snapshot: raw.last_record_id_with_snapshot,
        }
    }

    /// Whether the execution has ended: a known terminal status, or, for a status this SDK
    /// does not know, an end time with no host still running.
    pub fn is_finished(&self) -> bool {
        match self.status.is_terminal() {
            Some(terminal) => terminal,
            None => self.end_time.is_some() && self.counts().in_execution == 0,
        }
    }

    /// Whether it ended successfully.
    pub fn is_success(&self) -> bool {
        self.status == ExecutionStatus::Success
    }

    /// How long it ran (or has run, up to its last update).
    pub fn duration(&self) -> Option<Duration> {
        span(self.begin_time, self.end_time.or(self.last_update_time))
    }

    /// Every failed host, with the id of the node it failed in.
    pub fn failed_hosts(&self) -> impl Iterator<Item = (&str, &Host)> {
        self.nodes.iter().flat_map(|n| {
            n.hosts
                .iter()
                .flat_map(|h| h.fail.iter())
                .map(move |h| (n.node_id.as_str(), h))
        })
    }

    /// Host counts summed over all nodes.
    pub fn counts(&self) -> HostCounts {
        self.nodes
            .iter()
            .filter_map(|n| n.hosts.as_ref())
            .fold(HostCounts::default(), |acc, h| acc + h.counts())
    }

    /// The node with this id.
    pub fn node(&self, node_id: &str) -> Option<&NodeResult> {
        self.nodes.iter().find(|n| n.node_id == node_id)
    }

    /// The first node waiting for an action (`continue`, `skip` or `restart`), if any.
    pub fn paused_node(&self) -> Option<&NodeResult> {
        self.nodes.iter().find(|n| n.status == NodeStatus::Pausing)
    }
}

/// The result of one node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeResult {
    /// The node id.
    pub node_id: String,
    /// The node's own status (hosts may have failed in a `success` node).
    pub status: NodeStatus,
    /// When it started.
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub begin_time: Option<OffsetDateTime>,
    /// When it ended.
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub end_time: Option<OffsetDateTime>,
    /// The FunctionGraph execution id.
    pub function_execution_id: Option<String>,
    /// The output read as per-host results; `None` when it has another shape (see
    /// [`raw_output`](Self::raw_output)).
    pub hosts: Option<HostOutcomes>,
    /// The output exactly as received.
    pub raw_output: Option<Value>,
}

impl NodeResult {
    /// How long the node ran.
    pub fn duration(&self) -> Option<Duration> {
        span(self.begin_time, self.end_time)
    }
}

/// Hosts by outcome.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HostOutcomes {
    /// Succeeded.
    pub success: Vec<Host>,
    /// Failed.
    pub fail: Vec<Host>,
    /// Still running.
    pub in_execution: Vec<Host>,
    /// Not run (yet, or at all).
    pub not_performed: Vec<Host>,
}

impl HostOutcomes {
    /// Reads an output in the shape of the spec's shared `NodeOutput` schema, each host with the
    /// shared `HostResult` schema. Numbers sent where the schema has text (an exit code as `1`
    /// instead of `"1"`) are accepted. `None` if the value is not an object, none of the four
    /// lists is present, or an entry is not a host object.
    pub fn parse(output: &Value) -> Option<Self> {
        let obj = output.as_object()?;
        if !["success", "fail", "in_execution", "not_performed"]
            .iter()
            .any(|k| obj.contains_key(*k))
        {
            return None;
        }
        let list = |key: &str| -> Option<Vec<Host>> {
            match obj.get(key) {
                None | Some(Value::Null) => Some(Vec::new()),
                Some(Value::Array(items)) => items.iter().map(Host::parse).collect(),
                Some(_) => None,
            }
        };
        Some(Self {
            success: list("success")?,
            fail: list("fail")?,
            in_execution: list("in_execution")?,
            not_performed: list("not_performed")?,
        })
    }

    /// How many hosts are in each list.
    pub fn counts(&self) -> HostCounts {
        HostCounts {
            success: self.success.len(),
            fail: self.fail.len(),
            in_execution: self.in_execution.len(),
            not_performed: self.not_performed.len(),
        }
    }
}

/// Host counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostCounts {
    /// Succeeded.
    pub success: usize,
    /// Failed.
    pub fail: usize,
    /// Still running.
    pub in_execution: usize,
    /// Not run.
    pub not_performed: usize,
}

impl HostCounts {
    /// All hosts.
    pub fn total(&self) -> usize {
        self.success + self.fail + self.in_execution + self.not_performed
    }
}

impl std::ops::Add for HostCounts {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        Self {
            success: self.success + o.success,
            fail: self.fail + o.fail,
            in_execution: self.in_execution + o.in_execution,
            not_performed: self.not_performed + o.not_performed,
        }
    }
}

/// The outcome of a node on one host.
///
/// The entry as received stays in the node's [`raw_output`](NodeResult::raw_output).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Host {
    /// The host entry in the shared `HostResult` schema.
    pub result: HostResult,
}

/// `HostResult` fields that carry numbers as text.
const TEXT_FIELDS: &[&str] = &[
    "code",
    "exit_code",
    "start_time",
    "execute_time",
    "charging_mode",
];

impl Host {
    fn parse(value: &Value) -> Option<Self> {
        // Read straight from the borrowed value; only an entry with a number where the schema
        // has text (an exit code as `1`) pays for a normalised copy.
        if let Ok(result) = HostResult::deserialize(value) {
            return Some(Self { result });
        }
        let mut normalized = value.as_object()?.clone();
        for key in TEXT_FIELDS {
            if let Some(Value::Number(n)) = normalized.get(*key) {
                let text = n.to_string();
                normalized.insert((*key).to_string(), Value::String(text));
            }
        }
        let result = HostResult::deserialize(&Value::Object(normalized)).ok()?;
        Some(Self { result })
    }

    /// The instance id.
    pub fn id(&self) -> &str {
        self.result.id.as_deref().unwrap_or_default()
    }

    /// The host name.
    pub fn name(&self) -> &str {
        self.result.name.as_deref().unwrap_or_default()
    }

    /// The host IP, else the first private IP.
    pub fn ip(&self) -> Option<&str> {
        self.result.ip.as_deref().or_else(|| {
            self.result
                .fixed_ip_list
                .as_ref()
                .and_then(|l| l.first())
                .map(String::as_str)
        })
    }

    /// Every IP: the host IP, private and public ones, without repeats.
    pub fn ips(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let all = self
            .result
            .ip
            .iter()
            .chain(self.result.fixed_ip_list.iter().flatten())
            .chain(self.result.floating_ip_list.iter().flatten());
        for ip in all {
            if !out.contains(&ip.as_str()) {
                out.push(ip);
            }
        }
        out
    }

    /// The script's exit code.
    pub fn exit_code(&self) -> Option<i32> {
        self.result
            .exit_code
            .as_deref()
            .and_then(|c| c.trim().parse().ok())
    }

    /// The script output.
    pub fn log(&self) -> &str {
        self.result.log.as_deref().unwrap_or_default()
    }

    /// The error message, if not empty.
    pub fn error_message(&self) -> Option<&str> {
        self.result.error_msg.as_deref().filter(|m| !m.is_empty())
    }

    /// One line saying why the host failed: the first line of the error message, else the last
    /// line the script printed (a script's error is usually what it printed last; the agent's
    /// `exit code: N` trailer is left out). `None` when there is neither.
    pub fn failure_line(&self) -> Option<&str> {
        if let Some(line) = self
            .error_message()
            .and_then(|m| m.lines().map(str::trim).find(|l| !l.is_empty()))
        {
            return Some(line);
        }
        self.log()
            .lines()
            .map(str::trim)
            .rfind(|l| !l.is_empty() && !l.starts_with("exit code:"))
    }

    /// When the node started on this host.
    pub fn start_time(&self) -> Option<OffsetDateTime> {
        from_millis(
            self.result
                .start_time
                .as_deref()
                .and_then(|t| t.trim().parse().ok()),
        )
    }

    /// How long it ran on this host (the API gives milliseconds).
    pub fn execute_time(&self) -> Option<Duration> {
        self.result
            .execute_time
            .as_deref()
            .and_then(|t| t.trim().parse::<u64>().ok())
            .map(Duration::from_millis)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn host(entry: Value) -> Host {
        let outcomes = HostOutcomes::parse(&json!({ "fail": [entry] })).unwrap();
        outcomes.fail.into_iter().next().unwrap()
    }

    #[test]
    fn numbers_as_text_and_failure_lines() {
        let h = host(json!({
            "id": "i-1", "name": "web-1", "exit_code": 2, "execute_time": "1500",
            "log": "[agent] dispatched\ncp: cannot stat 'x'\n\nexit code: 2\n",
        }));
        assert_eq!(h.exit_code(), Some(2));
        assert_eq!(h.execute_time(), Some(Duration::from_millis(1500)));
        assert_eq!(h.failure_line(), Some("cp: cannot stat 'x'"));

        let h = host(json!({"id": "i-2", "error_msg": "\nagent offline\nretry later", "log": "x"}));
        assert_eq!(h.failure_line(), Some("agent offline"));
        assert_eq!(host(json!({"id": "i-3"})).failure_line(), None);
    }

    #[test]
    fn an_output_of_another_shape_stays_raw() {
        assert_eq!(HostOutcomes::parse(&json!({"result": "ok"})), None);
        assert_eq!(HostOutcomes::parse(&json!({"fail": "none"})), None);
        assert_eq!(HostOutcomes::parse(&json!([1, 2])), None);
        let parsed = HostOutcomes::parse(&json!({"success": null, "fail": []})).unwrap();
        assert_eq!(parsed.counts().total(), 0);
    }
}
