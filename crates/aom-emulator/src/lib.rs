//! A local Huawei Cloud AOM automation server: the 13 workflow operations (plus the historical
//! CreateFastExecuteScript) behind the API gateway's signature checks, with a simulated
//! execution engine and fault injection.
//!
//! Point any SDK at it, official ones included: it checks AK/SK signatures (every algorithm
//! `aom-auth` supports) exactly as the gateway does, runs executions over a fake ECS inventory
//! with reproducible per-host results, and fails on purpose when asked to.
//!
//! # In a test
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use aom_emulator::Emulator;
//!
//! let emulator = Emulator::builder().seed(7).time_scale(600.0).start().await?;
//! let project = emulator.project_client(); // an aom_api::ProjectClient that signs with the demo AK/SK
//! let jobs = project
//!     .list_all_job_by_name()
//!     .body(aom_api::types::SearchJobsRequestBody {
//!         name: None,
//!         enterprise_project_id: None,
//!         order_by_column: aom_api::types::SortColumn::Name,
//!         sort_order: aom_api::types::SortOrder::Asc,
//!         page_num: None,
//!         page_size: None,
//!     })
//!     .send()
//!     .await?;
//! assert!(!jobs.elements.clone().unwrap_or_default().is_empty());
//! emulator.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! # From the command line
//!
//! `cargo run -p aom-emulator -- --listen 127.0.0.1:8080` prints the URL, project id, AK/SK and
//! admin URL; `--help` documents every flag.
//!
//! # Where to read on
//!
//! - [`gateway`]: authentication, lockout, request ids, the gateway's error answers.
//! - [`engine`]: how executions run, and the statuses the emulator chose where the
//!   documentation is silent; [`engine::plan`]: what `input` controls (targets, failures,
//!   nodes, pauses).
//! - [`faults`]: the fault rules and their SPEC syntax; [`admin`]: the `/__emulator` endpoint.
//! - [`error`]: every error code and body; [`fixtures`]: the sample data and its file format.

pub mod admin;
mod api;
mod app;
pub mod cli;
pub mod config;
mod conn;
pub mod engine;
pub mod error;
pub mod faults;
pub mod fixtures;
pub mod gateway;
mod rng;
mod store;
mod validation;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use aom_api::types::HostResult;
use aom_auth::PermanentCredentials;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use crate::admin::AdminState;
pub use crate::api::{OPERATIONS, Operation};
pub use crate::config::Config;
use crate::conn::{ConnHandle, KillableListener};
pub use crate::error::EmulatorError;
pub use crate::faults::FaultSpec;
pub use crate::fixtures::Fixtures;

use crate::app::App;
use crate::fixtures::Catalog;

/// Entry point: [`Emulator::builder`].
#[derive(Debug)]
pub struct Emulator;

impl Emulator {
    /// A builder with the defaults: listen on `127.0.0.1:0`, seed 0, time scale 1, the demo
    /// project and AK/SK, built-in fixtures, no faults.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder {
            config: Config::default(),
        }
    }
}

/// Configures and starts an emulator.
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    config: Config,
}

impl EmulatorBuilder {
    /// A builder from a complete configuration.
    pub fn from_config(config: Config) -> Self {
        Self { config }
    }

