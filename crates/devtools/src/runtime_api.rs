//! A Lambda Runtime API emulator on loopback.
//!
//! It serves the endpoints a Lambda runtime client calls
//! (`/2018-06-01/runtime/invocation/next`, `.../{id}/response`,
//! `.../{id}/error`, `/2018-06-01/runtime/init/error`), so a test or the
//! benchmark can start a function binary with `AWS_LAMBDA_RUNTIME_API`
//! pointing here and hand it events exactly as Lambda does.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use serde_json::Value;
use tokio::sync::{Mutex, Notify, mpsc, oneshot};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// End of an invocation: its response or its error.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The function posted a response.
    Response(Value),
    /// The function posted an invocation error.
    Error(Value),
}

struct Pending {
    request_id: String,
    payload: Bytes,
    done: oneshot::Sender<Outcome>,
}

#[derive(Default)]
struct State {
    in_flight: Mutex<HashMap<String, oneshot::Sender<Outcome>>>,
    first_poll: std::sync::Mutex<Option<Instant>>,
    polled: Notify,
    init_error: std::sync::Mutex<Option<Value>>,
}

/// A running emulator. Dropping it stops accepting connections.
pub struct RuntimeApi {
    address: SocketAddr,
    queue: mpsc::Sender<Pending>,
    state: Arc<State>,
    server: tokio::task::JoinHandle<()>,
    next_id: std::sync::atomic::AtomicU64,
}

impl RuntimeApi {
    /// Starts the emulator on a free loopback port.
    pub async fn start() -> Result<Self, BoxError> {
        let (queue, receiver) = mpsc::channel::<Pending>(1024);
        let receiver = Arc::new(Mutex::new(receiver));
        let state = Arc::new(State::default());
        let server_state = state.clone();
        let handler = move |request| route(request, server_state.clone(), receiver.clone());
        let (address, server) = crate::loopback::serve(handler).await?;
        Ok(Self {
            address,
            queue,
            state,
            server,
            next_id: std::sync::atomic::AtomicU64::new(1),
        })
    }

    /// `host:port` for `AWS_LAMBDA_RUNTIME_API`.
    pub fn address(&self) -> String {
        self.address.to_string()
    }

