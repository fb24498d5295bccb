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
