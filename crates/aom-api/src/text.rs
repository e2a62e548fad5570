//! Raw-text answers.
//!
//! StopExecution and UpdateWorkflowTriggerStatus answer a body that the official SDKs read as a
//! plain string (for example `{"success"}`, which is not JSON). The generated methods return it
//! as a [`ByteStream`]; [`read_text`] collects it.

use progenitor_client::{ByteStream, ResponseValue};

/// Largest raw-text answer read, so a misbehaving server cannot exhaust memory.
pub const MAX_TEXT_BODY: usize = 1 << 20;

/// Why a raw-text answer could not be read.
#[derive(Debug)]
#[non_exhaustive]
pub enum TextError {
    /// The connection failed while the body was read.
    Transport(reqwest::Error),
    /// The body is larger than [`MAX_TEXT_BODY`].
    TooLarge,
}

impl std::fmt::Display for TextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TextError::Transport(e) => write!(f, "reading the response body failed: {e}"),
            TextError::TooLarge => write!(f, "response body is larger than {MAX_TEXT_BODY} bytes"),
        }
    }
}

impl std::error::Error for TextError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TextError::Transport(e) => Some(e),
            TextError::TooLarge => None,
        }
    }
}

/// Reads a raw-text answer as a string (invalid UTF-8 is replaced, never an error).
pub async fn read_text(response: ResponseValue<ByteStream>) -> Result<String, TextError> {
    use futures_util::TryStreamExt as _;
    let mut stream = response.into_inner().into_inner();
    let mut buf = Vec::new();
    while let Some(chunk) = stream.try_next().await.map_err(TextError::Transport)? {
        if buf.len() + chunk.len() > MAX_TEXT_BODY {
            return Err(TextError::TooLarge);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&buf).into_owned())
}