    /// Where to listen (port 0 picks a free port).
    #[must_use]
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.config.listen = addr;
        self
    }

    /// Seed of every simulated outcome, id and fault rate.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.config.seed = seed;
        self
    }

    /// Simulated seconds per real second (600: a ten-minute execution takes one second).
    #[must_use]
    pub fn time_scale(mut self, scale: f64) -> Self {
        self.config.time_scale = scale;
        self
    }

    /// The project served (32 characters).
    #[must_use]
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.config.project_id = project_id.into();
        self
    }

    /// Accepts an AK/SK pair (the demo pair is accepted only when none is configured).
    #[must_use]
    pub fn credential(mut self, ak: impl Into<String>, sk: impl Into<String>) -> Self {
        self.config.credentials.push((ak.into(), sk.into()));
        self
    }

    /// Makes `ak` a temporary AK that must send `X-Security-Token: token`.
    #[must_use]
    pub fn security_token(mut self, ak: impl Into<String>, token: impl Into<String>) -> Self {
        self.config.security_tokens.push((ak.into(), token.into()));
        self
    }

    /// Accepts an IAM token in `X-Auth-Token`.
    #[must_use]
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.config.tokens.push(token.into());
        self
    }

    /// Replaces (some of) the built-in sample data.
    #[must_use]
    pub fn fixtures(mut self, fixtures: Fixtures) -> Self {
        self.config.fixtures = fixtures;
        self
    }

    /// Adds a fault rule active from the start.
    #[must_use]
    pub fn fault(mut self, fault: FaultSpec) -> Self {
        self.config.faults.push(fault);
        self
    }

    /// Consecutive signature failures that lock an AK (0: never).
    #[must_use]
    pub fn lockout_threshold(mut self, n: u32) -> Self {
        self.config.lockout_threshold = n;
        self
    }

    /// How long a locked AK stays locked.
    #[must_use]
    pub fn lockout_duration(mut self, duration: Duration) -> Self {
        self.config.lockout_duration = duration;
        self
    }

    /// Most executions kept (the oldest finished ones are evicted beyond it).
    #[must_use]
    pub fn max_executions(mut self, n: usize) -> Self {
        self.config.max_executions = n;
        self
    }

    /// Largest request body accepted.
    #[must_use]
    pub fn max_body_bytes(mut self, n: usize) -> Self {
        self.config.max_body_bytes = n;
        self
    }

    /// Default probability that a host fails a node attempt.
    #[must_use]
    pub fn failure_rate(mut self, rate: f64) -> Self {
        self.config.failure_rate = rate;
        self
    }

    /// The configuration so far.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Binds, starts serving in the background and returns the handle.
    ///
    /// # Errors
    /// An invalid setting, bad fixtures or fault rules, or an address that cannot be bound.
    pub async fn start(self) -> Result<EmulatorHandle, EmulatorError> {
        let config = self.config;
        config.validate().map_err(EmulatorError::Config)?;
        let project = aom_api::types::ProjectId::try_from(config.project_id.as_str())
            .map_err(|e| EmulatorError::Config(format!("project id: {e}")))?;
        let catalog = Catalog::new(config.fixtures.clone(), &config.project_id)?;
        let faults = config.faults.clone();
        let listen = config.listen;
        let app = Arc::new(App::new(config, catalog));
        for fault in faults {
            app.faults.add(fault)?;
        }
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|source| EmulatorError::Bind {
                addr: listen.to_string(),
                source,
            })?;
        let addr = listener.local_addr()?;
        let router = router(Arc::clone(&app));
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let service = router.into_make_service_with_connect_info::<ConnHandle>();
            let result = axum::serve(KillableListener::new(listener), service)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
            if let Err(e) = result {
                tracing::error!("the emulator's server failed: {e}");
            }
        });
        Ok(EmulatorHandle {
            addr,
            project,
            app,
            stop: Some(stop),
            server: Some(server),
        })
    }
}

fn router(app: Arc<App>) -> Router {
    let api = api::routes()
        .route_layer(axum::middleware::from_fn_with_state(
            Arc::clone(&app),
            gateway::gateway,
        ))
        .method_not_allowed_fallback(gateway::not_found);
    Router::new()
        .merge(api)
        .merge(admin::routes())
        .fallback(gateway::not_found)
        .layer(DefaultBodyLimit::disable())
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&app),
            gateway::request_id,
        ))
        .with_state(app)
}

