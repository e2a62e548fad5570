//! The command line: global options, commands and their arguments, and the checks each
//! argument gets before anything is sent.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use aom_workflow::model;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// The exit-code contract, shown by `aom --help`.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  the execution ended failed (fail, cancel or approvalFailed), or --wait found it paused
     after a failed node (it waits for `aom execution restart|skip`)
  2  usage error: a bad argument or missing configuration (nothing was sent)
  3  API or authentication error (code, message and request id are printed)
  4  timeout (--timeout elapsed, or the execution did not finish in time)

Credentials come from the official SDK's sources, in order: HUAWEICLOUD_SDK_AK /
HUAWEICLOUD_SDK_SK (and HUAWEICLOUD_SDK_SECURITY_TOKEN, HUAWEICLOUD_SDK_PROJECT_ID), the
credentials file (~/.huaweicloud/credentials, or HUAWEICLOUD_SDK_CREDENTIALS_FILE), then the
ECS metadata service. `--profile` reads only the named section of the credentials file.

Try it without a cloud account: `aom demo`.";

/// `aom`: Huawei Cloud AOM automation workflows from the terminal.
///
/// Run workflows, watch executions host by host, act on failed nodes, and browse jobs,
/// scripts and templates.
#[derive(Debug, Parser)]
#[command(name = "aom", version, after_help = EXIT_CODES, max_term_width = 100)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// The region.
    #[arg(
        long,
        global = true,
        value_name = "REGION",
        value_parser = region,
        help = "Region, e.g. cn-north-4 (endpoint https://aom.REGION.myhuaweicloud.com, or HUAWEICLOUD_SDK_REGION_AOM_<REGION> when set)"
    )]
    pub region: Option<String>,

    /// The endpoint.
    #[arg(
        long,
        global = true,
        value_name = "URL",
        help = "Endpoint URL, e.g. http://127.0.0.1:8080 for `aom emulator` (overrides --region)"
    )]
    pub endpoint: Option<String>,

    /// Project id (32 characters); default: the credentials' project id, then
    /// HUAWEICLOUD_SDK_PROJECT_ID.
    #[arg(long, global = true, value_name = "ID", value_parser = project_id)]
    pub project_id: Option<String>,

    /// Read credentials only from this section of the credentials file.
    #[arg(long, global = true, value_name = "SECTION", value_enum)]
    pub profile: Option<Profile>,

    /// Output format: a table for people, or JSON (the SDK's typed models) for scripts.
    #[arg(long, short = 'o', global = true, value_enum, default_value_t = Output::Table)]
    pub output: Output,

    /// Give up after this long: 30s, 5m, 1h (with --wait: the whole wait; exit code 4).
    #[arg(long, global = true, value_name = "DURATION", value_parser = duration)]
    pub timeout: Option<Duration>,

    /// Log the SDK's requests, retries and polls to stderr (secrets are never logged).
    #[arg(long, global = true)]
    pub debug: bool,

    /// No colors (also when NO_COLOR is set).
    #[arg(long, global = true)]
    pub no_color: bool,
}

impl Global {
    /// Whether colors may be used: no `--no-color` and no (non-empty) `NO_COLOR`.
    pub fn color(&self) -> bool {
        !self.no_color && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
    }
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// Aligned columns.
    Table,
    /// JSON: the `aom-workflow` models, one document (with --watch: one per line).
    Json,
}

