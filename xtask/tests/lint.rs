//! A broken spec gives one line per problem that names the file, the operation or schema and
//! the rule, and never a panic.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test fails

use std::path::Path;

use xtask::{generate, spec};

fn problems(fixture: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(fixture);
    let result = spec::load(&path).and_then(|s| generate::generate(&s, "test generator"));
    match result {
        Ok(_) => panic!("{fixture} generated without error"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn invalid_yaml() {
    let text = problems("invalid-yaml.yaml");
    assert_eq!(text.lines().count(), 1, "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn openapi_3_1_is_refused() {
    insta::assert_snapshot!(problems("openapi-3.1.yaml"));
}

#[test]
fn missing_operation_id() {
    insta::assert_snapshot!(problems("missing-operation-id.yaml"));
}

#[test]
fn two_success_types() {
    insta::assert_snapshot!(problems("two-success-types.yaml"));
}

#[test]
fn every_problem_of_a_spec_is_reported_at_once() {
    let text = problems("many-problems.yaml");
    for rule in [
        "operation-id-snake-case",
        "operation-id-unique",
        "one-error-type",
        "json-body-needs-schema",
        "one-request-media-type",
        "path-parameters",
        "no-cookie-parameters",
        "dangling-ref",
        "response-no-closed-enum",
        "response-no-additional-properties-false",
        "response-no-string-constraints",
        "integer-format",
        "no-status-shadowed-by-range",
    ] {
        assert!(
            text.contains(&format!("[{rule}]")),
            "rule {rule} not reported:\n{text}"
        );
    }
    insta::assert_snapshot!(text);
}

#[test]
fn duplicate_generated_names() {
    insta::assert_snapshot!(problems("duplicate-names.yaml"));
}

#[test]
fn the_project_spec_passes_every_lint() {
    let root = xtask::workspace::root();
    let spec = spec::load(&root.join(xtask::workspace::SPEC)).unwrap();
    let problems = xtask::lint::lint(&spec);
    assert!(problems.is_empty(), "{problems:#?}");
}
