//! Probes: the work of one warm invocation done by the benchmark process
//! itself, timed between the function's invocations so that both see the
//! same machine load.
//!
//! A [`Requests`] probe sends the scenario's DynamoDB requests with the
//! SDK, repeating those in `connections_core::store` (key condition,
//! projection, consistency, conditions): its time is what DynamoDB Local
//! itself takes, the floor under the function's latency. The in-process
//! probes call the core's `Store::connections_of` and `App::handle`, which
//! splits the journal's time into query, store and handler shares.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::types::{
    AttributeValue, KeysAndAttributes, Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem,
};
use connections_core::config::Tables;
use connections_core::store::profiles::{Profile, connection_row};
use connections_core::store::{Item, Store};
use connections_core::{App, Endpoint, ProfileId};
use lambda_http::Body;
use serde_json::Value;

use super::BoxError;
use super::data::Person;
use super::stats::Samples;

/// Projection of the journal query; it must match `JOURNAL_PROJECTION` in
/// `connections-core/src/store/journal.rs`.
const JOURNAL_PROJECTION: &str = "compositeID, #type, connectionID, connectionType, fname, lname, pronouns, major, #year, company, title, createdAt";

/// Projection of the profile pair read; it must match `profile_pair` in
/// `connections-core/src/store/profiles.rs`.
const PROFILE_PROJECTION: &str =
    "compositeID, fname, lname, pronouns, major, #year, company, title, profileType, viewableMap";

/// Label of a [`Requests`] probe sent straight to DynamoDB Local.
pub const DIRECT_LABEL: &str = "DynamoDB Local alone";
/// Label of a [`Requests`] probe sent through the counting proxy.
pub const PROXIED_LABEL: &str = "Same requests through the proxy";

/// The DynamoDB requests of one warm invocation of a scenario.
#[derive(Debug, Clone, Copy)]
pub enum Requests<'a> {
    /// The paginated `Query` of `owner`'s connection rows, which must
    /// return `expected` rows.
    Journal { owner: &'a str, expected: usize },
    /// A consistent `BatchGetItem` of both profiles, then the
    /// `TransactWriteItems` of both rows. Run `n` connects `caller` with
    /// `targets[n]`, so each run needs a target of its own.
    Create {
        caller: &'a Person,
        targets: &'a [Person],
    },
    /// The consistent `GetItem` of the connection row `owner` holds for
    /// `other`, which must exist.
    Check { owner: &'a str, other: &'a str },
}

impl Requests<'_> {
    /// Describes the requests in a few words, for the report.
    pub fn describe(&self) -> &'static str {
        match self {
            Self::Journal { .. } => "paginated Query",
            Self::Create { .. } => "BatchGetItem + TransactWriteItems",
            Self::Check { .. } => "GetItem",
        }
    }

    /// Sends the requests of run `run` with `client`.
    pub async fn send(&self, client: &Client, tables: &Tables, run: usize) -> Result<(), BoxError> {
        match *self {
            Self::Journal { owner, expected } => {
                let rows = query_journal(client, tables, owner).await?;
                if rows != expected {
                    return Err(format!(
                        "the journal query of {owner} returned {rows} rows, expected {expected}"
                    )
                    .into());
                }
                Ok(())
            }
            Self::Create { caller, targets } => {
                let target = targets.get(run).ok_or_else(|| {
                    format!("run {run} of the direct create requests has no target profile left")
                })?;
                create_connection(client, tables, caller, target).await
            }
            Self::Check { owner, other } => check_connection(client, tables, owner, other).await,
        }
    }
}

/// One measurement taken between the function's warm invocations.
pub enum Probe<'a> {
    /// The scenario's DynamoDB requests sent with `client`.
    Requests {
        label: &'static str,
        client: &'a Client,
        requests: Requests<'a>,
    },
    /// `Store::connections_of` of `owner`, which must return `expected` rows.
    Store {
        store: &'a Store,
        owner: ProfileId,
        expected: usize,
    },
    /// `App::handle` of a get-journal `event`, whose response must have status 200.
    Handler { app: &'a App, event: &'a Value },
}

impl Probe<'_> {
    /// Describes what a [`Requests`] probe sends. The in-process probes
    /// return an empty string.
    pub fn requests_description(&self) -> &'static str {
        match self {
            Self::Requests { requests, .. } => requests.describe(),
            _ => "",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Self::Requests { label, .. } => label,
            Self::Store { .. } => "Store::connections_of in the benchmark process",
            Self::Handler { .. } => "App::handle in the benchmark process",
        }
    }

    /// Runs the probe once, as run number `run`, and returns its time.
    pub async fn run(&self, tables: &Tables, run: usize) -> Result<Duration, BoxError> {
        match self {
            Self::Requests {
                client, requests, ..
            } => {
                let started = Instant::now();
                requests.send(client, tables, run).await?;
                Ok(started.elapsed())
            }
            Self::Store {
                store,
                owner,
                expected,
            } => {
                let started = Instant::now();
                let rows = store.connections_of(owner, None).await?;
                let elapsed = started.elapsed();
                if rows.len() != *expected {
                    return Err(format!(
                        "Store::connections_of({owner}) returned {} rows, expected {expected}",
                        rows.len()
                    )
                    .into());
                }
                Ok(elapsed)
            }
            Self::Handler { app, event } => {
                // Parsing the event is the Lambda runtime's work, so it stays out of the time.
                let request = lambda_http::request::from_str(&event.to_string())?;
                let started = Instant::now();
                let response = app.handle(Endpoint::GetJournal, request).await;
                let elapsed = started.elapsed();
                if response.status() != 200 {
                    let body = match response.body() {
                        Body::Text(text) => text.chars().take(300).collect(),
                        _ => String::new(),
                    };
                    return Err(format!(
                        "App::handle answered {} instead of 200: {body}",
                        response.status()
                    )
                    .into());
                }
                Ok(elapsed)
            }
        }
    }
}

