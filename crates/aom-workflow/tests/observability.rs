//! Spans per operation and per attempt carry operation, attempt, status and request id, and no
//! secret appears in any log line, span or error.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test fails

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use aom_workflow::Client;
use aom_workflow::auth::TemporaryCredentials;
use common::*;
use serde_json::json;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn spans_carry_the_call_and_no_secret_leaks() {
    const TOKEN: &str = "temporary-security-token-value";
    const SK: &str = "temporary-secret-key-value";
    let emu = emulator()
        .credential("TEMPAK0000000000001", SK)
        .security_token("TEMPAK0000000000001", TOKEN)
        .start()
        .await
        .unwrap();
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(capture.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let credentials = TemporaryCredentials::new("TEMPAK0000000000001", SK, TOKEN)
        .with_project_id(emu.project_id());
    let client = Client::builder()
        .endpoint(emu.url())
        .credentials(credentials)
        .build()
        .await
        .unwrap();
    let wf = create(&client, workflow("traced", &hosts(&emu, 1), json!({}))).await;
    client.workflows().execute(&wf).await.unwrap();
    emu.add_fault_spec("kind=status:503,route=list_workflow_executions,next=1")
        .unwrap();
    client.executions().list(&wf).await.unwrap();
    let err = client.executions().get(&wf, "missing").await.unwrap_err();

    let wrong = Client::builder()
        .endpoint(emu.url())
        .credentials(
            TemporaryCredentials::new("TEMPAK0000000000001", "wrong-secret-value", TOKEN)
                .with_project_id(emu.project_id()),
        )
        .build()
        .await
        .unwrap();
    let refused = wrong.workflows().execute(&wf).await.unwrap_err();
    assert_eq!(refused.code(), Some("APIGW.0301"));

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("aom.operation"), "{logs}");
    assert!(logs.contains("aom.attempt"), "{logs}");
    assert!(logs.contains("operation=\"execute_workflow\""), "{logs}");
    assert!(
        logs.contains("attempt=2"),
        "the retried list shows its second attempt: {logs}"
    );
    assert!(logs.contains("status=503"), "{logs}");
    assert!(logs.contains("request_id="), "{logs}");

    let everything =
        format!("{logs}\n{err}\n{err:?}\n{refused}\n{refused:?}\n{client:?}\n{wrong:?}");
    for secret in [SK, TOKEN, "wrong-secret-value"] {
        assert!(!everything.contains(secret), "{secret} leaked");
    }
    assert!(
        !everything
            .to_ascii_lowercase()
            .contains("authorization: sdk-hmac")
    );
}
