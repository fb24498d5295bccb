use connections_core::Endpoint;
use devtools::demo::{edge_rows, put_person, write_items};
use devtools::harness::{TestEnv, sample_event};
use devtools::tokens::mint;
use lambda_http::http::StatusCode;
use serde_json::{Value, json};

use crate::{ADA, ADA_EMAIL, KEN, RADIA, attribute_names, created_at, string};

const CREATE: Endpoint = Endpoint::CreateInteraction;

fn with_body(mut event: Value, body: &str) -> Value {
    event["body"] = json!(body);
    event
}

#[tokio::test]
async fn new_connection_writes_both_rows() {
    let env = TestEnv::with_demo_data("create-new").await;
    let before = env.connection_rows().await.len();

    let reply = env
        .call_sample(CREATE, "create-interaction/rest-new-connection.json")
        .await;

    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["message"], "Connection created with Ken");
    assert_eq!(reply.body["name"], "Ken Turing");
    assert_eq!(env.connection_rows().await.len(), before + 2);

    let ada_row = env
        .connection_row(ADA, KEN)
        .await
        .expect("Ada's row exists");
    let ken_row = env
        .connection_row(KEN, ADA)
        .await
        .expect("Ken's row exists");
    assert_eq!(created_at(&ada_row), created_at(&ken_row));
    assert_eq!(string(&ada_row, "connectionID"), KEN);
    assert_eq!(string(&ada_row, "connectionType"), "ATTENDEE");
    assert_eq!(string(&ada_row, "fname"), "Ken");
    assert_eq!(string(&ada_row, "lname"), "Turing");
    assert_eq!(string(&ada_row, "major"), "Commerce");
    assert_eq!(string(&ada_row, "year"), "1st Year");
    assert_eq!(
        attribute_names(&ada_row),
        [
            "compositeID",
            "connectionID",
            "connectionType",
            "createdAt",
            "fname",
            "lname",
            "major",
            "pronouns",
            "type",
            "year"
        ]
    );
    assert_eq!(string(&ken_row, "compositeID"), format!("PROFILE#{KEN}"));
    assert_eq!(string(&ken_row, "type"), format!("CONNECTION#{ADA}"));
    assert_eq!(string(&ken_row, "connectionType"), "EXEC");
    assert_eq!(string(&ken_row, "fname"), "Ada");
    env.cleanup().await;
}

#[tokio::test]
async fn repeat_connection_rewrites_nothing() {
    let env = TestEnv::with_demo_data("create-repeat").await;
    let first = env
        .call_sample(CREATE, "create-interaction/rest-new-connection.json")
        .await;
    assert_eq!(first.status, StatusCode::OK);
    let row_before = env.connection_row(ADA, KEN).await.unwrap();
    let count_before = env.connection_rows().await.len();

    // The other person taps back, through the HTTP API this time.
    let mut event = sample_event("create-interaction/http-new-connection.json");
    event["headers"]["authorization"] =
        json!(format!("Bearer {}", mint("ken.turing20@example.com")));
    event["body"] = json!(format!(
        r#"{{"eventType":"CONNECTION","eventParam":"{ADA}"}}"#
    ));
    let second = env.call(CREATE, &event).await;

    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    assert_eq!(second.body["message"], "Connection has already been made");
    assert_eq!(second.body["name"], "Ada Lovelace");
    assert_eq!(env.connection_rows().await.len(), count_before);
    assert_eq!(env.connection_row(ADA, KEN).await.unwrap(), row_before);
    env.cleanup().await;
}

#[tokio::test]
async fn already_connected_sample_changes_nothing() {
    let env = TestEnv::with_demo_data("create-already").await;
    let before = env.connection_rows().await;
    for name in [
        "create-interaction/rest-already-connected.json",
        "create-interaction/http-already-connected.json",
    ] {
        let reply = env.call_sample(CREATE, name).await;
        assert_eq!(reply.status, StatusCode::OK, "{name}: {}", reply.body);
        assert_eq!(
            reply.body["message"], "Connection has already been made",
            "{name}"
        );
        assert_eq!(reply.body["name"], "Grace Hopper", "{name}");
    }
    assert_eq!(env.connection_rows().await.len(), before.len());
    env.cleanup().await;
}

