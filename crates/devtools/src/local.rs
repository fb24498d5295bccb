//! A DynamoDB client for DynamoDB Local.

use aws_config::{BehaviorVersion, Region};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::Credentials;

/// Variable holding the DynamoDB Local URL, e.g. `http://127.0.0.1:8000`.
pub const ENDPOINT_VARIABLE: &str = "DYNAMODB_ENDPOINT";

/// The DynamoDB Local URL from `DYNAMODB_ENDPOINT`.
///
/// # Panics
/// When the variable is unset: tests need a running DynamoDB Local, which
/// `make test` starts.
pub fn endpoint() -> String {
    std::env::var(ENDPOINT_VARIABLE).unwrap_or_else(|_| {
        panic!("{ENDPOINT_VARIABLE} is not set; run the tests with `make test`, which starts DynamoDB Local")
    })
}

/// SDK configuration for DynamoDB Local at `endpoint`, with fixed
/// credentials (DynamoDB Local accepts any).
pub async fn sdk_config(endpoint: &str) -> aws_config::SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "local",
            "local",
            None,
            None,
            "dynamodb-local",
        ))
        .endpoint_url(endpoint)
        .load()
        .await
}

/// A client for DynamoDB Local at `endpoint`.
pub async fn client(endpoint: &str) -> Client {
    Client::new(&sdk_config(endpoint).await)
}
