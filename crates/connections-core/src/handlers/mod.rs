//! One handler per endpoint. Each reads as its steps: authenticate, parse,
//! load, decide, write, reply; every failure is an [`ApiError`] whose
//! variant picks the status.

mod check;
mod create;
mod journal;

pub use check::check_connection;
pub use create::create_interaction;
pub use journal::get_journal;

use lambda_http::Request;

use crate::app::App;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::http::authorization_header;
use crate::profile_id::ProfileId;
use crate::telemetry::RequestLog;

/// Verifies the Bearer token of `request` and returns the caller.
async fn authenticate(app: &App, request: &Request) -> Result<Caller, ApiError> {
    let caller = app
        .verifier()
        .verify_header(authorization_header(request))
        .await?;
    Ok(caller)
}

/// Returns the caller's profile ID, or `None` when the caller has no profile
/// yet, and records it in the request log.
async fn caller_profile_id(
    app: &App,
    caller: &Caller,
    log: &mut RequestLog,
) -> Result<Option<ProfileId>, ApiError> {
    let profile_id = app.store().profile_id_for_member(caller.email()).await?;
    if let Some(id) = &profile_id {
        log.set_caller(id);
    }
    Ok(profile_id)
}

fn no_profile_yet() -> ApiError {
    ApiError::NotFound(
        "this account has no profile yet; create a profile before making connections".to_owned(),
    )
}
