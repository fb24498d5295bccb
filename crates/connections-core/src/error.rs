//! Every way a request can fail, and the status each one maps to.
//!
//! The `Display` text of a 4xx variant is what the caller reads. A 5xx
//! variant shows a fixed message and keeps its cause as a `source`, which
//! only the log sees.

use std::error::Error as StdError;

use lambda_http::http::StatusCode;

use crate::auth::AuthError;
use crate::store::StoreError;

/// Seconds a caller should wait before retrying a 503.
pub const RETRY_AFTER_SECONDS: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error(transparent)]
    Unauthorized(AuthError),
    #[error("{0}")]
    NotFound(String),
    #[error("{message}")]
    MethodNotAllowed {
        message: String,
        allow: &'static str,
    },
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    Gone(String),
    #[error("the service is temporarily unavailable; retry in a moment")]
    Unavailable(#[source] Box<dyn StdError + Send + Sync>),
    #[error("internal error; the request was not completed")]
    Internal(#[source] Box<dyn StdError + Send + Sync>),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Gone(_) => StatusCode::GONE,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Short outcome label for the request log line.
    pub fn outcome(&self) -> &'static str {
        match self {
            Self::Unauthorized(_) => "unauthorized",
            Self::Unavailable(_) => "unavailable",
            Self::Internal(_) => "error",
            _ => "rejected",
        }
    }

    /// The full cause chain of a server-side failure, for the log.
    pub fn cause(&self) -> Option<String> {
        match self {
            Self::Unavailable(source) | Self::Internal(source) => {
                Some(error_chain(source.as_ref()))
            }
            _ => None,
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(error: AuthError) -> Self {
        match error {
            // The caller cannot fix missing keys, so this is not a 401.
            AuthError::KeysUnavailable(source) => Self::Unavailable(Box::new(source)),
            other => Self::Unauthorized(other),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        if error.is_transient() {
            Self::Unavailable(Box::new(error))
        } else {
            Self::Internal(Box::new(error))
        }
    }
}

/// Formats an error with all its sources, outermost first, for logs.
pub fn error_chain(error: &(dyn StdError + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
