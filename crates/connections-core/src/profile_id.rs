//! The validated profile identifier used in keys of the profiles table.

use std::fmt;

/// Maximum length of a profile ID, in characters.
pub const MAX_LEN: usize = 128;

/// A profile ID: 1 to 128 characters of `A-Z`, `a-z`, `0-9`, `_` or `-`.
///
/// Human IDs such as `SixVansSort` and UUIDs both fit. The restricted
/// alphabet keeps `#` (the key separator of the profiles table) and any
/// look-alike or control character out of keys.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProfileId(String);

/// Reason a string is not a valid profile ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ProfileIdError {
    #[error("is empty")]
    Empty,
    #[error("is longer than {MAX_LEN} characters")]
    TooLong,
    #[error("may contain only letters A-Z and a-z, digits, '_' and '-'")]
    InvalidCharacter,
}

impl ProfileId {
    /// Parses and validates a profile ID.
    pub fn parse(value: &str) -> Result<Self, ProfileIdError> {
        if value.is_empty() {
            return Err(ProfileIdError::Empty);
        }
        if !value
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-')
        {
            return Err(ProfileIdError::InvalidCharacter);
        }
        // Every accepted byte is ASCII, so the byte length is the character count.
        if value.len() > MAX_LEN {
            return Err(ProfileIdError::TooLong);
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Partition key of this profile's items: `PROFILE#<id>`.
    pub fn partition_key(&self) -> String {
        format!("PROFILE#{}", self.0)
    }

    /// Sort key of a connection row that points at this profile: `CONNECTION#<id>`.
    pub fn connection_sort_key(&self) -> String {
        format!("CONNECTION#{}", self.0)
    }
}

impl fmt::Display for ProfileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_human_ids_and_uuids() {
        for id in [
            "SixVansSort",
            "a",
            "0f8fad5b-d9cb-469f-a165-70867728950e",
            "x_y-Z",
        ] {
            assert_eq!(ProfileId::parse(id).unwrap().as_str(), id);
        }
    }

    #[test]
    fn accepts_exactly_max_length() {
        let id = "a".repeat(MAX_LEN);
        assert!(ProfileId::parse(&id).is_ok());
    }

    #[test]
    fn rejects_empty() {
        assert_eq!(ProfileId::parse(""), Err(ProfileIdError::Empty));
    }

    #[test]
    fn rejects_over_max_length() {
        let id = "a".repeat(MAX_LEN + 1);
        assert_eq!(ProfileId::parse(&id), Err(ProfileIdError::TooLong));
    }

    #[test]
    fn rejects_separators_spaces_and_look_alikes() {
        // The Cyrillic 'а' looks like a Latin 'a'; the last one is a full-width 'Ａ'.
        for id in [
            "a#b",
            "a b",
            " a",
            "a/b",
            "PROFILE#x",
            "\u{430}bc",
            "\u{ff21}",
            "a\n",
            "a.b",
            "a%20",
        ] {
            assert_eq!(
                ProfileId::parse(id),
                Err(ProfileIdError::InvalidCharacter),
                "{id:?} was accepted"
            );
        }
    }

    #[test]
    fn keys_use_table_prefixes() {
        let id = ProfileId::parse("SixVansSort").unwrap();
        assert_eq!(id.partition_key(), "PROFILE#SixVansSort");
        assert_eq!(id.connection_sort_key(), "CONNECTION#SixVansSort");
    }
}
