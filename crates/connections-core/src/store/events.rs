//! Event lookup, for filtering a journal to the time of one event.

use aws_sdk_dynamodb::types::AttributeValue;
use time::format_description::well_known::{Iso8601, Rfc3339};
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

use super::{Store, StoreError, classify};

/// The span of an event in epoch milliseconds; both bounds are inclusive
/// and either may be open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeWindow {
    pub start: Option<i64>,
    pub end: Option<i64>,
}

impl TimeWindow {
    /// The query filter for this window, or `None` when both bounds are open.
    pub(crate) fn filter_expression(&self) -> Option<String> {
        match (self.start, self.end) {
            (Some(_), Some(_)) => Some("#createdAt BETWEEN :start AND :end".to_owned()),
            (Some(_), None) => Some("#createdAt >= :start".to_owned()),
            (None, Some(_)) => Some("#createdAt <= :end".to_owned()),
            (None, None) => None,
        }
    }

    pub(crate) fn bound_values(&self) -> impl Iterator<Item = (&'static str, i64)> {
        let start = self.start.map(|millis| (":start", millis));
        let end = self.end.map(|millis| (":end", millis));
        start.into_iter().chain(end)
    }
}

impl Store {
    /// Returns the time window of event `id` in `year`, or `None` when the
    /// events table has no such event.
    pub async fn event_window(
        &self,
        id: &str,
        year: u32,
    ) -> Result<Option<TimeWindow>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.tables.events)
            .key("id", AttributeValue::S(id.to_owned()))
            .key("year", AttributeValue::N(year.to_string()))
            .projection_expression("startDate, endDate")
            .send()
            .await
            .map_err(|error| classify("GetItem (events)", error))?;
        let Some(item) = output.item else {
            return Ok(None);
        };
        let bound = |attribute: &str, end_of_day: bool| -> Result<Option<i64>, StoreError> {
            match item.get(attribute).map(|value| value.as_s()) {
                None => Ok(None),
                Some(Ok(text)) if text.trim().is_empty() => Ok(None),
                Some(Ok(text)) => parse_timestamp(text, end_of_day).map(Some).ok_or_else(|| {
                    StoreError::Malformed(format!(
                        "event {attribute} {text:?} is not an ISO-8601 date"
                    ))
                }),
                Some(Err(_)) => Err(StoreError::Malformed(format!(
                    "event {attribute} is not a string"
                ))),
            }
        };
        Ok(Some(TimeWindow {
            start: bound("startDate", false)?,
            end: bound("endDate", true)?,
        }))
    }
}

/// Parses an ISO-8601 timestamp to epoch milliseconds. A timestamp without
/// an offset is taken as UTC. A bare date is its first millisecond, or its
/// last when `end_of_day` is set, so that an end date includes its whole day.
fn parse_timestamp(text: &str, end_of_day: bool) -> Option<i64> {
    let text = text.trim();
    let moment = OffsetDateTime::parse(text, &Rfc3339)
        .or_else(|_| OffsetDateTime::parse(text, &Iso8601::DEFAULT))
        .or_else(|_| {
            PrimitiveDateTime::parse(text, &Iso8601::DEFAULT).map(PrimitiveDateTime::assume_utc)
        })
        .or_else(|_| {
            let date = Date::parse(text, &Iso8601::DEFAULT)?;
            let time = if end_of_day {
                Time::from_hms_milli(23, 59, 59, 999).expect("23:59:59.999 is a valid time")
            } else {
                Time::MIDNIGHT
            };
            Ok::<_, time::error::Parse>(date.with_time(time).assume_utc())
        })
        .ok()?;
    i64::try_from(moment.unix_timestamp_nanos() / 1_000_000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_utc_timestamps_with_milliseconds() {
        assert_eq!(
            parse_timestamp("2026-01-20T17:00:00.000Z", false),
            Some(1_768_928_400_000)
        );
    }

    #[test]
    fn parses_offsets() {
        assert_eq!(
            parse_timestamp("2026-01-20T09:00:00-08:00", false),
            Some(1_768_928_400_000)
        );
    }

    #[test]
    fn takes_timestamps_without_offset_as_utc() {
        assert_eq!(
            parse_timestamp("2026-01-20T17:00:00", false),
            Some(1_768_928_400_000)
        );
    }

    #[test]
    fn bare_dates_cover_the_whole_day() {
        assert_eq!(
            parse_timestamp("2026-01-20", false),
            Some(1_768_867_200_000)
        );
        assert_eq!(parse_timestamp("2026-01-20", true), Some(1_768_953_599_999));
    }

    #[test]
    fn rejects_non_dates() {
        for text in ["", "tomorrow", "2026-13-01", "20/01/2026"] {
            assert_eq!(parse_timestamp(text, false), None, "{text:?}");
        }
    }

    #[test]
    fn filter_matches_open_bounds() {
        let both = TimeWindow {
            start: Some(1),
            end: Some(2),
        };
        assert_eq!(
            both.filter_expression().unwrap(),
            "#createdAt BETWEEN :start AND :end"
        );
        let start_only = TimeWindow {
            start: Some(1),
            end: None,
        };
        assert_eq!(
            start_only.filter_expression().unwrap(),
            "#createdAt >= :start"
        );
        let end_only = TimeWindow {
            start: None,
            end: Some(2),
        };
        assert_eq!(end_only.filter_expression().unwrap(), "#createdAt <= :end");
        let open = TimeWindow {
            start: None,
            end: None,
        };
        assert_eq!(open.filter_expression(), None);
    }
}