/// Sections of the credentials file `aom-auth` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Profile {
    /// `[basic]`: project-scoped AK/SK (what AOM needs).
    Basic,
    /// `[global]`: domain-scoped AK/SK.
    Global,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Workflows: list, create, run, execution history, schedule trigger.
    #[command(subcommand)]
    Workflow(WorkflowCommand),
    /// Executions: status (and waiting), node actions, termination.
    #[command(subcommand)]
    Execution(ExecutionCommand),
    /// Jobs.
    #[command(subcommand)]
    Job(JobCommand),
    /// Scripts and their versions.
    #[command(subcommand)]
    Script(ScriptCommand),
    /// Templates (execution plans) of jobs.
    #[command(subcommand)]
    Template(TemplateCommand),
    /// Run a workflow over 24 simulated hosts on an in-process emulator: no account needed.
    ///
    /// Starts the emulator on 127.0.0.1, creates a workflow that runs a script over 24 simulated
    /// hosts (three of which are set up to fail), executes it, shows live progress, and prints
    /// the per-host results and a summary. It exits 0 although the execution ends `fail`: the
    /// failed hosts are part of the demo (`aom workflow run --wait` exits 1 for them).
    Demo(DemoArgs),
    /// Print a shell completion script to stdout.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Start the AOM emulator in the foreground (the `aom-emulator` flags; see `aom emulator --help`).
    #[command(disable_help_flag = true)]
    Emulator {
        /// The emulator's flags.
        #[arg(
            trailing_var_arg = true,
            allow_hyphen_values = true,
            value_name = "FLAGS"
        )]
        args: Vec<std::ffi::OsString>,
    },
}

/// `aom workflow ...`
#[derive(Debug, Subcommand)]
pub enum WorkflowCommand {
    /// List workflows, newest first.
    List {
        /// Only workflows whose name contains this.
        #[arg(long, value_name = "TEXT", value_parser = parsed::<model::WorkflowQueryParamSearch>)]
        search: Option<String>,
        /// At most this many.
        #[arg(long, value_name = "N", value_parser = at_least_one)]
        limit: Option<usize>,
    },
    /// Create a workflow that runs a task over hosts.
    Create(CreateArgs),
    /// Start an execution of a workflow (with --wait: wait for it, showing progress).
    Run {
        /// The workflow id.
        #[arg(value_parser = id::<model::WorkflowId>)]
        workflow_id: String,
        /// Wait for the execution to end (or pause for an action), then print per-host results;
        /// exit 1 if it failed.
        #[arg(long)]
        wait: bool,
    },
    /// The execution history of a workflow.
    Executions {
        /// The workflow id.
        #[arg(value_parser = id::<model::WorkflowId>)]
        workflow_id: String,
    },
    /// Enable or disable the schedule trigger of a cron workflow.
    #[command(subcommand)]
    Trigger(TriggerCommand),
}

/// `aom workflow trigger ...`
#[derive(Debug, Subcommand)]
pub enum TriggerCommand {
    /// Enable the schedule.
    Enable {
        /// The workflow id.
        #[arg(value_parser = id::<model::WorkflowId>)]
        workflow_id: String,
    },
    /// Disable the schedule.
    Disable {
        /// The workflow id.
        #[arg(value_parser = id::<model::WorkflowId>)]
        workflow_id: String,
    },
}

/// `aom workflow create`
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The workflow's name.
    #[arg(long, value_parser = parsed::<model::WorkflowRequestBodyName>, required_unless_present = "body")]
    pub name: Option<String>,
    /// Target host (ECS instance) ids, comma-separated.
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub hosts: Vec<String>,
    /// The template to run [default: CMS::ECS::BulkyRunScript].
    // No clap default: a default would hide the flag from `conflicts_with` --body.
    #[arg(long, value_name = "NAME", value_parser = parsed::<model::WorkflowRequestBodyTemplateName>)]
    pub template_name: Option<String>,
    /// Started by hand (manual) or on a schedule (cron; `aom workflow trigger` turns it on and
    /// off) [default: manual].
    #[arg(long = "type", value_name = "TYPE", value_enum)]
    pub kind: Option<Kind>,
    /// A description.
    #[arg(long, value_parser = parsed::<model::WorkflowRequestBodyDescription>)]
    pub description: Option<String>,
    /// Extra `input` fields, a JSON object merged over the one --hosts builds (groups that are
    /// objects on both sides are merged key by key).
    #[arg(long, value_name = "JSON", value_parser = json_object)]
    pub input: Option<serde_json::Map<String, serde_json::Value>>,
    /// The complete request body (CreateWorkflow's JSON) from a file, or - for stdin; the other
    /// flags are then not allowed.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["name", "hosts", "description", "input", "template_name", "kind"])]
    pub body: Option<PathBuf>,
}

