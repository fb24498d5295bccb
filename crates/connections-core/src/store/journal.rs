//! Reading every connection row of a profile.

use aws_sdk_dynamodb::types::AttributeValue;

use super::{Item, Store, StoreError, TimeWindow, classify};
use crate::profile_id::ProfileId;

/// The attributes a journal entry returns; nothing else is read.
const JOURNAL_PROJECTION: &str = "compositeID, #type, connectionID, connectionType, fname, lname, pronouns, major, #year, company, title, createdAt";

impl Store {
    /// Returns every connection row of `owner`, across all query pages,
    /// in [`JournalOrder`]. With a `window`, only rows whose `createdAt`
    /// falls inside it (bounds included) are returned.
    pub async fn connections_of(
        &self,
        owner: &ProfileId,
        window: Option<&TimeWindow>,
    ) -> Result<Vec<Item>, StoreError> {
        let mut rows = Vec::new();
        self.for_each_connection_page(owner, window, |page| rows.extend(page))
            .await?;
        rows.sort_by_cached_key(JournalOrder::of);
        Ok(rows)
    }

    /// Queries the connection rows of `owner` like [`Store::connections_of`],
    /// but hands each page to `on_page` as it arrives, unsorted, so that a
    /// caller can turn rows into output without holding them all.
    pub async fn for_each_connection_page(
        &self,
        owner: &ProfileId,
        window: Option<&TimeWindow>,
        mut on_page: impl FnMut(Vec<Item>),
    ) -> Result<(), StoreError> {
        let filter = window.and_then(TimeWindow::filter_expression);
        let mut start_key = None;
        loop {
            let mut query = self
                .client
                .query()
                .table_name(&self.tables.profiles)
                .key_condition_expression("compositeID = :owner AND begins_with(#type, :prefix)")
                .expression_attribute_names("#type", "type")
                .expression_attribute_names("#year", "year")
                .expression_attribute_values(":owner", AttributeValue::S(owner.partition_key()))
                .expression_attribute_values(":prefix", AttributeValue::S("CONNECTION#".to_owned()))
                .projection_expression(JOURNAL_PROJECTION)
                .set_exclusive_start_key(start_key);
            if let (Some(expression), Some(window)) = (&filter, window) {
                query = query
                    .filter_expression(expression)
                    .expression_attribute_names("#createdAt", "createdAt");
                for (placeholder, millis) in window.bound_values() {
                    query = query.expression_attribute_values(
                        placeholder,
                        AttributeValue::N(millis.to_string()),
                    );
                }
            }
            let page = query
                .send()
                .await
                .map_err(|error| classify("Query (profiles)", error))?;
            on_page(page.items.unwrap_or_default());
            start_key = page.last_evaluated_key.filter(|key| !key.is_empty());
            if start_key.is_none() {
                return Ok(());
            }
        }
    }
}

/// Sort key of a journal row: newest `createdAt` first, rows made at the
/// same millisecond by `connectionID`, rows without a readable `createdAt`
/// last.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct JournalOrder {
    missing_time: bool,
    negated_millis: i64,
    connection_id: Option<String>,
}

impl JournalOrder {
    pub fn of(row: &Item) -> Self {
        let created_at = row
            .get("createdAt")
            .and_then(|value| value.as_n().ok())
            .and_then(|number| number.parse::<f64>().ok())
            .filter(|millis| millis.is_finite());
        let connection_id = row
            .get("connectionID")
            .and_then(|value| value.as_s().ok())
            .cloned();
        Self {
            missing_time: created_at.is_none(),
            // Every epoch millisecond fits an i64; `as` saturates the rest.
            negated_millis: created_at.map_or(0, |millis| -(millis as i64)),
            connection_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, created_at: Option<&str>) -> Item {
        let mut item = Item::new();
        item.insert("connectionID".into(), AttributeValue::S(id.into()));
        if let Some(millis) = created_at {
            item.insert("createdAt".into(), AttributeValue::N(millis.into()));
        }
        item
    }

    fn ids(rows: &[Item]) -> Vec<&str> {
        rows.iter()
            .map(|row| row["connectionID"].as_s().unwrap().as_str())
            .collect()
    }

    #[test]
    fn sorts_newest_first_then_by_id() {
        let mut rows = vec![
            row("b", Some("100")),
            row("none", None),
            row("c", Some("300")),
            row("a", Some("100")),
            row("d", Some("99")),
        ];
        rows.sort_by_cached_key(JournalOrder::of);
        assert_eq!(ids(&rows), ["c", "a", "b", "d", "none"]);
    }

    #[test]
    fn compares_times_as_numbers_not_text() {
        let mut rows = vec![row("short", Some("999")), row("long", Some("1000"))];
        rows.sort_by_cached_key(JournalOrder::of);
        assert_eq!(ids(&rows), ["long", "short"]);
    }
}
