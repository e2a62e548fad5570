//! `cargo xtask codegen [--check]`: see the xtask library documentation.

use std::process::ExitCode;

use xtask::drift::{self, Drift};
use xtask::{generate, spec, workspace};

const USAGE: &str = "usage: cargo xtask codegen [--check]

  codegen          regenerate crates/aom-api/src/generated.rs from spec/aom.yaml
  codegen --check  fail (exit 1) when the checked-in file is stale; write nothing

exit codes: 0 up to date or written, 1 stale, 2 spec or generator error, 64 usage error";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => write(),
        ["codegen", "--check"] => check(),
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(64)
        }
    }
}

fn write() -> ExitCode {
    let root = workspace::root();
    let out = root.join(workspace::GENERATED);
    let result = spec::load(&root.join(workspace::SPEC)).and_then(|spec| {
        let code = generate::generate(&spec, &workspace::generator_versions()?)?;
        Ok((spec, code))
    });
    let (spec, code) = match result {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if std::fs::read_to_string(&out).is_ok_and(|old| old == code) {
        println!("{} is up to date", workspace::display(&out));
        return ExitCode::SUCCESS;
    }
    if let Err(e) = std::fs::write(&out, &code) {
        eprintln!("error: {}: {e}", workspace::display(&out));
        return ExitCode::from(2);
    }
    println!(
        "wrote {} ({} lines) from {} (sha256 {})",
        workspace::display(&out),
        code.lines().count(),
        spec.path,
        &spec.sha256[..12]
    );
    ExitCode::SUCCESS
}

fn check() -> ExitCode {
    match drift::check_workspace() {
        Ok(Drift::UpToDate) => {
            println!("{} is up to date", workspace::GENERATED);
            ExitCode::SUCCESS
        }
        Ok(Drift::Stale(summary)) => {
            eprintln!("{summary}");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
