//! Loading the spec: YAML, then the OpenAPI version, then the OpenAPI 3.0 data model.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::error::one_line;
use crate::{CodegenError, workspace};

/// A parsed spec with what the generator records about it.
#[derive(Debug)]
pub struct Spec {
    /// How the file is named in messages (relative to the workspace root).
    pub path: String,
    /// The parsed OpenAPI 3.0 document.
    pub api: openapiv3::OpenAPI,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
}

/// Reads and parses the spec at `path`.
pub fn load(path: &Path) -> Result<Spec, CodegenError> {
    let text = workspace::read(path)?;
    parse(&workspace::display(path), &text)
}

/// Parses spec text; `path` is only used in messages.
pub fn parse(path: &str, text: &str) -> Result<Spec, CodegenError> {
    let invalid = |message: String| CodegenError::InvalidSpec {
        path: path.to_string(),
        message,
    };
    let value: serde_json::Value = serde_yaml_ng::from_str(text)
        .map_err(|e| invalid(format!("invalid YAML: {}", one_line(e))))?;
    let version = value
        .get("openapi")
        .and_then(|v| v.as_str())
        .ok_or_else(|| invalid("missing the `openapi` version field (expected 3.0.x)".into()))?;
    if !version.starts_with("3.0.") {
        return Err(invalid(format!(
            "unsupported OpenAPI version {version}: progenitor reads only 3.0.x (write `openapi: 3.0.3`)"
        )));
    }
    let api: openapiv3::OpenAPI = serde_json::from_value(value)
        .map_err(|e| invalid(format!("not a valid OpenAPI 3.0 document: {}", one_line(e))))?;
    let sha256 = hex::encode(Sha256::digest(text.as_bytes()));
    Ok(Spec {
        path: path.to_string(),
        api,
        sha256,
    })
}
