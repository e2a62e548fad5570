//! The public API of the generated crate, as a reviewable snapshot: operations with their
//! parameters, builder setters, `ProjectClient` and model fields.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test fails

#[test]
fn generated_api_surface() {
    let root = xtask::workspace::root();
    let code = std::fs::read_to_string(root.join(xtask::workspace::GENERATED)).unwrap();
    let surface = xtask::surface::surface(&code).unwrap();
    insta::assert_snapshot!(surface);
}
