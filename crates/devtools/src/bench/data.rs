//! The benchmark data set: callers with a member and a profile, target
//! profiles for new connections, and journals of chosen sizes whose
//! connection rows are built as the service builds them.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::AttributeValue;
use connections_core::config::Tables;
use connections_core::store::Item;
use serde_json::{Value, json};

use super::BoxError;
use crate::demo::{edge_rows, profile_item, put_person, put_profile, write_items};

/// `BatchWriteItem` loops that run at once while seeding.
const PARALLEL_WRITERS: usize = 4;

/// `createdAt` of the first journal row: 2026-01-20 16:00 UTC, in epoch milliseconds.
const FIRST_CREATED_AT: i64 = 1_768_924_800_000;

/// Time between two consecutive connections of a journal, in milliseconds.
const CREATED_AT_STEP: i64 = 47_000;

const FIRST_NAMES: [&str; 16] = [
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
    "Donald",
    "Hedy",
    "Tim",
    "Sophie",
];
const LAST_NAMES: [&str; 14] = [
    "Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Ritchie", "Liskov",
    "Thompson", "Allen", "Dijkstra", "Perlman", "Knuth", "Wilson",
];
const PRONOUNS: [&str; 4] = ["she/her", "he/him", "they/them", "she/they"];
const MAJORS: [&str; 8] = [
    "Commerce",
    "Computer Science",
    "Economics",
    "Statistics",
    "Mathematics",
    "Business and Computer Science",
    "Finance",
    "Cognitive Systems",
];
const YEARS: [&str; 5] = ["1st Year", "2nd Year", "3rd Year", "4th Year", "5+ Year"];
const COMPANIES: [&str; 6] = [
    "Northwind Traders",
    "Contoso",
    "Fabrikam",
    "Tailspin Toys",
    "Wide World Importers",
    "Adventure Works",
];
const TITLES: [&str; 4] = [
    "Technical Recruiter",
    "Software Engineer",
    "Product Manager",
    "Campus Lead",
];
const ID_ADJECTIVES: [&str; 8] = [
    "Brave", "Six", "Quiet", "Swift", "Lucky", "Bright", "Calm", "Bold",
];
const ID_NOUNS: [&str; 8] = [
    "Otter", "Vans", "Maple", "Comet", "Harbor", "Falcon", "Cedar", "River",
];
const ID_VERBS: [&str; 4] = ["Sings", "Sort", "Jumps", "Glows"];

/// A person of the data set: e-mail, profile ID and profile attributes.
#[derive(Debug, Clone)]
pub struct Person {
    pub email: String,
    pub profile_id: String,
    pub attributes: Value,
}

/// Builds person number `index` of the group `group`, a short tag such as
/// "T". The same arguments always give the same person, and different
/// groups never share a profile ID.
///
/// About one person in six is a partner with a company and a title, one in
/// twelve is an exec, the rest are attendees, and one in seven hides the
/// year through `viewableMap`.
pub fn person(group: &str, index: usize) -> Person {
    let first = FIRST_NAMES[index % FIRST_NAMES.len()];
    let last = LAST_NAMES[(index / FIRST_NAMES.len()) % LAST_NAMES.len()];
    let profile_type = match index % 12 {
        5 => "EXEC",
        1 | 7 => "PARTNER",
        _ => "ATTENDEE",
    };
    let mut attributes = json!({
        "fname": first,
        "lname": last,
        "pronouns": PRONOUNS[index % PRONOUNS.len()],
        "major": MAJORS[index % MAJORS.len()],
        "year": YEARS[index % YEARS.len()],
        "profileType": profile_type,
        "email": format!("{}.{}.{}{index}@example.com", first.to_lowercase(), last.to_lowercase(), group.to_lowercase()),
    });
    if profile_type == "PARTNER" {
        attributes["company"] = json!(COMPANIES[index % COMPANIES.len()]);
        attributes["title"] = json!(TITLES[index % TITLES.len()]);
    }
    if index % 7 == 3 {
        attributes["viewableMap"] = json!({"year": false});
    }
    let profile_id = format!(
        "{}{}{}{group}{index}",
        ID_ADJECTIVES[index % ID_ADJECTIVES.len()],
        ID_NOUNS[(index / ID_ADJECTIVES.len()) % ID_NOUNS.len()],
        ID_VERBS[index % ID_VERBS.len()],
    );
    Person {
        email: attributes["email"].as_str().unwrap_or_default().to_owned(),
        profile_id,
        attributes,
    }
}

/// A caller and the number of connections its journal has.
#[derive(Debug, Clone)]
pub struct Journal {
    pub owner: Person,
    pub size: usize,
}

/// The data [`seed`] wrote.
#[derive(Debug, Clone)]
pub struct DataSet {
    /// The caller of create-interaction, a member with a profile.
    pub create_caller: Person,
    /// Profiles the create-interaction caller connects to, one per request.
    pub targets: Vec<Person>,
    /// A profile without a member, the caller of the create probes.
    pub probe_caller: Person,
    /// Profiles the create probes connect to, one per run.
    pub probe_targets: Vec<Person>,
    /// The journals, in the order of the sizes asked for.
    pub journals: Vec<Journal>,
    /// Other side of the journals: journal `j` connects to `others[..size]`.
    pub others: Vec<Person>,
    /// Estimated mean size of a connection row in the journals, in bytes.
    pub mean_row_bytes: usize,
    /// Connection rows written, both directions counted.
    pub connection_rows: usize,
}

