//! Where things are in the workspace, independent of the current directory.

use std::path::{Path, PathBuf};

use crate::CodegenError;

/// The spec, relative to the workspace root.
pub const SPEC: &str = "spec/aom.yaml";
/// The generated file, relative to the workspace root.
pub const GENERATED: &str = "crates/aom-api/src/generated.rs";

/// The workspace root (the parent of the xtask crate).
pub fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Reads a file, naming it in the error.
pub fn read(path: &Path) -> Result<String, CodegenError> {
    std::fs::read_to_string(path).map_err(|source| CodegenError::Io {
        path: display(path),
        source,
    })
}

/// A path as it should appear in messages: relative to the workspace root when inside it.
pub fn display(path: &Path) -> String {
    let root = root();
    path.strip_prefix(&root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The versions of the code-generation crates, read from the committed `Cargo.lock`, so the
/// generated header records exactly what produced the file.
pub fn generator_versions() -> Result<String, CodegenError> {
    let lock_path = root().join("Cargo.lock");
    let lock = read(&lock_path)?;
    let mut parts = Vec::new();
    for name in ["progenitor-impl", "typify-impl", "prettyplease"] {
        let version = locked_version(&lock, name).ok_or_else(|| CodegenError::InvalidSpec {
            path: display(&lock_path),
            message: format!("no locked version of `{name}`"),
        })?;
        parts.push(format!("{name} {version}"));
    }
    Ok(parts.join(", "))
}

fn locked_version<'a>(lock: &'a str, name: &str) -> Option<&'a str> {
    let needle = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == needle {
            let version = lines.next()?.trim();
            return version
                .strip_prefix("version = \"")
                .and_then(|v| v.strip_suffix('"'));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_versions_from_a_lock_file() {
        let lock = "[[package]]\nname = \"typify-impl\"\nversion = \"0.8.0\"\n";
        assert_eq!(super::locked_version(lock, "typify-impl"), Some("0.8.0"));
        assert_eq!(super::locked_version(lock, "prettyplease"), None);
    }
}
