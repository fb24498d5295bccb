use connections_core::Endpoint;
use devtools::harness::{TestEnv, sample_event};
use lambda_http::http::StatusCode;
use serde_json::json;

use crate::KEN;

const CHECK: Endpoint = Endpoint::CheckConnection;

#[tokio::test]
async fn check_reports_connections() {
    let env = TestEnv::with_demo_data("check-connected").await;
    let cases = [
        ("rest-connected.json", StatusCode::OK, true),
        ("http-connected.json", StatusCode::OK, true),
        ("http-path-without-parameters.json", StatusCode::OK, true),
        ("rest-not-connected.json", StatusCode::OK, false),
    ];
    for (name, status, connected) in cases {
        let reply = env
            .call_sample(CHECK, &format!("check-connection/{name}"))
            .await;
        assert_eq!(reply.status, status, "{name}: {}", reply.body);
        assert_eq!(reply.body, json!({ "connected": connected }), "{name}");
    }
    env.cleanup().await;
}

#[tokio::test]
async fn check_rejects_self_and_malformed_ids() {
    let env = TestEnv::with_demo_data("check-rejected").await;
    for name in ["rest-self.json", "rest-invalid-id.json"] {
        let reply = env
            .call_sample(CHECK, &format!("check-connection/{name}"))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{name}: {}",
            reply.body
        );
        assert_eq!(reply.body["connected"], false, "{name}");
        assert!(reply.body["message"].is_string(), "{name}");
    }
    env.cleanup().await;
}

#[tokio::test]
async fn check_without_profile_is_not_connected() {
    let env = TestEnv::with_demo_data("check-no-profile").await;
    let reply = env
        .call_sample(CHECK, "check-connection/rest-caller-without-profile.json")
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        reply.body,
        json!({"message": "No profile associated with newcomer@example.com", "connected": false})
    );
    env.cleanup().await;
}

#[tokio::test]
async fn check_sees_a_new_connection_at_once() {
    let env = TestEnv::with_demo_data("check-fresh").await;
    let mut event = sample_event("check-connection/rest-connected.json");
    event["path"] = json!(format!("/interactions/journal/{KEN}"));
    event["pathParameters"] = json!({ "id": KEN });
    let before = env.call(CHECK, &event).await;
    assert_eq!(before.body["connected"], false);

    let created = env
        .call_sample(
            Endpoint::CreateInteraction,
            "create-interaction/rest-new-connection.json",
        )
        .await;
    assert_eq!(created.status, StatusCode::OK);

    let after = env.call(CHECK, &event).await;
    assert_eq!(after.body["connected"], true);
    env.cleanup().await;
}

#[tokio::test]
async fn check_decodes_an_escaped_path() {
    let env = TestEnv::with_demo_data("check-escaped").await;
    let mut event = sample_event("check-connection/http-path-without-parameters.json");
    event["rawPath"] = json!("/interactions/journal/Six%4FtterSort");
    event["requestContext"]["http"]["path"] = json!("/interactions/journal/Six%4FtterSort");
    let reply = env.call(CHECK, &event).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body, json!({ "connected": true }));
    env.cleanup().await;
}
