//! The simulated execution engine.
//!
//! # How an execution runs
//!
//! A workflow has an ordered list of nodes (see [`plan`] for where they come from). Executing it
//! resolves its target hosts against the inventory and runs the nodes one after the other;
//! a task node runs on every target host (in batches when `input.rate_control.max` is set), a
//! pause node waits for `continue`.
//!
//! Nothing runs in the background: each node attempt is planned when it starts
//! ([`timeline::plan_attempt`]), and the state served at any instant is derived from the
//! simulated time elapsed since the execution began, `(now - begin) * time_scale`. Timestamps in
//! answers are the real begin time plus simulated offsets.
//!
//! # Statuses (the documentation is silent; these are the emulator's choices)
//!
//! Execution `status`:
//!
//! | status | when |
//! |---|---|
//! | `executing` | a node is running |
//! | `pausing` | waiting at a pause node for `continue`; or, with `on_failure: "pause"`, waiting at a failed node for `restart` or `skip` |
//! | `success` | every node finished and no finished (not skipped) node has a failed host |
//! | `fail` | a node failed (some host failed and the node does not `ignore_error`); or every node finished but a node that ignores errors had failed hosts (the documentation's example: node `success`, host under `fail`, execution `fail`) |
//! | `cancel` | terminated |
//!
//! A `fail` execution that stopped at a failed node can still be `restart`ed or `skip`ped at
//! that node, which sets it `executing` again and clears its `end_time`.
//!
//! Node `status`: `waitExecute` (not reached), `executing`, `pausing` (a pause node waiting),
//! `success`, `fail`, `skip` (skipped after failing), `cancel` (running or not reached when
//! the execution was terminated).
//!
//! Host results go under `output.not_performed`, `in_execution`, `success` and `fail`; every
//! field of [`HostResult`] is present (empty strings where nothing is known yet). Numbers are
//! text as in the documentation: `exit_code` `"0"`/`"1"`/..., `"-1"` when the task never ran
//! (missing host, offline agent, terminated); `code` `"0"` when the agent ran the task, `"1"`
//! when it could not; `start_time` epoch ms; `execute_time` simulated ms.

pub mod hosts;
pub mod plan;
pub mod timeline;

use std::collections::BTreeSet;
use std::sync::Arc;

use aom_api::WorkflowExecutionBrief;
use aom_api::types::{
    ExecutionResultList, HostResult, NodeOutput, SearchWorkflowExecutionDetailResponse,
};
use bytes::Bytes;

use crate::rng::{Rng, hash_str};
use timeline::{
    Attempt, AttemptKey, HostPhase, SimMs, host_not_started, host_phase, host_result, ms_i64,
    plan_attempt,
};

/// What a node does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// Runs its task on every target host.
    Task,
    /// Waits for `continue`.
    Pause,
}

/// One node of a workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeSpec {
    /// Node id (the `node_id` of results and operations).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Atomic task, e.g. `CMS::ECS::runScript`.
    pub task_name: String,
    /// Task or pause.
    pub kind: NodeKind,
    /// Whether the execution goes on when hosts fail.
    pub ignore_error: bool,
}

/// What happens when a node fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnFailure {
    /// The execution ends with `fail` (it can still be restarted or skipped at the node).
    #[default]
    Fail,
    /// The execution waits with status `pausing` for `restart` or `skip`.
    Pause,
}

/// Simulation options of a workflow (from its `input`; see [`plan`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SimOptions {
    /// Host ids that fail their first `fail_attempts` attempts of every task node.
    pub fail_hosts: BTreeSet<String>,
    /// The nodes on which `fail_hosts` fail (`None`: every task node).
    pub fail_nodes: Option<BTreeSet<String>>,
    /// How many attempts the `fail_hosts` fail (default 1: a restart succeeds).
    pub fail_attempts: u32,
    /// Probability that a host fails an attempt.
    pub failure_rate: f64,
    /// Simulated run time of a node on one host, low and high bounds in ms.
    pub host_ms: Option<(SimMs, SimMs)>,
    /// Hosts per batch (0: all at once).
    pub batch_max: usize,
    /// Delay between batches.
    pub batch_delay_ms: SimMs,
    /// What a node failure does.
    pub on_failure: OnFailure,
}

