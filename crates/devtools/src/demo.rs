//! Writing members, profiles, events and connections: the demo data set
//! for local runs, and the fixtures of the tests.

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use connections_core::ProfileId;
use connections_core::config::Tables;
use connections_core::store::Item;
use connections_core::store::profiles::{Profile, connection_row};
use serde_json::{Value, json};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Converts JSON to a DynamoDB attribute the way the DocumentClient of the
/// replaced service stored it: strings as S, numbers as N, objects as M.
pub fn to_attribute(value: &Value) -> AttributeValue {
    match value {
        Value::String(text) => AttributeValue::S(text.clone()),
        Value::Number(number) => AttributeValue::N(number.to_string()),
        Value::Bool(flag) => AttributeValue::Bool(*flag),
        Value::Null => AttributeValue::Null(true),
        Value::Array(items) => AttributeValue::L(items.iter().map(to_attribute).collect()),
        Value::Object(map) => AttributeValue::M(
            map.iter()
                .map(|(name, value)| (name.clone(), to_attribute(value)))
                .collect(),
        ),
    }
}

/// Converts a JSON object to an item.
pub fn to_item(value: &Value) -> Item {
    match to_attribute(value) {
        AttributeValue::M(map) => map,
        _ => panic!("an item must be a JSON object, got {value}"),
    }
}

/// The profile item of `id` with `attributes` (fname, lname, ...).
pub fn profile_item(id: &str, attributes: &Value) -> Item {
    let mut item = to_item(attributes);
    item.insert(
        "compositeID".into(),
        AttributeValue::S(format!("PROFILE#{id}")),
    );
    item.insert("type".into(), AttributeValue::S("PROFILE".into()));
    item
}

/// Writes a member; `profile_id` of `None` is a member without a profile.
pub async fn put_member(
    client: &Client,
    tables: &Tables,
    email: &str,
    profile_id: Option<&str>,
) -> Result<(), BoxError> {
    let mut request = client
        .put_item()
        .table_name(&tables.members)
        .item("id", AttributeValue::S(email.to_lowercase()))
        .item("firstName", AttributeValue::S("Member".into()));
    if let Some(profile_id) = profile_id {
        request = request.item("profileID", AttributeValue::S(profile_id.into()));
    }
    request.send().await?;
    Ok(())
}

/// Writes the profile item of `id`.
pub async fn put_profile(
    client: &Client,
    tables: &Tables,
    id: &str,
    attributes: &Value,
) -> Result<(), BoxError> {
    client
        .put_item()
        .table_name(&tables.profiles)
        .set_item(Some(profile_item(id, attributes)))
        .send()
        .await?;
    Ok(())
}

/// Writes a member with a profile.
pub async fn put_person(
    client: &Client,
    tables: &Tables,
    email: &str,
    id: &str,
    attributes: &Value,
) -> Result<(), BoxError> {
    put_member(client, tables, email, Some(id)).await?;
    put_profile(client, tables, id, attributes).await
}

/// Writes an event of the events table.
pub async fn put_event(client: &Client, tables: &Tables, event: &Value) -> Result<(), BoxError> {
    client
        .put_item()
        .table_name(&tables.events)
        .set_item(Some(to_item(event)))
        .send()
        .await?;
    Ok(())
}

/// Both rows of an edge between two profiles, as the service writes them.
pub fn edge_rows(first: (&str, &Value), second: (&str, &Value), created_at: i64) -> [Item; 2] {
    let profile = |(id, attributes): (&str, &Value)| {
        let id = ProfileId::parse(id).expect("fixture profile IDs are valid");
        Profile::new(id.clone(), profile_item(id.as_str(), attributes))
    };
    let (first, second) = (profile(first), profile(second));
    [
        connection_row(first.id(), &second, created_at),
        connection_row(second.id(), &first, created_at),
    ]
}

/// Writes items with `BatchWriteItem`, 25 at a time, resending any that
/// DynamoDB reports unprocessed.
pub async fn write_items(client: &Client, table: &str, items: Vec<Item>) -> Result<(), BoxError> {
    for chunk in items.chunks(25) {
        let mut pending: Vec<WriteRequest> = chunk
            .iter()
            .map(|item| {
                let put = PutRequest::builder().set_item(Some(item.clone())).build()?;
                Ok(WriteRequest::builder().put_request(put).build())
            })
            .collect::<Result<_, BoxError>>()?;
        while !pending.is_empty() {
            let output = client
                .batch_write_item()
                .request_items(table, pending)
                .send()
                .await?;
            pending = output
                .unprocessed_items
                .unwrap_or_default()
                .remove(table)
                .unwrap_or_default();
        }
    }
    Ok(())
}

