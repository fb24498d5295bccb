use connections_core::Endpoint;
use devtools::harness::{TestEnv, sample_event};
use lambda_http::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn preflight_needs_no_token() {
    let env = TestEnv::empty("routing-preflight").await;
    for endpoint in [
        Endpoint::CreateInteraction,
        Endpoint::GetJournal,
        Endpoint::CheckConnection,
    ] {
        let reply = env
            .call_sample(endpoint, "create-interaction/http-preflight.json")
            .await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT, "{endpoint:?}");
        assert_eq!(reply.headers["access-control-allow-origin"], "*");
        assert!(
            reply.headers["access-control-allow-methods"]
                .to_str()
                .unwrap()
                .contains("POST")
        );
        assert!(
            reply.headers["access-control-allow-headers"]
                .to_str()
                .unwrap()
                .contains("Authorization")
        );
    }
    env.cleanup().await;
}

#[tokio::test]
async fn wrong_method_is_405_with_allow() {
    let env = TestEnv::empty("routing-method").await;
    let mut event = sample_event("create-interaction/rest-new-connection.json");
    event["httpMethod"] = json!("GET");
    let reply = env.call(Endpoint::CreateInteraction, &event).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(reply.headers["allow"], "POST, OPTIONS");
    assert!(reply.body["message"].as_str().unwrap().contains("use POST"));
    env.cleanup().await;
}

#[tokio::test]
async fn other_routes_are_404() {
    let env = TestEnv::empty("routing-unknown").await;
    let journal = sample_event("get-journal/rest-journal.json");
    let reply = env.call(Endpoint::CreateInteraction, &journal).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(
        reply.body["message"]
            .as_str()
            .unwrap()
            .contains("no route for GET")
    );

    let mut unknown = journal.clone();
    unknown["path"] = json!("/interactions/elsewhere");
    let reply = env.call(Endpoint::GetJournal, &unknown).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.headers["access-control-allow-origin"], "*");
    env.cleanup().await;
}
