//! `GET /interactions/journal/{id}`: whether the caller is connected to `{id}`.

use lambda_http::http::StatusCode;
use lambda_http::{Request, RequestExt};
use serde_json::json;

use super::{authenticate, caller_profile_id};
use crate::app::App;
use crate::error::ApiError;
use crate::http::{Reply, percent_decode};
use crate::profile_id::ProfileId;
use crate::telemetry::RequestLog;

/// Checks one connection. `path_id` is the `{id}` segment of the path, used
/// when the event carries no `pathParameters` (as under `cargo lambda watch`).
pub async fn check_connection(
    app: &App,
    request: &Request,
    path_id: Option<&str>,
    log: &mut RequestLog,
) -> Result<Reply, ApiError> {
    let caller = authenticate(app, request).await?;
    // API Gateway passes `pathParameters` decoded; the path itself is not.
    let raw_id = match request
        .path_parameters_ref()
        .and_then(|parameters| parameters.first("id"))
    {
        Some(id) => id.to_owned(),
        None => percent_decode(path_id.unwrap_or_default()),
    };
    let other = match ProfileId::parse(&raw_id) {
        Ok(id) => id,
        Err(reason) => {
            return Ok(not_connected(
                StatusCode::BAD_REQUEST,
                format!("profile ID in the path {reason}"),
            ));
        }
    };
    log.set_target(&other);

    let Some(caller_id) = caller_profile_id(app, &caller, log).await? else {
        let message = format!("No profile associated with {}", caller.email());
        return Ok(Reply::ok(
            json!({ "message": message, "connected": false }),
            "no_profile",
        ));
    };
    if caller_id == other {
        return Ok(not_connected(
            StatusCode::BAD_REQUEST,
            "the profile ID in the path is your own; you cannot be connected to yourself"
                .to_owned(),
        ));
    }

    let connected = app.store().is_connected(&caller_id, &other).await?;
    Ok(Reply::ok(json!({ "connected": connected }), "ok"))
}

fn not_connected(status: StatusCode, message: String) -> Reply {
    Reply::with_status(
        status,
        json!({ "message": message, "connected": false }),
        "rejected",
    )
}