#[tokio::test]
async fn rejected_requests_write_nothing() {
    let env = TestEnv::with_demo_data("create-rejected").await;
    let before = env.connection_rows().await.len();
    let cases = [
        (
            "rest-unknown-profile.json",
            StatusCode::NOT_FOUND,
            "NoSuchProfile",
        ),
        (
            "rest-self-connection.json",
            StatusCode::BAD_REQUEST,
            "yourself",
        ),
        (
            "rest-caller-without-profile.json",
            StatusCode::NOT_FOUND,
            "no profile yet",
        ),
        (
            "rest-invalid-profile-id.json",
            StatusCode::BAD_REQUEST,
            "eventParam",
        ),
        (
            "rest-missing-event-param.json",
            StatusCode::BAD_REQUEST,
            "eventParam is missing",
        ),
        (
            "rest-unsupported-event-type.json",
            StatusCode::BAD_REQUEST,
            "only \"CONNECTION\"",
        ),
        (
            "rest-malformed-json.json",
            StatusCode::BAD_REQUEST,
            "not valid JSON",
        ),
        (
            "rest-missing-token.json",
            StatusCode::UNAUTHORIZED,
            "Authorization header is missing",
        ),
        (
            "rest-expired-token.json",
            StatusCode::UNAUTHORIZED,
            "expired",
        ),
    ];
    for (name, status, fragment) in cases {
        let reply = env
            .call_sample(CREATE, &format!("create-interaction/{name}"))
            .await;
        assert_eq!(reply.status, status, "{name}: {}", reply.body);
        let message = reply.body["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(fragment),
            "{name}: {message:?} lacks {fragment:?}"
        );
    }
    assert_eq!(env.connection_rows().await.len(), before);
    env.cleanup().await;
}

