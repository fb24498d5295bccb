//! A loopback HTTP proxy in front of DynamoDB Local that counts requests
//! per operation and can inject faults.
//!
//! Point a function's `AWS_ENDPOINT_URL_DYNAMODB` at [`DynamoProxy::url`]:
//! the benchmark reads the counts to report DynamoDB calls measured on the
//! wire, and the fault tests make DynamoDB throttle, fail, stall or vanish
//! for chosen operations.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Fault applied to a matching request instead of forwarding it.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Returns `ThrottlingException`, which the SDK retries.
    Throttle,
    /// Returns `TransactionCanceledException` with a `TransactionConflict`
    /// reason for each of `items` transaction items.
    TransactionConflict { items: usize },
    /// Returns HTTP 500 `InternalServerError`.
    ServerError,
    /// Waits this long, then forwards the request.
    Delay(Duration),
    /// Closes the connection without a response.
    Disconnect,
}

struct Injection {
    operation: Option<String>,
    fault: Fault,
    remaining: usize,
}

#[derive(Default)]
struct State {
    counts: HashMap<String, usize>,
    injections: Vec<Injection>,
}

/// A running proxy. Dropping it stops accepting connections.
pub struct DynamoProxy {
    address: SocketAddr,
    state: Arc<Mutex<State>>,
    server: tokio::task::JoinHandle<()>,
}

impl DynamoProxy {
    /// Starts a proxy on a free loopback port that forwards to `upstream`,
    /// e.g. `http://127.0.0.1:8000`.
    pub async fn start(upstream: &str) -> Result<Self, BoxError> {
        let upstream: hyper::Uri = upstream.parse()?;
        let state = Arc::new(Mutex::new(State::default()));
        let client: Client<HttpConnector, Full<Bytes>> =
            Client::builder(TokioExecutor::new()).build_http();
        let server_state = state.clone();
        let handler = move |request| {
            forward(
                request,
                server_state.clone(),
                client.clone(),
                upstream.clone(),
            )
        };
        let (address, server) = crate::loopback::serve(handler).await?;
        Ok(Self {
            address,
            state,
            server,
        })
    }

    /// The proxy's URL, for `AWS_ENDPOINT_URL_DYNAMODB`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Requests seen per operation (`GetItem`, `Query`, ...), faults included.
    pub fn counts(&self) -> HashMap<String, usize> {
        self.lock().counts.clone()
    }

    /// Forgets the counts.
    pub fn reset_counts(&self) {
        self.lock().counts.clear();
    }

    /// Applies `fault` to the next `times` requests of `operation`, or of
    /// every operation when it is `None`.
    pub fn inject(&self, operation: Option<&str>, fault: Fault, times: usize) {
        self.lock().injections.push(Injection {
            operation: operation.map(str::to_owned),
            fault,
            remaining: times,
        });
    }

    /// Removes every pending fault.
    pub fn clear_faults(&self) {
        self.lock().injections.clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for DynamoProxy {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Records the request and returns the fault to apply to it, if any.
fn record(state: &Mutex<State>, operation: &str) -> Option<Fault> {
    let mut state = state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    *state.counts.entry(operation.to_owned()).or_default() += 1;
    let injection = state.injections.iter_mut().find(|injection| {
        injection.remaining > 0
            && injection
                .operation
                .as_deref()
                .is_none_or(|wanted| wanted == operation)
    })?;
    injection.remaining -= 1;
    Some(injection.fault.clone())
}

async fn forward(
    request: Request<Incoming>,
    state: Arc<Mutex<State>>,
    client: Client<HttpConnector, Full<Bytes>>,
    upstream: hyper::Uri,
) -> Result<Response<Full<Bytes>>, BoxError> {
    // The JSON protocol names the operation in X-Amz-Target, e.g.
    // "DynamoDB_20120810.GetItem".
    let operation = request
        .headers()
        .get("x-amz-target")
        .and_then(|value| value.to_str().ok())
        .and_then(|target| target.rsplit('.').next())
        .unwrap_or("unknown")
        .to_owned();
    let fault = record(&state, &operation);

    let (mut parts, body) = request.into_parts();
    let body = body.collect().await?.to_bytes();
    match fault {
        Some(Fault::Throttle) => {
            return Ok(error_response(
                StatusCode::BAD_REQUEST,
                "ThrottlingException",
                "Rate of requests exceeds the allowed throughput.",
                None,
            ));
        }
        Some(Fault::ServerError) => {
            return Ok(error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalServerError",
                "Internal server error",
                None,
            ));
        }
        Some(Fault::TransactionConflict { items }) => {
            let reasons: Vec<serde_json::Value> = (0..items)
                .map(|_| serde_json::json!({"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}))
                .collect();
            return Ok(error_response(
                StatusCode::BAD_REQUEST,
                "TransactionCanceledException",
                "Transaction cancelled, please refer cancellation reasons for specific reasons",
                Some(reasons),
            ));
        }
        Some(Fault::Disconnect) => return Err("connection dropped by fault injection".into()),
        Some(Fault::Delay(delay)) => tokio::time::sleep(delay).await,
        None => {}
    }

    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    parts.uri = format!("{}{}", upstream.to_string().trim_end_matches('/'), path).parse()?;
    let response = client
        .request(Request::from_parts(parts, Full::new(body)))
        .await?;
    let (parts, body) = response.into_parts();
    let body = body.collect().await?.to_bytes();
    Ok(Response::from_parts(parts, Full::new(body)))
}

fn error_response(
    status: StatusCode,
    kind: &str,
    message: &str,
    cancellation_reasons: Option<Vec<serde_json::Value>>,
) -> Response<Full<Bytes>> {
    let mut body = serde_json::json!({
        "__type": format!("com.amazonaws.dynamodb.v20120810#{kind}"),
        "message": message,
    });
    if let Some(reasons) = cancellation_reasons {
        body["CancellationReasons"] = serde_json::Value::Array(reasons);
    }
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        "content-type",
        hyper::header::HeaderValue::from_static("application/x-amz-json-1.0"),
    );
    response
}
