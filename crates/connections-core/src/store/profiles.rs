//! Profile items and the connection rows built from them.
//!
//! A profile item has `compositeID = PROFILE#<id>` and `type = PROFILE`. A
//! connection row ("edge") is stored once per direction under the owner's
//! partition: `compositeID = PROFILE#<owner>`, `type = CONNECTION#<other>`,
//! with `connectionID`, `connectionType`, `createdAt` (epoch milliseconds,
//! equal on both rows) and a snapshot of the other profile.

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};

use super::{Item, Store, StoreError, classify};
use crate::profile_id::ProfileId;

/// `profileType` of a profile that has none.
pub const DEFAULT_PROFILE_TYPE: &str = "ATTENDEE";

/// Attributes every snapshot copies when the profile has them.
const PUBLIC_ATTRIBUTES: [&str; 3] = ["fname", "lname", "pronouns"];

/// Attributes a snapshot copies only when the profile has them and its
/// `viewableMap` does not set them to false.
const OPTIONAL_ATTRIBUTES: [&str; 4] = ["major", "year", "company", "title"];

const MAX_BATCH_ATTEMPTS: u32 = 5;

/// A profile item, with attribute values kept exactly as stored.
#[derive(Debug, Clone)]
pub struct Profile {
    id: ProfileId,
    item: Item,
}

impl Profile {
    pub fn new(id: ProfileId, item: Item) -> Self {
        Self { id, item }
    }

    pub fn id(&self) -> &ProfileId {
        &self.id
    }

    fn text(&self, attribute: &str) -> Option<&str> {
        self.item
            .get(attribute)
            .and_then(|value| value.as_s().ok())
            .map(String::as_str)
    }

    pub fn first_name(&self) -> &str {
        self.text("fname").unwrap_or_default()
    }

    /// `"<fname> <lname>"`, as the existing front end displays it.
    pub fn full_name(&self) -> String {
        format!(
            "{} {}",
            self.first_name(),
            self.text("lname").unwrap_or_default()
        )
    }

    /// `ATTENDEE`, `PARTNER` or `EXEC`; a profile without one is an attendee.
    pub fn profile_type(&self) -> &str {
        self.text("profileType")
            .filter(|kind| !kind.is_empty())
            .unwrap_or(DEFAULT_PROFILE_TYPE)
    }

    /// Whether the owner shows `attribute` to others. A profile without
    /// `viewableMap`, or whose map does not mention the attribute, shows it.
    fn shares(&self, attribute: &str) -> bool {
        let hidden = self
            .item
            .get("viewableMap")
            .and_then(|map| map.as_m().ok())
            .and_then(|map| map.get(attribute))
            .is_some_and(|flag| matches!(flag, AttributeValue::Bool(false)));
        !hidden
    }

    /// The attributes of this profile that a connection row copies.
    pub fn snapshot(&self) -> Item {
        let copy = |attribute: &&str| {
            self.item
                .get(*attribute)
                .map(|value| (attribute.to_string(), value.clone()))
        };
        let public = PUBLIC_ATTRIBUTES.iter().filter_map(copy);
        let optional = OPTIONAL_ATTRIBUTES
            .iter()
            .filter(|attribute| self.shares(attribute))
            .filter_map(copy);
        public.chain(optional).collect()
    }
}

/// The connection row that `owner` stores about `other`.
pub fn connection_row(owner: &ProfileId, other: &Profile, created_at_millis: i64) -> Item {
    let mut row = other.snapshot();
    row.insert(
        "compositeID".into(),
        AttributeValue::S(owner.partition_key()),
    );
    row.insert(
        "type".into(),
        AttributeValue::S(other.id().connection_sort_key()),
    );
    row.insert(
        "connectionID".into(),
        AttributeValue::S(other.id().to_string()),
    );
    row.insert(
        "connectionType".into(),
        AttributeValue::S(other.profile_type().to_owned()),
    );
    row.insert(
        "createdAt".into(),
        AttributeValue::N(created_at_millis.to_string()),
    );
    row
}

