//! `POST /interactions`: connect the caller with another profile.

use lambda_http::Request;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::{Value, json};

use super::{authenticate, caller_profile_id, no_profile_yet};
use crate::app::App;
use crate::error::ApiError;
use crate::http::{Reply, body_bytes};
use crate::profile_id::ProfileId;
use crate::store::CreateOutcome;
use crate::telemetry::RequestLog;

const EXPECTED_BODY: &str = r#"{"eventType": "CONNECTION", "eventParam": "<profile ID>"}"#;

/// Deepest nesting of arrays and objects accepted in a body. A valid body
/// has depth 1; the margin is for clients that send extra fields.
const MAX_NESTING: usize = 16;

/// Maximum number of characters of a rejected value echoed in an error message.
const MAX_ECHOED_CHARS: usize = 40;

/// The request body. Fields are read as raw JSON so that a missing field and
/// a field of the wrong type get different messages.
struct CreateBody {
    event_type: Option<Value>,
    event_param: Option<Value>,
}

/// Accepts only a JSON object: a derived `Deserialize` would also build the
/// struct from an array such as `["CONNECTION", "<id>"]`. Duplicate keys
/// are rejected and unknown keys ignored.
impl<'de> Deserialize<'de> for CreateBody {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(CreateBodyVisitor)
    }
}

struct CreateBodyVisitor;

impl<'de> Visitor<'de> for CreateBodyVisitor {
    type Value = CreateBody;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CreateBody, A::Error> {
        let mut body = CreateBody {
            event_type: None,
            event_param: None,
        };
        let (mut seen_type, mut seen_param) = (false, false);
        while let Some(key) = map.next_key::<String>()? {
            let (seen, slot, name) = match key.as_str() {
                "eventType" => (&mut seen_type, &mut body.event_type, "eventType"),
                "eventParam" => (&mut seen_param, &mut body.event_param, "eventParam"),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            if *seen {
                return Err(de::Error::duplicate_field(name));
            }
            *seen = true;
            *slot = Some(map.next_value()?);
        }
        Ok(body)
    }
}

pub async fn create_interaction(
    app: &App,
    request: &Request,
    log: &mut RequestLog,
) -> Result<Reply, ApiError> {
    let caller = authenticate(app, request).await?;
    let target = parse_body(body_bytes(request)?)?;
    log.set_target(&target);

    let caller_id = caller_profile_id(app, &caller, log)
        .await?
        .ok_or_else(no_profile_yet)?;
    if caller_id == target {
        return Err(ApiError::BadRequest(
            "eventParam is your own profile ID; you cannot connect to yourself".to_owned(),
        ));
    }

    let (caller_profile, target_profile) = app.store().profile_pair(&caller_id, &target).await?;
    let target_profile = target_profile
        .ok_or_else(|| ApiError::NotFound(format!("no profile has the ID {target}")))?;
    let caller_profile = caller_profile.ok_or_else(no_profile_yet)?;

    let now_millis = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
    let outcome = app
        .store()
        .create_connection(&caller_profile, &target_profile, now_millis as i64)
        .await?;

    let name = target_profile.full_name();
    let already_made =
        |name: String| json!({ "message": "Connection has already been made", "name": name });
    let reply = match outcome {
        CreateOutcome::Created => Reply::ok(
            json!({
                "message": format!("Connection created with {}", target_profile.first_name()),
                "name": name,
            }),
            "created",
        ),
        CreateOutcome::AlreadyConnected => Reply::ok(already_made(name), "already_connected"),
        CreateOutcome::Completed => Reply::ok(already_made(name), "completed_one_sided"),
    };
    Ok(reply)
}

/// Parses and validates the body, returning the target profile ID.
fn parse_body(bytes: &[u8]) -> Result<ProfileId, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::BadRequest(format!(
            "request body is empty; send {EXPECTED_BODY}"
        )));
    }
    if nesting_depth(bytes) > MAX_NESTING {
        return Err(ApiError::BadRequest(format!(
            "request body nests arrays or objects deeper than {MAX_NESTING} levels; send {EXPECTED_BODY}"
        )));
    }
    let body: CreateBody = serde_json::from_slice(bytes).map_err(|error| {
        if error.is_data() {
            ApiError::BadRequest(format!(
                "request body must be a JSON object {EXPECTED_BODY}: {error}"
            ))
        } else {
            ApiError::BadRequest(format!("request body is not valid JSON: {error}"))
        }
    })?;

    let event_type = required_string(body.event_type, "eventType")?;
    if event_type != "CONNECTION" {
        return Err(ApiError::BadRequest(format!(
            "eventType {:?} is not supported; only \"CONNECTION\" is",
            shorten(&event_type)
        )));
    }
    let event_param = required_string(body.event_param, "eventParam")?;
    ProfileId::parse(&event_param)
        .map_err(|reason| ApiError::BadRequest(format!("eventParam {reason}")))
}

