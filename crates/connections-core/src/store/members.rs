//! Member lookup: e-mail address to profile ID.

use std::collections::HashMap;
use std::sync::Mutex;

use aws_sdk_dynamodb::types::AttributeValue;

use super::{Store, StoreError, classify};
use crate::profile_id::ProfileId;

/// Entries kept before the cache starts over; bounds memory in a long-lived
/// execution environment.
const MAX_CACHED_MEMBERS: usize = 10_000;

/// E-mail to profile ID mappings seen in this execution environment.
///
/// A member's `profileID` only ever goes from absent to present, so a
/// present value stays true and is cached; an absent one is not, because
/// the member may create a profile a moment later.
#[derive(Default)]
pub struct MemberCache {
    entries: Mutex<HashMap<String, ProfileId>>,
}

impl MemberCache {
    fn get(&self, email: &str) -> Option<ProfileId> {
        let entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.get(email).cloned()
    }

    fn insert(&self, email: &str, profile_id: ProfileId) {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if entries.len() >= MAX_CACHED_MEMBERS {
            entries.clear();
        }
        entries.insert(email.to_owned(), profile_id);
    }
}

impl Store {
    /// Returns the profile ID of the member with this (lower-case) e-mail,
    /// or `None` when there is no such member or it has no profile yet.
    pub async fn profile_id_for_member(
        &self,
        email: &str,
    ) -> Result<Option<ProfileId>, StoreError> {
        if let Some(profile_id) = self.members.get(email) {
            return Ok(Some(profile_id));
        }

        let output = self
            .client
            .get_item()
            .table_name(&self.tables.members)
            .key("id", AttributeValue::S(email.to_owned()))
            .projection_expression("profileID")
            .consistent_read(true)
            .send()
            .await
            .map_err(|error| classify("GetItem (members)", error))?;

        let Some(value) = output.item.as_ref().and_then(|item| item.get("profileID")) else {
            return Ok(None);
        };
        let raw = value.as_s().map_err(|_| {
            StoreError::Malformed("a member's profileID is not a string".to_owned())
        })?;
        if raw.is_empty() {
            return Ok(None);
        }
        let profile_id = ProfileId::parse(raw)
            .map_err(|reason| StoreError::Malformed(format!("a member's profileID {reason}")))?;
        self.members.insert(email, profile_id.clone());
        Ok(Some(profile_id))
    }
}