/// A target of an execution.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// A host of the inventory.
    Host(Box<HostResult>),
    /// An id the inventory does not have: the host fails with a clear error.
    Missing(String),
}

impl Target {
    /// The host id.
    pub fn id(&self) -> &str {
        match self {
            Self::Host(h) => h.id.as_deref().unwrap_or_default(),
            Self::Missing(id) => id,
        }
    }

    /// The inventory fields, every one present.
    pub fn inventory_entry(&self) -> HostResult {
        match self {
            Self::Host(h) => {
                let mut h = HostResult::clone(h);
                let text = |v: &mut Option<String>| {
                    v.get_or_insert_with(String::new);
                };
                for v in [
                    &mut h.name,
                    &mut h.ip,
                    &mut h.availability_zone,
                    &mut h.vpc_id,
                    &mut h.enterprise_project_id,
                    &mut h.charging_mode,
                    &mut h.os_type,
                    &mut h.agent_state,
                    &mut h.instance_status,
                ] {
                    text(v);
                }
                h.fixed_ip_list.get_or_insert_with(Vec::new);
                h.floating_ip_list.get_or_insert_with(Vec::new);
                h.tags.get_or_insert_with(Vec::new);
                h.current_project.get_or_insert(true);
                h
            }
            Self::Missing(id) => HostResult {
                id: Some(id.clone()),
                name: Some(String::new()),
                ip: Some(String::new()),
                fixed_ip_list: Some(Vec::new()),
                floating_ip_list: Some(Vec::new()),
                availability_zone: Some(String::new()),
                vpc_id: Some(String::new()),
                enterprise_project_id: Some(String::new()),
                charging_mode: Some(String::new()),
                current_project: Some(false),
                os_type: Some(String::new()),
                agent_state: Some(String::new()),
                instance_status: Some(String::new()),
                tags: Some(Vec::new()),
                ..HostResult::default()
            },
        }
    }
}

/// The nodes and simulation options of a workflow, fixed when it is created.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowPlan {
    /// Nodes in order.
    pub nodes: Vec<NodeSpec>,
    /// Host ids named by `input.get_instances.ecs_id_list` (`None`: the default targets).
    pub target_ids: Option<Vec<String>>,
    /// Simulation options.
    pub sim: SimOptions,
}

/// Why an operation on an execution was refused (answered as 400, or 404 for a node).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionError {
    /// The node id is not a node of the workflow.
    UnknownNode(String),
    /// The action does not apply in the current state.
    NotApplicable(String),
}

/// An operation on a node of an execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeAction {
    /// Run a failed node again.
    Restart,
    /// Skip a failed node.
    Skip,
    /// Pass a pause node.
    Continue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Running the node (its last attempt is in progress).
    Running(usize),
    /// Waiting at a pause node since the given time.
    Paused(usize),
    /// Stopped at a failed node.
    Failed(usize),
    /// Every node done.
    Finished(SimMs),
    /// Terminated at the given time.
    Cancelled(SimMs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NodeState {
    Waiting,
    Running,
    Pausing,
    Success,
    Fail,
    Skipped,
    Cancelled,
}

impl NodeState {
    fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waitExecute",
            Self::Running => "executing",
            Self::Pausing => "pausing",
            Self::Success => "success",
            Self::Fail => "fail",
            Self::Skipped => "skip",
            Self::Cancelled => "cancel",
        }
    }
}

#[derive(Debug, Clone)]
struct NodeRun {
    state: NodeState,
    /// The latest attempt (earlier ones are not shown, so they are not kept).
    attempt: Option<Attempt>,
    /// How many attempts were started.
    attempts: u32,
    /// When the node was reached (its first attempt started / the pause began).
    reached_at: Option<SimMs>,
    /// When the node finished (success, fail, skip, continue, cancel).
    done_at: Option<SimMs>,
}

/// Everything about an execution that does not change.
#[derive(Debug, Clone)]
pub struct ExecutionInfo {
    /// Execution id.
    pub id: String,
    /// Workflow id.
    pub workflow_id: String,
    /// 1-based number within the workflow.
    pub number: u64,
    /// Project id.
    pub project_id: String,
    /// Who started it.
    pub created_by: String,
    /// Real start, epoch ms.
    pub begin_epoch_ms: i64,
    /// The workflow's edit time.
    pub workflow_edit_time: i64,
    /// The emulator seed.
    pub seed: u64,
}