/// A workflow's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// Started by hand.
    Manual,
    /// Started on a schedule.
    Cron,
}

/// `aom execution ...`
#[derive(Debug, Subcommand)]
pub enum ExecutionCommand {
    /// Show an execution: status, nodes and per-host results.
    Status {
        /// The execution.
        #[command(flatten)]
        ids: ExecutionIds,
        /// Wait for it to end (or pause for an action), with live progress; exit 1 if it failed.
        #[arg(long, conflicts_with = "watch")]
        wait: bool,
        /// Like --wait, but print every change as it happens (with -o json: one document per
        /// line) instead of a progress display.
        #[arg(long)]
        watch: bool,
    },
    /// Run a failed node again.
    Restart(NodeArgs),
    /// Skip a failed node and go on with the next one.
    Skip(NodeArgs),
    /// Pass a pause node.
    Continue(NodeArgs),
    /// Terminate a running execution.
    Terminate {
        /// The execution.
        #[command(flatten)]
        ids: ExecutionIds,
    },
}

/// A workflow id and an execution id.
#[derive(Debug, Args)]
pub struct ExecutionIds {
    /// The workflow id.
    #[arg(value_parser = id::<model::WorkflowId>)]
    pub workflow_id: String,
    /// The execution id.
    #[arg(value_parser = id::<model::ExecutionId>)]
    pub execution_id: String,
}

/// An execution and one of its nodes.
#[derive(Debug, Args)]
pub struct NodeArgs {
    /// The execution.
    #[command(flatten)]
    pub ids: ExecutionIds,
    /// The node id.
    #[arg(long, value_name = "NODE", value_parser = id::<model::NodeId>)]
    pub node: String,
}

/// `aom job ...`
#[derive(Debug, Subcommand)]
pub enum JobCommand {
    /// List jobs by name.
    List {
        /// Only jobs whose name contains this.
        #[arg(long, value_parser = parsed::<model::SearchJobsRequestBodyName>)]
        name: Option<String>,
        /// At most this many.
        #[arg(long, value_name = "N", value_parser = at_least_one)]
        limit: Option<usize>,
    },
}

/// `aom script ...`
#[derive(Debug, Subcommand)]
pub enum ScriptCommand {
    /// List scripts by name.
    List {
        /// Only scripts whose name contains this.
        #[arg(long, value_parser = parsed::<model::SearchScriptsRequestBodyName>)]
        name: Option<String>,
        /// At most this many.
        #[arg(long, value_name = "N", value_parser = at_least_one)]
        limit: Option<usize>,
    },
    /// List the versions of a script.
    Versions {
        /// The script id.
        #[arg(value_parser = parsed::<model::SearchScriptsRequestBodyScriptId>)]
        script_id: String,
        /// At most this many.
        #[arg(long, value_name = "N", value_parser = at_least_one)]
        limit: Option<usize>,
    },
}

/// `aom template ...`
#[derive(Debug, Subcommand)]
pub enum TemplateCommand {
    /// List the templates of a job.
    List {
        /// The job id.
        #[arg(long, value_name = "JOB", value_parser = id::<model::JobId>)]
        job: String,
        /// At most this many.
        #[arg(long, value_name = "N", value_parser = at_least_one)]
        limit: Option<usize>,
    },
    /// Show one template.
    Show {
        /// The template id.
        #[arg(value_parser = id::<model::TemplateId>)]
        template_id: String,
        /// Built-in templates are public, your own are private (default: public, then private).
        #[arg(long, value_enum)]
        share_type: Option<Share>,
    },
}

/// A template's share type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Share {
    /// Built-in templates.
    Public,
    /// Your own templates.
    Private,
}

