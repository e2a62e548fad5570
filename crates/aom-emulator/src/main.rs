//! `aom-emulator`: the command-line wrapper over [`aom_emulator::Emulator`]; the flags and the
//! run logic live in [`aom_emulator::cli`], which `aom emulator` shares.

use std::process::ExitCode;

use aom_emulator::cli::{Args, run};
use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    run(Args::parse()).await
}
