//! HTTP plumbing shared by every function: routing, body limits and the
//! responses, all of which carry the CORS headers.
//!
//! API Gateway REST (payload 1.0) and HTTP API (payload 2.0) events both
//! reach the handlers as a `lambda_http::Request`; `lambda_http` decodes
//! base64 bodies. Paths may carry a stage prefix (`/prod/interactions`)
//! and a trailing slash.

use lambda_http::http::header::{self, HeaderValue};
use lambda_http::http::{Response, StatusCode};
use lambda_http::{Body, Request};
use serde::Serialize;
use serde_json::json;

use crate::error::{ApiError, RETRY_AFTER_SECONDS};

/// Largest request body accepted. A valid body is under 200 bytes; the
/// limit leaves room for clients that send extra fields.
pub const MAX_BODY_BYTES: usize = 8 * 1024;

const ALLOWED_HEADERS: &str = "Authorization, Content-Type";
const ALLOWED_METHODS: &str = "GET, POST, OPTIONS";

/// A path of the API, with any stage prefix and trailing slash removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `/interactions`
    Interactions,
    /// `/interactions/journal`
    Journal,
    /// `/interactions/journal/{id}`, with the raw `{id}` segment.
    JournalEntry(String),
    /// `/interactions/quests` (deprecated)
    Quests,
    Unknown,
}

impl Route {
    /// Parses a request path. The API lives under `/interactions`, which may
    /// follow one prefix segment: the stage of a REST API or the base path
    /// of a custom domain.
    pub fn parse(path: &str) -> Self {
        let segments: Vec<&str> = path
            .split('/')
            .filter(|segment| !segment.is_empty())
            .collect();
        let rest = match segments.as_slice() {
            ["interactions", rest @ ..] => rest,
            [_prefix, "interactions", rest @ ..] => rest,
            _ => return Self::Unknown,
        };
        match rest {
            [] => Self::Interactions,
            ["journal"] => Self::Journal,
            ["journal", id] => Self::JournalEntry((*id).to_owned()),
            ["quests"] => Self::Quests,
            _ => Self::Unknown,
        }
    }
}

/// Decodes `%XX` escapes in a path segment. A segment that does not decode
/// to UTF-8, or has a malformed escape, is returned as it is; profile ID
/// validation then rejects its `%`.
pub fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escape = bytes.get(index + 1..index + 3).and_then(|hex| {
            std::str::from_utf8(hex)
                .ok()
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        });
        match (bytes[index], escape) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                index += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8(decoded).unwrap_or_else(|_| segment.to_owned())
}

/// A successful (or deliberately non-error) response, with its body
/// already serialized.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Option<String>,
    /// Short outcome label for the request log line.
    pub outcome: &'static str,
}

impl Reply {
    pub fn ok(body: impl Serialize, outcome: &'static str) -> Self {
        Self::with_status(StatusCode::OK, body, outcome)
    }

    pub fn with_status(status: StatusCode, body: impl Serialize, outcome: &'static str) -> Self {
        // Serializing a map of strings and plain values cannot fail; a
        // failure would come from a non-string map key, which no body has.
        let body = serde_json::to_string(&body).unwrap_or_else(|_| "{}".to_owned());
        Self {
            status,
            body: Some(body),
            outcome,
        }
    }

    /// A 200 whose body is JSON text already.
    pub fn ok_raw(body: String, outcome: &'static str) -> Self {
        Self {
            status: StatusCode::OK,
            body: Some(body),
            outcome,
        }
    }

    pub fn no_content() -> Self {
        Self {
            status: StatusCode::NO_CONTENT,
            body: None,
            outcome: "preflight",
        }
    }
}

/// The request body as bytes, rejecting one over [`MAX_BODY_BYTES`].
pub fn body_bytes(request: &Request) -> Result<&[u8], ApiError> {
    let bytes: &[u8] = match request.body() {
        Body::Empty => &[],
        Body::Text(text) => text.as_bytes(),
        Body::Binary(bytes) => bytes,
        _ => &[],
    };
    if bytes.len() > MAX_BODY_BYTES {
        return Err(ApiError::PayloadTooLarge(format!(
            "request body is {} bytes; the limit is {MAX_BODY_BYTES} bytes",
            bytes.len()
        )));
    }
    Ok(bytes)
}

/// The `Authorization` header; a value that is not visible ASCII counts as
/// present but unusable.
pub fn authorization_header(request: &Request) -> Option<&str> {
    request
        .headers()
        .get(header::AUTHORIZATION)
        .map(|value| value.to_str().unwrap_or(""))
}

