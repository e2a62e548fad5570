//! The emulator's command line, shared by the `aom-emulator` binary and `aom emulator`: the
//! flags ([`Args`]) and what running them does ([`run`]).

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use crate::config::{
    DEFAULT_LISTEN, DEFAULT_LOCKOUT_THRESHOLD, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_EXECUTIONS,
    DEMO_PROJECT_ID, split_pair,
};
use clap::Parser;

use crate::{Emulator, EmulatorBuilder, FaultSpec, Fixtures};

/// The text after `--help`: the fault SPEC syntax, the admin endpoint and the simulation knobs.
pub const AFTER_HELP: &str = r#"FAULT SPEC (--fault, repeatable; also POST /__emulator/faults):
  Comma-separated key=value; a first item without '=' is the kind.
    kind    latency:MS | status:CODE (400-599) | throttle[:SECS] (429 + Retry-After)
            | reset (TCP reset, no answer) | truncate (half the body, then cut)
            | malformed (200, broken body) | slow[:MS] (body in 8 chunks, MS apart)
    route   an operation id (execute_workflow, search_workflow_execution_detail, ...),
            a path pattern starting with '/' ('*' within a segment, '**' across), or '*'
    method  GET | POST | PUT ...               (default: any)
    rate    probability in (0,1], seeded       (default: every matching request)
    next    only the next N hits               (default: unlimited)
    when    before (handler does not run) | after (handler runs, answer lost)
                                               (default: before; body kinds act after)
  Examples:
    --fault kind=status:503,route=execute_workflow,next=2
    --fault latency:200,rate=0.25
    --fault reset,route=search_workflow_execution_detail,when=after,next=1

ADMIN ENDPOINT (no signature; faults never apply):
  GET    /__emulator/state      {"project_id","requests","workflows",
                                 "executions_per_workflow":{"<workflow id>":N},
                                 "executions_total","executions_stored","executions_evicted",
                                 "faults_injected_total","faults_injected":[{"rule_id","kind",
                                 "when","operation","method","path","request_id"}],
                                 "fault_rules":[{"id","spec","rule","matched","injected",
                                 "remaining","active"}],"active_fault_rules",
                                 "locked_access_keys":[...]}
  GET    /__emulator/hosts      the ECS inventory
  GET    /__emulator/faults     {"fault_rules":[...]}
  POST   /__emulator/faults     {"kind":"status:503","route":"execute_workflow","next":2,
                                 "when":"before"} | "SPEC" | {"spec":"SPEC"} | [ ... ]
                                 -> {"added":[ids],"fault_rules":[...]}
  DELETE /__emulator/faults     -> {"cleared":N}
  DELETE /__emulator/faults/ID  -> {"removed":ID}

SIMULATION (the workflow's input, see the crate docs for details):
  input.get_instances.ecs_id_list   "[\"host-id\",...]" (unknown ids fail; none: 3 defaults)
  input.rate_control                {"max":"2","timeDelay":"10"} batches
  input.emulator                    {"fail_hosts":[ids],"fail_attempts":1,"failure_rate":0.1,
                                     "host_seconds":[20,90],"on_failure":"fail"|"pause",
                                     "nodes":["a",{"id":"gate","pause":true},...]}

On start it prints the URL, project id, AK, SK and admin URL, one per line; it exits 0 on
SIGINT or SIGTERM after a graceful shutdown."#;

/// A local Huawei Cloud AOM automation server: the workflow API behind the API gateway's
/// signature checks, a simulated execution engine and fault injection.
#[derive(Debug, Parser)]
#[command(name = "aom-emulator", version, after_long_help = AFTER_HELP)]
pub struct Args {
    /// Address to listen on (port 0: any free port).
    #[arg(long, value_name = "ADDR", default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,

    /// Seed of every simulated outcome, id and fault rate.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed: u64,

    /// Simulated seconds per real second (600: a ten-minute execution takes one second).
    #[arg(long, value_name = "F", default_value_t = 1.0)]
    pub time_scale: f64,

    /// The project served (32 characters).
    #[arg(long, value_name = "ID", default_value = DEMO_PROJECT_ID)]
    pub project_id: String,

    /// An accepted AK/SK pair, repeatable (default: one demo pair, printed at start).
    #[arg(long, value_name = "AK:SK")]
    pub credential: Vec<String>,

    /// Makes AK temporary: its requests must carry X-Security-Token: TOKEN. Repeatable.
    #[arg(long, value_name = "AK:TOKEN")]
    pub security_token: Vec<String>,

    /// An accepted IAM token (X-Auth-Token), repeatable.
    #[arg(long, value_name = "TOKEN")]
    pub token: Vec<String>,

    /// JSON file replacing built-in jobs/scripts/versions/templates/hosts (see --dump-fixtures).
    #[arg(long, value_name = "PATH")]
    pub fixtures: Option<PathBuf>,

    /// A fault rule active from the start, repeatable (syntax below).
    #[arg(long, value_name = "SPEC")]
    pub fault: Vec<String>,

    /// Consecutive signature failures that lock an AK (0: never).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_LOCKOUT_THRESHOLD)]
    pub lockout_threshold: u32,

    /// How long a locked AK stays locked, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    pub lockout_seconds: u64,

    /// Most executions kept; the oldest finished ones are evicted beyond it.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_EXECUTIONS)]
    pub max_executions: usize,

    /// Largest request body accepted (413 beyond).
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES)]
    pub max_body_bytes: usize,

    /// Default probability that a host fails a node attempt.
    #[arg(long, value_name = "F", default_value_t = 0.0)]
    pub failure_rate: f64,

    /// Once listening, write {"url","project_id","ak","sk","admin_url"} to PATH (atomically).
    #[arg(long, value_name = "PATH")]
    pub ready_file: Option<PathBuf>,

    /// Print the built-in fixtures as JSON and exit.
    #[arg(long)]
    pub dump_fixtures: bool,
}

