//! The exit-code contract and how errors are reported.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | the execution ended failed |
//! | 2 | usage error (bad argument, missing configuration); nothing was sent |
//! | 3 | API or authentication error: code, message and request id are printed |
//! | 4 | timeout |

use std::fmt::Write as _;
use std::process::ExitCode;

use aom_workflow::{Error, WaitFailure};

use crate::output::execution::progress_line;

/// Success.
pub const SUCCESS: u8 = 0;
/// The execution ended failed.
pub const EXECUTION_FAILED: u8 = 1;
/// A usage error.
pub const USAGE: u8 = 2;
/// An API or authentication error.
pub const API: u8 = 3;
/// A timeout.
pub const TIMEOUT: u8 = 4;

/// How a command ended, when it did not fail.
#[derive(Clone, Copy, Debug)]
pub enum Outcome {
    /// Done (exit 0).
    Success,
    /// It showed an execution that ended failed (exit 1).
    ExecutionFailed,
    /// A code decided elsewhere (`aom emulator` exits as the emulator binary does).
    Exit(ExitCode),
}

impl Outcome {
    /// The process exit code.
    pub fn code(self) -> ExitCode {
        match self {
            Outcome::Success => ExitCode::from(SUCCESS),
            Outcome::ExecutionFailed => ExitCode::from(EXECUTION_FAILED),
            Outcome::Exit(code) => code,
        }
    }
}

/// A command that failed: the exit code and the message for stderr.
#[derive(Debug)]
pub struct CliError {
    /// One of the codes above.
    pub code: u8,
    /// What to print (may span lines).
    pub message: String,
}

impl CliError {
    /// A usage error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            code: USAGE,
            message: message.into(),
        }
    }

    /// Prints the message and returns the exit code.
    pub fn report(&self) -> ExitCode {
        eprintln!("error: {}", self.message);
        ExitCode::from(self.code)
    }
}

/// The CLI's name for an SDK field, so a usage error names the argument to fix.
fn argument(field: &str) -> String {
    match field {
        "project_id" => "--project-id".into(),
        "region" => "--region".into(),
        "endpoint" => "--endpoint".into(),
        "workflow_id" => "<WORKFLOW_ID>".into(),
        "execution_id" => "<EXECUTION_ID>".into(),
        "node_id" => "--node".into(),
        "job_id" => "--job".into(),
        "template_id" => "<TEMPLATE_ID>".into(),
        "body.name" => "--name".into(),
        "hosts" => "--hosts".into(),
        "body.description" => "--description".into(),
        "body.template_name" => "--template-name".into(),
        other => other.to_string(),
    }
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        match e {
            Error::Validation { field, rule } => {
                CliError::usage(format!("invalid value for {}: {rule}", argument(&field)))
            }
            Error::Config(message) => CliError::usage(config_message(&message)),
            Error::Auth(message) => CliError {
                code: API,
                message: format!("authentication failed: {message}"),
            },
            Error::Api(api) => {
                let mut message = format!("{} failed: HTTP {}", api.operation, api.status);
                let _ = write!(message, "\n  code:       {}", api.code().unwrap_or("-"));
                let _ = write!(message, "\n  message:    {}", api.message().unwrap_or("-"));
                let _ = write!(
                    message,
                    "\n  request id: {}",
                    api.request_id.as_deref().unwrap_or("-")
                );
                CliError { code: API, message }
            }
            Error::Timeout { .. } => CliError {
                code: TIMEOUT,
                message: e.to_string(),
            },
            Error::Wait {
                execution_id,
                waited,
                last,
                reason,
            } => match reason {
                WaitFailure::Deadline => {
                    let seen = last.map_or_else(
                        || "no state seen".to_string(),
                        |l| format!("last seen: {}", progress_line(&l)),
                    );
                    CliError {
                        code: TIMEOUT,
                        message: format!(
                            "timed out after {:.1}s waiting for execution {execution_id} ({seen}); it goes on running",
                            waited.as_secs_f64()
                        ),
                    }
                }
                WaitFailure::Poll(inner) => {
                    let mut err = CliError::from(*inner);
                    err.message = format!(
                        "waiting for execution {execution_id} failed: {}",
                        err.message
                    );
                    err
                }
                other => CliError {
                    code: API,
                    message: format!("waiting for execution {execution_id}: {other}"),
                },
            },
            other => CliError {
                code: API,
                message: other.to_string(),
            },
        }
    }
}

/// Configuration errors in the CLI's words.
fn config_message(message: &str) -> String {
    if message.starts_with("no region or endpoint") {
        "no region or endpoint: pass --region (e.g. cn-north-4) or --endpoint URL".into()
    } else if message.starts_with("no project id") {
        "no project id: pass --project-id (32 characters), set HUAWEICLOUD_SDK_PROJECT_ID, or use credentials that carry one".into()
    } else {
        message.to_string()
    }
}
