//! Comparing freshly generated code with the checked-in file.

use std::path::Path;

use similar::{ChangeTag, TextDiff};

use crate::{CodegenError, generate, spec, workspace};

/// The outcome of a drift check.
#[derive(Debug)]
pub enum Drift {
    /// The checked-in file is what the generator produces now.
    UpToDate,
    /// It is not; the summary says how, in a few readable lines.
    Stale(String),
}

/// Generates from the workspace spec and compares with the checked-in file.
pub fn check_workspace() -> Result<Drift, CodegenError> {
    let root = workspace::root();
    check(
        &root.join(workspace::SPEC),
        &root.join(workspace::GENERATED),
    )
}

/// Generates from `spec_path` and compares with `generated_path`.
pub fn check(spec_path: &Path, generated_path: &Path) -> Result<Drift, CodegenError> {
    let spec = spec::load(spec_path)?;
    let fresh = generate::generate(&spec, &workspace::generator_versions()?)?;
    let current = match std::fs::read_to_string(generated_path) {
        Ok(text) => text.replace("\r\n", "\n"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Drift::Stale(format!(
                "{} does not exist: run `cargo xtask codegen`",
                workspace::display(generated_path)
            )));
        }
        Err(source) => {
            return Err(CodegenError::Io {
                path: workspace::display(generated_path),
                source,
            });
        }
    };
    if current == fresh {
        return Ok(Drift::UpToDate);
    }
    Ok(Drift::Stale(summary(
        &workspace::display(generated_path),
        &spec.sha256,
        &current,
        &fresh,
    )))
}

/// A short account of the difference: why (spec changed, or file/generator changed), how much,
/// and the first changed lines.
pub fn summary(file: &str, spec_sha: &str, current: &str, fresh: &str) -> String {
    let recorded = current
        .lines()
        .find_map(|l| l.strip_prefix("// spec sha256: "))
        .unwrap_or("(none)");
    let cause = if recorded != spec_sha {
        format!(
            "the spec changed since the file was generated (recorded sha256 {recorded}, spec is now {spec_sha})"
        )
    } else {
        "the spec is unchanged, so the file was edited by hand or the generator (settings or crate versions) changed"
            .to_string()
    };
    let diff = TextDiff::from_lines(current, fresh);
    let (mut added, mut removed) = (0usize, 0usize);
    for change in diff.iter_all_changes() {
        match change.tag() {
            ChangeTag::Insert => added += 1,
            ChangeTag::Delete => removed += 1,
            ChangeTag::Equal => {}
        }
    }
    let unified = diff
        .unified_diff()
        .context_radius(2)
        .header("checked in", "generated now")
        .to_string();
    const MAX_LINES: usize = 40;
    let mut shown: Vec<&str> = unified.lines().take(MAX_LINES).collect();
    let total = unified.lines().count();
    let more = total.saturating_sub(MAX_LINES);
    let tail = if more > 0 {
        format!("\n... {more} more diff lines")
    } else {
        String::new()
    };
    if shown.is_empty() {
        shown.push("(whitespace-only difference)");
    }
    format!(
        "{file} is stale: {cause}.\n{added} lines would be added and {removed} removed. Run `cargo xtask codegen`.\n{}{tail}",
        shown.join("\n")
    )
}
