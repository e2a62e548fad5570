//! Runs every case of every golden vector file (the vendored ones plus every file listed in
//! `AOM_SIGNING_VECTORS`, colon-separated) and reports each mismatch by case id and field.

// Test helpers may panic: a panic is a test failure with a message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use aom_auth::SigningAlgorithm;
use aom_auth::signer::DerivedKeyPair;
use common::Case;
use secrecy::ExposeSecret;
use serde_json::Value;

/// Fields compared verbatim between the trace and `expected` (when present).
fn check_case(case: &Case, mismatches: &mut Vec<String>) {
    let mut report = |field: &str, expected: &str, actual: &str| {
        if expected != actual {
            mismatches.push(format!(
                "{}/{}: {field}:\n    expected {expected:?}\n    actual   {actual:?}",
                case.file, case.id
            ));
        }
    };
    let signer = match common::signer(&case.input) {
        Ok(s) => s,
        Err(e) => {
            report("signing_algorithm", "a supported algorithm", &e);
            return;
        }
    };
    let creds = common::credentials(&case.input);
    let mut req = common::sdk_request(&case.input);
    let trace = match signer.sign_sdk_request(&mut req, &creds, common::signing_time(case)) {
        Ok(t) => t,
        Err(e) => {
            report("signing", "success", &e.to_string());
            return;
        }
    };
    let exp = &case.expected;
    let get = |k: &str| exp.get(k).and_then(Value::as_str);
    let skipped = exp
        .get("signing_skipped")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    report(
        "signing_skipped",
        &skipped.to_string(),
        &(!trace.is_signed()).to_string(),
    );
    let randomized = exp
        .get("signature_is_randomized")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let path = req.path.clone();
    let uri = trace.request_target(&path);
    if let Some(e) = get("uri") {
        report("uri", e, &uri);
    }
    if let Some(e) = get("url") {
        let scheme = case
            .input
            .get("scheme")
            .and_then(Value::as_str)
            .unwrap_or("https");
        report("url", e, &format!("{scheme}://{}{uri}", req.host));
    }
    if let Some(target) = exp
        .get("wire_capture")
        .and_then(|w| w.get("request_target"))
        .and_then(Value::as_str)
    {
        report("wire_capture.request_target", target, &uri);
    }
    if !skipped {
        let fields: [(&str, &str); 8] = [
            ("canonical_uri", trace.canonical_uri()),
            ("canonical_query_string", trace.canonical_query_string()),
            ("canonical_headers", trace.canonical_headers()),
            ("signed_headers", trace.signed_headers()),
            ("payload_hash", trace.payload_hash()),
            ("canonical_request", trace.canonical_request()),
            ("string_to_sign", trace.string_to_sign()),
            ("signature", trace.signature()),
        ];
        for (field, actual) in fields {
            if randomized && field == "signature" {
                continue;
            }
            if let Some(e) = get(field) {
                report(field, e, actual);
            }
        }
        if let Some(e) = get("derived_signing_key") {
            let actual = trace
                .derived_signing_key()
                .map(|k| k.expose_secret().to_owned())
                .unwrap_or_default();
            report("derived_signing_key", e, &actual);
        }
    }
    if let Some(e) = get("authorization") {
        if randomized {
            // Compare everything but the randomised signature.
            let strip = |s: &str| s.split("Signature=").next().unwrap_or_default().to_owned();
            report(
                "authorization (without signature)",
                &strip(e),
                &strip(trace.authorization()),
            );
        } else if trace.is_signed() {
            report("authorization", e, trace.authorization());
        }
    }
    let expected_final = common::pairs(exp.get("final_headers"));
    if !expected_final.is_empty() {
        let mut expected_final = expected_final;
        let mut actual = req.headers.clone();
        if randomized {
            for list in [&mut expected_final, &mut actual] {
                for (k, v) in list.iter_mut() {
                    if k == "Authorization" {
                        *v = v.split("Signature=").next().unwrap_or_default().to_owned();
                    }
                }
            }
        }
        report(
            "final_headers",
            &format!("{expected_final:?}"),
            &format!("{actual:?}"),
        );
    }
    if randomized {
        check_asymmetric(case, &trace, &mut report);
    }
}

fn check_asymmetric(
    case: &Case,
    trace: &aom_auth::SigningTrace,
    report: &mut impl FnMut(&str, &str, &str),
) {
    let exp = &case.expected;
    let get = |k: &str| exp.get(k).and_then(Value::as_str).unwrap_or_default();
    let c = &case.input["credentials"];
    let ak = c["ak"].as_str().unwrap_or_default();
    let sk = c["sk"].as_str().unwrap_or_default();
    let alg = trace.algorithm();
    let pair = match DerivedKeyPair::derive(alg, ak, sk) {
        Ok(p) => p,
        Err(e) => {
            report("derived key pair", "derivable", &e.to_string());
            return;
        }
    };
    report(
        "derived_private_key_hex",
        get("derived_private_key_hex"),
        pair.private_key_hex().expose_secret(),
    );
    let (x, y) = pair.public_key_hex();
    report("public_key_x_hex", get("public_key_x_hex"), &x);
    report("public_key_y_hex", get("public_key_y_hex"), &y);
    let sts = trace.string_to_sign().as_bytes();
    let sample = hex::decode(get("signature")).unwrap_or_default();
    report(
        "signature (sample from the SDK verifies with our public key)",
        "true",
        &pair.verify(sts, &sample).to_string(),
    );
    let ours = hex::decode(trace.signature()).unwrap_or_default();
    report(
        "signature (ours verifies with the public key)",
        "true",
        &pair.verify(sts, &ours).to_string(),
    );
    assert!(matches!(
        alg,
        SigningAlgorithm::EcdsaP256Sha256 | SigningAlgorithm::Sm2Sm3
    ));
}

#[test]
fn every_vector_case_matches() {
    let mut mismatches = Vec::new();
    let mut loaded = 0usize;
    let files = common::all_files();
    for file in &files {
        match common::load(file) {
            Ok(cases) => {
                if cases.is_empty() {
                    mismatches.push(format!("{}: no cases", file.display()));
                }
                for case in &cases {
                    loaded += 1;
                    check_case(case, &mut mismatches);
                }
            }
            Err(e) => mismatches.push(e),
        }
    }
    eprintln!(
        "signing vectors: {loaded} cases from {} files, {} mismatches",
        files.len(),
        mismatches.len()
    );
    assert!(loaded > 0, "no vector cases were loaded");
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn vendored_vectors_hold_the_94_public_cases() {
    let total: usize = common::vendored_files()
        .iter()
        .map(|f| common::load(f).map(|c| c.len()).unwrap_or(0))
        .sum();
    assert_eq!(total, 94);
}
