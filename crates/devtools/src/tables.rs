//! Creating the three tables with the key schema of the existing ones.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
};
use connections_core::config::Tables;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Table names with a random suffix, so that each test has tables of its own.
pub fn unique_tables(label: &str) -> Tables {
    let suffix = format!("{label}-{:016x}", fastrand::u64(..));
    Tables {
        profiles: format!("profiles-{suffix}"),
        members: format!("members-{suffix}"),
        events: format!("events-{suffix}"),
    }
}

/// Creates the tables that do not exist yet.
pub async fn create_tables(client: &Client, tables: &Tables) -> Result<(), BoxError> {
    let existing = client
        .list_tables()
        .send()
        .await?
        .table_names
        .unwrap_or_default();
    let specs = [
        (&tables.members, ("id", ScalarAttributeType::S), None),
        (
            &tables.profiles,
            ("compositeID", ScalarAttributeType::S),
            Some(("type", ScalarAttributeType::S)),
        ),
        (
            &tables.events,
            ("id", ScalarAttributeType::S),
            Some(("year", ScalarAttributeType::N)),
        ),
    ];
    for (name, partition, sort) in specs {
        if existing.contains(name) {
            continue;
        }
        let mut request = client
            .create_table()
            .table_name(name)
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(attribute(partition.0, partition.1.clone())?)
            .key_schema(key(partition.0, KeyType::Hash)?);
        if let Some((sort_name, sort_type)) = sort {
            request = request
                .attribute_definitions(attribute(sort_name, sort_type)?)
                .key_schema(key(sort_name, KeyType::Range)?);
        }
        request.send().await?;
    }
    Ok(())
}

/// Deletes the tables, ignoring ones that are already gone.
pub async fn delete_tables(client: &Client, tables: &Tables) {
    for name in [&tables.members, &tables.profiles, &tables.events] {
        let _ = client.delete_table().table_name(name).send().await;
    }
}

fn attribute(name: &str, kind: ScalarAttributeType) -> Result<AttributeDefinition, BoxError> {
    Ok(AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(kind)
        .build()?)
}

fn key(name: &str, kind: KeyType) -> Result<KeySchemaElement, BoxError> {
    Ok(KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(kind)
        .build()?)
}
