//! Output: tables for people, JSON for scripts.

pub mod execution;
pub mod json;
pub mod table;

/// Writes to stdout. A closed pipe (the reader, such as `head`, has what it wanted) ends the
/// program with status 0; any other write error ends it with a message and status 2.
pub fn write_stdout(args: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to stdout: {e}");
        std::process::exit(i32::from(crate::exit::USAGE));
    }
}
