use aws_sdk_dynamodb::types::AttributeValue;
use connections_core::Endpoint;
use devtools::demo::{put_event, put_person, write_items};
use devtools::harness::{TestEnv, sample_event};
use devtools::tokens::mint;
use lambda_http::http::StatusCode;
use serde_json::{Value, json};

use crate::{ADA, ADA_EMAIL};

const JOURNAL: Endpoint = Endpoint::GetJournal;

fn created_times(data: &Value) -> Vec<i64> {
    data.as_array()
        .expect("data is an array")
        .iter()
        .map(|row| {
            row["createdAt"]
                .as_i64()
                .expect("createdAt is a JSON number")
        })
        .collect()
}

#[tokio::test]
async fn journal_lists_every_connection_newest_first() {
    let env = TestEnv::with_demo_data("journal-all").await;
    for name in [
        "get-journal/rest-journal.json",
        "get-journal/http-journal.json",
    ] {
        let reply = env.call_sample(JOURNAL, name).await;
        assert_eq!(reply.status, StatusCode::OK, "{name}: {}", reply.body);
        assert_eq!(
            reply.body["message"],
            format!("all connections for {ADA_EMAIL}")
        );
        let data = &reply.body["data"];
        let times = created_times(data);
        assert_eq!(times.len(), 14, "{name}");
        assert!(
            times.windows(2).all(|pair| pair[0] >= pair[1]),
            "{name}: {times:?}"
        );

        let newest = &data[0];
        assert_eq!(newest["compositeID"], format!("PROFILE#{ADA}"));
        assert!(newest["type"].as_str().unwrap().starts_with("CONNECTION#"));
        for field in [
            "connectionID",
            "connectionType",
            "fname",
            "lname",
            "pronouns",
        ] {
            assert!(
                newest[field].is_string(),
                "{name}: {field} missing in {newest}"
            );
        }
        let partner = data
            .as_array()
            .unwrap()
            .iter()
            .find(|row| row["connectionType"] == "PARTNER")
            .expect("Ada knows a partner");
        assert!(partner["company"].is_string());
        assert!(partner["title"].is_string());
    }
    env.cleanup().await;
}

#[tokio::test]
async fn event_filter_keeps_connections_made_at_the_event() {
    let env = TestEnv::with_demo_data("journal-event").await;
    for name in [
        "get-journal/rest-event-filter.json",
        "get-journal/http-event-filter.json",
    ] {
        let reply = env.call_sample(JOURNAL, name).await;
        assert_eq!(reply.status, StatusCode::OK, "{name}: {}", reply.body);
        let times = created_times(&reply.body["data"]);
        assert_eq!(
            times.len(),
            8,
            "{name}: the demo set has 8 connections at Blueprint"
        );
        // Blueprint 2026 runs from 2026-01-20T16:00Z to 2026-01-21T02:00Z.
        assert!(
            times
                .iter()
                .all(|t| (1_768_924_800_000..=1_768_960_800_000).contains(t)),
            "{times:?}"
        );
    }
    env.cleanup().await;
}

#[tokio::test]
async fn filter_errors_are_rejected() {
    let env = TestEnv::with_demo_data("journal-errors").await;
    let cases = [
        (
            "rest-unknown-event.json",
            StatusCode::NOT_FOUND,
            "no-such-event",
        ),
        (
            "rest-event-without-year.json",
            StatusCode::BAD_REQUEST,
            "together",
        ),
        (
            "rest-non-numeric-year.json",
            StatusCode::BAD_REQUEST,
            "year must be a number",
        ),
        (
            "rest-caller-without-profile.json",
            StatusCode::NOT_FOUND,
            "no profile yet",
        ),
    ];
    for (name, status, fragment) in cases {
        let reply = env
            .call_sample(JOURNAL, &format!("get-journal/{name}"))
            .await;
        assert_eq!(reply.status, status, "{name}: {}", reply.body);
        let message = reply.body["message"].as_str().unwrap_or_default();
        assert!(message.contains(fragment), "{name}: {message:?}");
    }
    env.cleanup().await;
}

#[tokio::test]
async fn year_without_event_is_rejected() {
    let env = TestEnv::with_demo_data("journal-year-only").await;
    let mut event = sample_event("get-journal/rest-journal.json");
    event["queryStringParameters"] = json!({"year": "2026"});
    event["multiValueQueryStringParameters"] = json!({"year": ["2026"]});
    let reply = env.call(JOURNAL, &event).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    env.cleanup().await;
}

#[tokio::test]
async fn quests_are_gone() {
    let env = TestEnv::empty("journal-quests").await;
    for name in [
        "get-journal/rest-quests-gone.json",
        "get-journal/http-quests-gone.json",
    ] {
        let reply = env.call_sample(JOURNAL, name).await;
        assert_eq!(reply.status, StatusCode::GONE, "{name}");
        assert!(reply.body["message"].as_str().unwrap().contains("removed"));
        assert_eq!(reply.headers["access-control-allow-origin"], "*");
    }
    env.cleanup().await;
}

/// Writes `count` connection rows for `owner`, each padded to about 1.2 KB,
/// with `created_at(index)` as their time.
async fn write_padded_rows(
    env: &TestEnv,
    owner: &str,
    count: usize,
    created_at: impl Fn(usize) -> i64,
) {
    let padding = "x".repeat(1100);
    let rows = (0..count)
        .map(|index| {
            let other = format!("Peer{index:05}");
            json!({
                "compositeID": format!("PROFILE#{owner}"), "type": format!("CONNECTION#{other}"),
                "connectionID": other, "connectionType": "ATTENDEE", "createdAt": created_at(index),
                "fname": "Peer", "lname": format!("{index}"), "pronouns": "they/them",
                "major": "Commerce", "year": "2nd Year", "title": padding,
            })
        })
        .map(|row| devtools::demo::to_item(&row))
        .collect();
    write_items(&env.client, &env.tables.profiles, rows)
        .await
        .unwrap();
}

