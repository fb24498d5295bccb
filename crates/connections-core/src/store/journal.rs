//! Reading every connection row of a profile.

use std::cmp::Ordering;

use aws_sdk_dynamodb::types::AttributeValue;

use super::{Item, Store, StoreError, TimeWindow, classify};
use crate::profile_id::ProfileId;

/// The attributes a journal entry returns; nothing else is read.
const JOURNAL_PROJECTION: &str = "compositeID, #type, connectionID, connectionType, fname, lname, pronouns, major, #year, company, title, createdAt";

impl Store {
    /// Returns every connection row of `owner`, across all query pages,
    /// most recent `createdAt` first; rows made at the same millisecond
    /// are ordered by `connectionID`. With a `window`, only rows whose
    /// `createdAt` falls inside it (bounds included) are returned.
    pub async fn connections_of(
        &self,
        owner: &ProfileId,
        window: Option<&TimeWindow>,
    ) -> Result<Vec<Item>, StoreError> {
        let filter = window.and_then(TimeWindow::filter_expression);
        let mut rows = Vec::new();
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
            rows.extend(page.items.unwrap_or_default());
            start_key = page.last_evaluated_key.filter(|key| !key.is_empty());
            if start_key.is_none() {
                break;
            }
        }
        rows.sort_by(newest_first);
        Ok(rows)
    }
}

fn newest_first(left: &Item, right: &Item) -> Ordering {
    let created_at =
        |item: &Item| -> Option<f64> { item.get("createdAt")?.as_n().ok()?.parse().ok() };
    let connection_id =
        |item: &Item| -> Option<String> { item.get("connectionID")?.as_s().ok().cloned() };
    // Rows without a readable createdAt sort last.
    let by_time = match (created_at(left), created_at(right)) {
        (Some(l), Some(r)) => r.total_cmp(&l),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    by_time.then_with(|| connection_id(left).cmp(&connection_id(right)))
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
        rows.sort_by(newest_first);
        assert_eq!(ids(&rows), ["c", "a", "b", "d", "none"]);
    }

    #[test]
    fn compares_times_as_numbers_not_text() {
        let mut rows = vec![row("short", Some("999")), row("long", Some("1000"))];
        rows.sort_by(newest_first);
        assert_eq!(ids(&rows), ["long", "short"]);
    }
}
