//! A test environment: fresh tables on DynamoDB Local, the demo data, and
//! an [`App`] configured like a deployed function, called in-process with
//! API Gateway events.

use std::path::{Path, PathBuf};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::AttributeValue;
use connections_core::auth::KeyStore;
use connections_core::config::{Config, Tables};
use connections_core::store::{Item, Store};
use connections_core::{App, Endpoint};
use lambda_http::Body;
use lambda_http::http::{HeaderMap, StatusCode};
use serde_json::Value;

use crate::tokens::{DEV_AUDIENCE, DEV_ISSUER, dev_jwks_path};
use crate::{demo, local, tables};

/// A response, with the body parsed as JSON (`Value::Null` when empty).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

/// Fresh tables of one test, and an app that uses them.
pub struct TestEnv {
    pub client: Client,
    pub tables: Tables,
    pub app: App,
    pub endpoint: String,
}

impl TestEnv {
    /// Creates empty tables named after `label` and an app for them.
    pub async fn empty(label: &str) -> Self {
        let endpoint = local::endpoint();
        let client = local::client(&endpoint).await;
        let tables = tables::unique_tables(label);
        tables::create_tables(&client, &tables)
            .await
            .expect("creating tables on DynamoDB Local failed");
        let config = test_config(&tables);
        let sdk_config = local::sdk_config(&endpoint).await;
        let store = Store::new(&sdk_config, tables.clone(), config.dynamodb_timeout);
        let keys = KeyStore::load(&config.jwt.jwks).expect("the development JWKS loads");
        let app = App::new(config, store, keys);
        Self {
            client,
            tables,
            app,
            endpoint,
        }
    }

    /// Like [`TestEnv::empty`], with the demo data set written.
    pub async fn with_demo_data(label: &str) -> Self {
        let env = Self::empty(label).await;
        demo::seed_demo(&env.client, &env.tables)
            .await
            .expect("seeding the demo data failed");
        env
    }

    /// Sends `event` (an API Gateway event as JSON) to `endpoint`.
    pub async fn call(&self, endpoint: Endpoint, event: &Value) -> Reply {
        let request = lambda_http::request::from_str(&event.to_string())
            .expect("the event is a valid API Gateway event");
        let response = self.app.handle(endpoint, request).await;
        let (parts, body) = response.into_parts();
        let bytes: Vec<u8> = match body {
            Body::Empty => Vec::new(),
            Body::Text(text) => text.into_bytes(),
            Body::Binary(bytes) => bytes,
            _ => Vec::new(),
        };
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).expect("every response body is JSON")
        };
        Reply {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }

    /// Sends the sample event `events/<name>` to `endpoint`.
    pub async fn call_sample(&self, endpoint: Endpoint, name: &str) -> Reply {
        self.call(endpoint, &sample_event(name)).await
    }

    /// Every item of the profiles table whose sort key starts with
    /// `CONNECTION#`, read with consistent scans.
    pub async fn connection_rows(&self) -> Vec<Item> {
        let mut rows = Vec::new();
        let mut start_key = None;
        loop {
            let page = self
                .client
                .scan()
                .table_name(&self.tables.profiles)
                .consistent_read(true)
                .set_exclusive_start_key(start_key)
                .send()
                .await
                .expect("scanning the profiles table failed");
            rows.extend(page.items.unwrap_or_default().into_iter().filter(|item| {
                item.get("type")
                    .and_then(|value| value.as_s().ok())
                    .is_some_and(|kind| kind.starts_with("CONNECTION#"))
            }));
            start_key = page.last_evaluated_key;
            if start_key.is_none() {
                break;
            }
        }
        rows
    }

    /// Reads the connection row that `owner` has for `other`, if any.
    pub async fn connection_row(&self, owner: &str, other: &str) -> Option<Item> {
        self.client
            .get_item()
            .table_name(&self.tables.profiles)
            .set_key(Some(connection_key(owner, other)))
            .consistent_read(true)
            .send()
            .await
            .expect("reading a connection row failed")
            .item
    }

    /// Deletes the tables of this test.
    pub async fn cleanup(self) {
        tables::delete_tables(&self.client, &self.tables).await;
    }
}

/// The configuration a test function runs with: the given tables, the
/// development issuer, audience and JWKS file.
pub fn test_config(tables: &Tables) -> Config {
    let tables = tables.clone();
    let jwks = dev_jwks_path();
    Config::from_lookup(move |name| match name {
        "PROFILES_TABLE" => Some(tables.profiles.clone()),
        "MEMBERS_TABLE" => Some(tables.members.clone()),
        "EVENTS_TABLE" => Some(tables.events.clone()),
        "JWT_ISSUER" => Some(DEV_ISSUER.to_owned()),
        "JWT_AUDIENCE" => Some(DEV_AUDIENCE.to_owned()),
        "JWT_JWKS_FILE" => Some(jwks.display().to_string()),
        _ => None,
    })
    .expect("the test configuration is valid")
}

/// The repository's `events/` folder.
pub fn events_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../events")
}

/// Reads the sample event `events/<name>`.
pub fn sample_event(name: &str) -> Value {
    let path = events_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not JSON: {error}", path.display()))
}

/// Builds the primary key of the connection row that `owner` has for `other`.
pub fn connection_key(owner: &str, other: &str) -> Item {
    Item::from([
        (
            "compositeID".to_owned(),
            AttributeValue::S(format!("PROFILE#{owner}")),
        ),
        (
            "type".to_owned(),
            AttributeValue::S(format!("CONNECTION#{other}")),
        ),
    ])
}

/// Text of a string attribute of `item`.
pub fn text<'item>(item: &'item Item, name: &str) -> Option<&'item str> {
    item.get(name)?.as_s().ok().map(String::as_str)
}