impl Share {
    /// The API's value.
    pub fn api(self) -> model::ShareType {
        match self {
            Share::Public => model::ShareType::Public,
            Share::Private => model::ShareType::Private,
        }
    }
}

/// `aom demo`
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Seed of the simulation (the same seed gives the same results).
    #[arg(long, value_name = "N", default_value_t = 42)]
    pub seed: u64,
}

/// A region id (`cn-north-4`); an availability zone is named as such.
fn region(value: &str) -> Result<String, String> {
    aom_workflow::Region::new(value)
        .map(|r| r.id().to_string())
        .map_err(|e| rule_of(&e))
}

/// A count of at least 1 (`--limit`).
fn at_least_one(value: &str) -> Result<usize, String> {
    match value.parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!(
            "must be a whole number of at least 1, got {value:?}"
        )),
    }
}

/// A project id: exactly 32 letters and digits (Huawei's project ids are hexadecimal).
fn project_id(value: &str) -> Result<String, String> {
    let n = value.chars().count();
    if n != 32 {
        return Err(format!("must be exactly 32 characters, got {n}"));
    }
    if let Some(c) = value.chars().find(|c| !c.is_ascii_alphanumeric()) {
        return Err(format!("must be letters and digits only, found {c:?}"));
    }
    parsed::<model::ProjectId>(value)
}

/// An id of 1-64 characters that the API's type for it accepts.
pub fn id<T>(value: &str) -> Result<String, String>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    let n = value.chars().count();
    if n == 0 || n > 64 {
        return Err(format!("must be 1-64 characters, got {n}"));
    }
    parsed::<T>(value)
}

/// A value that the API's type for it accepts (its documented length and pattern).
fn parsed<T>(value: &str) -> Result<String, String>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    value
        .parse::<T>()
        .map(|_| value.to_string())
        .map_err(|e| e.to_string())
}

fn json_object(value: &str) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    match serde_json::from_str(value) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(_) => Err("must be a JSON object, e.g. '{\"rate_control\":{\"max\":\"5\"}}'".into()),
        Err(e) => Err(format!("is not JSON: {e}")),
    }
}

/// A duration: `90` (seconds), `500ms`, `30s`, `5m`, `1h`; more than zero.
pub fn duration(value: &str) -> Result<Duration, String> {
    let rule = || "must be a duration such as 30s, 5m or 1h (more than zero)".to_string();
    let text = value.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().map_err(|_| rule())?;
    let seconds = match unit.trim() {
        "" | "s" | "sec" | "secs" => number,
        "ms" => number / 1000.0,
        "m" | "min" | "mins" => number * 60.0,
        "h" => number * 3600.0,
        _ => return Err(rule()),
    };
    if !(seconds > 0.0 && seconds.is_finite() && seconds < 1e9) {
        return Err(rule());
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// The rule part of an SDK validation error (the argument is named by clap).
fn rule_of(e: &aom_workflow::Error) -> String {
    match e {
        aom_workflow::Error::Validation { rule, .. } => rule.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn durations() {
        assert_eq!(duration("90").unwrap(), Duration::from_secs(90));
        assert_eq!(duration("1.5s").unwrap(), Duration::from_millis(1500));
        assert_eq!(duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(duration("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(duration("1h").unwrap(), Duration::from_secs(3600));
        for bad in ["", "0", "-1s", "5 parsecs", "s", "1e400"] {
            assert!(duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ids_and_project_ids() {
        assert!(id::<model::WorkflowId>("wf-1").is_ok());
        let long = "w".repeat(65);
        assert_eq!(
            id::<model::WorkflowId>(&long).unwrap_err(),
            "must be 1-64 characters, got 65"
        );
        assert_eq!(
            project_id("abc").unwrap_err(),
            "must be exactly 32 characters, got 3"
        );
        assert!(project_id("0123456789abcdef0123456789abcdef").is_ok());
        assert!(
            region("cn-north-4a")
                .unwrap_err()
                .contains("availability zone")
        );
    }
}