/// The emulator builder the flags describe.
///
/// # Errors
/// A message naming the bad flag value (a malformed pair, fixtures that do not load, a bad
/// fault rule).
pub fn build(args: &Args) -> Result<EmulatorBuilder, String> {
    let mut builder = Emulator::builder()
        .listen(args.listen)
        .seed(args.seed)
        .time_scale(args.time_scale)
        .project_id(args.project_id.clone())
        .lockout_threshold(args.lockout_threshold)
        .lockout_duration(Duration::from_secs(args.lockout_seconds))
        .max_executions(args.max_executions)
        .max_body_bytes(args.max_body_bytes)
        .failure_rate(args.failure_rate);
    for pair in &args.credential {
        let (ak, sk) = split_pair(pair, "--credential AK:SK")?;
        builder = builder.credential(ak, sk);
    }
    for pair in &args.security_token {
        let (ak, token) = split_pair(pair, "--security-token AK:TOKEN")?;
        builder = builder.security_token(ak, token);
    }
    for token in &args.token {
        builder = builder.token(token.clone());
    }
    if let Some(path) = &args.fixtures {
        builder = builder.fixtures(Fixtures::load(path).map_err(|e| e.to_string())?);
    }
    for spec in &args.fault {
        builder = builder.fault(spec.parse::<FaultSpec>().map_err(|e| e.to_string())?);
    }
    Ok(builder)
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Runs the emulator in the foreground as the `aom-emulator` binary does: prints the URL,
/// project id, AK, SK and admin URL, one per line, then serves until SIGINT or SIGTERM.
/// `--dump-fixtures` prints the built-in fixtures instead. Exit codes: 0 after a graceful
/// shutdown, 1 when it cannot start, 2 for a bad flag value.
pub async fn run(args: Args) -> ExitCode {
    if args.dump_fixtures {
        return match serde_json::to_string_pretty(&Fixtures::builtin()) {
            Ok(text) => {
                println!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("aom-emulator: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let emulator = match build(&args) {
        Ok(builder) => builder.start().await,
        Err(message) => {
            eprintln!("aom-emulator: {message}");
            return ExitCode::from(2);
        }
    };
    let emulator = match emulator {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("aom-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "aom-emulator listening on {}", emulator.url());
    let _ = writeln!(out, "project_id: {}", emulator.project_id());
    let _ = writeln!(out, "ak: {}", emulator.ak());
    let _ = writeln!(out, "sk: {}", emulator.sk());
    let _ = writeln!(out, "admin: {}", emulator.admin_url());
    let _ = out.flush();
    drop(out);
    if let Some(path) = &args.ready_file
        && let Err(e) = emulator.write_ready_file(path)
    {
        eprintln!("aom-emulator: cannot write {}: {e}", path.display());
        emulator.shutdown().await;
        return ExitCode::FAILURE;
    }
    shutdown_signal().await;
    emulator.shutdown().await;
    ExitCode::SUCCESS
}
