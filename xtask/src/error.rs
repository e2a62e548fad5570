//! The one error type of the code generator. Every variant renders as a single line that names
//! the file and, where there is one, the operation and the rule.

use std::fmt;

use crate::lint::LintProblem;

/// Why code generation or the drift check could not run.
#[derive(Debug, thiserror::Error)]
pub enum CodegenError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The spec is not valid YAML, not OpenAPI 3.0, or not a valid OpenAPI document.
    #[error("{path}: {message}")]
    InvalidSpec {
        /// The spec file.
        path: String,
        /// What is wrong, on one line.
        message: String,
    },
    /// The spec parsed but breaks rules that the generator depends on.
    #[error("{}", LintReport(.0))]
    Lint(Vec<LintProblem>),
    /// progenitor or typify refused the spec (or panicked on it).
    #[error("{path}: generator failed: {message}")]
    Generator {
        /// The spec file.
        path: String,
        /// The generator's message, on one line.
        message: String,
    },
}

struct LintReport<'a>(&'a [LintProblem]);

impl fmt::Display for LintReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

/// Folds a possibly multi-line message into one line.
pub(crate) fn one_line(message: impl fmt::Display) -> String {
    message
        .to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