/// Primary key of the profile item of `id`.
pub(crate) fn profile_key(id: &ProfileId) -> Item {
    HashMap::from([
        (
            "compositeID".to_owned(),
            AttributeValue::S(id.partition_key()),
        ),
        ("type".to_owned(), AttributeValue::S("PROFILE".to_owned())),
    ])
}

impl Store {
    /// Reads two profiles with one `BatchGetItem`, retrying unprocessed keys.
    pub async fn profile_pair(
        &self,
        first: &ProfileId,
        second: &ProfileId,
    ) -> Result<(Option<Profile>, Option<Profile>), StoreError> {
        let projection = "compositeID, fname, lname, pronouns, major, #year, company, title, profileType, viewableMap";
        let mut request = KeysAndAttributes::builder()
            .keys(profile_key(first))
            .keys(profile_key(second))
            .projection_expression(projection)
            .expression_attribute_names("#year", "year")
            .consistent_read(true)
            .build()
            .map_err(|error| StoreError::Failed {
                operation: "BatchGetItem (profiles)",
                source: Box::new(error),
            })?;

        let mut found: Vec<Item> = Vec::with_capacity(2);
        for attempt in 0..MAX_BATCH_ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(backoff(attempt)).await;
            }
            let output = self
                .client
                .batch_get_item()
                .request_items(&self.tables.profiles, request)
                .send()
                .await
                .map_err(|error| classify("BatchGetItem (profiles)", error))?;

            let mut responses = output.responses.unwrap_or_default();
            found.extend(responses.remove(&self.tables.profiles).unwrap_or_default());
            let unprocessed = output
                .unprocessed_keys
                .unwrap_or_default()
                .remove(&self.tables.profiles)
                .filter(|keys| !keys.keys.is_empty());
            match unprocessed {
                None => {
                    return Ok((
                        take_profile(&mut found, first),
                        take_profile(&mut found, second),
                    ));
                }
                Some(keys) => request = keys,
            }
        }
        Err(StoreError::Unprocessed {
            operation: "BatchGetItem (profiles)",
            attempts: MAX_BATCH_ATTEMPTS,
        })
    }
}

fn take_profile(items: &mut Vec<Item>, id: &ProfileId) -> Option<Profile> {
    let partition_key = id.partition_key();
    let position = items.iter().position(|item| {
        item.get("compositeID")
            .and_then(|value| value.as_s().ok())
            .is_some_and(|key| *key == partition_key)
    })?;
    Some(Profile::new(id.clone(), items.swap_remove(position)))
}