#[tokio::test]
async fn journal_spans_several_query_pages() {
    let env = TestEnv::empty("journal-pages").await;
    let owner = "PagedOwner";
    put_person(
        &env.client,
        &env.tables,
        "paged@example.com",
        owner,
        &json!({"fname": "Paged"}),
    )
    .await
    .unwrap();
    // 2,400 rows of about 1.2 KB are about 2.9 MB: at least three 1 MB pages.
    // Every fifth group of rows shares a createdAt, to check the tie order.
    write_padded_rows(&env, owner, 2400, |index| {
        1_700_000_000_000 + (index / 5) as i64
    })
    .await;
    // A profile item in the same partition must not appear in the journal.
    let mut event = sample_event("get-journal/rest-journal.json");
    event["headers"]["Authorization"] = json!(format!("Bearer {}", mint("paged@example.com")));

    let reply = env.call(JOURNAL, &event).await;

    assert_eq!(reply.status, StatusCode::OK);
    let data = reply.body["data"].as_array().unwrap();
    assert_eq!(data.len(), 2400);
    let keys: Vec<(i64, &str)> = data
        .iter()
        .map(|row| {
            (
                row["createdAt"].as_i64().unwrap(),
                row["connectionID"].as_str().unwrap(),
            )
        })
        .collect();
    for pair in keys.windows(2) {
        let ((time_a, id_a), (time_b, id_b)) = (pair[0], pair[1]);
        assert!(
            time_a > time_b || (time_a == time_b && id_a < id_b),
            "{:?} before {:?}",
            pair[0],
            pair[1]
        );
    }
    assert!(
        data.iter()
            .all(|row| row["type"].as_str().unwrap().starts_with("CONNECTION#"))
    );
    env.cleanup().await;
}

#[tokio::test]
async fn event_bounds_are_inclusive_and_may_be_open() {
    let env = TestEnv::empty("journal-bounds").await;
    let owner = "BoundsOwner";
    put_person(
        &env.client,
        &env.tables,
        "bounds@example.com",
        owner,
        &json!({"fname": "Bounds"}),
    )
    .await
    .unwrap();
    // Rows at 09:00, 10:00, 11:00 and 12:00 UTC on 2026-02-01.
    let nine = 1_769_936_400_000i64;
    write_padded_rows(&env, owner, 4, |index| nine + index as i64 * 3_600_000).await;
    let events = [
        json!({"id": "exact", "year": 2026, "startDate": "2026-02-01T10:00:00.000Z", "endDate": "2026-02-01T11:00:00.000Z"}),
        json!({"id": "start-only", "year": 2026, "startDate": "2026-02-01T11:00:00Z"}),
        json!({"id": "end-only", "year": 2026, "endDate": "2026-02-01T09:00:00Z"}),
        json!({"id": "whole-day", "year": 2026, "startDate": "2026-02-01", "endDate": "2026-02-01"}),
        json!({"id": "exact", "year": 2025, "startDate": "2025-02-01T10:00:00Z", "endDate": "2025-02-01T11:00:00Z"}),
    ];
    for event in &events {
        put_event(&env.client, &env.tables, event).await.unwrap();
    }
    let expectations = [
        ("exact", "2026", 2),
        ("start-only", "2026", 2),
        ("end-only", "2026", 1),
        ("whole-day", "2026", 4),
        ("exact", "2025", 0),
    ];
    for (event_id, year, expected) in expectations {
        let mut request = sample_event("get-journal/http-event-filter.json");
        request["headers"]["authorization"] =
            json!(format!("Bearer {}", mint("bounds@example.com")));
        request["rawQueryString"] = json!(format!("eventId={event_id}&year={year}"));
        request["queryStringParameters"] = json!({"eventId": event_id, "year": year});
        let reply = env.call(JOURNAL, &request).await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "{event_id} {year}: {}",
            reply.body
        );
        assert_eq!(
            created_times(&reply.body["data"]).len(),
            expected,
            "{event_id} {year}"
        );
    }
    env.cleanup().await;
}

#[tokio::test]
async fn numbers_keep_their_stored_type() {
    let env = TestEnv::empty("journal-types").await;
    let owner = "TypesOwner";
    put_person(
        &env.client,
        &env.tables,
        "types@example.com",
        owner,
        &json!({"fname": "Types"}),
    )
    .await
    .unwrap();
    let row = json!({
        "compositeID": format!("PROFILE#{owner}"), "type": "CONNECTION#Other", "connectionID": "Other",
        "connectionType": "ATTENDEE", "createdAt": 1_700_000_000_000i64, "fname": "O", "lname": "T",
        "pronouns": "", "year": 3,
    });
    let mut item = devtools::demo::to_item(&row);
    item.insert(
        "profilePictureURL".into(),
        AttributeValue::S("https://example.com/p.png".into()),
    );
    write_items(&env.client, &env.tables.profiles, vec![item])
        .await
        .unwrap();
    let mut event = sample_event("get-journal/rest-journal.json");
    event["headers"]["Authorization"] = json!(format!("Bearer {}", mint("types@example.com")));

    let reply = env.call(JOURNAL, &event).await;

    let entry = &reply.body["data"][0];
    assert_eq!(entry["year"], json!(3));
    assert_eq!(entry["createdAt"], json!(1_700_000_000_000i64));
    // Only the journal attributes are read.
    assert!(entry.get("profilePictureURL").is_none(), "{entry}");
    env.cleanup().await;
}
