//! `aom emulator`: the emulator server in the foreground, with exactly the `aom-emulator`
//! binary's flags and output (both use [`aom_emulator::cli`]).

use std::ffi::OsString;
use std::process::ExitCode;

use aom_emulator::cli::Args;
use clap::{CommandFactory as _, FromArgMatches as _};

use crate::exit::{CliError, Outcome};

/// Parses the emulator's flags (`args` without the program and subcommand names) and runs it
/// until SIGINT or SIGTERM.
pub async fn run(args: Vec<OsString>) -> Result<Outcome, CliError> {
    let command = Args::command()
        .name("aom emulator")
        .bin_name("aom emulator");
    let parsed = command
        .try_get_matches_from(std::iter::once(OsString::from("aom emulator")).chain(args))
        .and_then(|m| Args::from_arg_matches(&m));
    match parsed {
        Ok(args) => Ok(Outcome::Exit(aom_emulator::cli::run(args).await)),
        Err(e) => {
            let _ = e.print();
            Ok(Outcome::Exit(ExitCode::from(if e.use_stderr() {
                crate::exit::USAGE
            } else {
                crate::exit::SUCCESS
            })))
        }
    }
}
