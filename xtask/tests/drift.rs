//! `cargo test` fails when `crates/aom-api/src/generated.rs` is stale, exactly like
//! `cargo xtask codegen --check`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test fails

use xtask::drift::{self, Drift};

#[test]
fn generated_code_is_up_to_date() {
    match drift::check_workspace() {
        Ok(Drift::UpToDate) => {}
        Ok(Drift::Stale(summary)) => panic!("{summary}"),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn a_stale_file_is_reported_with_its_cause() {
    let root = xtask::workspace::root();
    let dir = std::env::temp_dir().join(format!("aom-xtask-drift-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec_path = dir.join("aom.yaml");
    let generated = dir.join("generated.rs");
    let spec_text = std::fs::read_to_string(root.join(xtask::workspace::SPEC)).unwrap();
    std::fs::write(&spec_path, &spec_text).unwrap();

    let code = xtask::generate::generate(
        &xtask::spec::load(&spec_path).unwrap(),
        &xtask::workspace::generator_versions().unwrap(),
    )
    .unwrap();
    std::fs::write(&generated, &code).unwrap();
    assert!(matches!(
        drift::check(&spec_path, &generated),
        Ok(Drift::UpToDate)
    ));

    // A hand edit of the generated file.
    std::fs::write(
        &generated,
        code.replace("pub struct Workflow {", "pub struct Workflow { // edited"),
    )
    .unwrap();
    let Ok(Drift::Stale(summary)) = drift::check(&spec_path, &generated) else {
        panic!("hand edit not detected");
    };
    assert!(summary.contains("edited by hand"), "{summary}");
    assert!(summary.contains("// edited"), "{summary}");

    // A spec edit.
    std::fs::write(&generated, &code).unwrap();
    std::fs::write(
        &spec_path,
        spec_text.replace("Workflow name.", "The name of the workflow."),
    )
    .unwrap();
    let Ok(Drift::Stale(summary)) = drift::check(&spec_path, &generated) else {
        panic!("spec edit not detected");
    };
    assert!(summary.contains("the spec changed"), "{summary}");
    assert!(summary.contains("The name of the workflow."), "{summary}");

    // A missing file.
    std::fs::remove_file(&generated).unwrap();
    let Ok(Drift::Stale(summary)) = drift::check(&spec_path, &generated) else {
        panic!("missing file not detected");
    };
    assert!(summary.contains("does not exist"), "{summary}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn generation_is_deterministic() {
    let root = xtask::workspace::root();
    let spec = xtask::spec::load(&root.join(xtask::workspace::SPEC)).unwrap();
    let a = xtask::generate::generate(&spec, "v").unwrap();
    let b = xtask::generate::generate(&spec, "v").unwrap();
    assert_eq!(a, b);
}