/// Writes the data set to `tables`, which must exist and be empty.
pub async fn seed(
    client: &Client,
    tables: &Tables,
    target_count: usize,
    probe_target_count: usize,
    journal_sizes: &[usize],
) -> Result<DataSet, BoxError> {
    let create_caller = person("C", 0);
    put_person(
        client,
        tables,
        &create_caller.email,
        &create_caller.profile_id,
        &create_caller.attributes,
    )
    .await?;
    let probe_caller = person("F", 0);
    put_profile(
        client,
        tables,
        &probe_caller.profile_id,
        &probe_caller.attributes,
    )
    .await?;

    let targets: Vec<Person> = (0..target_count).map(|index| person("T", index)).collect();
    let probe_targets: Vec<Person> = (0..probe_target_count)
        .map(|index| person("U", index))
        .collect();
    let profiles: Vec<Item> = targets
        .iter()
        .chain(&probe_targets)
        .map(|target| profile_item(&target.profile_id, &target.attributes))
        .collect();
    write_in_parallel(client, &tables.profiles, profiles).await?;

    let largest = journal_sizes.iter().copied().max().unwrap_or(0);
    let others: Vec<Person> = (0..largest).map(|index| person("O", index)).collect();
    let mut journals = Vec::new();
    let mut rows = Vec::new();
    let mut owner_row_bytes = 0;
    for (number, size) in journal_sizes.iter().copied().enumerate() {
        let owner = person("J", number);
        put_person(
            client,
            tables,
            &owner.email,
            &owner.profile_id,
            &owner.attributes,
        )
        .await?;
        for (index, other) in others[..size].iter().enumerate() {
            let created_at = FIRST_CREATED_AT + index as i64 * CREATED_AT_STEP;
            let [owner_row, other_row] = edge_rows(
                (&owner.profile_id, &owner.attributes),
                (&other.profile_id, &other.attributes),
                created_at,
            );
            owner_row_bytes += estimated_item_size(&owner_row);
            rows.push(owner_row);
            rows.push(other_row);
        }
        journals.push(Journal { owner, size });
    }
    let owner_rows = journal_sizes.iter().sum::<usize>().max(1);
    let connection_rows = rows.len();
    write_in_parallel(client, &tables.profiles, rows).await?;

    Ok(DataSet {
        create_caller,
        targets,
        probe_caller,
        probe_targets,
        journals,
        others,
        mean_row_bytes: owner_row_bytes / owner_rows,
        connection_rows,
    })
}

/// Writes `items` with [`PARALLEL_WRITERS`] concurrent `BatchWriteItem` loops.
async fn write_in_parallel(client: &Client, table: &str, items: Vec<Item>) -> Result<(), BoxError> {
    let share = items.len().div_ceil(PARALLEL_WRITERS).max(1);
    let mut writers = Vec::new();
    let mut remaining = items;
    while !remaining.is_empty() {
        let rest = remaining.split_off(share.min(remaining.len()));
        let chunk = std::mem::replace(&mut remaining, rest);
        let client = client.clone();
        let table = table.to_owned();
        writers.push(tokio::spawn(async move {
            write_items(&client, &table, chunk).await
        }));
    }
    for writer in writers {
        writer.await??;
    }
    Ok(())
}

/// Estimated stored size of an item by DynamoDB's rules: attribute names
/// plus values, with a number counted as one byte per two digits plus one.
pub fn estimated_item_size(item: &Item) -> usize {
    item.iter()
        .map(|(name, value)| name.len() + estimated_value_size(value))
        .sum()
}

fn estimated_value_size(value: &AttributeValue) -> usize {
    match value {
        AttributeValue::S(text) => text.len(),
        AttributeValue::N(number) => number.len().div_ceil(2) + 1,
        AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
        AttributeValue::M(map) => 3 + estimated_item_size(map),
        AttributeValue::L(list) => {
            3 + list
                .iter()
                .map(|value| 1 + estimated_value_size(value))
                .sum::<usize>()
        }
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connections_core::ProfileId;

    #[test]
    fn person_ids_are_valid_and_distinct() {
        let mut ids: Vec<String> = (0..2_000)
            .map(|index| person("O", index).profile_id)
            .collect();
        for id in &ids {
            assert!(ProfileId::parse(id).is_ok(), "{id}");
        }
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 2_000);
    }

    #[test]
    fn groups_never_share_ids() {
        assert_ne!(person("T", 1).profile_id, person("U", 1).profile_id);
    }

    #[test]
    fn partners_have_company_and_title() {
        let partner = person("T", 1);
        assert_eq!(partner.attributes["profileType"], "PARTNER");
        assert!(partner.attributes["company"].is_string());
        assert!(partner.attributes["title"].is_string());
    }

    #[test]
    fn connection_rows_are_a_few_hundred_bytes() {
        let [row, _] = edge_rows(
            ("BraveOtterSingsJ0", &person("J", 0).attributes),
            ("SwiftOtterJumpsO1", &person("O", 1).attributes),
            FIRST_CREATED_AT,
        );
        let size = estimated_item_size(&row);
        assert!((150..=400).contains(&size), "{size} bytes");
    }
}
