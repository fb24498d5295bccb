//! The built `create-interaction` binary, driven through the Lambda Runtime
//! API with the sample events, against DynamoDB Local; and what it does
//! when DynamoDB throttles, conflicts, stalls or disappears.

use std::path::Path;
use std::time::{Duration, Instant};

use devtools::harness::{TestEnv, connection_key, sample_event, text};
use devtools::local::OwnDynamoDb;
use devtools::proxy::{DynamoProxy, Fault};
use devtools::runtime_api::response::{body, header, status};
use devtools::runtime_api::{FunctionProcess, RuntimeApi, function_command};
use devtools::{demo, local, tables};

const BINARY: &str = env!("CARGO_BIN_EXE_create-interaction");

async fn start_function(
    env: &TestEnv,
    dynamodb_url: &str,
    timeout_ms: Option<&str>,
) -> FunctionProcess {
    let extra_env: Vec<(&str, &str)> = timeout_ms
        .map(|ms| ("DYNAMODB_TIMEOUT_MS", ms))
        .into_iter()
        .collect();
    FunctionProcess::spawn(Path::new(BINARY), &env.tables, dynamodb_url, &extra_env)
        .await
        .unwrap()
}

#[tokio::test]
async fn sample_events_through_runtime_api() {
    let env = TestEnv::with_demo_data("runtime-create").await;
    let function = start_function(&env, &env.endpoint, None).await;
    // In order: the first two create edges, later ones repeat them.
    let cases = [
        (
            "rest-new-connection.json",
            200,
            "Connection created with Ken",
        ),
        (
            "http-new-connection.json",
            200,
            "Connection has already been made",
        ),
        (
            "rest-already-connected.json",
            200,
            "Connection has already been made",
        ),
        (
            "http-already-connected.json",
            200,
            "Connection has already been made",
        ),
        ("rest-unknown-profile.json", 404, "NoSuchProfile"),
        ("rest-self-connection.json", 400, "yourself"),
        ("rest-caller-without-profile.json", 404, "no profile yet"),
        ("rest-invalid-profile-id.json", 400, "eventParam"),
        (
            "rest-missing-event-param.json",
            400,
            "eventParam is missing",
        ),
        ("rest-unsupported-event-type.json", 400, "CONNECTION"),
        ("rest-malformed-json.json", 400, "not valid JSON"),
        ("rest-missing-token.json", 401, "Authorization"),
        ("rest-expired-token.json", 401, "expired"),
        (
            "http-base64-body.json",
            200,
            "Connection created with Radia",
        ),
        (
            "http-stage-prefix-trailing-slash.json",
            200,
            "Connection has already been made",
        ),
    ];
    for (name, expected_status, fragment) in cases {
        let response = function
            .invoke(&sample_event(&format!("create-interaction/{name}")))
            .await
            .unwrap();
        assert_eq!(status(&response), expected_status, "{name}: {response}");
        let message = body(&response)["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            message.contains(fragment),
            "{name}: {message:?} lacks {fragment:?}"
        );
        assert_eq!(
            header(&response, "access-control-allow-origin"),
            Some("*"),
            "{name}"
        );
    }
    let preflight = function
        .invoke(&sample_event("create-interaction/http-preflight.json"))
        .await
        .unwrap();
    assert_eq!(status(&preflight), 204);

    let ada_row = env
        .connection_row("BraveOtterSings", "QuietCometSings")
        .await
        .expect("Ada's row");
    let ken_row = env
        .connection_row("QuietCometSings", "BraveOtterSings")
        .await
        .expect("Ken's row");
    assert_eq!(ada_row["createdAt"], ken_row["createdAt"]);
    assert_eq!(text(&ada_row, "connectionType"), Some("ATTENDEE"));
    assert_eq!(text(&ken_row, "connectionType"), Some("EXEC"));
    assert!(
        env.connection_row("BrightCometGlows", "BraveOtterSings")
            .await
            .is_some()
    );
    env.cleanup().await;
}

#[tokio::test]
async fn dynamodb_faults_are_503_and_write_nothing() {
    let env = TestEnv::with_demo_data("runtime-faults").await;
    let proxy = DynamoProxy::start(&env.endpoint).await.unwrap();
    let function = start_function(&env, &proxy.url(), Some("1500")).await;
    let event = sample_event("create-interaction/rest-new-connection.json");
    let before = env.connection_rows().await.len();

    let faults = [
        (
            "throttled transaction",
            Some("TransactWriteItems"),
            Fault::Throttle,
        ),
        (
            "throttled batch read",
            Some("BatchGetItem"),
            Fault::Throttle,
        ),
        (
            "server error",
            Some("TransactWriteItems"),
            Fault::ServerError,
        ),
        ("dropped connections", None, Fault::Disconnect),
        (
            "stalled DynamoDB",
            None,
            Fault::Delay(Duration::from_secs(5)),
        ),
        (
            "endless conflicts",
            Some("TransactWriteItems"),
            Fault::TransactionConflict { items: 2 },
        ),
    ];
    for (case, operation, fault) in faults {
        proxy.inject(operation, fault, 100);
        let started = Instant::now();
        let response = function.invoke(&event).await.unwrap();
        proxy.clear_faults();
        assert_eq!(status(&response), 503, "{case}: {response}");
        assert_eq!(header(&response, "retry-after"), Some("1"), "{case}");
        assert!(
            body(&response)["message"]
                .as_str()
                .unwrap()
                .contains("temporarily unavailable"),
            "{case}"
        );
        // The operation timeout (1.5 s here) bounds the wait, retries included.
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{case} took {:?}",
            started.elapsed()
        );
        assert_eq!(
            env.connection_rows().await.len(),
            before,
            "{case} wrote rows"
        );
    }

    // The same process serves the next request normally.
    let response = function.invoke(&event).await.unwrap();
    assert_eq!(status(&response), 200, "{response}");
    assert_eq!(body(&response)["message"], "Connection created with Ken");
    assert_eq!(env.connection_rows().await.len(), before + 2);
    env.cleanup().await;
}