/// A running emulator. Dropping it stops the server (without waiting); prefer
/// [`shutdown`](Self::shutdown).
#[derive(Debug)]
pub struct EmulatorHandle {
    addr: SocketAddr,
    project: aom_api::types::ProjectId,
    app: Arc<App>,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

impl EmulatorHandle {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its base URL, e.g. `http://127.0.0.1:8080`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The admin endpoint's URL (`<url>/__emulator`).
    pub fn admin_url(&self) -> String {
        format!("{}{}", self.url(), admin::PREFIX)
    }

    /// The project it serves.
    pub fn project_id(&self) -> &str {
        &self.app.config.project_id
    }

    /// The first accepted AK.
    pub fn ak(&self) -> String {
        self.app
            .config
            .effective_credentials()
            .first()
            .map(|(ak, _)| ak.clone())
            .unwrap_or_default()
    }

    /// The SK of [`ak`](Self::ak).
    pub fn sk(&self) -> String {
        self.app
            .config
            .effective_credentials()
            .first()
            .map(|(_, sk)| sk.clone())
            .unwrap_or_default()
    }

    /// The first accepted AK/SK, bound to the project.
    pub fn credentials(&self) -> PermanentCredentials {
        PermanentCredentials::new(self.ak(), self.sk()).with_project_id(self.project_id())
    }

    /// An `aom_api` client for this emulator that signs with [`credentials`](Self::credentials).
    pub fn project_client(&self) -> aom_api::ProjectClient {
        self.project_client_with(aom_api::ClientConfig::with_credentials(self.credentials()))
    }

    /// An `aom_api` client for this emulator with another configuration (other credentials,
    /// another signing algorithm, no signing at all).
    pub fn project_client_with(&self, config: aom_api::ClientConfig) -> aom_api::ProjectClient {
        let client = aom_api::Client::new_with_client(&self.url(), reqwest::Client::new(), config);
        aom_api::ProjectClient::new(client, self.project.clone())
    }

    /// The admin state (what `GET /__emulator/state` answers).
    pub fn state(&self) -> AdminState {
        AdminState::of(&self.app)
    }

    /// Adds a fault rule; returns its id.
    ///
    /// # Errors
    /// [`EmulatorError::Fault`] for an invalid rule.
    pub fn add_fault(&self, fault: FaultSpec) -> Result<u64, EmulatorError> {
        self.app.faults.add(fault)
    }

    /// Parses and adds a fault rule in the `--fault` SPEC syntax; returns its id.
    ///
    /// # Errors
    /// [`EmulatorError::Fault`] for an invalid rule.
    pub fn add_fault_spec(&self, spec: &str) -> Result<u64, EmulatorError> {
        self.add_fault(spec.parse()?)
    }

    /// Removes every fault rule; returns how many there were.
    pub fn clear_faults(&self) -> usize {
        self.app.faults.clear()
    }

    /// The ECS inventory.
    pub fn hosts(&self) -> &[HostResult] {
        self.app.catalog.inventory.hosts()
    }

    /// Writes `{"url", "project_id", "ak", "sk", "admin_url"}` to `path` atomically (a temporary
    /// file renamed into place).
    ///
    /// # Errors
    /// The file cannot be written.
    pub fn write_ready_file(&self, path: &Path) -> Result<(), EmulatorError> {
        let body = serde_json::json!({
            "url": self.url(),
            "project_id": self.project_id(),
            "ak": self.ak(),
            "sk": self.sk(),
            "admin_url": self.admin_url(),
        });
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(format!(".tmp{}", std::process::id()));
        let tmp = std::path::PathBuf::from(tmp);
        std::fs::write(&tmp, format!("{body}\n"))?;
        std::fs::rename(&tmp, path)?;
        Ok(())
    }

    /// Stops accepting connections, lets in-flight requests finish (at most 5 seconds) and
    /// waits for the server to stop.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let abort = server.abort_handle();
            if tokio::time::timeout(Duration::from_secs(5), server)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

impl Drop for EmulatorHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