/// One execution: its plan, targets and progress.
#[derive(Debug, Clone)]
pub struct Execution {
    info: ExecutionInfo,
    plan: Arc<WorkflowPlan>,
    targets: Vec<Target>,
    nodes: Vec<NodeRun>,
    phase: Phase,
    /// The latest operation time (restart/skip/continue/terminate).
    last_action_at: SimMs,
    record_id: String,
    /// The serialized detail of a finished execution (it no longer changes until an operation
    /// reopens it), so that polling a finished execution costs no rendering.
    finished_detail: Option<Bytes>,
}

impl Execution {
    /// Starts an execution at simulated time 0.
    pub fn start(info: ExecutionInfo, plan: Arc<WorkflowPlan>, targets: Vec<Target>) -> Self {
        let record_id =
            Rng::from_parts(&[info.seed, hash_str(&info.workflow_id), info.number, 0x5AA]).hex(32);
        let nodes = plan
            .nodes
            .iter()
            .map(|_| NodeRun {
                state: NodeState::Waiting,
                attempt: None,
                attempts: 0,
                reached_at: None,
                done_at: None,
            })
            .collect();
        let mut execution = Self {
            info,
            plan,
            targets,
            nodes,
            phase: Phase::Finished(0),
            last_action_at: 0,
            record_id,
            finished_detail: None,
        };
        execution.enter(0, 0);
        execution
    }

    /// The fixed facts.
    pub fn info(&self) -> &ExecutionInfo {
        &self.info
    }

    /// Whether the execution is over at simulated time `t` (`success`, `fail` or `cancel`).
    pub fn is_finished(&mut self, t: SimMs) -> bool {
        self.advance(t);
        matches!(self.phase, Phase::Finished(_) | Phase::Cancelled(_))
            || (matches!(self.phase, Phase::Failed(_))
                && self.plan.sim.on_failure == OnFailure::Fail)
    }

    /// Enters node `index` at time `at` (or finishes when there is none).
    fn enter(&mut self, index: usize, at: SimMs) {
        let Some((spec, run)) = self.plan.nodes.get(index).zip(self.nodes.get_mut(index)) else {
            self.phase = Phase::Finished(at);
            return;
        };
        run.reached_at = Some(at);
        match spec.kind {
            NodeKind::Pause => {
                run.state = NodeState::Pausing;
                self.phase = Phase::Paused(index);
            }
            NodeKind::Task => {
                self.start_attempt(index, at);
            }
        }
    }

    fn start_attempt(&mut self, index: usize, at: SimMs) {
        let Some((spec, run)) = self.plan.nodes.get(index).zip(self.nodes.get_mut(index)) else {
            return;
        };
        let key = AttemptKey {
            seed: self.info.seed,
            workflow_id: &self.info.workflow_id,
            execution_number: self.info.number,
            node_index: index,
            attempt: run.attempts,
        };
        run.attempt = Some(plan_attempt(key, spec, &self.targets, &self.plan.sim, at));
        run.attempts = run.attempts.saturating_add(1);
        run.state = NodeState::Running;
        run.done_at = None;
        self.phase = Phase::Running(index);
    }

    /// Moves the state forward to simulated time `t`: running nodes that have finished by then
    /// are completed and the next node is entered at their end time.
    pub fn advance(&mut self, t: SimMs) {
        while let Phase::Running(index) = self.phase {
            let Some((spec, run)) = self.plan.nodes.get(index).zip(self.nodes.get_mut(index))
            else {
                self.phase = Phase::Finished(t);
                return;
            };
            let Some(attempt) = run.attempt.as_ref() else {
                return;
            };
            if attempt.end > t {
                return;
            }
            let end = attempt.end;
            run.done_at = Some(end);
            if attempt.any_failed() && !spec.ignore_error {
                run.state = NodeState::Fail;
                self.phase = Phase::Failed(index);
                return;
            }
            run.state = NodeState::Success;
            self.enter(index + 1, end);
        }
    }

