//! Waiting for an execution to finish: polling with capped, jittered exponential backoff, a
//! deadline, progress reports, and a `Stream` of snapshots that yields only on change.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::Stream;

use crate::client::Client;
use crate::error::{Error, WaitFailure};
use crate::execution::{Execution, HostCounts};
use crate::status::{ExecutionStatus, NodeStatus};

/// How often to poll: starts fast, grows by `multiplier` after every poll that saw no change,
/// up to `max`, with "equal jitter" (each delay is between half and all of the nominal one).
/// A change resets the delay to `initial`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PollPolicy {
    /// The first delay (default 250 ms).
    pub initial: Duration,
    /// The largest delay (default 10 s).
    pub max: Duration,
    /// Growth per unchanged poll (default 2).
    pub multiplier: f64,
}

impl Default for PollPolicy {
    fn default() -> Self {
        Self {
            initial: Duration::from_millis(250),
            max: Duration::from_secs(10),
            multiplier: 2.0,
        }
    }
}

impl PollPolicy {
    fn jittered(&self, nominal: Duration) -> Duration {
        let half = nominal / 2;
        let extra = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        half + Duration::from_nanos(fastrand::u64(0..=extra))
    }

    fn grow(&self, d: Duration) -> Duration {
        d.mul_f64(self.multiplier.max(1.0)).min(self.max)
    }
}

/// When a wait is over. The default is [`Execution::is_finished`].
pub type Condition = Arc<dyn Fn(&Execution) -> bool + Send + Sync>;

type Progress<'a> = Box<dyn FnMut(&Execution) + Send + 'a>;

#[derive(Clone, Debug)]
enum Start {
    Existing {
        workflow_id: String,
        execution_id: String,
    },
    Execute {
        workflow_id: String,
    },
}

/// A wait for an execution, configured with the builder methods and then awaited (or turned
/// into a [`stream`](Self::stream)). Dropping it stops polling.
///
/// ```no_run
/// # async fn run(client: aom_workflow::Client) -> Result<(), aom_workflow::Error> {
/// use std::time::Duration;
/// let execution = client
///     .executions()
///     .wait("wf-1", "ex-1")
///     .deadline(Duration::from_secs(300))
///     .on_progress(|e| eprintln!("{}: {:?}", e.status, e.counts()))
///     .await?;
/// println!("finished: {}", execution.status);
/// # Ok(()) }
/// ```
#[must_use = "a wait does nothing until it is awaited or streamed"]
pub struct Wait<'a> {
    client: &'a Client,
    start: Start,
    deadline: Duration,
    poll: PollPolicy,
    condition: Condition,
    on_progress: Option<Progress<'a>>,
    max_poll_failures: u32,
}

impl std::fmt::Debug for Wait<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wait")
            .field("start", &self.start)
            .field("deadline", &self.deadline)
            .field("poll", &self.poll)
            .field("max_poll_failures", &self.max_poll_failures)
            .finish_non_exhaustive()
    }
}

/// The default deadline of a wait.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(30 * 60);

impl<'a> Wait<'a> {
    fn new(client: &'a Client, start: Start) -> Self {
        Self {
            client,
            start,
            deadline: DEFAULT_DEADLINE,
            poll: PollPolicy::default(),
            condition: Arc::new(Execution::is_finished),
            on_progress: None,
            max_poll_failures: 5,
        }
    }

    pub(crate) fn existing(client: &'a Client, workflow_id: &str, execution_id: &str) -> Self {
        Self::new(
            client,
            Start::Existing {
                workflow_id: workflow_id.to_string(),
                execution_id: execution_id.to_string(),
            },
        )
    }

    pub(crate) fn execute(client: &'a Client, workflow_id: &str) -> Self {
        Self::new(
            client,
            Start::Execute {
                workflow_id: workflow_id.to_string(),
            },
        )
    }

    /// Gives up after `deadline` (default 30 minutes).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// How often to poll.
    pub fn poll_policy(mut self, poll: PollPolicy) -> Self {
        self.poll = poll;
        self
    }

    /// Ends the wait when `condition` holds instead of when the execution finishes (for
    /// example when a node pauses: `|e| e.paused_node().is_some() || e.is_finished()`).
    pub fn until(mut self, condition: impl Fn(&Execution) -> bool + Send + Sync + 'static) -> Self {
        self.condition = Arc::new(condition);
        self
    }

    /// Called with every snapshot that differs from the previous one.
    pub fn on_progress(mut self, f: impl FnMut(&Execution) + Send + 'a) -> Self {
        self.on_progress = Some(Box::new(f));
        self
    }

    /// How many polls in a row may fail with a transient error (each after its own retries)
    /// before the wait gives up (default 5).
    pub fn max_consecutive_poll_failures(mut self, n: u32) -> Self {
        self.max_poll_failures = n;
        self
    }