/// Samples of one probe.
#[derive(Debug, Clone)]
pub struct ProbeResult {
    pub label: &'static str,
    pub samples: Samples,
}

/// Sends each of `requests` up to `runs` times, within `time_limit` in
/// all, so that DynamoDB Local's JIT compiler has compiled the paths the
/// measurements use. `Create` requests consume their targets.
pub async fn warm_up_dynamodb(
    client: &Client,
    tables: &Tables,
    requests: &[(Requests<'_>, usize)],
    time_limit: Duration,
) -> Result<(), BoxError> {
    let started = Instant::now();
    for (requests, runs) in requests {
        for run in 0..*runs {
            if started.elapsed() >= time_limit {
                return Ok(());
            }
            requests.send(client, tables, run).await?;
        }
    }
    Ok(())
}

fn sdk_error<E>(operation: &str, error: E) -> BoxError
where
    E: std::error::Error + 'static,
{
    format!("{operation} failed: {}", DisplayErrorContext(&error)).into()
}

/// Reads every page of `owner`'s connection rows and returns how many there are.
async fn query_journal(client: &Client, tables: &Tables, owner: &str) -> Result<usize, BoxError> {
    let mut rows: Vec<Item> = Vec::new();
    let mut start_key = None;
    loop {
        let page = client
            .query()
            .table_name(&tables.profiles)
            .key_condition_expression("compositeID = :owner AND begins_with(#type, :prefix)")
            .expression_attribute_names("#type", "type")
            .expression_attribute_names("#year", "year")
            .expression_attribute_values(":owner", AttributeValue::S(format!("PROFILE#{owner}")))
            .expression_attribute_values(":prefix", AttributeValue::S("CONNECTION#".to_owned()))
            .projection_expression(JOURNAL_PROJECTION)
            .set_exclusive_start_key(start_key)
            .send()
            .await
            .map_err(|error| sdk_error("Query", error))?;
        rows.extend(page.items.unwrap_or_default());
        start_key = page.last_evaluated_key.filter(|key| !key.is_empty());
        if start_key.is_none() {
            return Ok(rows.len());
        }
    }
}

async fn create_connection(
    client: &Client,
    tables: &Tables,
    caller: &Person,
    target: &Person,
) -> Result<(), BoxError> {
    let caller_id = ProfileId::parse(&caller.profile_id)?;
    let target_id = ProfileId::parse(&target.profile_id)?;
    let keys = KeysAndAttributes::builder()
        .keys(profile_key(&caller_id))
        .keys(profile_key(&target_id))
        .projection_expression(PROFILE_PROJECTION)
        .expression_attribute_names("#year", "year")
        .consistent_read(true)
        .build()?;
    let output = client
        .batch_get_item()
        .request_items(&tables.profiles, keys)
        .send()
        .await
        .map_err(|error| sdk_error("BatchGetItem", error))?;
    let mut found = output
        .responses
        .and_then(|mut responses| responses.remove(&tables.profiles))
        .unwrap_or_default();
    let mut take = |id: &ProfileId| -> Result<Profile, BoxError> {
        let key = id.partition_key();
        let position = found
            .iter()
            .position(|item| {
                item.get("compositeID").and_then(|value| value.as_s().ok()) == Some(&key)
            })
            .ok_or_else(|| format!("BatchGetItem did not return the profile {id}"))?;
        Ok(Profile::new(id.clone(), found.swap_remove(position)))
    };
    let caller_profile = take(&caller_id)?;
    let target_profile = take(&target_id)?;

    let created_at = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis() as i64;
    let rows = [
        connection_row(&caller_id, &target_profile, created_at),
        connection_row(&target_id, &caller_profile, created_at),
    ];
    let mut transaction = client.transact_write_items();
    for row in rows {
        let put = Put::builder()
            .table_name(&tables.profiles)
            .set_item(Some(row))
            .condition_expression("attribute_not_exists(compositeID)")
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()?;
        transaction = transaction.transact_items(TransactWriteItem::builder().put(put).build());
    }
    transaction
        .send()
        .await
        .map_err(|error| sdk_error("TransactWriteItems", error))?;
    Ok(())
}

fn profile_key(id: &ProfileId) -> Item {
    Item::from([
        (
            "compositeID".to_owned(),
            AttributeValue::S(id.partition_key()),
        ),
        ("type".to_owned(), AttributeValue::S("PROFILE".to_owned())),
    ])
}

async fn check_connection(
    client: &Client,
    tables: &Tables,
    owner: &str,
    other: &str,
) -> Result<(), BoxError> {
    let output = client
        .get_item()
        .table_name(&tables.profiles)
        .key("compositeID", AttributeValue::S(format!("PROFILE#{owner}")))
        .key("type", AttributeValue::S(format!("CONNECTION#{other}")))
        .projection_expression("compositeID")
        .consistent_read(true)
        .send()
        .await
        .map_err(|error| sdk_error("GetItem", error))?;
    if output.item.is_none() {
        return Err(format!("{owner} has no connection row for {other}").into());
    }
    Ok(())
}