    /// Applies an operation on `node_id` at simulated time `t`.
    ///
    /// # Errors
    /// The node does not exist, or the action does not apply to its state.
    pub fn act(&mut self, action: NodeAction, node_id: &str, t: SimMs) -> Result<(), ActionError> {
        self.advance(t);
        let index = self
            .plan
            .nodes
            .iter()
            .position(|n| n.id == node_id)
            .ok_or_else(|| ActionError::UnknownNode(node_id.to_owned()))?;
        let state = self
            .nodes
            .get(index)
            .map_or(NodeState::Waiting, |n| n.state);
        let applicable = match action {
            NodeAction::Continue => self.phase == Phase::Paused(index),
            NodeAction::Restart | NodeAction::Skip => self.phase == Phase::Failed(index),
        };
        if !applicable {
            let wants = match action {
                NodeAction::Continue => "a pause node that is waiting (status pausing)",
                NodeAction::Restart | NodeAction::Skip => {
                    "a failed node the execution stopped at (status fail)"
                }
            };
            return Err(ActionError::NotApplicable(format!(
                "{} applies to {wants}; node {node_id:?} is {} and the execution is {}",
                action_name(action),
                state.as_str(),
                self.status()
            )));
        }
        self.last_action_at = t;
        self.finished_detail = None;
        match action {
            NodeAction::Restart => self.start_attempt(index, t),
            NodeAction::Skip | NodeAction::Continue => {
                if let Some(run) = self.nodes.get_mut(index) {
                    run.state = if action == NodeAction::Skip {
                        NodeState::Skipped
                    } else {
                        NodeState::Success
                    };
                    run.done_at = Some(t);
                }
                self.enter(index + 1, t);
            }
        }
        self.advance(t);
        Ok(())
    }

    /// Terminates the execution at simulated time `t`.
    ///
    /// # Errors
    /// The execution has already finished.
    pub fn terminate(&mut self, t: SimMs) -> Result<(), ActionError> {
        if self.is_finished(t) {
            return Err(ActionError::NotApplicable(format!(
                "the execution has already finished (status {})",
                self.status()
            )));
        }
        for run in &mut self.nodes {
            match run.state {
                NodeState::Running => {
                    if let Some(attempt) = run.attempt.as_mut() {
                        attempt.cut_at = Some(t);
                    }
                    run.state = NodeState::Cancelled;
                    run.done_at = Some(t);
                }
                NodeState::Pausing | NodeState::Waiting => {
                    if run.state == NodeState::Pausing {
                        run.done_at = Some(t);
                    }
                    run.state = NodeState::Cancelled;
                }
                _ => {}
            }
        }
        self.last_action_at = t;
        self.finished_detail = None;
        self.phase = Phase::Cancelled(t);
        Ok(())
    }

