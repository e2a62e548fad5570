//! Workflows and executions, safe under concurrent clients.
//!
//! One mutex guards the maps and the per-workflow counters (so concurrent executes never lose
//! an update or reuse a number); each execution has its own mutex, taken after the store's (never
//! the other way round), so polling one execution does not block the others for long.
//!
//! Memory is bounded: at most `max_executions` executions are kept. Beyond it the oldest
//! finished executions are evicted first; when none has finished, the oldest one is. Evicted
//! executions answer 404 but still count in [`Store::execution_counts`]. Workflows are capped
//! at `max_workflows` (further creates answer 400).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use aom_api::types::Workflow;

use crate::engine::timeline::SimMs;
use crate::engine::{Execution, ExecutionInfo, Target, WorkflowPlan};
use crate::error::ApiError;

/// An execution and its clock.
#[derive(Debug)]
pub struct StoredExecution {
    started: Instant,
    time_scale: f64,
    execution: Mutex<Execution>,
}

impl StoredExecution {
    /// Simulated milliseconds since the execution began.
    pub fn now(&self) -> SimMs {
        let ms = self.started.elapsed().as_secs_f64() * self.time_scale * 1000.0;
        if ms.is_finite() && ms >= 0.0 {
            // `as` saturates at u64::MAX.
            ms as SimMs
        } else {
            SimMs::MAX
        }
    }

    /// Locks the execution (a poisoned lock is recovered: the state is always consistent
    /// between operations).
    pub fn lock(&self) -> MutexGuard<'_, Execution> {
        self.execution
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A workflow and what the store knows about its runs.
#[derive(Debug, Clone)]
pub struct WorkflowRecord {
    /// The workflow as CreateWorkflow answered it.
    pub model: Workflow,
    /// What it runs.
    pub plan: Arc<WorkflowPlan>,
    /// The status of its last execution when that was evicted.
    pub evicted_last_status: Option<String>,
}

#[derive(Debug, Default)]
struct Inner {
    workflows: HashMap<String, WorkflowRecord>,
    workflow_names: HashMap<String, String>,
    executions: HashMap<String, Arc<StoredExecution>>,
    /// Execution ids, oldest first.
    order: VecDeque<String>,
    /// Execution ids per workflow id, oldest first.
    by_workflow: HashMap<String, VecDeque<String>>,
    /// Executions ever started per workflow id.
    counts: BTreeMap<String, u64>,
    evicted: u64,
}

/// The store.
#[derive(Debug)]
pub struct Store {
    inner: Mutex<Inner>,
    max_executions: usize,
    max_workflows: usize,
    time_scale: f64,
}

/// What [`Store::execute`] needs to start an execution.
pub struct NewExecution<'a> {
    /// The workflow id (need not be a stored workflow for CreateFastExecuteScript).
    pub workflow_id: &'a str,
    /// What runs.
    pub plan: Arc<WorkflowPlan>,
    /// Resolved targets.
    pub targets: Vec<Target>,
    /// Makes the execution id from the execution number.
    pub make_info: &'a dyn Fn(u64) -> ExecutionInfo,
}

