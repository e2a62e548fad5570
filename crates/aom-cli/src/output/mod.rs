//! Output: tables for people, JSON for scripts.

pub mod execution;
pub mod json;
pub mod table;
