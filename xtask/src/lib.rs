//! Project automation for aom-rs.
//!
//! `cargo xtask codegen` reads `spec/aom.yaml`, lints it, generates the low-level client with
//! progenitor, formats it with prettyplease and writes `crates/aom-api/src/generated.rs`.
//! `cargo xtask codegen --check` regenerates in memory and fails when the checked-in file is
//! stale. The same check runs as a `#[test]` so that plain `cargo test` catches drift.
//!
//! Each step lives in its own module: [`spec`] loads and version-checks the document, [`lint`]
//! enforces the rules progenitor needs, [`generate`] produces the code, [`drift`] compares it
//! with the checked-in file and [`surface`] prints the public API for snapshot review.

pub mod drift;
pub mod error;
pub mod generate;
pub mod lint;
pub mod spec;
pub mod surface;
pub mod workspace;

pub use error::CodegenError;
