//! The shared state of a running emulator.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::config::Config;
use crate::faults::Faults;
use crate::fixtures::Catalog;
use crate::gateway::Gateway;
use crate::rng::Rng;
use crate::store::Store;

/// Everything the handlers share.
#[derive(Debug)]
pub struct App {
    /// The settings (validated).
    pub config: Config,
    /// Sample data.
    pub catalog: Catalog,
    /// Workflows and executions.
    pub store: Store,
    /// Fault rules.
    pub faults: Faults,
    /// Authentication and lockouts.
    pub gateway: Gateway,
    requests: AtomicU64,
    nonce: u64,
}

impl App {
    /// A fresh state.
    pub fn new(config: Config, catalog: Catalog) -> Self {
        let nonce = epoch_ms().unsigned_abs() ^ config.seed.rotate_left(17);
        Self {
            store: Store::new(
                config.max_executions,
                config.max_workflows,
                config.time_scale,
            ),
            faults: Faults::new(config.seed),
            gateway: Gateway::new(&config),
            catalog,
            config,
            requests: AtomicU64::new(0),
            nonce,
        }
    }

    /// A new request id (32 hex characters, like the gateway's).
    pub fn next_request_id(&self) -> String {
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        Rng::from_parts(&[self.nonce, n]).hex(32)
    }

    /// Requests received so far.
    pub fn request_count(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }
}

/// The current time in epoch milliseconds.
pub fn epoch_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