#[tokio::test]
async fn hostile_bodies_get_named_errors() {
    let env = TestEnv::with_demo_data("create-bodies").await;
    let base = sample_event("create-interaction/rest-new-connection.json");
    let long_id = "a".repeat(129);
    let cases: Vec<(String, StatusCode, &str)> = vec![
        (String::new(), StatusCode::BAD_REQUEST, "empty"),
        ("null".into(), StatusCode::BAD_REQUEST, "JSON object"),
        ("[]".into(), StatusCode::BAD_REQUEST, "JSON object"),
        (
            "\"CONNECTION\"".into(),
            StatusCode::BAD_REQUEST,
            "JSON object",
        ),
        (
            "eventType=CONNECTION".into(),
            StatusCode::BAD_REQUEST,
            "not valid JSON",
        ),
        (
            r#"{"eventType":5,"eventParam":"x"}"#.into(),
            StatusCode::BAD_REQUEST,
            "eventType must be a string",
        ),
        (
            r#"{"eventType":"CONNECTION","eventParam":{}}"#.into(),
            StatusCode::BAD_REQUEST,
            "eventParam must be a string",
        ),
        (
            r#"{"eventType":"CONNECTION","eventParam":7}"#.into(),
            StatusCode::BAD_REQUEST,
            "eventParam must be a string",
        ),
        (
            r#"{"eventType":"CONNECTION","eventParam":"a#b"}"#.into(),
            StatusCode::BAD_REQUEST,
            "eventParam may contain only",
        ),
        (
            r#"{"eventType":"CONNECTION","eventParam":"a b"}"#.into(),
            StatusCode::BAD_REQUEST,
            "eventParam may contain only",
        ),
        (
            r#"{"eventType":"CONNECTION","eventParam":"QuietCometSing\u0455"}"#.into(),
            StatusCode::BAD_REQUEST,
            "eventParam may contain only",
        ),
        (
            format!(r#"{{"eventType":"CONNECTION","eventParam":"{long_id}"}}"#),
            StatusCode::BAD_REQUEST,
            "longer than 128",
        ),
        (
            r#"{"eventType":"CONNECTION","eventParam":""}"#.into(),
            StatusCode::BAD_REQUEST,
            "eventParam is empty",
        ),
        (
            r#"{"eventType":"CONNECTION","eventParam":"x","eventParam":"y"}"#.into(),
            StatusCode::BAD_REQUEST,
            "duplicate field",
        ),
        (
            format!(
                r#"{{"eventType":"CONNECTION","eventParam":"x","deep":{}{}}}"#,
                "[".repeat(2000),
                "]".repeat(2000)
            ),
            StatusCode::BAD_REQUEST,
            "deeper than 16 levels",
        ),
        (
            format!(
                r#"{{"eventType":"CONNECTION","eventParam":"x","pad":"{}"}}"#,
                "x".repeat(9000)
            ),
            StatusCode::PAYLOAD_TOO_LARGE,
            "limit is 8192 bytes",
        ),
    ];
    for (body, status, fragment) in cases {
        let reply = env.call(CREATE, &with_body(base.clone(), &body)).await;
        let shown: String = body.chars().take(60).collect();
        assert_eq!(reply.status, status, "{shown}: {}", reply.body);
        let message = reply.body["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(fragment),
            "{shown}: {message:?} lacks {fragment:?}"
        );
    }
    assert!(env.connection_row(ADA, KEN).await.is_none());
    env.cleanup().await;
}

#[tokio::test]
async fn invalid_utf8_body_is_rejected() {
    let env = TestEnv::with_demo_data("create-utf8").await;
    let mut event = sample_event("create-interaction/http-base64-body.json");
    // {"eventType":"CONNECTION","eventParam":"<0xff 0xfe>"} in base64.
    let bytes = b"{\"eventType\":\"CONNECTION\",\"eventParam\":\"\xff\xfe\"}";
    event["body"] = json!(aws_smithy_types::base64::encode(bytes));
    let reply = env.call(CREATE, &event).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    env.cleanup().await;
}

#[tokio::test]
async fn unknown_fields_are_ignored() {
    let env = TestEnv::with_demo_data("create-extra").await;
    let body = format!(
        r#"{{"eventType":"CONNECTION","eventParam":"{KEN}","source":"nfc","meta":{{"a":[1,2]}}}}"#
    );
    let event = with_body(
        sample_event("create-interaction/rest-new-connection.json"),
        &body,
    );
    let reply = env.call(CREATE, &event).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(env.connection_row(ADA, KEN).await.is_some());
    env.cleanup().await;
}

#[tokio::test]
async fn base64_body_and_hidden_attributes() {
    let env = TestEnv::with_demo_data("create-base64").await;
    let reply = env
        .call_sample(CREATE, "create-interaction/http-base64-body.json")
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["message"], "Connection created with Radia");

    // Radia's viewableMap hides major and year.
    let ada_row = env
        .connection_row(ADA, RADIA)
        .await
        .expect("Ada's row exists");
    assert!(!ada_row.contains_key("major"));
    assert!(!ada_row.contains_key("year"));
    assert_eq!(string(&ada_row, "pronouns"), "he/him");
    // Ada shares everything, so Radia's row about Ada has major and year.
    let radia_row = env
        .connection_row(RADIA, ADA)
        .await
        .expect("Radia's row exists");
    assert_eq!(string(&radia_row, "major"), "Commerce");
    assert_eq!(string(&radia_row, "year"), "1st Year");
    env.cleanup().await;
}

