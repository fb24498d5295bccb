//! Writing an edge (two rows in one transaction) and checking for one.

use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue, CancellationReason, Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem,
};

use super::profiles::{backoff, connection_row};
use super::{Item, Profile, Store, StoreError, classify};
use crate::profile_id::ProfileId;

/// Attempts of the edge transaction when concurrent writes to the same
/// rows cancel it (`TransactionConflict`); the SDK does not retry those.
const MAX_TRANSACTION_ATTEMPTS: u32 = 5;

const ROW_ABSENT: &str = "attribute_not_exists(compositeID)";

/// Result of writing an edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateOutcome {
    /// Both rows were written.
    Created,
    /// Both rows existed already; nothing was written.
    AlreadyConnected,
    /// One row existed (left by older code); the missing one was written
    /// with the existing row's `createdAt`.
    Completed,
}

/// Outcome of the two conditional puts of a cancelled transaction.
enum Cancelled {
    BothExist,
    OneExists {
        missing: usize,
        created_at: Option<i64>,
    },
    Conflict,
    Throttled,
    Other,
}

impl Store {
    /// Writes the edge between `first` and `second`: one row in each
    /// profile's partition, both or neither, never overwriting a row.
    pub async fn create_connection(
        &self,
        first: &Profile,
        second: &Profile,
        created_at_millis: i64,
    ) -> Result<CreateOutcome, StoreError> {
        let rows = [
            connection_row(first.id(), second, created_at_millis),
            connection_row(second.id(), first, created_at_millis),
        ];
        let puts = [
            self.conditional_put(&rows[0])?,
            self.conditional_put(&rows[1])?,
        ];

        for attempt in 0..MAX_TRANSACTION_ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(backoff(attempt)).await;
            }
            let result = self
                .client
                .transact_write_items()
                .transact_items(TransactWriteItem::builder().put(puts[0].clone()).build())
                .transact_items(TransactWriteItem::builder().put(puts[1].clone()).build())
                .send()
                .await;
            let error = match result {
                Ok(_) => return Ok(CreateOutcome::Created),
                Err(error) => error,
            };

            let reasons = cancellation_reasons(&error);
            match reasons.map(|reasons| read_cancellation(&reasons)) {
                Some(Cancelled::BothExist) => return Ok(CreateOutcome::AlreadyConnected),
                Some(Cancelled::OneExists {
                    missing,
                    created_at,
                }) => {
                    let other = 1 - missing;
                    let created_at = match created_at {
                        Some(millis) => millis,
                        None => self.stored_created_at(&rows[other]).await?,
                    };
                    let mut row = rows[missing].clone();
                    row.insert(
                        "createdAt".into(),
                        AttributeValue::N(created_at.to_string()),
                    );
                    self.put_if_absent(row).await?;
                    return Ok(CreateOutcome::Completed);
                }
                Some(Cancelled::Conflict) => {
                    tracing::debug!(attempt, "edge transaction conflicted; retrying");
                    continue;
                }
                Some(Cancelled::Throttled) => {
                    return Err(StoreError::Transient {
                        operation: "TransactWriteItems (profiles)",
                        source: Box::new(error),
                    });
                }
                Some(Cancelled::Other) | None => {
                    return Err(classify("TransactWriteItems (profiles)", error));
                }
            }
        }
        Err(StoreError::ConflictRetriesExhausted {
            attempts: MAX_TRANSACTION_ATTEMPTS,
        })
    }

    /// Whether `owner` has a connection row for `other`, read strongly consistent.
    pub async fn is_connected(
        &self,
        owner: &ProfileId,
        other: &ProfileId,
    ) -> Result<bool, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.tables.profiles)
            .key("compositeID", AttributeValue::S(owner.partition_key()))
            .key("type", AttributeValue::S(other.connection_sort_key()))
            .projection_expression("compositeID")
            .consistent_read(true)
            .send()
            .await
            .map_err(|error| classify("GetItem (profiles)", error))?;
        Ok(output.item.is_some())
    }

    fn conditional_put(&self, row: &Item) -> Result<Put, StoreError> {
        Put::builder()
            .table_name(&self.tables.profiles)
            .set_item(Some(row.clone()))
            .condition_expression(ROW_ABSENT)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .map_err(|error| StoreError::Failed {
                operation: "TransactWriteItems (profiles)",
                source: Box::new(error),
            })
    }

    /// Writes `row` unless a row with its key exists; an existing row means
    /// a concurrent request completed the edge, which is not an error.
    async fn put_if_absent(&self, row: Item) -> Result<(), StoreError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.tables.profiles)
            .set_item(Some(row))
            .condition_expression(ROW_ABSENT)
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|service| service.is_conditional_check_failed_exception()) =>
            {
                Ok(())
            }
            Err(error) => Err(classify("PutItem (profiles)", error)),
        }
    }

    /// Reads the `createdAt` of a stored row, for when the cancelled
    /// transaction did not return the old item.
    async fn stored_created_at(&self, row: &Item) -> Result<i64, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.tables.profiles)
            .key("compositeID", row["compositeID"].clone())
            .key("type", row["type"].clone())
            .projection_expression("createdAt")
            .consistent_read(true)
            .send()
            .await
            .map_err(|error| classify("GetItem (profiles)", error))?;
        output.item.as_ref().and_then(created_at_of).ok_or_else(|| {
            StoreError::Malformed("an existing connection row has no numeric createdAt".to_owned())
        })
    }
}

fn cancellation_reasons<R>(
    error: &SdkError<TransactWriteItemsError, R>,
) -> Option<Vec<CancellationReason>> {
    match error.as_service_error()? {
        TransactWriteItemsError::TransactionCanceledException(cancelled) => {
            Some(cancelled.cancellation_reasons().to_vec())
        }
        _ => None,
    }
}

fn read_cancellation(reasons: &[CancellationReason]) -> Cancelled {
    let codes: Vec<&str> = reasons
        .iter()
        .map(|reason| reason.code().unwrap_or("None"))
        .collect();
    let failed = |code: &str| code == "ConditionalCheckFailed";
    match codes.as_slice() {
        [first, second] if failed(first) && failed(second) => Cancelled::BothExist,
        [first, "None"] if failed(first) => Cancelled::OneExists {
            missing: 1,
            created_at: reasons[0].item().and_then(created_at_of),
        },
        ["None", second] if failed(second) => Cancelled::OneExists {
            missing: 0,
            created_at: reasons[1].item().and_then(created_at_of),
        },
        _ if codes.contains(&"TransactionConflict") => Cancelled::Conflict,
        _ if codes
            .iter()
            .any(|code| matches!(*code, "ThrottlingError" | "ProvisionedThroughputExceeded")) =>
        {
            Cancelled::Throttled
        }
        _ => Cancelled::Other,
    }
}

fn created_at_of(item: &Item) -> Option<i64> {
    item.get("createdAt")?.as_n().ok()?.parse().ok()
}