/// `text` cut to [`MAX_ECHOED_CHARS`] characters, with "..." when cut.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(MAX_ECHOED_CHARS) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_owned(),
    }
}

/// The deepest nesting of `[` and `{` outside strings. It scans bytes and
/// does not validate; the JSON parser does that afterwards.
fn nesting_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for &byte in bytes {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

fn required_string(value: Option<Value>, field: &str) -> Result<String, ApiError> {
    match value {
        None | Some(Value::Null) => Err(ApiError::BadRequest(format!(
            "{field} is missing; send {EXPECTED_BODY}"
        ))),
        Some(Value::String(text)) => Ok(text),
        Some(_) => Err(ApiError::BadRequest(format!("{field} must be a string"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(body: &str) -> String {
        match parse_body(body.as_bytes()) {
            Err(ApiError::BadRequest(message)) => message,
            other => {
                let shown: String = body.chars().take(80).collect();
                panic!("expected a bad request for {shown:?}, got {other:?}")
            }
        }
    }

    #[test]
    fn accepts_valid_body_and_ignores_extra_fields() {
        let id =
            parse_body(br#"{"eventType":"CONNECTION","eventParam":"SixVansSort","extra":[1]}"#)
                .unwrap();
        assert_eq!(id.as_str(), "SixVansSort");
    }

    #[test]
    fn empty_body_says_what_to_send() {
        assert!(message("").contains("empty"));
        assert!(message("  \n").contains("empty"));
    }

    #[test]
    fn non_objects_are_rejected() {
        for body in [
            "null",
            "[]",
            "\"x\"",
            "5",
            "true",
            r#"["CONNECTION","SixVansSort"]"#,
        ] {
            let text = message(body);
            assert!(text.contains("must be a JSON object"), "{body}: {text}");
            assert!(!text.contains("CreateBody"), "{body}: {text}");
        }
    }

    #[test]
    fn long_rejected_values_are_shortened() {
        let body = format!(r#"{{"eventType":"{}","eventParam":"a"}}"#, "Q".repeat(5000));
        let text = message(&body);
        assert!(text.len() < 200, "{} characters", text.len());
        assert!(text.contains("QQQ..."), "{text}");
    }

    #[test]
    fn invalid_json_is_rejected() {
        for body in [
            "{",
            "not json",
            "{'eventType': 1}",
            "{\"eventType\":\"CONNECTION\",}",
        ] {
            assert!(message(body).contains("not valid JSON"), "{body}");
        }
    }

    #[test]
    fn missing_fields_are_named() {
        assert!(message(r#"{"eventParam":"a"}"#).contains("eventType is missing"));
        assert!(message(r#"{"eventType":"CONNECTION"}"#).contains("eventParam is missing"));
        assert!(message(r#"{"eventType":null,"eventParam":"a"}"#).contains("eventType is missing"));
    }

    #[test]
    fn non_string_fields_are_named() {
        assert!(
            message(r#"{"eventType":1,"eventParam":"a"}"#).contains("eventType must be a string")
        );
        assert!(
            message(r#"{"eventType":"CONNECTION","eventParam":{"a":1}}"#)
                .contains("eventParam must be a string")
        );
        assert!(
            message(r#"{"eventType":"CONNECTION","eventParam":["a"]}"#)
                .contains("eventParam must be a string")
        );
    }

    #[test]
    fn other_event_types_are_rejected() {
        let text = message(r#"{"eventType":"QUEST","eventParam":"a"}"#);
        assert!(text.contains("only \"CONNECTION\""), "{text}");
        assert!(
            message(r#"{"eventType":"connection","eventParam":"a"}"#).contains("not supported")
        );
    }

    #[test]
    fn duplicate_keys_are_rejected() {
        let text = message(r#"{"eventType":"CONNECTION","eventParam":"a","eventParam":"b"}"#);
        assert!(text.contains("duplicate field `eventParam`"), "{text}");
    }

    #[test]
    fn malformed_profile_ids_are_named() {
        let too_long = format!(
            r#"{{"eventType":"CONNECTION","eventParam":"{}"}}"#,
            "a".repeat(129)
        );
        for body in [
            r#"{"eventType":"CONNECTION","eventParam":""}"#,
            r#"{"eventType":"CONNECTION","eventParam":"a#b"}"#,
            r#"{"eventType":"CONNECTION","eventParam":"a b"}"#,
            r#"{"eventType":"CONNECTION","eventParam":"\u0430bc"}"#,
            too_long.as_str(),
        ] {
            assert!(message(body).starts_with("eventParam "), "{body}");
        }
    }

    #[test]
    fn deep_nesting_is_rejected_without_overflow() {
        let nested = format!(
            r#"{{"eventType":"CONNECTION","eventParam":"a","x":{}{}}}"#,
            "[".repeat(5000),
            "]".repeat(5000)
        );
        assert!(message(&nested).contains("deeper than 16 levels"));
    }

    #[test]
    fn nesting_depth_ignores_brackets_in_strings() {
        assert_eq!(nesting_depth(br#"{"a":"[[[{{{","b":"\"[["}"#), 1);
        assert_eq!(nesting_depth(br#"{"a":[[1],{"b":[]}]}"#), 4);
        assert_eq!(nesting_depth(b"5"), 0);
    }

    #[test]
    fn invalid_utf8_is_rejected() {
        let body = b"{\"eventType\":\"CONNECTION\",\"eventParam\":\"\xff\xfe\"}";
        assert!(matches!(parse_body(body), Err(ApiError::BadRequest(_))));
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;
        use serde_json::json;

        fn depth(value: &Value) -> usize {
            match value {
                Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
                Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
                _ => 0,
            }
        }

        fn json_value() -> impl Strategy<Value = Value> {
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                any::<i64>().prop_map(|n| json!(n)),
                "[\\[\\]{}\"\\\\a-z]{0,8}".prop_map(Value::String),
            ];
            leaf.prop_recursive(8, 64, 4, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                    prop::collection::btree_map("[a-z\\[{\"]{0,4}", inner, 0..4)
                        .prop_map(|map| Value::Object(map.into_iter().collect())),
                ]
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            #[test]
            fn parse_body_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
                let _ = parse_body(&bytes);
            }

            #[test]
            fn parse_body_never_panics_on_json_like_text(text in "[{}\\[\\]\":,. a-zA-Z0-9#\\\\-]{0,300}") {
                let _ = parse_body(text.as_bytes());
            }

            #[test]
            fn event_param_accepted_only_when_valid(param in any::<String>()) {
                let body = json!({"eventType": "CONNECTION", "eventParam": param}).to_string();
                let valid = (1..=128).contains(&param.len())
                    && param.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
                match parse_body(body.as_bytes()) {
                    Ok(id) => {
                        prop_assert!(valid, "accepted {:?}", param);
                        prop_assert_eq!(id.as_str(), param.as_str());
                    }
                    Err(ApiError::BadRequest(message)) => {
                        prop_assert!(!valid, "rejected {:?}: {}", param, message);
                        prop_assert!(message.starts_with("eventParam "), "{}", message);
                    }
                    Err(other) => prop_assert!(false, "unexpected error {:?}", other),
                }
            }

            #[test]
            fn valid_ids_survive_extra_fields(id in "[A-Za-z0-9_-]{1,128}", extra in json_value()) {
                let body = json!({"eventType": "CONNECTION", "eventParam": id, "extra": extra});
                let bytes = body.to_string();
                match parse_body(bytes.as_bytes()) {
                    Ok(parsed) => prop_assert_eq!(parsed.as_str(), id.as_str()),
                    Err(ApiError::BadRequest(message)) => prop_assert!(message.contains("deeper than")),
                    Err(other) => prop_assert!(false, "unexpected error {:?}", other),
                }
            }

            #[test]
            fn nesting_depth_matches_structure(value in json_value()) {
                let text = serde_json::to_vec(&value).unwrap();
                prop_assert_eq!(nesting_depth(&text), depth(&value));
            }
        }
    }
}