impl Store {
    /// An empty store.
    pub fn new(max_executions: usize, max_workflows: usize, time_scale: f64) -> Self {
        Self {
            inner: Mutex::new(Inner::default()),
            max_executions: max_executions.max(1),
            max_workflows,
            time_scale,
        }
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Adds a workflow.
    ///
    /// # Errors
    /// 400 when the name is taken or the workflow cap is reached.
    pub fn create_workflow(&self, record: WorkflowRecord) -> Result<Workflow, ApiError> {
        let mut inner = self.inner();
        let name = record.model.name.clone().unwrap_or_default();
        if inner.workflow_names.contains_key(&name) {
            return Err(ApiError::field(
                "name",
                format_args!("a workflow named {name:?} already exists"),
            ));
        }
        if inner.workflows.len() >= self.max_workflows {
            return Err(ApiError::param(format_args!(
                "the project already has the maximum of {} workflows",
                self.max_workflows
            )));
        }
        let id = record.model.id.clone().unwrap_or_default();
        let model = record.model.clone();
        inner.workflow_names.insert(name, id.clone());
        inner.workflows.insert(id, record);
        Ok(model)
    }

    /// A workflow by id.
    pub fn workflow(&self, id: &str) -> Option<WorkflowRecord> {
        self.inner().workflows.get(id).cloned()
    }

    /// Whether the workflow exists.
    pub fn has_workflow(&self, id: &str) -> bool {
        self.inner().workflows.contains_key(id)
    }

    /// Changes a workflow in place.
    pub fn update_workflow<R>(
        &self,
        id: &str,
        f: impl FnOnce(&mut WorkflowRecord) -> R,
    ) -> Option<R> {
        self.inner().workflows.get_mut(id).map(f)
    }

    /// Every workflow with its last execution (if still stored).
    pub fn workflows(&self) -> Vec<(WorkflowRecord, Option<Arc<StoredExecution>>)> {
        let inner = self.inner();
        inner
            .workflows
            .values()
            .map(|w| {
                let last = w
                    .model
                    .last_execution_id
                    .as_ref()
                    .and_then(|id| inner.executions.get(id))
                    .cloned();
                (w.clone(), last)
            })
            .collect()
    }

    /// Starts an execution; returns it.
    pub fn execute(&self, new: NewExecution<'_>) -> Arc<StoredExecution> {
        let mut inner = self.inner();
        let number = {
            let count = inner.counts.entry(new.workflow_id.to_owned()).or_insert(0);
            *count += 1;
            *count
        };
        let info = (new.make_info)(number);
        let id = info.id.clone();
        let begin = info.begin_epoch_ms;
        let created_by = info.created_by.clone();
        let stored = Arc::new(StoredExecution {
            started: Instant::now(),
            time_scale: self.time_scale,
            execution: Mutex::new(Execution::start(info, new.plan, new.targets)),
        });
        inner.executions.insert(id.clone(), Arc::clone(&stored));
        inner.order.push_back(id.clone());
        inner
            .by_workflow
            .entry(new.workflow_id.to_owned())
            .or_default()
            .push_back(id.clone());
        if let Some(w) = inner.workflows.get_mut(new.workflow_id) {
            w.model.last_execution_id = Some(id);
            w.model.last_execution_start_time = Some(begin);
            w.model.last_execute_by = Some(created_by);
            w.evicted_last_status = None;
        }
        while inner.executions.len() > self.max_executions {
            Self::evict_one(&mut inner);
        }
        stored
    }

    fn evict_one(inner: &mut Inner) {
        let finished = inner.order.iter().position(|id| {
            inner
                .executions
                .get(id)
                .is_some_and(|e| e.lock().is_finished(e.now()))
        });
        let Some(id) = finished
            .or((!inner.order.is_empty()).then_some(0))
            .and_then(|i| inner.order.remove(i))
        else {
            return;
        };
        let Some(stored) = inner.executions.remove(&id) else {
            return;
        };
        inner.evicted += 1;
        let (workflow_id, status) = {
            let mut execution = stored.lock();
            let now = stored.now();
            execution.advance(now);
            (
                execution.info().workflow_id.clone(),
                execution.status().to_owned(),
            )
        };
        if let Some(list) = inner.by_workflow.get_mut(&workflow_id) {
            list.retain(|e| *e != id);
        }
        if let Some(w) = inner.workflows.get_mut(&workflow_id)
            && w.model.last_execution_id.as_deref() == Some(id.as_str())
        {
            w.evicted_last_status = Some(status);
        }
    }

    /// The execution `execution_id` of `workflow_id`.
    pub fn execution(&self, workflow_id: &str, execution_id: &str) -> Option<Arc<StoredExecution>> {
        let inner = self.inner();
        let stored = inner.executions.get(execution_id)?;
        let belongs = inner
            .by_workflow
            .get(workflow_id)
            .is_some_and(|list| list.iter().any(|e| e == execution_id));
        belongs.then(|| Arc::clone(stored))
    }

    /// The stored executions of a workflow, newest first; `None` when the workflow is unknown.
    pub fn executions_of(&self, workflow_id: &str) -> Option<Vec<Arc<StoredExecution>>> {
        let inner = self.inner();
        let list = inner.by_workflow.get(workflow_id);
        if list.is_none() && !inner.workflows.contains_key(workflow_id) {
            return None;
        }
        Some(
            list.into_iter()
                .flatten()
                .rev()
                .filter_map(|id| inner.executions.get(id).cloned())
                .collect(),
        )
    }

    /// Executions ever started, per workflow id (evicted ones included).
    pub fn execution_counts(&self) -> BTreeMap<String, u64> {
        self.inner().counts.clone()
    }

    /// (workflows, stored executions, evicted executions).
    pub fn sizes(&self) -> (usize, usize, u64) {
        let inner = self.inner();
        (inner.workflows.len(), inner.executions.len(), inner.evicted)
    }
}