/// Exponential backoff with full jitter: up to 25 ms, 50 ms, 100 ms, ...
pub(crate) fn backoff(attempt: u32) -> Duration {
    let ceiling_ms = 25u64 << attempt.min(6);
    Duration::from_millis(fastrand::u64(ceiling_ms / 2..=ceiling_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &str) -> AttributeValue {
        AttributeValue::S(value.to_owned())
    }

    fn profile(extra: &[(&str, AttributeValue)]) -> Profile {
        let mut item: Item = HashMap::from([
            ("fname".to_owned(), text("Ada")),
            ("lname".to_owned(), text("Lovelace")),
            ("pronouns".to_owned(), text("she/her")),
            ("major".to_owned(), text("Mathematics")),
            ("year".to_owned(), text("4th Year")),
            ("company".to_owned(), text("Analytical Engines")),
            ("title".to_owned(), text("Programmer")),
        ]);
        item.extend(
            extra
                .iter()
                .map(|(name, value)| (name.to_string(), value.clone())),
        );
        Profile::new(ProfileId::parse("AdaL").unwrap(), item)
    }

    fn viewable(flags: &[(&str, bool)]) -> AttributeValue {
        AttributeValue::M(
            flags
                .iter()
                .map(|(name, shown)| (name.to_string(), AttributeValue::Bool(*shown)))
                .collect(),
        )
    }

    #[test]
    fn snapshot_without_viewable_map_shares_everything() {
        let snapshot = profile(&[]).snapshot();
        for attribute in [
            "fname", "lname", "pronouns", "major", "year", "company", "title",
        ] {
            assert!(snapshot.contains_key(attribute), "{attribute} missing");
        }
        assert_eq!(snapshot.len(), 7);
    }

    #[test]
    fn snapshot_leaves_out_hidden_attributes() {
        for hidden in OPTIONAL_ATTRIBUTES {
            let snapshot = profile(&[("viewableMap", viewable(&[(hidden, false)]))]).snapshot();
            assert!(!snapshot.contains_key(hidden), "{hidden} was copied");
            assert_eq!(snapshot.len(), 6, "hiding {hidden}");
        }
    }

    #[test]
    fn snapshot_keeps_attributes_marked_visible_or_unmentioned() {
        let map = viewable(&[("major", true), ("company", true)]);
        let snapshot = profile(&[("viewableMap", map)]).snapshot();
        assert_eq!(snapshot.len(), 7);
    }

    #[test]
    fn snapshot_ignores_viewable_map_for_names_and_pronouns() {
        let map = viewable(&[("fname", false), ("lname", false), ("pronouns", false)]);
        let snapshot = profile(&[("viewableMap", map)]).snapshot();
        assert!(snapshot.contains_key("fname"));
        assert!(snapshot.contains_key("lname"));
        assert!(snapshot.contains_key("pronouns"));
    }

    #[test]
    fn snapshot_skips_attributes_the_profile_lacks() {
        let item = HashMap::from([("fname".to_owned(), text("Grace"))]);
        let sparse = Profile::new(ProfileId::parse("G").unwrap(), item);
        let snapshot = sparse.snapshot();
        assert_eq!(snapshot.len(), 1);
        assert_eq!(snapshot["fname"], text("Grace"));
    }

    #[test]
    fn snapshot_never_copies_private_attributes() {
        let snapshot = profile(&[
            ("viewableMap", viewable(&[])),
            ("profilePictureURL", text("https://example.com/a.png")),
            ("email", text("ada@example.com")),
        ])
        .snapshot();
        assert!(!snapshot.contains_key("viewableMap"));
        assert!(!snapshot.contains_key("profilePictureURL"));
        assert!(!snapshot.contains_key("email"));
    }

    #[test]
    fn snapshot_keeps_attribute_types() {
        let snapshot = profile(&[("year", AttributeValue::N("3".to_owned()))]).snapshot();
        assert_eq!(snapshot["year"], AttributeValue::N("3".to_owned()));
    }

    #[test]
    fn profile_type_defaults_to_attendee() {
        assert_eq!(profile(&[]).profile_type(), "ATTENDEE");
        assert_eq!(
            profile(&[("profileType", text(""))]).profile_type(),
            "ATTENDEE"
        );
        assert_eq!(
            profile(&[("profileType", text("EXEC"))]).profile_type(),
            "EXEC"
        );
    }

    #[test]
    fn connection_row_has_keys_type_and_time() {
        let owner = ProfileId::parse("Owner1").unwrap();
        let other = profile(&[("profileType", text("PARTNER"))]);
        let row = connection_row(&owner, &other, 1_700_000_000_123);
        assert_eq!(row["compositeID"], text("PROFILE#Owner1"));
        assert_eq!(row["type"], text("CONNECTION#AdaL"));
        assert_eq!(row["connectionID"], text("AdaL"));
        assert_eq!(row["connectionType"], text("PARTNER"));
        assert_eq!(
            row["createdAt"],
            AttributeValue::N("1700000000123".to_owned())
        );
        assert_eq!(row["fname"], text("Ada"));
    }

    #[test]
    fn full_name_joins_first_and_last() {
        assert_eq!(profile(&[]).full_name(), "Ada Lovelace");
    }

    #[test]
    fn backoff_grows_and_stays_bounded() {
        for attempt in 0..10 {
            let delay = backoff(attempt).as_millis() as u64;
            let ceiling = 25u64 << attempt.min(6);
            assert!(
                delay >= ceiling / 2 && delay <= ceiling,
                "attempt {attempt}: {delay} ms"
            );
        }
    }
}