#[tokio::test]
async fn transient_conflicts_are_retried() {
    let env = TestEnv::with_demo_data("runtime-conflict").await;
    let proxy = DynamoProxy::start(&env.endpoint).await.unwrap();
    let function = start_function(&env, &proxy.url(), None).await;
    proxy.inject(
        Some("TransactWriteItems"),
        Fault::TransactionConflict { items: 2 },
        2,
    );

    let response = function
        .invoke(&sample_event("create-interaction/rest-new-connection.json"))
        .await
        .unwrap();

    assert_eq!(status(&response), 200, "{response}");
    assert_eq!(body(&response)["message"], "Connection created with Ken");
    assert_eq!(
        proxy.counts()["TransactWriteItems"],
        3,
        "two conflicts, then success"
    );
    assert!(
        env.connection_row("BraveOtterSings", "QuietCometSings")
            .await
            .is_some()
    );
    env.cleanup().await;
}

#[tokio::test]
async fn dynamodb_stopped_mid_run_then_back() {
    let dynamodb = OwnDynamoDb::start().unwrap();
    let client = local::client(&dynamodb.url()).await;
    let tables = tables::unique_tables("runtime-outage");
    tables::create_tables(&client, &tables).await.unwrap();
    demo::seed_demo(&client, &tables).await.unwrap();
    let function = FunctionProcess::spawn(
        Path::new(BINARY),
        &tables,
        &dynamodb.url(),
        &[("DYNAMODB_TIMEOUT_MS", "1500")],
    )
    .await
    .unwrap();
    let event = sample_event("create-interaction/rest-already-connected.json");
    let warm = function.invoke(&event).await.unwrap();
    assert_eq!(status(&warm), 200, "{warm}");

    dynamodb.stop();
    let down = function
        .invoke(&sample_event("create-interaction/rest-new-connection.json"))
        .await
        .unwrap();
    assert_eq!(status(&down), 503, "{down}");
    assert_eq!(header(&down, "retry-after"), Some("1"));

    dynamodb.restart().unwrap();
    // A restarted DynamoDB Local serves its first requests slowly while the
    // JVM warms up; wait until it serves one before measuring the function.
    let client = local::client(&dynamodb.url()).await;
    for _ in 0..50 {
        if client.list_tables().send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let back = function
        .invoke(&sample_event("create-interaction/rest-new-connection.json"))
        .await
        .unwrap();
    assert_eq!(status(&back), 200, "{back}");
    assert_eq!(body(&back)["message"], "Connection created with Ken");

    for (owner, other) in [
        ("BraveOtterSings", "QuietCometSings"),
        ("QuietCometSings", "BraveOtterSings"),
    ] {
        let row = client
            .get_item()
            .table_name(&tables.profiles)
            .set_key(Some(connection_key(owner, other)))
            .consistent_read(true)
            .send()
            .await
            .unwrap();
        assert!(row.item.is_some(), "{owner} lacks the row for {other}");
    }
}

#[tokio::test]
async fn missing_setting_stops_cold_start() {
    let tables = tables::unique_tables("runtime-init");
    let api = RuntimeApi::start().await.unwrap();
    let mut command = function_command(
        Path::new(BINARY),
        &api.address(),
        &tables,
        "http://127.0.0.1:9",
    );
    command.env_remove("JWT_ISSUER");
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap();
    assert!(!output.status.success());
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(printed.contains("JWT_ISSUER"), "{printed}");
}

#[tokio::test]
async fn warm_connection_makes_two_round_trips() {
    let env = TestEnv::with_demo_data("runtime-create-calls").await;
    let proxy = DynamoProxy::start(&env.endpoint).await.unwrap();
    let function = start_function(&env, &proxy.url(), None).await;
    let warm_up = function
        .invoke(&sample_event(
            "create-interaction/rest-already-connected.json",
        ))
        .await
        .unwrap();
    assert_eq!(status(&warm_up), 200);
    proxy.reset_counts();

    let response = function
        .invoke(&sample_event("create-interaction/rest-new-connection.json"))
        .await
        .unwrap();

    assert_eq!(body(&response)["message"], "Connection created with Ken");
    // The member lookup is cached; both profiles come in one batch and both
    // rows go in one transaction.
    let counts = proxy.counts();
    assert_eq!(counts.get("BatchGetItem"), Some(&1), "{counts:?}");
    assert_eq!(counts.get("TransactWriteItems"), Some(&1), "{counts:?}");
    assert_eq!(counts.values().sum::<usize>(), 2, "{counts:?}");
    env.cleanup().await;
}
