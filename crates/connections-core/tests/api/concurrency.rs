//! Many taps at once: both people of a pair tapping each other, and phones
//! retrying, all in flight together.

use std::collections::HashMap;
use std::sync::Arc;

use connections_core::Endpoint;
use connections_core::store::Item;
use devtools::demo::put_person;
use devtools::harness::{TestEnv, sample_event, text};
use devtools::tokens::mint;
use lambda_http::http::StatusCode;
use serde_json::json;
use tokio::task::JoinSet;

use crate::created_at;

const PAIRS: usize = 12;
const REQUESTS_PER_DIRECTION: usize = 3;

fn row_key(row: &Item) -> (String, String) {
    (
        text(row, "compositeID").unwrap_or_default().to_owned(),
        text(row, "type").unwrap_or_default().to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_taps_make_one_edge_per_pair() {
    let env = Arc::new(TestEnv::with_demo_data("concurrent-taps").await);
    let people: Vec<(String, String)> = (0..PAIRS * 2)
        .map(|index| {
            (
                format!("tapper{index}@example.com"),
                format!("Tapper{index:02}"),
            )
        })
        .collect();
    for (index, (email, id)) in people.iter().enumerate() {
        let kind = ["ATTENDEE", "PARTNER", "EXEC"][index % 3];
        let attributes = json!({"fname": format!("T{index}"), "lname": "Tapper", "pronouns": "they/them", "profileType": kind});
        put_person(&env.client, &env.tables, email, id, &attributes)
            .await
            .unwrap();
    }
    let before: HashMap<(String, String), Item> = env
        .connection_rows()
        .await
        .into_iter()
        .map(|row| (row_key(&row), row))
        .collect();

    let base = sample_event("create-interaction/rest-new-connection.json");
    let mut requests = JoinSet::new();
    for pair in 0..PAIRS {
        let (first, second) = (&people[pair * 2], &people[pair * 2 + 1]);
        for _ in 0..REQUESTS_PER_DIRECTION {
            for (caller, target) in [(first, second), (second, first)] {
                let mut event = base.clone();
                event["headers"]["Authorization"] = json!(format!("Bearer {}", mint(&caller.0)));
                event["body"] = json!(format!(
                    r#"{{"eventType":"CONNECTION","eventParam":"{}"}}"#,
                    target.1
                ));
                let env = env.clone();
                requests.spawn(async move { env.call(Endpoint::CreateInteraction, &event).await });
            }
        }
    }
    let mut created = 0;
    while let Some(reply) = requests.join_next().await {
        let reply = reply.expect("the request task panicked");
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        if reply.body["message"]
            .as_str()
            .unwrap()
            .starts_with("Connection created")
        {
            created += 1;
        }
    }
    assert_eq!(
        created, PAIRS,
        "exactly one request per pair creates the edge"
    );

    let after = env.connection_rows().await;
    assert_eq!(after.len(), before.len() + PAIRS * 2);
    for row in &after {
        if let Some(old) = before.get(&row_key(row)) {
            assert_eq!(old, row, "an existing row changed");
        }
    }
    for pair in 0..PAIRS {
        let (first, second) = (&people[pair * 2].1, &people[pair * 2 + 1].1);
        let forward = env
            .connection_row(first, second)
            .await
            .expect("forward row");
        let backward = env
            .connection_row(second, first)
            .await
            .expect("backward row");
        assert_eq!(created_at(&forward), created_at(&backward), "pair {pair}");
    }
}
