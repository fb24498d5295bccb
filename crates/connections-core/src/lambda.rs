//! The bridge between the Lambda runtime and [`App::handle`].
//!
//! `lambda_http::run` would do this too, but it reports an event it cannot
//! parse as an invocation error and panics on a few malformed ones (an
//! unparsable `Host` header, for instance), and API Gateway turns both into
//! a bare 502. Here every event gets an API Gateway response: a JSON 400
//! for an event that is not a valid REST or HTTP API request.

use std::panic::{AssertUnwindSafe, catch_unwind};

use lambda_http::http::Response;
use lambda_http::request::{LambdaRequest, RequestOrigin};
use lambda_http::{Body, LambdaEvent, Request, RequestExt};
use serde_json::{Map, Value, json};

use crate::app::{App, Endpoint};
use crate::error::ApiError;
use crate::http::respond;

/// Handles one invocation and returns the response payload in the event's format.
pub async fn invoke(app: &App, endpoint: Endpoint, event: LambdaEvent<Value>) -> Value {
    let LambdaEvent { payload, context } = event;
    let http_api = payload.get("version").and_then(Value::as_str) == Some("2.0");
    let request = serde_json::from_value::<LambdaRequest>(payload)
        .ok()
        .and_then(|request| {
            let origin = request.request_origin();
            let converted = catch_unwind(AssertUnwindSafe(|| Request::from(request))).ok()?;
            Some((origin, converted))
        });
    let Some((origin, request)) = request else {
        tracing::warn!(endpoint = endpoint.name(), request_id = %context.request_id, "event is not an API Gateway request");
        let error = Err(ApiError::BadRequest(
            "the request could not be read as an API Gateway REST or HTTP API event".to_owned(),
        ));
        return to_payload(http_api, respond(error, &app.config().cors_allow_origin));
    };
    let is_http_api = matches!(origin, RequestOrigin::ApiGatewayV2);
    let response = app
        .handle(endpoint, request.with_lambda_context(context))
        .await;
    to_payload(is_http_api, response)
}

/// Serializes a response as API Gateway expects it: payload 2.0 for an HTTP
/// API, payload 1.0 (with `multiValueHeaders`) for a REST API.
fn to_payload(http_api: bool, response: Response<Body>) -> Value {
    let status = response.status();
    let (parts, body) = response.into_parts();
    let (body, is_base64) = match body {
        Body::Empty => (Value::Null, false),
        Body::Text(text) => (Value::String(text), false),
        Body::Binary(bytes) => (Value::String(aws_smithy_types::base64::encode(bytes)), true),
        _ => (Value::Null, false),
    };
    let mut single = Map::new();
    let mut multi = Map::new();
    for name in parts.headers.keys() {
        let values: Vec<&str> = parts
            .headers
            .get_all(name)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .collect();
        single.insert(name.to_string(), json!(values.join(", ")));
        multi.insert(name.to_string(), json!(values));
    }
    if http_api {
        json!({
            "statusCode": status.as_u16(),
            "headers": single,
            "body": body,
            "isBase64Encoded": is_base64,
            "cookies": [],
        })
    } else {
        json!({
            "statusCode": status.as_u16(),
            "headers": {},
            "multiValueHeaders": multi,
            "body": body,
            "isBase64Encoded": is_base64,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response() -> Response<Body> {
        respond(Err(ApiError::BadRequest("bad".to_owned())), "*")
    }

    #[test]
    fn rest_payload_has_multi_value_headers() {
        let payload = to_payload(false, response());
        assert_eq!(payload["statusCode"], 400);
        assert_eq!(
            payload["multiValueHeaders"]["access-control-allow-origin"],
            json!(["*"])
        );
        assert_eq!(payload["body"], r#"{"message":"bad"}"#);
        assert_eq!(payload["isBase64Encoded"], false);
    }

    #[test]
    fn http_api_payload_has_single_headers() {
        let payload = to_payload(true, response());
        assert_eq!(payload["statusCode"], 400);
        assert_eq!(payload["headers"]["access-control-allow-origin"], "*");
        assert_eq!(payload["cookies"], json!([]));
    }
}