    /// Waits until the function first polls for an invocation (its init is
    /// done) and returns when that happened.
    pub async fn wait_for_first_poll(&self, timeout: Duration) -> Result<Instant, BoxError> {
        let deadline = Instant::now() + timeout;
        loop {
            let notified = self.state.polled.notified();
            if let Some(at) = *self
                .state
                .first_poll
                .lock()
                .unwrap_or_else(|e| e.into_inner())
            {
                return Ok(at);
            }
            if let Some(error) = self.init_error() {
                return Err(format!("the function reported an init error: {error}").into());
            }
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err("the function did not poll for an invocation in time".into());
            }
            let _ = tokio::time::timeout(remaining.min(Duration::from_millis(50)), notified).await;
        }
    }

    /// The body of an init error the function posted, if any.
    pub fn init_error(&self) -> Option<Value> {
        self.state
            .init_error
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Hands `event` to the function and waits for its response or error.
    pub async fn invoke(&self, event: &Value, timeout: Duration) -> Result<Outcome, BoxError> {
        let number = self
            .next_id
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let request_id = format!("00000000-0000-4000-8000-{number:012}");
        let (done, outcome) = oneshot::channel();
        let pending = Pending {
            request_id,
            payload: Bytes::from(serde_json::to_vec(event)?),
            done,
        };
        self.queue
            .send(pending)
            .await
            .map_err(|_| "the emulator has stopped")?;
        match tokio::time::timeout(timeout, outcome).await {
            Ok(Ok(outcome)) => Ok(outcome),
            Ok(Err(_)) => Err("the invocation was dropped".into()),
            Err(_) => Err("the function did not answer in time".into()),
        }
    }
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn route(
    request: Request<Incoming>,
    state: Arc<State>,
    receiver: Arc<Mutex<mpsc::Receiver<Pending>>>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let path = request.uri().path().to_owned();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let response = match (request.method(), segments.as_slice()) {
        (&Method::GET, ["2018-06-01", "runtime", "invocation", "next"]) => {
            next_invocation(&state, &receiver).await
        }
        (
            &Method::POST,
            [
                "2018-06-01",
                "runtime",
                "invocation",
                id,
                kind @ ("response" | "error"),
            ],
        ) => {
            let id = (*id).to_owned();
            let is_error = *kind == "error";
            let body = read_json(request).await;
            if let Some(done) = state.in_flight.lock().await.remove(&id) {
                let _ = done.send(if is_error {
                    Outcome::Error(body)
                } else {
                    Outcome::Response(body)
                });
            }
            reply(StatusCode::ACCEPTED, r#"{"status":"OK"}"#)
        }
        (&Method::POST, ["2018-06-01", "runtime", "init", "error"]) => {
            let body = read_json(request).await;
            *state.init_error.lock().unwrap_or_else(|e| e.into_inner()) = Some(body);
            state.polled.notify_waiters();
            reply(StatusCode::ACCEPTED, r#"{"status":"OK"}"#)
        }
        _ => reply(StatusCode::NOT_FOUND, r#"{"errorMessage":"unknown path"}"#),
    };
    Ok(response)
}

async fn next_invocation(
    state: &State,
    receiver: &Mutex<mpsc::Receiver<Pending>>,
) -> Response<Full<Bytes>> {
    {
        let mut first_poll = state.first_poll.lock().unwrap_or_else(|e| e.into_inner());
        if first_poll.is_none() {
            *first_poll = Some(Instant::now());
        }
    }
    state.polled.notify_waiters();

    let Some(pending) = receiver.lock().await.recv().await else {
        return reply(StatusCode::GONE, r#"{"errorMessage":"emulator stopped"}"#);
    };
    state
        .in_flight
        .lock()
        .await
        .insert(pending.request_id.clone(), pending.done);
    let deadline_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|now| now.as_millis() + 10_000)
        .unwrap_or_default();
    Response::builder()
        .status(StatusCode::OK)
        .header("content-type", "application/json")
        .header("lambda-runtime-aws-request-id", &pending.request_id)
        .header("lambda-runtime-deadline-ms", deadline_ms.to_string())
        .header(
            "lambda-runtime-invoked-function-arn",
            "arn:aws:lambda:us-east-1:000000000000:function:local",
        )
        .header(
            "lambda-runtime-trace-id",
            "Root=1-00000000-000000000000000000000000;Sampled=0",
        )
        .body(Full::new(pending.payload))
        .unwrap_or_else(|_| reply(StatusCode::INTERNAL_SERVER_ERROR, "{}"))
}

async fn read_json(request: Request<Incoming>) -> Value {
    match request.into_body().collect().await {
        Ok(body) => serde_json::from_slice(&body.to_bytes()).unwrap_or(Value::Null),
        Err(_) => Value::Null,
    }
}

fn reply(status: StatusCode, body: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *response.status_mut() = status;
    response
}

/// A command that starts a function binary against the emulator at
/// `runtime_api` (`host:port`), with the environment Lambda sets and the
/// development auth settings. `dynamodb_url` is DynamoDB Local or a proxy
/// in front of it.
pub fn function_command(
    binary: &std::path::Path,
    runtime_api: &str,
    tables: &connections_core::config::Tables,
    dynamodb_url: &str,
) -> std::process::Command {
    let name = binary
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or("function");
    let mut command = std::process::Command::new(binary);
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_LAMBDA_RUNTIME_API", runtime_api)
        .env("AWS_LAMBDA_FUNCTION_NAME", name)
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{name}"))
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "local")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "local")
        .env("AWS_SECRET_ACCESS_KEY", "local")
        .env("AWS_ENDPOINT_URL_DYNAMODB", dynamodb_url)
        .env("PROFILES_TABLE", &tables.profiles)
        .env("MEMBERS_TABLE", &tables.members)
        .env("EVENTS_TABLE", &tables.events)
        .env("JWT_ISSUER", crate::tokens::DEV_ISSUER)
        .env("JWT_AUDIENCE", crate::tokens::DEV_AUDIENCE)
        .env("JWT_JWKS_FILE", crate::tokens::dev_jwks_path())
        .env("RUST_LOG", "info");
    command
}

/// A function binary running against its own emulator; the process is
/// killed when this is dropped.
pub struct FunctionProcess {
    pub api: RuntimeApi,
    pub child: std::process::Child,
}

impl FunctionProcess {
    /// Starts the process that `command` describes (see [`function_command`],
    /// whose `runtime_api` must be `api.address()`) and waits until it polls
    /// for its first invocation.
    pub async fn start(
        api: RuntimeApi,
        mut command: std::process::Command,
    ) -> Result<Self, BoxError> {
        if std::env::var_os("FUNCTION_LOGS").is_none() {
            command
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null());
        }
        let child = command.spawn()?;
        let process = Self { api, child };
        process
            .api
            .wait_for_first_poll(Duration::from_secs(10))
            .await?;
        Ok(process)
    }

    /// Invokes the function with `event` and returns its API Gateway
    /// response (`statusCode`, `headers`, `body`).
    pub async fn invoke(&self, event: &Value) -> Result<Value, BoxError> {
        match self.api.invoke(event, Duration::from_secs(30)).await? {
            Outcome::Response(response) => Ok(response),
            Outcome::Error(error) => {
                Err(format!("the function reported an invocation error: {error}").into())
            }
        }
    }
}

impl Drop for FunctionProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl FunctionProcess {
    /// Starts `binary` with [`function_command`] and `extra_env` on top, on
    /// an emulator of its own.
    pub async fn spawn(
        binary: &std::path::Path,
        tables: &connections_core::config::Tables,
        dynamodb_url: &str,
        extra_env: &[(&str, &str)],
    ) -> Result<Self, BoxError> {
        let api = RuntimeApi::start().await?;
        let mut command = function_command(binary, &api.address(), tables, dynamodb_url);
        command.envs(extra_env.iter().copied());
        Self::start(api, command).await
    }
}

/// Reading API Gateway responses as a function returns them.
pub mod response {
    use serde_json::Value;

    /// The `statusCode`.
    ///
    /// # Panics
    /// When the response has none, which no API Gateway response lacks.
    pub fn status(response: &Value) -> u64 {
        response["statusCode"]
            .as_u64()
            .expect("the response has a statusCode")
    }

    /// The body parsed as JSON, or `Value::Null` when it is empty.
    pub fn body(response: &Value) -> Value {
        serde_json::from_str(response["body"].as_str().unwrap_or("null")).unwrap_or(Value::Null)
    }

    /// A header, found case-insensitively in `headers` or, where REST API
    /// responses carry them, in `multiValueHeaders`.
    pub fn header<'response>(response: &'response Value, name: &str) -> Option<&'response str> {
        let find = |field: &str| {
            let (_, value) = response[field]
                .as_object()?
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))?;
            value.as_str().or_else(|| value[0].as_str())
        };
        find("headers").or_else(|| find("multiValueHeaders"))
    }
}
