//! DynamoDB access: the members, profiles and events tables.
//!
//! Items keep the layout of the existing tables byte for byte; see
//! [`profiles`] for the profile and connection rows.

mod connections;
mod events;
mod journal;
mod members;
pub mod profiles;

use std::error::Error as StdError;
use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::retry::RetryConfig;
use aws_sdk_dynamodb::config::timeout::TimeoutConfig;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

use crate::config::Tables;
pub use connections::CreateOutcome;
pub use events::TimeWindow;
pub use journal::JournalOrder;
pub use members::MemberCache;
pub use profiles::Profile;

/// An item as the SDK returns it.
pub type Item = std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>;

type BoxError = Box<dyn StdError + Send + Sync>;

/// Error codes that mean "try again later" rather than "this request is wrong".
const TRANSIENT_CODES: &[&str] = &[
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
    "TransactionInProgressException",
    "LimitExceededException",
];

/// A failed DynamoDB call.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("DynamoDB {operation} failed transiently (throttling, timeout or connection error)")]
    Transient {
        operation: &'static str,
        #[source]
        source: BoxError,
    },
    #[error("DynamoDB {operation} failed")]
    Failed {
        operation: &'static str,
        #[source]
        source: BoxError,
    },
    #[error("DynamoDB {operation} left work unprocessed after {attempts} attempts")]
    Unprocessed {
        operation: &'static str,
        attempts: u32,
    },
    #[error("the transaction kept conflicting with concurrent writes after {attempts} attempts")]
    ConflictRetriesExhausted { attempts: u32 },
    #[error("a stored item is malformed: {0}")]
    Malformed(String),
}

impl StoreError {
    /// Whether retrying later may succeed; such errors become a 503.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::Transient { .. }
                | Self::Unprocessed { .. }
                | Self::ConflictRetriesExhausted { .. }
        )
    }
}

/// Sorts an SDK error into transient and permanent failures.
pub(crate) fn classify<E>(operation: &'static str, error: SdkError<E, HttpResponse>) -> StoreError
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    let transient = match &error {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            true
        }
        SdkError::ServiceError(service) => {
            let code = service.err().code().unwrap_or_default();
            TRANSIENT_CODES.contains(&code) || service.raw().status().is_server_error()
        }
        _ => false,
    };
    let source = Box::new(error);
    if transient {
        StoreError::Transient { operation, source }
    } else {
        StoreError::Failed { operation, source }
    }
}

/// The DynamoDB client and table names, built once per execution environment.
pub struct Store {
    client: Client,
    tables: Tables,
    members: MemberCache,
}

impl Store {
    /// Builds a client from `sdk_config` whose every operation, retries
    /// included, ends within `timeout`.
    pub fn new(sdk_config: &aws_config::SdkConfig, tables: Tables, timeout: Duration) -> Self {
        let timeouts = TimeoutConfig::builder()
            .operation_timeout(timeout)
            .operation_attempt_timeout(timeout / 2)
            .connect_timeout(Duration::from_secs(1))
            .build();
        let config = aws_sdk_dynamodb::config::Builder::from(sdk_config)
            .timeout_config(timeouts)
            .retry_config(RetryConfig::standard().with_max_attempts(3))
            .build();
        Self::with_client(Client::from_conf(config), tables)
    }

    pub fn with_client(client: Client, tables: Tables) -> Self {
        Self {
            client,
            tables,
            members: MemberCache::default(),
        }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn tables(&self) -> &Tables {
        &self.tables
    }
}
