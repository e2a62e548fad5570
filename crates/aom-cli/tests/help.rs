//! `aom --help` and the help of the main commands, which document the exit codes and flags.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{clean, text};

fn help(args: &[&str]) -> String {
    let out = clean().args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    text(&out.stdout)
}

#[test]
fn top_level_help_lists_the_commands_and_the_exit_codes() {
    let text = help(&["--help"]);
    assert!(text.contains("Exit codes:"), "{text}");
    insta::assert_snapshot!("aom_help", text);
}

#[test]
fn command_help() {
    for args in [
        &["workflow", "--help"][..],
        &["workflow", "create", "--help"],
        &["workflow", "run", "--help"],
        &["execution", "--help"],
        &["execution", "status", "--help"],
        &["execution", "restart", "--help"],
        &["template", "show", "--help"],
        &["demo", "--help"],
    ] {
        let name = args[..args.len() - 1].join("_");
        insta::assert_snapshot!(format!("help_{name}"), help(args));
    }
}

#[test]
fn emulator_help_is_the_emulator_binarys() {
    let text = help(&["emulator", "--help"]);
    assert!(text.contains("Usage: aom emulator [OPTIONS]"), "{text}");
    for flag in [
        "--listen",
        "--seed",
        "--time-scale",
        "--project-id",
        "--fault",
        "--ready-file",
    ] {
        assert!(text.contains(flag), "{flag} missing from:\n{text}");
    }
    assert!(text.contains("FAULT SPEC"), "{text}");
}

#[test]
fn completions_are_generated_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = clean().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", text(&out.stderr));
        let script = text(&out.stdout);
        assert!(script.contains("aom"), "{shell}");
        assert!(script.contains("workflow"), "{shell}: no subcommands");
    }
    let out = clean().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