#[tokio::test]
async fn stage_prefix_and_trailing_slash_are_accepted() {
    let env = TestEnv::with_demo_data("create-stage").await;
    let reply = env
        .call_sample(
            CREATE,
            "create-interaction/http-stage-prefix-trailing-slash.json",
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(env.connection_row(RADIA, ADA).await.is_some());
    env.cleanup().await;
}

/// Profiles of every type, and one without `profileType`.
fn typed_people() -> Vec<(String, &'static str, Value)> {
    ["ATTENDEE", "PARTNER", "EXEC", ""]
        .into_iter()
        .enumerate()
        .map(|(index, kind)| {
            let mut attributes = json!({
                "fname": format!("Person{index}"), "lname": "Typed", "pronouns": "they/them",
                "major": "Finance", "year": "3rd Year", "company": "Northwind", "title": "Analyst",
            });
            if !kind.is_empty() {
                attributes["profileType"] = json!(kind);
            }
            (format!("Typed{index}"), kind, attributes)
        })
        .collect()
}

#[tokio::test]
async fn edges_are_symmetric_for_every_type_pair() {
    let env = TestEnv::empty("create-types").await;
    let people = typed_people();
    for (id, _, attributes) in &people {
        put_person(
            &env.client,
            &env.tables,
            &format!("{}@example.com", id.to_lowercase()),
            id,
            attributes,
        )
        .await
        .unwrap();
    }
    let base = sample_event("create-interaction/rest-new-connection.json");
    for (caller_index, (caller, _, _)) in people.iter().enumerate() {
        for (target, _, _) in people.iter().skip(caller_index + 1) {
            // Alternate who starts, so both directions are exercised.
            let (from, to) = if caller_index % 2 == 0 {
                (caller, target)
            } else {
                (target, caller)
            };
            let mut event = with_body(
                base.clone(),
                &format!(r#"{{"eventType":"CONNECTION","eventParam":"{to}"}}"#),
            );
            event["headers"]["Authorization"] = json!(format!(
                "Bearer {}",
                mint(&format!("{}@example.com", from.to_lowercase()))
            ));
            let reply = env.call(CREATE, &event).await;
            assert_eq!(
                reply.status,
                StatusCode::OK,
                "{from} -> {to}: {}",
                reply.body
            );
        }
    }

    let rows = env.connection_rows().await;
    assert_eq!(rows.len(), people.len() * (people.len() - 1));
    for (owner, _, _) in &people {
        for (other, other_kind, _) in people.iter().filter(|(id, _, _)| id != owner) {
            let row = env
                .connection_row(owner, other)
                .await
                .unwrap_or_else(|| panic!("{owner} lacks {other}"));
            let back = env.connection_row(other, owner).await.unwrap();
            let expected_type = if other_kind.is_empty() {
                "ATTENDEE"
            } else {
                other_kind
            };
            assert_eq!(
                string(&row, "connectionType"),
                expected_type,
                "{owner} -> {other}"
            );
            assert_eq!(created_at(&row), created_at(&back), "{owner} <-> {other}");
            assert_eq!(
                attribute_names(&row),
                [
                    "company",
                    "compositeID",
                    "connectionID",
                    "connectionType",
                    "createdAt",
                    "fname",
                    "lname",
                    "major",
                    "pronouns",
                    "title",
                    "type",
                    "year"
                ]
            );
        }
    }
    env.cleanup().await;
}

#[tokio::test]
async fn one_sided_edge_is_completed() {
    let env = TestEnv::with_demo_data("create-one-sided").await;
    let ada =
        json!({"fname": "Ada", "lname": "Lovelace", "pronouns": "she/her", "profileType": "EXEC"});
    let ken = json!({"fname": "Ken", "lname": "Turing", "pronouns": "she/her"});
    // Older code could leave only Ken's row about Ada.
    let [_, ken_row] = edge_rows((ADA, &ada), (KEN, &ken), 1_700_000_000_000);
    write_items(&env.client, &env.tables.profiles, vec![ken_row])
        .await
        .unwrap();

    let reply = env
        .call_sample(CREATE, "create-interaction/rest-new-connection.json")
        .await;

    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["message"], "Connection has already been made");
    let ada_row = env
        .connection_row(ADA, KEN)
        .await
        .expect("the missing row was written");
    let ken_row = env.connection_row(KEN, ADA).await.unwrap();
    assert_eq!(created_at(&ada_row), 1_700_000_000_000);
    assert_eq!(created_at(&ken_row), 1_700_000_000_000);
    assert_eq!(string(&ada_row, "fname"), "Ken");
    // Ken's existing row was not rewritten from the current profile.
    assert!(!ken_row.contains_key("major"));
    env.cleanup().await;
}

#[tokio::test]
async fn caller_email_case_is_ignored() {
    let env = TestEnv::with_demo_data("create-case").await;
    let mut event = sample_event("create-interaction/rest-new-connection.json");
    event["headers"]["Authorization"] =
        json!(format!("Bearer {}", mint(&ADA_EMAIL.to_uppercase())));
    let reply = env.call(CREATE, &event).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(env.connection_row(ADA, KEN).await.is_some());
    env.cleanup().await;
}
