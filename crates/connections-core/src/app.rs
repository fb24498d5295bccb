//! The state a function keeps across invocations, and request dispatch.

use std::convert::Infallible;

use lambda_http::http::{Method, Response};
use lambda_http::{Body, Request, RequestExt, service_fn};

use crate::auth::{JwksError, KeyStore, Verifier};
use crate::config::{Config, ConfigError};
use crate::error::{ApiError, error_chain};
use crate::handlers::{check_connection, create_interaction, get_journal};
use crate::http::{Reply, Route, respond, status_of};
use crate::store::Store;
use crate::telemetry::{self, RequestLog};

/// Maximum number of path characters echoed in a "no route" message.
const MAX_ECHOED_PATH: usize = 200;

/// The operation a binary serves; its name is the binary's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `POST /interactions`
    CreateInteraction,
    /// `GET /interactions/journal`, and the deprecated `GET /interactions/quests`
    GetJournal,
    /// `GET /interactions/journal/{id}`
    CheckConnection,
}

impl Endpoint {
    pub fn name(self) -> &'static str {
        match self {
            Self::CreateInteraction => "create-interaction",
            Self::GetJournal => "get-journal",
            Self::CheckConnection => "check-connection",
        }
    }
}

/// Failure to start a function.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("environment variable JWT_JWKS_FILE names an unusable key set")]
    Jwks(#[from] JwksError),
}

/// Configuration, DynamoDB client and token verifier of one execution
/// environment, built at cold start and shared by every invocation.
pub struct App {
    config: Config,
    store: Store,
    verifier: Verifier,
}

impl App {
    pub fn new(config: Config, store: Store, keys: KeyStore) -> Self {
        let verifier = Verifier::new(&config.jwt, keys);
        Self {
            config,
            store,
            verifier,
        }
    }

    /// Builds the app from the environment. Nothing here touches the
    /// network: the SDK connects and a remote JWKS is fetched on first use.
    pub async fn from_env() -> Result<Self, InitError> {
        let config = Config::from_env()?;
        let keys = KeyStore::load(&config.jwt.jwks)?;
        let sdk_config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        let store = Store::new(&sdk_config, config.tables.clone(), config.dynamodb_timeout);
        Ok(Self::new(config, store, keys))
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// Handles one request as `endpoint` and writes its log line. Every
    /// failure becomes a response, so nothing reaches the runtime as an error.
    pub async fn handle(&self, endpoint: Endpoint, request: Request) -> Response<Body> {
        let mut log = RequestLog::start(endpoint, &request);
        let result = self.dispatch(endpoint, &request, &mut log).await;
        log.finish(&result, status_of(&result));
        respond(result, &self.config.cors_allow_origin)
    }

    async fn dispatch(
        &self,
        endpoint: Endpoint,
        request: &Request,
        log: &mut RequestLog,
    ) -> Result<Reply, ApiError> {
        if request.method() == Method::OPTIONS {
            return Ok(Reply::no_content());
        }
        let route = Route::parse(request.uri().path());
        let has_id_parameter = request
            .path_parameters_ref()
            .is_some_and(|parameters| parameters.first("id").is_some());
        match (endpoint, route) {
            (Endpoint::CreateInteraction, Route::Interactions) => {
                require_method(request, Method::POST, "POST, OPTIONS")?;
                create_interaction(self, request, log).await
            }
            (Endpoint::GetJournal, Route::Journal) => {
                require_method(request, Method::GET, "GET, OPTIONS")?;
                get_journal(self, request, log).await
            }
            (Endpoint::GetJournal, Route::Quests) => Err(ApiError::Gone(
                "quests have been removed from the Connections API; use GET /interactions/journal"
                    .to_owned(),
            )),
            (Endpoint::CheckConnection, Route::JournalEntry(id)) => {
                require_method(request, Method::GET, "GET, OPTIONS")?;
                check_connection(self, request, Some(&id), log).await
            }
            (Endpoint::CheckConnection, _) if has_id_parameter => {
                require_method(request, Method::GET, "GET, OPTIONS")?;
                check_connection(self, request, None, log).await
            }
            _ => Err(no_route(request)),
        }
    }
}

fn require_method(
    request: &Request,
    expected: Method,
    allow: &'static str,
) -> Result<(), ApiError> {
    if request.method() == expected {
        return Ok(());
    }
    Err(ApiError::MethodNotAllowed {
        message: format!("{} is not allowed here; use {expected}", request.method()),
        allow,
    })
}

fn no_route(request: &Request) -> ApiError {
    let path: String = request.uri().path().chars().take(MAX_ECHOED_PATH).collect();
    ApiError::NotFound(format!("no route for {} {path}", request.method()))
}

/// Runs `endpoint` under the Lambda runtime: sets up logging, builds the
/// [`App`] once and serves invocations until the runtime stops. A
/// configuration error stops the cold start with a message naming it.
///
/// Call it from a current-thread Tokio runtime. Lambda sends an execution
/// environment one request at a time, so worker threads would only add
/// start-up time and per-thread allocator arenas to the memory peak.
pub async fn run(endpoint: Endpoint) -> Result<(), lambda_http::Error> {
    telemetry::init();
    let app = match App::from_env().await {
        Ok(app) => app,
        Err(error) => {
            tracing::error!(endpoint = endpoint.name(), error = %error_chain(&error), "cold start failed");
            return Err(error.into());
        }
    };
    let app = &app;
    // Boxing keeps the future's type shallow; unboxed, its layout exceeds
    // the compiler's default query depth.
    lambda_http::lambda_runtime::run(service_fn(move |event| {
        Box::pin(
            async move { Ok::<_, Infallible>(crate::lambda::invoke(app, endpoint, event).await) },
        )
    }))
    .await
}
