//! JSON logs: one line per request, with ids but never tokens or e-mails.

use std::time::Instant;

use lambda_http::http::StatusCode;
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

use crate::app::Endpoint;
use crate::error::ApiError;
use crate::http::Reply;
use crate::profile_id::ProfileId;

/// Filter used when `RUST_LOG` is unset. The SDK's own logs stay at warn:
/// at debug and below they include request bodies, which hold e-mails.
const DEFAULT_FILTER: &str = "info,aws_config=warn,aws_smithy_runtime=warn,aws_sdk_dynamodb=warn";

/// Installs the JSON subscriber for the process, filtered by `RUST_LOG`.
pub fn init() {
    let _ = tracing::subscriber::set_global_default(subscriber(std::io::stdout));
}

/// A JSON subscriber writing to `writer`; tests use it to capture the logs.
pub fn subscriber<W>(writer: W) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'writer> MakeWriter<'writer> + Send + Sync + 'static,
{
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_target(false)
        .with_env_filter(filter)
        .with_writer(writer)
        .finish()
}

/// Record of one request, written as a single log line when it ends.
pub struct RequestLog {
    started: Instant,
    request_id: String,
    endpoint: &'static str,
    method: String,
    caller: Option<String>,
    target: Option<String>,
}

impl RequestLog {
    pub fn start(endpoint: Endpoint, request: &Request) -> Self {
        Self {
            started: Instant::now(),
            request_id: request_id(request),
            endpoint: endpoint.name(),
            method: request.method().to_string(),
            caller: None,
            target: None,
        }
    }

    /// Records the caller's profile ID (never the e-mail).
    pub fn set_caller(&mut self, profile_id: &ProfileId) {
        self.caller = Some(profile_id.to_string());
    }

    pub fn set_target(&mut self, profile_id: &ProfileId) {
        self.target = Some(profile_id.to_string());
    }

    /// Writes the line: info for 2xx to 4xx, error with the cause for 5xx.
    pub fn finish(self, result: &Result<Reply, ApiError>, status: StatusCode) {
        let duration_ms = self.started.elapsed().as_secs_f64() * 1000.0;
        let outcome = match result {
            Ok(reply) => reply.outcome,
            Err(error) => error.outcome(),
        };
        let caller = self.caller.as_deref().unwrap_or("");
        let target = self.target.as_deref().unwrap_or("");
        let status = status.as_u16();
        match result {
            Err(error) if status >= 500 => {
                let cause = error.cause().unwrap_or_default();
                tracing::error!(
                    request_id = %self.request_id, endpoint = self.endpoint, method = %self.method,
                    status, outcome, duration_ms, caller, target, error = %cause,
                    "request failed"
                );
            }
            Err(error) => {
                tracing::info!(
                    request_id = %self.request_id, endpoint = self.endpoint, method = %self.method,
                    status, outcome, duration_ms, caller, target, reason = %error,
                    "request rejected"
                );
            }
            Ok(_) => {
                tracing::info!(
                    request_id = %self.request_id, endpoint = self.endpoint, method = %self.method,
                    status, outcome, duration_ms, caller, target,
                    "request completed"
                );
            }
        }
    }
}

/// The Lambda request ID when running under the runtime, otherwise the
/// API Gateway request ID of the event.
fn request_id(request: &Request) -> String {
    if let Some(context) = request.lambda_context_ref() {
        return context.request_id.clone();
    }
    let from_gateway = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV1(context)) => context.request_id.clone(),
        Some(RequestContext::ApiGatewayV2(context)) => context.request_id.clone(),
        _ => None,
    };
    from_gateway.unwrap_or_default()
}