    /// The execution status (after [`advance`](Self::advance)).
    pub fn status(&self) -> &'static str {
        match self.phase {
            Phase::Running(_) => "executing",
            Phase::Paused(_) => "pausing",
            Phase::Failed(_) => match self.plan.sim.on_failure {
                OnFailure::Fail => "fail",
                OnFailure::Pause => "pausing",
            },
            Phase::Cancelled(_) => "cancel",
            Phase::Finished(_) => {
                let failed = self.nodes.iter().any(|n| {
                    n.state == NodeState::Success
                        && n.attempt.as_ref().is_some_and(Attempt::any_failed)
                });
                if failed { "fail" } else { "success" }
            }
        }
    }

    /// When the execution ended, epoch ms (after [`advance`](Self::advance)).
    pub fn end_epoch_ms(&self) -> Option<i64> {
        self.end_time()
            .map(|t| self.info.begin_epoch_ms.saturating_add(ms_i64(t)))
    }

    fn end_time(&self) -> Option<SimMs> {
        match self.phase {
            Phase::Finished(at) | Phase::Cancelled(at) => Some(at),
            Phase::Failed(index) if self.plan.sim.on_failure == OnFailure::Fail => {
                self.nodes.get(index).and_then(|n| n.done_at)
            }
            _ => None,
        }
    }

    /// The execution detail at simulated time `t` (the answer of SearchWorkflowExecutionDetail).
    pub fn detail(&mut self, t: SimMs) -> SearchWorkflowExecutionDetailResponse {
        self.advance(t);
        let begin = self.info.begin_epoch_ms;
        let epoch = |ms: SimMs| begin.saturating_add(ms_i64(ms));
        let mut last_update = self.last_action_at;
        let mut results = Vec::with_capacity(self.nodes.len());
        for (spec, run) in self.plan.nodes.iter().zip(&self.nodes) {
            let mut output = NodeOutput {
                success: Some(Vec::new()),
                fail: Some(Vec::new()),
                in_execution: Some(Vec::new()),
                not_performed: Some(Vec::new()),
            };
            let attempt = run.attempt.as_ref();
            match (spec.kind, attempt) {
                (NodeKind::Pause, _) => {}
                (NodeKind::Task, None) => {
                    if let Some(list) = output.not_performed.as_mut() {
                        list.extend(self.targets.iter().map(host_not_started));
                    }
                }
                (NodeKind::Task, Some(attempt)) => {
                    last_update = last_update.max(attempt.start);
                    for host in &attempt.hosts {
                        let Some(target) = self.targets.get(host.target) else {
                            continue;
                        };
                        let phase = host_phase(attempt, host, t);
                        let start = attempt.start + host.offset;
                        let list = match phase {
                            HostPhase::NotPerformed => &mut output.not_performed,
                            HostPhase::Running(_) => {
                                last_update = last_update.max(start);
                                &mut output.in_execution
                            }
                            HostPhase::Terminated(_) => &mut output.fail,
                            HostPhase::Done => {
                                last_update = last_update.max(start + host.duration);
                                if host.success {
                                    &mut output.success
                                } else {
                                    &mut output.fail
                                }
                            }
                        };
                        if let Some(list) = list.as_mut() {
                            list.push(host_result(target, attempt, host, phase, begin));
                        }
                    }
                }
            }
            if let Some(at) = run.reached_at {
                last_update = last_update.max(at);
            }
            if let Some(at) = run.done_at {
                last_update = last_update.max(at);
            }
            let status = run.state.as_str();
            results.push(ExecutionResultList {
                node_id: Some(spec.id.clone()),
                begin_time: attempt.map(|a| a.start).or(run.reached_at).map(epoch),
                end_time: run.done_at.map(epoch),
                function_execution_id: attempt.map(|a| a.function_execution_id.clone()),
                output: serde_json::to_value(&output).ok(),
                status: Some(status.to_owned()),
            });
        }
        let end_time = self.end_time();
        if let Some(end) = end_time {
            last_update = last_update.max(end);
        }
        SearchWorkflowExecutionDetailResponse {
            workflow_id: Some(self.info.workflow_id.clone()),
            execution_id: Some(self.info.id.clone()),
            status: Some(self.status().to_owned()),
            begin_time: Some(begin),
            end_time: end_time.map(epoch),
            last_update_time: Some(epoch(last_update)),
            execution_result_list: Some(results),
            approve_user_name_list: Some(Vec::new()),
            project_id: Some(self.info.project_id.clone()),
            workflow_edit_time: Some(self.info.workflow_edit_time),
            last_record_id_with_snapshot: Some(self.record_id.clone()),
        }
    }

    /// The detail at simulated time `t` as JSON bytes; a finished execution's is rendered once.
    pub fn detail_json(&mut self, t: SimMs) -> Bytes {
        if self.finished_detail.is_some()
            && self.is_finished(t)
            && let Some(bytes) = &self.finished_detail
        {
            return bytes.clone();
        }
        let detail = self.detail(t);
        // Serializing the generated model cannot fail.
        let bytes = Bytes::from(serde_json::to_vec(&detail).unwrap_or_default());
        if self.is_finished(t) {
            self.finished_detail = Some(bytes.clone());
        }
        bytes
    }

    /// The execution as an element of ListWorkflowExecutions.
    pub fn brief(&mut self, t: SimMs) -> WorkflowExecutionBrief {
        let detail = self.detail(t);
        WorkflowExecutionBrief {
            workflow_id: detail.workflow_id,
            execution_id: detail.execution_id,
            status: detail.status,
            begin_time: detail.begin_time,
            end_time: detail.end_time,
            last_update_time: detail.last_update_time,
            created_by: Some(self.info.created_by.clone()),
            approve_user_name_list: detail.approve_user_name_list,
            execution_result_list: detail.execution_result_list,
            project_id: detail.project_id,
            workflow_edit_time: detail.workflow_edit_time,
            last_record_id_with_snapshot: detail.last_record_id_with_snapshot,
        }
    }
}

fn action_name(action: NodeAction) -> &'static str {
    match action {
        NodeAction::Restart => "restart",
        NodeAction::Skip => "skip",
        NodeAction::Continue => "continue",
    }
}
