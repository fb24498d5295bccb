//! API Gateway REST (payload 1.0) events for the benchmark, built from the
//! sample events in `events/`, and the checks of the responses.

use serde_json::{Value, json};

use super::BoxError;
use crate::harness::sample_event;

/// Loads the sample event `name` and puts `token` in its Authorization header.
fn sample_with_token(name: &str, token: &str) -> Value {
    let mut event = sample_event(name);
    let bearer = format!("Bearer {token}");
    event["headers"]["Authorization"] = json!(bearer);
    event["multiValueHeaders"]["Authorization"] = json!([bearer]);
    event
}

/// `POST /interactions` connecting the caller with `target`.
pub fn create_event(token: &str, target: &str) -> Value {
    let mut event = sample_with_token("create-interaction/rest-new-connection.json", token);
    let body = json!({"eventType": "CONNECTION", "eventParam": target});
    event["body"] = json!(body.to_string());
    event
}

/// `GET /interactions/journal` without a filter.
pub fn journal_event(token: &str) -> Value {
    sample_with_token("get-journal/rest-journal.json", token)
}

/// `GET /interactions/journal/{id}` for `other`.
pub fn check_event(token: &str, other: &str) -> Value {
    let mut event = sample_with_token("check-connection/rest-connected.json", token);
    event["path"] = json!(format!("/interactions/journal/{other}"));
    event["pathParameters"] = json!({ "id": other });
    event["requestContext"]["path"] = json!(format!("/prod/interactions/journal/{other}"));
    event
}

/// Parses the body of `response` when its statusCode is `expected`, and
/// otherwise returns an error that shows the status and the start of the body.
pub fn expect_status(response: &Value, expected: u16) -> Result<Value, BoxError> {
    let status = response["statusCode"].as_u64();
    let body_text = response["body"].as_str().unwrap_or_default();
    if status != Some(u64::from(expected)) {
        let shown: String = body_text.chars().take(300).collect();
        return Err(format!(
            "expected statusCode {expected}, got {}: {shown}",
            status.map_or("none".to_owned(), |status| status.to_string())
        )
        .into());
    }
    serde_json::from_str(body_text)
        .map_err(|error| format!("the response body is not JSON: {error}").into())
}

/// Checks a create-interaction response: 200 and a new connection, not
/// "already made", which would measure a different path.
pub fn check_created(response: &Value) -> Result<(), BoxError> {
    let body = expect_status(response, 200)?;
    let message = body["message"].as_str().unwrap_or_default();
    if !message.starts_with("Connection created") {
        return Err(format!("expected a new connection, got the message {message:?}").into());
    }
    Ok(())
}

/// Checks a get-journal response: 200 with exactly `expected` entries.
pub fn check_journal(response: &Value, expected: usize) -> Result<(), BoxError> {
    let body = expect_status(response, 200)?;
    let entries = body["data"].as_array().map_or(0, Vec::len);
    if entries != expected {
        return Err(format!("expected {expected} journal entries, got {entries}").into());
    }
    Ok(())
}

/// Checks a check-connection response: 200 and `"connected": true`.
pub fn check_connected(response: &Value) -> Result<(), BoxError> {
    let body = expect_status(response, 200)?;
    if body["connected"] != json!(true) {
        return Err(format!("expected \"connected\": true, got {body}").into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_carry_the_token_in_both_header_maps() {
        let event = journal_event("abc");
        assert_eq!(event["headers"]["Authorization"], "Bearer abc");
        assert_eq!(event["multiValueHeaders"]["Authorization"][0], "Bearer abc");
    }

    #[test]
    fn create_event_names_the_target() {
        let event = create_event("abc", "SwiftHarborJumps7");
        let body: Value = serde_json::from_str(event["body"].as_str().unwrap()).unwrap();
        assert_eq!(body["eventParam"], "SwiftHarborJumps7");
        assert_eq!(body["eventType"], "CONNECTION");
    }

    #[test]
    fn check_event_sets_path_and_parameter() {
        let event = check_event("abc", "LuckyMapleSort3");
        assert_eq!(event["path"], "/interactions/journal/LuckyMapleSort3");
        assert_eq!(event["pathParameters"]["id"], "LuckyMapleSort3");
    }

    #[test]
    fn unexpected_status_is_an_error() {
        let response = json!({"statusCode": 503, "body": "{\"message\":\"busy\"}"});
        let error = expect_status(&response, 200).unwrap_err().to_string();
        assert!(error.contains("503"), "{error}");
        assert!(error.contains("busy"), "{error}");
    }
}
