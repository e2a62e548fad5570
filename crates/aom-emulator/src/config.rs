//! The emulator's settings and their defaults.

use std::net::SocketAddr;
use std::time::Duration;

use crate::faults::FaultSpec;
use crate::fixtures::Fixtures;

/// The project id served when none is configured.
pub const DEMO_PROJECT_ID: &str = "0123456789abcdef0123456789abcdef";
/// The access key accepted when no credential is configured.
pub const DEMO_AK: &str = "AOMEMULATORDEMOAK001";
/// The secret key of [`DEMO_AK`].
pub const DEMO_SK: &str = "aom-emulator-demo-secret-key-0123456789ab";
/// The default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// The default number of consecutive signature failures that lock an AK.
pub const DEFAULT_LOCKOUT_THRESHOLD: u32 = 5;
/// How long a locked AK stays locked by default (the gateway's 5 minutes).
pub const DEFAULT_LOCKOUT_DURATION: Duration = Duration::from_secs(5 * 60);
/// The default cap on stored executions.
pub const DEFAULT_MAX_EXECUTIONS: usize = 10_000;
/// The default cap on workflows.
pub const DEFAULT_MAX_WORKFLOWS: usize = 10_000;
/// The default request body limit.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;
/// The user name reported as creator of workflows and executions.
pub const DEFAULT_USER_NAME: &str = "emulator_user";

/// Every setting of an emulator. Build it with [`crate::Emulator::builder`].
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen (port 0: any free port).
    pub listen: SocketAddr,
    /// Seed of every simulated outcome and id.
    pub seed: u64,
    /// Simulated seconds per real second.
    pub time_scale: f64,
    /// The one project served (32 characters).
    pub project_id: String,
    /// Accepted AK/SK pairs, in order (the first is the one the handle reports).
    pub credentials: Vec<(String, String)>,
    /// Security tokens required from temporary AKs (`X-Security-Token`).
    pub security_tokens: Vec<(String, String)>,
    /// Accepted IAM tokens (`X-Auth-Token`).
    pub tokens: Vec<String>,
    /// Sample data (built-ins where `None`).
    pub fixtures: Fixtures,
    /// Fault rules active from the start.
    pub faults: Vec<FaultSpec>,
    /// Consecutive signature failures that lock an AK (0: never).
    pub lockout_threshold: u32,
    /// How long an AK stays locked.
    pub lockout_duration: Duration,
    /// Most executions kept; the oldest finished ones are evicted beyond it.
    pub max_executions: usize,
    /// Most workflows that can be created.
    pub max_workflows: usize,
    /// Largest request body accepted.
    pub max_body_bytes: usize,
    /// Default probability that a host fails a node attempt.
    pub failure_rate: f64,
    /// Reported creator of workflows and executions.
    pub user_name: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            seed: 0,
            time_scale: 1.0,
            project_id: DEMO_PROJECT_ID.to_owned(),
            credentials: Vec::new(),
            security_tokens: Vec::new(),
            tokens: Vec::new(),
            fixtures: Fixtures::default(),
            faults: Vec::new(),
            lockout_threshold: DEFAULT_LOCKOUT_THRESHOLD,
            lockout_duration: DEFAULT_LOCKOUT_DURATION,
            max_executions: DEFAULT_MAX_EXECUTIONS,
            max_workflows: DEFAULT_MAX_WORKFLOWS,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            failure_rate: 0.0,
            user_name: DEFAULT_USER_NAME.to_owned(),
        }
    }
}

impl Config {
    /// The AK/SK pairs in force: the configured ones, or the demo pair.
    pub fn effective_credentials(&self) -> Vec<(String, String)> {
        if self.credentials.is_empty() {
            vec![(DEMO_AK.to_owned(), DEMO_SK.to_owned())]
        } else {
            self.credentials.clone()
        }
    }

    /// Checks every value.
    ///
    /// # Errors
    /// A message naming the bad setting.
    pub fn validate(&self) -> Result<(), String> {
        if self.project_id.chars().count() != 32 {
            return Err(format!(
                "the project id must be 32 characters (got {:?})",
                self.project_id
            ));
        }
        if !(self.time_scale.is_finite() && self.time_scale > 0.0) {
            return Err(format!(
                "the time scale must be > 0 (got {})",
                self.time_scale
            ));
        }
        if !(0.0..=1.0).contains(&self.failure_rate) {
            return Err(format!(
                "the failure rate must be between 0 and 1 (got {})",
                self.failure_rate
            ));
        }
        if self.max_executions == 0 {
            return Err("the execution cap must be at least 1".into());
        }
        let credentials = self.effective_credentials();
        for (ak, sk) in &credentials {
            if ak.is_empty() || sk.is_empty() || ak.contains(['/', ',', ' ', '=']) {
                return Err(format!("invalid credential for AK {ak:?}"));
            }
        }
        for (ak, token) in &self.security_tokens {
            if token.is_empty() {
                return Err(format!("empty security token for AK {ak:?}"));
            }
            if !credentials.iter().any(|(a, _)| a == ak) {
                return Err(format!(
                    "security token for AK {ak:?}, which is not a configured credential"
                ));
            }
        }
        if self.tokens.iter().any(String::is_empty) {
            return Err("empty IAM token".into());
        }
        Ok(())
    }
}

/// Splits `AK:SK` (or `AK:TOKEN`) at the first colon.
///
/// # Errors
/// A message when there is no colon or a side is empty.
pub fn split_pair(text: &str, what: &str) -> Result<(String, String), String> {
    match text.split_once(':') {
        Some((a, b)) if !a.is_empty() && !b.is_empty() => Ok((a.to_owned(), b.to_owned())),
        _ => Err(format!("expected {what}, got {text:?}")),
    }
}
