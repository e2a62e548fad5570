//! JSON output: the SDK's typed models as they serialize, for scripts.

use serde::Serialize;

use crate::exit::CliError;

/// Prints `value` as pretty JSON on stdout.
pub fn print<T: Serialize + ?Sized>(value: &T) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value).map_err(encode_error)?;
    outln!("{text}");
    Ok(())
}

/// Prints `value` as one line of JSON on stdout (for streams of documents).
pub fn print_line<T: Serialize + ?Sized>(value: &T) -> Result<(), CliError> {
    let text = serde_json::to_string(value).map_err(encode_error)?;
    outln!("{text}");
    Ok(())
}

fn encode_error(e: serde_json::Error) -> CliError {
    CliError {
        code: crate::exit::API,
        message: format!("cannot encode the answer as JSON: {e}"),
    }
}
