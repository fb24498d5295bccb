//! `GET /interactions/journal`: every connection of the caller.

use lambda_http::{Request, RequestExt};

use super::{authenticate, caller_profile_id, no_profile_yet};
use crate::app::App;
use crate::attribute::JsonItem;
use crate::error::ApiError;
use crate::http::Reply;
use crate::store::{Item, JournalOrder};
use crate::telemetry::RequestLog;

/// Maximum event ID length in bytes, well under the 2048-byte DynamoDB key limit.
const MAX_EVENT_ID_BYTES: usize = 1024;

fn row_json(row: &Item) -> String {
    // A map with string keys always serializes.
    serde_json::to_string(&JsonItem(row)).unwrap_or_else(|_| "{}".to_owned())
}

/// `{"message": "all connections for <email>", "data": [<rows>]}`, joined
/// from rows that are JSON already.
fn journal_body(email: &str, rows: impl Iterator<Item = String>) -> String {
    let message = serde_json::Value::String(format!("all connections for {email}"));
    let mut body = format!(r#"{{"message":{message},"data":["#);
    for (index, row) in rows.enumerate() {
        if index > 0 {
            body.push(',');
        }
        body.push_str(&row);
    }
    body.push_str("]}");
    body
}

/// An event to filter the journal by.
#[derive(Debug, PartialEq, Eq)]
struct EventFilter {
    event_id: String,
    year: u32,
}

pub async fn get_journal(
    app: &App,
    request: &Request,
    log: &mut RequestLog,
) -> Result<Reply, ApiError> {
    let caller = authenticate(app, request).await?;
    let query = request.query_string_parameters_ref();
    let filter = parse_filter(
        query.and_then(|query| query.first("eventId")),
        query.and_then(|query| query.first("year")),
    )?;

    // The member lookup and the event lookup are independent, so they run
    // concurrently: a filtered journal costs one round trip less.
    let event_lookup = async {
        match &filter {
            None => Ok(None),
            Some(filter) => app
                .store()
                .event_window(&filter.event_id, filter.year)
                .await
                .map(Some),
        }
    };
    let (profile_id, window) = tokio::join!(caller_profile_id(app, &caller, log), event_lookup);
    let profile_id = profile_id?.ok_or_else(no_profile_yet)?;
    // `None` means no filter was asked for; `Some(None)` means the event is unknown.
    let window = match (filter, window?) {
        (Some(filter), Some(None)) => {
            return Err(ApiError::NotFound(format!(
                "no event has the ID {:?} in year {}",
                filter.event_id, filter.year
            )));
        }
        (_, window) => window.flatten(),
    };

    // Each row becomes its JSON text as its page arrives, so the rows of one
    // page at a time are held, not the whole journal twice over.
    let mut entries: Vec<(JournalOrder, String)> = Vec::new();
    app.store()
        .for_each_connection_page(&profile_id, window.as_ref(), |page| {
            entries.extend(
                page.iter()
                    .map(|row| (JournalOrder::of(row), row_json(row))),
            );
        })
        .await?;
    entries.sort_unstable_by(|left, right| left.0.cmp(&right.0));
    let body = journal_body(caller.email(), entries.into_iter().map(|(_, json)| json));
    Ok(Reply::ok_raw(body, "ok"))
}

fn parse_filter(
    event_id: Option<&str>,
    year: Option<&str>,
) -> Result<Option<EventFilter>, ApiError> {
    let bad_request = |message: &str| Err(ApiError::BadRequest(message.to_owned()));
    let (event_id, year) = match (event_id, year) {
        (None, None) => return Ok(None),
        (Some(event_id), Some(year)) => (event_id.trim(), year.trim()),
        _ => {
            return bad_request(
                "eventId and year must be given together, e.g. ?eventId=blueprint&year=2026",
            );
        }
    };
    if event_id.is_empty() {
        return bad_request("eventId is empty");
    }
    if event_id.len() > MAX_EVENT_ID_BYTES {
        return bad_request("eventId is longer than 1024 bytes");
    }
    let valid_year =
        !year.is_empty() && year.len() <= 4 && year.bytes().all(|byte| byte.is_ascii_digit());
    let Some(year) = valid_year.then(|| year.parse::<u32>().ok()).flatten() else {
        return bad_request("year must be a number such as 2026");
    };
    Ok(Some(EventFilter {
        event_id: event_id.to_owned(),
        year,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejection(event_id: Option<&str>, year: Option<&str>) -> String {
        match parse_filter(event_id, year) {
            Err(ApiError::BadRequest(message)) => message,
            other => panic!("expected a bad request, got {other:?}"),
        }
    }

    #[test]
    fn no_parameters_mean_no_filter() {
        assert_eq!(parse_filter(None, None).unwrap(), None);
    }

    #[test]
    fn both_parameters_make_a_filter() {
        let filter = parse_filter(Some("blueprint"), Some("2026"))
            .unwrap()
            .unwrap();
        assert_eq!(filter.event_id, "blueprint");
        assert_eq!(filter.year, 2026);
    }

    #[test]
    fn half_a_pair_is_rejected() {
        assert!(rejection(Some("blueprint"), None).contains("together"));
        assert!(rejection(None, Some("2026")).contains("together"));
    }

    #[test]
    fn non_numeric_years_are_rejected() {
        for year in ["", "abc", "20x6", "-2026", "2026.0", "1e3", "99999"] {
            assert!(
                rejection(Some("blueprint"), Some(year)).contains("year"),
                "{year:?}"
            );
        }
    }

    #[test]
    fn empty_event_id_is_rejected() {
        assert!(rejection(Some(" "), Some("2026")).contains("eventId"));
    }

    #[test]
    fn journal_body_is_json() {
        let rows = [r#"{"a":1}"#.to_owned(), r#"{"b":"x"}"#.to_owned()].into_iter();
        let body: serde_json::Value =
            serde_json::from_str(&journal_body("a\"b@example.com", rows)).unwrap();
        assert_eq!(body["message"], "all connections for a\"b@example.com");
        assert_eq!(body["data"], serde_json::json!([{"a": 1}, {"b": "x"}]));
        let empty: serde_json::Value =
            serde_json::from_str(&journal_body("e@example.com", std::iter::empty())).unwrap();
        assert_eq!(empty["data"], serde_json::json!([]));
    }
}
