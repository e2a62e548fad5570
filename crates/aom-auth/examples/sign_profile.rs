//! Signs the seed GET, shaped as the `aom-api` client hands it over, in a loop: for profiling
//! the signer with instruction counts, which unlike wall time do not depend on what else the
//! machine is doing.
//!
//! ```text
//! cargo build --release -p aom-auth --example sign_profile
//! valgrind --tool=callgrind --toggle-collect='aom_auth::signer::Signer::sign_reqwest' \
//!     target/release/examples/sign_profile 2000
//! callgrind_annotate --inclusive=yes callgrind.out.<pid>
//! ```
//!
//! Divide the counts by the number of signatures. Valgrind's CPU has no SHA extensions, so the
//! SHA-256 compression runs in software there; the rest of the counts are representative.
//! A second argument `time` prints the wall time per signature instead.

// A profiling helper: a panic is a usage error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use aom_auth::{Credentials, PermanentCredentials, Signer};
use http::HeaderValue;
use http::header::{ACCEPT, CONTENT_TYPE};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map_or(10_000, |s| s.parse().expect("a number of signatures"));
    let time = std::env::args().nth(2).as_deref() == Some("time");
    let creds: Credentials = PermanentCredentials::new(
        "HPUAEXAMPLEFAKEAK001",
        "ExampleFakeSecretKeyForVectors0123456789",
    )
    .with_project_id("0f3a2b6c9d8e4f1a0b2c3d4e5f6a7b8c")
    .into();
    let url: reqwest::Url = "https://aom.cn-north-4.myhuaweicloud.com/v1/0f3a2b6c9d8e4f1a0b2c3d4e5f6a7b8c/cms/workflow/wf1/executions/ex1/status"
        .parse()
        .expect("url");
    let signer = Signer::default();
    let mut requests: Vec<reqwest::Request> = (0..n)
        .map(|_| {
            let mut req = reqwest::Request::new(reqwest::Method::GET, url.clone());
            req.headers_mut()
                .insert(ACCEPT, HeaderValue::from_static("application/json"));
            req.headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            req
        })
        .collect();
    let start = Instant::now();
    for req in &mut requests {
        signer.sign_reqwest(req, &creds).expect("sign");
    }
    let elapsed = start.elapsed();
    std::hint::black_box(&requests);
    if time {
        let per = elapsed.as_nanos() as f64 / n as f64;
        println!("{per:.0} ns per signature");
    }
}
