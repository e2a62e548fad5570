//! `aom`: every Huawei Cloud AOM automation operation from the terminal, over `aom-workflow`.
//!
//! Exit codes: 0 success, 1 the execution ended failed, 2 usage error, 3 API or authentication
//! error, 4 timeout (see [`exit`]). `aom demo` runs a workflow on an in-process emulator.

/// `print!` to stdout, except that a reader that went away (`aom ... | head`) ends the program
/// quietly instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::write_stdout(format_args!($($arg)*))
    };
}

/// `println!` to stdout, with [`out!`]'s handling of a closed pipe.
macro_rules! outln {
    () => {
        $crate::output::write_stdout(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::output::write_stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}

mod args;
mod commands;
mod exit;
mod output;
mod progress;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{CommandFactory as _, FromArgMatches as _};

fn main() -> ExitCode {
    let argv: Vec<OsString> = std::env::args_os().collect();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return exit::CliError::usage(format!("cannot start the runtime: {e}")).report(),
    };
    // `aom emulator ...` takes the emulator binary's flags, which overlap the global ones
    // (`--project-id`): hand them over untouched. Only flag-only globals may come before it.
    let leading: Vec<&OsString> = argv
        .iter()
        .skip(1)
        .take_while(|a| *a == "--debug" || *a == "--no-color")
        .collect();
    if argv.get(1 + leading.len()).is_some_and(|a| a == "emulator") {
        if leading.iter().any(|a| *a == "--debug") {
            init_tracing(false);
        }
        let rest = argv[2 + leading.len()..].to_vec();
        return finish(runtime.block_on(commands::emulator::run(rest)));
    }
    let cli = parse(argv);
    if cli.global.debug {
        init_tracing(cli.global.color() && std::io::IsTerminal::is_terminal(&std::io::stderr()));
    }
    finish(runtime.block_on(commands::run(cli)))
}

/// Parses the command line; usage errors exit 2 (help and version exit 0). `--no-color` and
/// `NO_COLOR` also take the colors out of clap's own messages.
fn parse(argv: Vec<OsString>) -> args::Cli {
    let mut command = args::Cli::command();
    if argv.iter().any(|a| a == "--no-color") {
        command = command.color(clap::ColorChoice::Never);
    }
    let parsed = command
        .try_get_matches_from(argv)
        .and_then(|mut m| args::Cli::from_arg_matches_mut(&mut m));
    match parsed {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    }
}

fn finish(result: Result<exit::Outcome, exit::CliError>) -> ExitCode {
    match result {
        Ok(outcome) => outcome.code(),
        Err(e) => e.report(),
    }
}

/// `--debug`: the SDK's tracing (requests, retries, polls, credential sources) on stderr. The
/// SDK never puts secrets in its events, and credentials redact themselves when debug-printed.
fn init_tracing(ansi: bool) {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let targets = Targets::new()
        .with_target("aom_workflow", LevelFilter::DEBUG)
        .with_target("aom_api", LevelFilter::DEBUG)
        .with_target("aom_auth", LevelFilter::DEBUG)
        .with_target("aom_emulator", LevelFilter::INFO)
        .with_target("aom_cli", LevelFilter::DEBUG)
        .with_default(LevelFilter::WARN);
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(ansi)
                .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE),
        )
        .with(targets)
        .try_init();
}
