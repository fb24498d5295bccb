//! The built `check-connection` binary, driven through the Lambda Runtime
//! API with the sample events, against DynamoDB Local.

use std::path::Path;

use devtools::harness::{TestEnv, sample_event};
use devtools::proxy::DynamoProxy;
use devtools::runtime_api::FunctionProcess;
use devtools::runtime_api::response::{body, status};
use serde_json::json;

const BINARY: &str = env!("CARGO_BIN_EXE_check-connection");

#[tokio::test]
async fn sample_events_through_runtime_api() {
    let env = TestEnv::with_demo_data("runtime-check").await;
    let proxy = DynamoProxy::start(&env.endpoint).await.unwrap();
    let function = FunctionProcess::spawn(Path::new(BINARY), &env.tables, &proxy.url(), &[])
        .await
        .unwrap();
    let cases = [
        ("rest-connected.json", 200, Some(true)),
        ("http-connected.json", 200, Some(true)),
        ("http-path-without-parameters.json", 200, Some(true)),
        ("rest-not-connected.json", 200, Some(false)),
        ("rest-self.json", 400, Some(false)),
        ("rest-invalid-id.json", 400, Some(false)),
        ("rest-caller-without-profile.json", 200, Some(false)),
    ];
    for (name, expected_status, connected) in cases {
        let response = function
            .invoke(&sample_event(&format!("check-connection/{name}")))
            .await
            .unwrap();
        assert_eq!(status(&response), expected_status, "{name}: {response}");
        assert_eq!(body(&response)["connected"], json!(connected), "{name}");
    }

    // Warm: one GetItem on the profiles table, the member lookup is cached.
    proxy.reset_counts();
    let response = function
        .invoke(&sample_event("check-connection/rest-connected.json"))
        .await
        .unwrap();
    assert_eq!(status(&response), 200);
    assert_eq!(
        proxy.counts().get("GetItem"),
        Some(&1),
        "{:?}",
        proxy.counts()
    );
    assert_eq!(proxy.counts().values().sum::<usize>(), 1);
    env.cleanup().await;
}

#[tokio::test]
async fn malformed_events_get_400_not_errors() {
    let env = TestEnv::with_demo_data("runtime-check-events").await;
    let function = FunctionProcess::spawn(Path::new(BINARY), &env.tables, &env.endpoint, &[])
        .await
        .unwrap();
    let mut bad_host = sample_event("check-connection/rest-connected.json");
    bad_host["headers"]["Host"] = json!("exa mple.com:99999");
    bad_host["multiValueHeaders"]["Host"] = json!(["exa mple.com:99999"]);
    let mut bad_method = sample_event("check-connection/http-connected.json");
    bad_method["requestContext"]["http"]["method"] = json!("GET /");
    let cases = [
        ("empty object", json!({})),
        ("array", json!([1, 2])),
        (
            "method of the wrong type",
            json!({"httpMethod": 5, "path": "/interactions"}),
        ),
        ("unparsable Host header", bad_host),
        ("invalid method", bad_method),
    ];
    for (case, event) in cases {
        let response = function
            .invoke(&event)
            .await
            .unwrap_or_else(|error| panic!("{case}: {error}"));
        assert_eq!(status(&response), 400, "{case}: {response}");
        assert!(body(&response)["message"].is_string(), "{case}");
    }
    // The process survived every one of them.
    let response = function
        .invoke(&sample_event("check-connection/rest-connected.json"))
        .await
        .unwrap();
    assert_eq!(body(&response), json!({"connected": true}));
    env.cleanup().await;
}