    /// The snapshots, each one different from the one before; the last is the one that met the
    /// condition. A failure is yielded once and ends the stream.
    pub fn stream(self) -> impl Stream<Item = Result<Execution, Error>> + Send + 'a {
        futures_util::stream::unfold(self.poller(), |mut p| async move {
            if p.done {
                return None;
            }
            let item = p.step().await.map(Step::into_execution);
            Some((item, p))
        })
    }

    fn poller(self) -> Poller<'a> {
        Poller {
            client: self.client,
            start: self.start,
            ids: None,
            deadline: self.deadline,
            poll: self.poll,
            condition: self.condition,
            max_poll_failures: self.max_poll_failures,
            started: Instant::now(),
            delay: self.poll.initial,
            last: None,
            failures: 0,
            done: false,
        }
    }
}

impl<'a> IntoFuture for Wait<'a> {
    type Output = Result<Execution, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(mut self) -> Self::IntoFuture {
        let mut progress = self.on_progress.take();
        let mut poller = self.poller();
        Box::pin(async move {
            loop {
                let step = poller.step().await?;
                if let Some(f) = progress.as_mut() {
                    f(step.execution());
                }
                if let Step::Finished(execution) = step {
                    return Ok(execution);
                }
            }
        })
    }
}

/// What one round of polling produced.
enum Step {
    /// A snapshot that differs from the previous one.
    Changed(Execution),
    /// The snapshot that met the condition; the wait is over.
    Finished(Execution),
}

impl Step {
    fn execution(&self) -> &Execution {
        match self {
            Step::Changed(e) | Step::Finished(e) => e,
        }
    }

    fn into_execution(self) -> Execution {
        match self {
            Step::Changed(e) | Step::Finished(e) => e,
        }
    }
}

struct Poller<'a> {
    client: &'a Client,
    start: Start,
    ids: Option<(String, String)>,
    deadline: Duration,
    poll: PollPolicy,
    condition: Condition,
    max_poll_failures: u32,
    started: Instant,
    delay: Duration,
    last: Option<Execution>,
    failures: u32,
    done: bool,
}

/// What makes two snapshots "the same" for progress purposes.
#[derive(PartialEq)]
struct Fingerprint {
    status: ExecutionStatus,
    nodes: Vec<(String, NodeStatus, Option<HostCounts>)>,
    ended: bool,
}

fn fingerprint(e: &Execution) -> Fingerprint {
    Fingerprint {
        status: e.status.clone(),
        nodes: e
            .nodes
            .iter()
            .map(|n| {
                (
                    n.node_id.clone(),
                    n.status.clone(),
                    n.hosts.as_ref().map(|h| h.counts()),
                )
            })
            .collect(),
        ended: e.end_time.is_some(),
    }
}

impl Poller<'_> {
    /// Polls until the snapshot changes or meets the condition. Called again after an error
    /// or a finished step, it starts over from the last state; the stream stops before that.
    async fn step(&mut self) -> Result<Step, Error> {
        let (workflow_id, execution_id) = match &self.ids {
            Some(ids) => ids.clone(),
            None => {
                let ids = match &self.start {
                    Start::Existing {
                        workflow_id,
                        execution_id,
                    } => (workflow_id.clone(), execution_id.clone()),
                    Start::Execute { workflow_id } => {
                        let execution_id = self
                            .client
                            .workflows()
                            .execute(workflow_id)
                            .await
                            .inspect_err(|_| self.done = true)?;
                        (workflow_id.clone(), execution_id)
                    }
                };
                self.ids = Some(ids.clone());
                ids
            }
        };
        let mut first = self.last.is_none();
        loop {
            if !first {
                let remaining = self.deadline.saturating_sub(self.started.elapsed());
                if remaining.is_zero() {
                    return Err(self.fail(execution_id, WaitFailure::Deadline));
                }
                let pause = self.poll.jittered(self.delay).min(remaining);
                tokio::time::sleep(pause).await;
            }
            first = false;
            match self
                .client
                .executions()
                .get(&workflow_id, &execution_id)
                .await
            {
                Ok(execution) => {
                    self.failures = 0;
                    let changed = self
                        .last
                        .as_ref()
                        .is_none_or(|l| fingerprint(l) != fingerprint(&execution));
                    if (self.condition)(&execution) {
                        // Nothing polls after this, so `last` is not needed any more.
                        self.done = true;
                        return Ok(Step::Finished(execution));
                    }
                    if changed {
                        self.delay = self.poll.initial;
                        self.last = Some(execution.clone());
                        return Ok(Step::Changed(execution));
                    }
                    self.delay = self.poll.grow(self.delay);
                    self.last = Some(execution);
                }
                Err(e) if e.is_retryable() && self.failures < self.max_poll_failures => {
                    self.failures += 1;
                    tracing::debug!(error = %e, failures = self.failures, "poll failed; waiting goes on");
                    self.delay = self.poll.grow(self.delay);
                }
                Err(e) => {
                    return Err(self.fail(execution_id, WaitFailure::Poll(Box::new(e))));
                }
            }
        }
    }

    fn fail(&mut self, execution_id: String, reason: WaitFailure) -> Error {
        self.done = true;
        Error::Wait {
            execution_id,
            waited: self.started.elapsed(),
            last: self.last.take().map(Box::new),
            reason,
        }
    }
}
