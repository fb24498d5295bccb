//! Shared core of the Connections API.
//!
//! Each Lambda binary is a thin `main` that calls [`app::run`] with its
//! [`app::Endpoint`]. Everything else lives here: configuration, token
//! verification, request parsing and validation, DynamoDB access and the
//! mapping of every outcome to an HTTP response.

pub mod app;
pub mod attribute;
pub mod auth;
pub mod config;
pub mod error;
pub mod handlers;
pub mod http;
pub mod lambda;
pub mod profile_id;
pub mod store;
pub mod telemetry;

pub use app::{App, Endpoint};
pub use config::Config;
pub use error::ApiError;
pub use profile_id::ProfileId;