/// The status that [`respond`] gives `result`.
pub fn status_of(result: &Result<Reply, ApiError>) -> StatusCode {
    match result {
        Ok(reply) => reply.status,
        Err(error) => error.status(),
    }
}

/// Builds the response for `result`, with the CORS headers on every status.
pub fn respond(result: Result<Reply, ApiError>, cors_allow_origin: &str) -> Response<Body> {
    let status = status_of(&result);
    let (body, error) = match result {
        Ok(reply) => (reply.body, None),
        Err(error) => {
            let body = json!({ "message": error.to_string() }).to_string();
            (Some(body), Some(error))
        }
    };
    let mut response = Response::new(match body {
        Some(body) => Body::Text(body),
        None => Body::Empty,
    });
    *response.status_mut() = status;

    let headers = response.headers_mut();
    if status != StatusCode::NO_CONTENT {
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let origin = HeaderValue::from_str(cors_allow_origin).unwrap_or(HeaderValue::from_static("*"));
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static(ALLOWED_HEADERS),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(ALLOWED_METHODS),
    );
    if cors_allow_origin != "*" {
        headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    }

    match error {
        Some(ApiError::Unauthorized(crate::auth::AuthError::MissingHeader)) => {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        Some(ApiError::Unauthorized(_)) => {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
        }
        Some(ApiError::Unavailable(_)) => {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
        }
        Some(ApiError::MethodNotAllowed { allow, .. }) => {
            headers.insert(header::ALLOW, HeaderValue::from_static(allow));
        }
        _ => {}
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_parses_plain_paths() {
        assert_eq!(Route::parse("/interactions"), Route::Interactions);
        assert_eq!(Route::parse("/interactions/journal"), Route::Journal);
        assert_eq!(Route::parse("/interactions/quests"), Route::Quests);
        assert_eq!(
            Route::parse("/interactions/journal/SixVansSort"),
            Route::JournalEntry("SixVansSort".to_owned())
        );
    }

    #[test]
    fn route_ignores_trailing_slash_and_stage() {
        assert_eq!(Route::parse("/interactions/"), Route::Interactions);
        assert_eq!(Route::parse("/prod/interactions"), Route::Interactions);
        assert_eq!(Route::parse("/dev/interactions/journal/"), Route::Journal);
        assert_eq!(
            Route::parse("/prod/interactions/journal/abc"),
            Route::JournalEntry("abc".to_owned())
        );
    }

    #[test]
    fn route_rejects_other_paths() {
        for path in [
            "/",
            "",
            "/journal",
            "/a/b/interactions",
            "/interactions/journal/a/b",
            "/interactions/other",
        ] {
            assert_eq!(Route::parse(path), Route::Unknown, "{path:?}");
        }
    }

    #[test]
    fn percent_decode_handles_escapes() {
        assert_eq!(percent_decode("Six%4FtterSort"), "SixOtterSort");
        assert_eq!(percent_decode("a%20b%23c"), "a b#c");
        assert_eq!(percent_decode("plain"), "plain");
        assert_eq!(percent_decode("bad%zz"), "bad%zz");
        assert_eq!(percent_decode("cut%4"), "cut%4");
        assert_eq!(percent_decode("%ff%fe"), "%ff%fe");
        assert_eq!(percent_decode("%"), "%");
    }

    #[test]
    fn every_response_has_cors_headers() {
        let error: Result<Reply, ApiError> = Err(ApiError::BadRequest("bad".to_owned()));
        let ok: Result<Reply, ApiError> = Ok(Reply::no_content());
        for result in [error, ok] {
            let response = respond(result, "https://app.example.com");
            let headers = response.headers();
            assert_eq!(
                headers[header::ACCESS_CONTROL_ALLOW_ORIGIN],
                "https://app.example.com"
            );
            assert!(headers.contains_key(header::ACCESS_CONTROL_ALLOW_HEADERS));
            assert!(headers.contains_key(header::ACCESS_CONTROL_ALLOW_METHODS));
        }
    }

    #[test]
    fn unavailable_sets_retry_after() {
        let result: Result<Reply, ApiError> = Err(ApiError::Unavailable("down".into()));
        let response = respond(result, "*");
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "1");
    }

    proptest::proptest! {
        #[test]
        fn route_parse_never_panics(path in "(/[a-z%#?. ]{0,12}){0,6}/?") {
            let _ = Route::parse(&path);
        }

        #[test]
        fn route_finds_entries_under_any_prefix(stage in "[a-z0-9_-]{1,12}", id in "[A-Za-z0-9_-]{1,64}") {
            proptest::prop_assume!(stage != "interactions");
            let path = format!("/{stage}/interactions/journal/{id}");
            proptest::prop_assert_eq!(Route::parse(&path), Route::JournalEntry(id));
        }
    }
}
