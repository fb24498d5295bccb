//! The built `get-journal` binary, driven through the Lambda Runtime API
//! with the sample events, against DynamoDB Local.

use std::path::Path;

use devtools::harness::{TestEnv, sample_event};
use devtools::proxy::DynamoProxy;
use devtools::runtime_api::FunctionProcess;
use devtools::runtime_api::response::{body, header, status};

const BINARY: &str = env!("CARGO_BIN_EXE_get-journal");

#[tokio::test]
async fn sample_events_through_runtime_api() {
    let env = TestEnv::with_demo_data("runtime-journal").await;
    let proxy = DynamoProxy::start(&env.endpoint).await.unwrap();
    let function = FunctionProcess::spawn(Path::new(BINARY), &env.tables, &proxy.url(), &[])
        .await
        .unwrap();
    let cases = [
        ("rest-journal.json", 200, Some(14)),
        ("http-journal.json", 200, Some(14)),
        ("rest-event-filter.json", 200, Some(8)),
        ("http-event-filter.json", 200, Some(8)),
        ("rest-unknown-event.json", 404, None),
        ("rest-event-without-year.json", 400, None),
        ("rest-non-numeric-year.json", 400, None),
        ("rest-caller-without-profile.json", 404, None),
        ("rest-quests-gone.json", 410, None),
        ("http-quests-gone.json", 410, None),
    ];
    for (name, expected_status, rows) in cases {
        let response = function
            .invoke(&sample_event(&format!("get-journal/{name}")))
            .await
            .unwrap();
        assert_eq!(status(&response), expected_status, "{name}: {response}");
        assert_eq!(
            header(&response, "access-control-allow-origin"),
            Some("*"),
            "{name}"
        );
        let body = body(&response);
        match rows {
            Some(count) => assert_eq!(body["data"].as_array().map(Vec::len), Some(count), "{name}"),
            None => assert!(body["message"].is_string(), "{name}: {body}"),
        }
    }
    env.cleanup().await;
}

#[tokio::test]
async fn warm_journal_reads_only_the_query() {
    let env = TestEnv::with_demo_data("runtime-journal-calls").await;
    let proxy = DynamoProxy::start(&env.endpoint).await.unwrap();
    let function = FunctionProcess::spawn(Path::new(BINARY), &env.tables, &proxy.url(), &[])
        .await
        .unwrap();
    let event = sample_event("get-journal/rest-journal.json");
    assert_eq!(status(&function.invoke(&event).await.unwrap()), 200);
    proxy.reset_counts();

    assert_eq!(status(&function.invoke(&event).await.unwrap()), 200);

    // The member lookup is cached after the first request.
    let counts = proxy.counts();
    assert_eq!(counts.get("Query"), Some(&1), "{counts:?}");
    assert_eq!(counts.get("GetItem"), None, "{counts:?}");
    assert_eq!(counts.values().sum::<usize>(), 1, "{counts:?}");
    env.cleanup().await;
}