const FIRST_NAMES: [&str; 12] = [
    "Ada",
    "Grace",
    "Alan",
    "Katherine",
    "Linus",
    "Margaret",
    "Dennis",
    "Barbara",
    "Ken",
    "Frances",
    "Edsger",
    "Radia",
];
const LAST_NAMES: [&str; 6] = [
    "Lovelace", "Hopper", "Turing", "Johnson", "Hamilton", "Liskov",
];
const MAJORS: [&str; 5] = [
    "Commerce",
    "Computer Science",
    "Economics",
    "Statistics",
    "Mathematics",
];
const COMPANIES: [&str; 4] = ["Northwind", "Contoso", "Fabrikam", "Tailspin"];
const ID_ADJECTIVES: [&str; 6] = ["Brave", "Six", "Quiet", "Swift", "Lucky", "Bright"];
const ID_NOUNS: [&str; 6] = ["Otter", "Vans", "Maple", "Comet", "Harbor", "Falcon"];
const ID_VERBS: [&str; 4] = ["Sings", "Sort", "Jumps", "Glows"];

/// A demo person: e-mail, profile ID and profile attributes.
pub struct DemoPerson {
    pub email: String,
    pub profile_id: String,
    pub attributes: Value,
}

/// The demo set: 36 people with profiles (attendees, partners and execs,
/// some hiding attributes), in a fixed order so that runs are repeatable.
pub fn demo_people() -> Vec<DemoPerson> {
    (0..36)
        .map(|index| {
            let first = FIRST_NAMES[index % FIRST_NAMES.len()];
            let last = LAST_NAMES[index % LAST_NAMES.len()];
            let profile_type = match index % 6 {
                0 => "EXEC",
                1 | 4 => "PARTNER",
                _ => "ATTENDEE",
            };
            let mut attributes = json!({
                "fname": first,
                "lname": last,
                "pronouns": if index % 2 == 0 { "she/her" } else { "he/him" },
                "major": MAJORS[index % MAJORS.len()],
                "year": format!("{} Year", ["1st", "2nd", "3rd", "4th"][index % 4]),
                "profileType": profile_type,
            });
            if profile_type == "PARTNER" {
                attributes["company"] = json!(COMPANIES[index % COMPANIES.len()]);
                attributes["title"] = json!("Recruiter");
            }
            if index % 5 == 3 {
                attributes["viewableMap"] = json!({"major": false, "year": false});
            }
            DemoPerson {
                email: format!(
                    "{}.{}{index}@example.com",
                    first.to_lowercase(),
                    last.to_lowercase()
                ),
                profile_id: format!(
                    "{}{}{}",
                    ID_ADJECTIVES[index % 6],
                    ID_NOUNS[index / 6],
                    ID_VERBS[index % 4]
                ),
                attributes,
            }
        })
        .collect()
}

/// Creates nothing and writes the demo set: the people, two members without
/// a profile, two events, and connections from the first person (the one
/// the README's token is for) and among the others.
pub async fn seed_demo(client: &Client, tables: &Tables) -> Result<usize, BoxError> {
    let people = demo_people();
    for person in &people {
        put_person(
            client,
            tables,
            &person.email,
            &person.profile_id,
            &person.attributes,
        )
        .await?;
    }
    put_member(client, tables, "no.profile@example.com", None).await?;
    put_member(client, tables, "newcomer@example.com", None).await?;
    put_event(
        client,
        tables,
        &json!({"id": "blueprint", "year": 2026, "startDate": "2026-01-20T16:00:00.000Z", "endDate": "2026-01-21T02:00:00.000Z", "ename": "Blueprint"}),
    )
    .await?;
    put_event(
        client,
        tables,
        &json!({"id": "datathon", "year": 2026, "startDate": "2026-03-07T15:00:00.000Z", "endDate": "2026-03-08T03:00:00.000Z", "ename": "Datathon"}),
    )
    .await?;

    // Connections made at the two events, a few minutes apart.
    let blueprint_start: i64 = 1_768_924_800_000;
    let datathon_start: i64 = 1_772_895_600_000;
    let mut rows: HashMap<(String, String), Item> = HashMap::new();
    let mut connect = |a: usize, b: usize, created_at: i64| {
        let (first, second) = (&people[a], &people[b]);
        let pair = edge_rows(
            (&first.profile_id, &first.attributes),
            (&second.profile_id, &second.attributes),
            created_at,
        );
        for row in pair {
            let key = (
                row["compositeID"].as_s().cloned().unwrap_or_default(),
                row["type"].as_s().cloned().unwrap_or_default(),
            );
            rows.insert(key, row);
        }
    };
    for (offset, other) in (1..=8).enumerate() {
        connect(0, other, blueprint_start + offset as i64 * 600_000);
    }
    for (offset, other) in (9..=14).enumerate() {
        connect(0, other, datathon_start + offset as i64 * 600_000);
    }
    for index in 1..30 {
        connect(index, index + 5, blueprint_start + index as i64 * 60_000);
    }
    let count = rows.len();
    write_items(client, &tables.profiles, rows.into_values().collect()).await?;
    Ok(count)
}
