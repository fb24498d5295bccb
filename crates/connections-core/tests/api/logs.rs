//! The log output of a run with real tokens and e-mail addresses contains
//! neither.

use std::io::Write;
use std::sync::{Arc, Mutex};

use connections_core::Endpoint;
use connections_core::telemetry::subscriber;
use devtools::harness::{TestEnv, sample_event};
use devtools::tokens::mint;
use serde_json::{Value, json};
use tracing_subscriber::fmt::MakeWriter;

use crate::ADA_EMAIL;

/// Collects everything the subscriber writes.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'writer> MakeWriter<'writer> for Capture {
    type Writer = Capture;

    fn make_writer(&'writer self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn logs_hold_no_tokens_or_emails() {
    let env = TestEnv::with_demo_data("logs-private").await;
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(subscriber(capture.clone()));

    let mut sent_tokens = Vec::new();
    let mut events: Vec<(Endpoint, Value)> = Vec::new();
    for name in [
        "rest-new-connection.json",
        "rest-already-connected.json",
        "rest-unknown-profile.json",
        "rest-caller-without-profile.json",
        "rest-malformed-json.json",
        "rest-expired-token.json",
    ] {
        events.push((
            Endpoint::CreateInteraction,
            sample_event(&format!("create-interaction/{name}")),
        ));
    }
    events.push((
        Endpoint::GetJournal,
        sample_event("get-journal/rest-journal.json"),
    ));
    events.push((
        Endpoint::CheckConnection,
        sample_event("check-connection/rest-caller-without-profile.json"),
    ));
    let mut upper_case = sample_event("get-journal/rest-journal.json");
    upper_case["headers"]["Authorization"] =
        json!(format!("Bearer {}", mint(&ADA_EMAIL.to_uppercase())));
    events.push((Endpoint::GetJournal, upper_case));

    for (endpoint, event) in &events {
        if let Some(header) = event["headers"]["Authorization"].as_str() {
            sent_tokens.push(header.trim_start_matches("Bearer ").to_owned());
        }
        env.call(*endpoint, event).await;
    }

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<Value> = logs
        .lines()
        .map(|line| serde_json::from_str(line).expect("each log line is JSON"))
        .collect();
    assert_eq!(lines.len(), events.len(), "one line per request:\n{logs}");
    for line in &lines {
        assert!(line["request_id"].is_string(), "{line}");
        assert!(line["endpoint"].is_string(), "{line}");
        assert!(line["status"].is_u64(), "{line}");
        assert!(line["duration_ms"].is_number(), "{line}");
    }
    assert!(logs.contains("BraveOtterSings"), "profile IDs are logged");
    let lowered = logs.to_lowercase();
    for email in [ADA_EMAIL, "newcomer@example.com", "@example.com"] {
        assert!(!lowered.contains(email), "{email} appears in the logs");
    }
    for token in &sent_tokens {
        let signature = token.rsplit('.').next().unwrap();
        assert!(
            !logs.contains(signature),
            "a token signature appears in the logs"
        );
        assert!(
            !logs.contains(token.as_str()),
            "a token appears in the logs"
        );
    }
    assert!(
        !logs.contains("Bearer"),
        "an Authorization header appears in the logs"
    );
    env.cleanup().await;
}
