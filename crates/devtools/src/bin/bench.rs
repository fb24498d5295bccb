//! Measures the three Lambda binaries as Lambda runs them and writes
//! `BENCHMARKS.md`.
//!
//!     target/release/bench --dynamodb http://127.0.0.1:PORT [OPTIONS]
//!
//! `make bench` runs it through `scripts/bench.sh`, which builds the
//! binaries and starts DynamoDB Local. The program creates its own tables,
//! seeds them, measures each endpoint (see `devtools::bench`), prints a
//! table per endpoint, writes the report and deletes the tables.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::Client;
use connections_core::auth::KeyStore;
use connections_core::config::Tables;
use connections_core::store::Store;
use connections_core::{App, ProfileId};
use devtools::bench::BoxError;
use devtools::bench::data::{self, DataSet, Journal};
use devtools::bench::events::{
    check_connected, check_created, check_event, check_journal, create_event, journal_event,
};
use devtools::bench::machine::{self, Machine};
use devtools::bench::measure::{self, Context, Scenario, WarmPlan};
use devtools::bench::probe::{self, DIRECT_LABEL, PROXIED_LABEL, Probe, Requests};
use devtools::bench::process::FunctionProcess;
use devtools::bench::report::{self, EndpointResult, RunFacts, ScenarioResult};
use devtools::bench::stats::Samples;
use devtools::proxy::DynamoProxy;
use devtools::{harness, local, tables, tokens};
use serde_json::Value;

const USAGE: &str = "\
usage: bench --dynamodb URL [OPTIONS]

  --dynamodb URL             DynamoDB Local, e.g. http://127.0.0.1:8000 (default: $DYNAMODB_ENDPOINT)
  --binaries DIR             host release binaries (default: target/release)
  --zips DIR                 cargo lambda output with <binary>/bootstrap.zip (default: target/lambda)
  --output FILE              report to write (default: BENCHMARKS.md)
  --log-dir DIR              where the functions' stdout and stderr go (default: .local/run)
  --spawns N                 fresh processes per scenario for init and first invocation (default: 10)
  --warm N                   timed warm invocations per scenario (default: 1000)
  --warm-large-journal N     timed warm invocations of the 8,000-connection journal (default: 300)
  --probe-every N            run the probes after every Nth timed invocation (default: 5)
  --time-limit SECONDS       limit on each measurement loop (default: 300)
  --dynamodb-local-version TEXT  DynamoDB Local version shown in the report (default: unknown)
  --help                     print this text";

/// Journal sizes, in connections; the last is the largest.
const JOURNAL_SIZES: [usize; 3] = [50, 3_000, 8_000];
/// Journals from this size up get fewer warm-up requests and a timed
/// JSON parse of their response.
const LARGE_JOURNAL: usize = 1_000;
/// Target profiles seeded at least, so that every create request connects
/// the caller with a profile of its own.
const MIN_TARGET_PROFILES: usize = 1_100;
/// Untimed requests before the timed ones of a warm run.
const WARMUP_REQUESTS: usize = 20;
/// Untimed requests before a large journal's timed ones.
const WARMUP_LARGE_REQUESTS: usize = 3;
/// Direct create requests that warm DynamoDB Local up before the measurements.
const DYNAMODB_WARMUP_CREATES: usize = 50;
/// Limit on DynamoDB Local's warm-up.
const DYNAMODB_WARMUP_TIME: Duration = Duration::from_secs(60);
/// Parses of a large response timed to estimate the emulator's share.
const PARSE_RUNS: usize = 20;

struct Options {
    dynamodb: String,
    binaries: PathBuf,
    zips: PathBuf,
    output: PathBuf,
    log_dir: PathBuf,
    spawns: usize,
    warm: usize,
    warm_large_journal: usize,
    probe_every: usize,
    time_limit: Duration,
    dynamodb_local_version: String,
}

#[tokio::main]
async fn main() {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    if arguments.iter().any(|argument| argument == "--help") {
        println!("{USAGE}");
        return;
    }
    let options = match parse_options(&arguments) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            std::process::exit(2);
        }
    };
    if let Err(error) = run(&options, &arguments).await {
        eprintln!("error: the benchmark stopped: {error}");
        std::process::exit(1);
    }
}

fn parse_options(arguments: &[String]) -> Result<Options, String> {
    let mut options = Options {
        dynamodb: std::env::var(local::ENDPOINT_VARIABLE).unwrap_or_default(),
        binaries: PathBuf::from("target/release"),
        zips: PathBuf::from("target/lambda"),
        output: PathBuf::from("BENCHMARKS.md"),
        log_dir: PathBuf::from(".local/run"),
        spawns: 10,
        warm: 1_000,
        warm_large_journal: 300,
        probe_every: 5,
        time_limit: Duration::from_secs(300),
        dynamodb_local_version: "unknown".to_owned(),
    };
    let mut rest = arguments.iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--dynamodb" => options.dynamodb = value.clone(),
            "--binaries" => options.binaries = PathBuf::from(value),
            "--zips" => options.zips = PathBuf::from(value),
            "--output" => options.output = PathBuf::from(value),
            "--log-dir" => options.log_dir = PathBuf::from(value),
            "--spawns" => options.spawns = parse_count(flag, value)?,
            "--warm" => options.warm = parse_count(flag, value)?,
            "--warm-large-journal" => options.warm_large_journal = parse_count(flag, value)?,
            "--probe-every" => options.probe_every = parse_count(flag, value)?,
            "--time-limit" => {
                options.time_limit = Duration::from_secs(parse_count(flag, value)? as u64);
            }
            "--dynamodb-local-version" => options.dynamodb_local_version = value.clone(),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    if options.dynamodb.is_empty() {
        return Err(
            "the DynamoDB Local URL is missing; pass --dynamodb or set DYNAMODB_ENDPOINT"
                .to_owned(),
        );
    }
    Ok(options)
}

fn parse_count(flag: &str, value: &str) -> Result<usize, String> {
    match value.parse::<usize>() {
        Ok(count) if count > 0 => Ok(count),
        _ => Err(format!(
            "{flag} must be a positive whole number, got {value:?}"
        )),
    }
}

/// Prints a progress line to stderr with the seconds since `started`.
fn progress(started: Instant, message: &str) {
    eprintln!("[{:6.1} s] {message}", started.elapsed().as_secs_f64());
}

async fn run(options: &Options, arguments: &[String]) -> Result<(), BoxError> {
    let started = Instant::now();
    let load_before = machine::load_average();
    std::fs::create_dir_all(&options.log_dir)?;
    for binary in ["create-interaction", "get-journal", "check-connection"] {
        let path = options.binaries.join(binary);
        if !path.is_file() {
            return Err(format!(
                "{} is missing; build it with `cargo build --release --locked`",
                path.display()
            )
            .into());
        }
        let _ = std::fs::remove_file(options.log_dir.join(format!("bench-{binary}.log")));
    }

    let client = local::client(&options.dynamodb).await;
    let tables = tables::unique_tables("bench");
    tables::create_tables(&client, &tables)
        .await
        .map_err(|error| format!("creating tables on {} failed: {error}", options.dynamodb))?;
    let outcome = measure_all(options, &client, &tables, started).await;
    tables::delete_tables(&client, &tables).await;
    let (endpoints, data) = outcome?;

    let facts = RunFacts {
        date: machine::utc_date(),
        commit: machine::commit(),
        machine: Machine::read(&options.dynamodb_local_version),
        load_before,
        load_after: machine::load_average(),
        elapsed: started.elapsed(),
        spawns: options.spawns,
        warm: options.warm,
        warm_large_journal: options.warm_large_journal,
        probe_every: options.probe_every,
        target_profiles: data.targets.len(),
        connection_rows: data.connection_rows,
        mean_row_bytes: data.mean_row_bytes,
        journal_sizes: journal_sizes_text(),
        command_line: shell_words(arguments),
    };
    println!("{}", report::summary(&endpoints));
    std::fs::write(&options.output, report::document(&endpoints, &facts))
        .map_err(|error| format!("writing {} failed: {error}", options.output.display()))?;
    progress(started, &format!("wrote {}", options.output.display()));
    Ok(())
}

/// Joins `arguments` into a command line, quoting those that contain spaces.
fn shell_words(arguments: &[String]) -> String {
    let words: Vec<String> = arguments
        .iter()
        .map(|argument| {
            if argument.contains(' ') {
                format!("'{argument}'")
            } else {
                argument.clone()
            }
        })
        .collect();
    words.join(" ")
}

/// Formats the journal sizes as "50, 3,000 and 8,000".
fn journal_sizes_text() -> String {
    let sizes: Vec<String> = JOURNAL_SIZES
        .iter()
        .map(|size| report::thousands(*size))
        .collect();
    match sizes.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Returns the number of probe rounds in a warm run of `count` timed invocations.
fn probe_rounds(options: &Options, count: usize) -> usize {
    count.div_ceil(options.probe_every)
}

/// Returns the number of target profiles to seed, one per create request of the
/// cold starts, the warm-up and the warm run.
fn target_count(options: &Options) -> usize {
    (options.spawns + WARMUP_REQUESTS + options.warm).max(MIN_TARGET_PROFILES)
}

async fn measure_all(
    options: &Options,
    client: &Client,
    tables: &Tables,
    started: Instant,
) -> Result<(Vec<EndpointResult>, DataSet), BoxError> {
    progress(started, "seeding the tables");
    // The direct create requests connect the probe caller with fresh
    // profiles: the DynamoDB Local warm-up, then a direct and a proxied
    // request per probe round.
    let probe_target_count = DYNAMODB_WARMUP_CREATES + 2 * probe_rounds(options, options.warm);
    let data = data::seed(
        client,
        tables,
        target_count(options),
        probe_target_count,
        &JOURNAL_SIZES,
    )
    .await?;
    progress(
        started,
        &format!(
            "seeded {} target profiles and {} connection rows of about {} bytes",
            data.targets.len(),
            data.connection_rows,
            data.mean_row_bytes
        ),
    );

    progress(started, "warming DynamoDB Local up");
    let (warmup_targets, probe_targets) = data.probe_targets.split_at(DYNAMODB_WARMUP_CREATES);
    let mut warmup = vec![(
        Requests::Create {
            caller: &data.probe_caller,
            targets: warmup_targets,
        },
        DYNAMODB_WARMUP_CREATES,
    )];
    warmup.push((check_requests(&data), 200));
    for journal in &data.journals {
        let runs = (60_000 / journal.size).clamp(5, 200);
        warmup.push((journal_requests(journal), runs));
    }
    probe::warm_up_dynamodb(client, tables, &warmup, DYNAMODB_WARMUP_TIME).await?;

    let proxy = DynamoProxy::start(&options.dynamodb).await?;
    let proxied_client = local::client(&proxy.url()).await;
    let context = Context {
        tables,
        proxy: &proxy,
        log_dir: options.log_dir.clone(),
        ready_timeout: Duration::from_secs(10),
        invoke_timeout: Duration::from_secs(30),
    };
    let clients = Clients {
        direct: client,
        proxied: &proxied_client,
    };
    let create = measure_create(options, &context, &clients, &data, probe_targets, started).await?;
    let journal = measure_journal(options, &context, &clients, &data, started).await?;
    let check = measure_check(options, &context, &clients, &data, started).await?;
    Ok((vec![create, journal, check], data))
}

/// The benchmark's own DynamoDB clients, for the probes.
struct Clients<'a> {
    direct: &'a Client,
    proxied: &'a Client,
}

impl<'a> Clients<'a> {
    /// Builds the direct and the proxied probe of the given requests.
    fn probes(&self, direct: Requests<'a>, proxied: Requests<'a>) -> [Probe<'a>; 2] {
        [
            Probe::Requests {
                label: DIRECT_LABEL,
                client: self.direct,
                requests: direct,
            },
            Probe::Requests {
                label: PROXIED_LABEL,
                client: self.proxied,
                requests: proxied,
            },
        ]
    }
}

fn journal_requests(journal: &Journal) -> Requests<'_> {
    Requests::Journal {
        owner: &journal.owner.profile_id,
        expected: journal.size,
    }
}

/// check-connection's pair: the owner of the first journal and its first connection.
fn check_requests(data: &DataSet) -> Requests<'_> {
    Requests::Check {
        owner: &data.journals[0].owner.profile_id,
        other: &data.others[0].profile_id,
    }
}

fn binary_sizes(options: &Options, binary: &str) -> (Option<u64>, Option<u64>) {
    let size = |path: PathBuf| std::fs::metadata(path).ok().map(|metadata| metadata.len());
    (
        size(options.binaries.join(binary)),
        size(options.zips.join(binary).join("bootstrap.zip")),
    )
}

async fn measure_create(
    options: &Options,
    context: &Context<'_>,
    clients: &Clients<'_>,
    data: &DataSet,
    probe_targets: &[data::Person],
    started: Instant,
) -> Result<EndpointResult, BoxError> {
    let binary = options.binaries.join("create-interaction");
    let token = tokens::mint(&data.create_caller.email);
    let response_bytes = Cell::new(0);
    let event = |index: usize| create_event(&token, &data.targets[index].profile_id);
    let check = |response: &Value| {
        response_bytes.set(body_length(response));
        check_created(response)
    };
    let scenario = Scenario {
        event: &event,
        check: &check,
    };

    progress(started, "create-interaction: cold starts");
    let cold = measure::cold_starts(
        context,
        &binary,
        &scenario,
        options.spawns,
        0,
        options.time_limit,
    )
    .await?;

    progress(started, "create-interaction: warm invocations");
    let (direct_targets, proxied_targets) = probe_targets.split_at(probe_targets.len() / 2);
    let caller = &data.probe_caller;
    let probes = clients.probes(
        Requests::Create {
            caller,
            targets: direct_targets,
        },
        Requests::Create {
            caller,
            targets: proxied_targets,
        },
    );
    let plan = WarmPlan {
        warmup: WARMUP_REQUESTS,
        count: options.warm,
        first_index: options.spawns,
        time_limit: options.time_limit,
        probes: &probes,
        probe_every: options.probe_every,
    };
    let process = ready_process(context, &binary).await?;
    let warm = measure::warm_run(context, &process, &scenario, &plan).await?;
    drop(process);

    let (binary_bytes, zip_bytes) = binary_sizes(options, "create-interaction");
    Ok(EndpointResult {
        binary: "create-interaction",
        operations: &["GetItem", "BatchGetItem", "TransactWriteItems"],
        binary_bytes,
        zip_bytes,
        scenarios: vec![ScenarioResult {
            name: "new connection".to_owned(),
            journal_size: None,
            cold,
            warm,
            requests: probes[0].requests_description(),
            warm_count_note: None,
            response_bytes: response_bytes.get(),
            response_parse: None,
        }],
        note: Some(format!(
            "Each request connects the caller with a profile it was never connected to ({} \
             target profiles seeded).",
            report::thousands(data.targets.len())
        )),
    })
}

async fn measure_journal(
    options: &Options,
    context: &Context<'_>,
    clients: &Clients<'_>,
    data: &DataSet,
    started: Instant,
) -> Result<EndpointResult, BoxError> {
    let binary = options.binaries.join("get-journal");
    let tokens: Vec<String> = data
        .journals
        .iter()
        .map(|journal| tokens::mint(&journal.owner.email))
        .collect();
    let mut colds = Vec::new();
    for (journal, token) in data.journals.iter().zip(&tokens) {
        progress(
            started,
            &format!("get-journal, {} connections: cold starts", journal.size),
        );
        let event = |_: usize| journal_event(token);
        let check = |response: &Value| check_journal(response, journal.size);
        let scenario = Scenario {
            event: &event,
            check: &check,
        };
        colds.push(
            measure::cold_starts(
                context,
                &binary,
                &scenario,
                options.spawns,
                0,
                options.time_limit,
            )
            .await?,
        );
    }

    // The core's store and handler in this process, straight to DynamoDB
    // Local, for the in-process probes.
    let sdk_config = local::sdk_config(&options.dynamodb).await;
    let config = harness::test_config(context.tables);
    let store = Store::new(&sdk_config, context.tables.clone(), config.dynamodb_timeout);
    let keys = KeyStore::load(&config.jwt.jwks)?;
    let app_store = Store::new(&sdk_config, context.tables.clone(), config.dynamodb_timeout);
    let app = App::new(config, app_store, keys);

    // One process serves the three journals in turn, as one execution
    // environment serves many callers, so its last peak RSS covers them all.
    let process = ready_process(context, &binary).await?;
    let mut results = Vec::new();
    for ((journal, token), cold) in data.journals.iter().zip(&tokens).zip(colds) {
        progress(
            started,
            &format!(
                "get-journal, {} connections: warm invocations",
                journal.size
            ),
        );
        let response_bytes = Cell::new(0);
        let event = |_: usize| journal_event(token);
        let check = |response: &Value| {
            response_bytes.set(body_length(response));
            check_journal(response, journal.size)
        };
        let scenario = Scenario {
            event: &event,
            check: &check,
        };
        let handler_event = journal_event(token);
        let [direct, proxied] =
            clients.probes(journal_requests(journal), journal_requests(journal));
        let probes = [
            direct,
            proxied,
            Probe::Store {
                store: &store,
                owner: ProfileId::parse(&journal.owner.profile_id)?,
                expected: journal.size,
            },
            Probe::Handler {
                app: &app,
                event: &handler_event,
            },
        ];
        let large = journal.size >= LARGE_JOURNAL;
        let largest = journal.size == JOURNAL_SIZES[JOURNAL_SIZES.len() - 1];
        let plan = WarmPlan {
            warmup: if large {
                WARMUP_LARGE_REQUESTS
            } else {
                WARMUP_REQUESTS
            },
            count: if largest {
                options.warm_large_journal
            } else {
                options.warm
            },
            first_index: 0,
            time_limit: options.time_limit,
            probes: &probes,
            probe_every: options.probe_every,
        };
        let warm = measure::warm_run(context, &process, &scenario, &plan).await?;
        let response_parse = if large {
            Some(time_response_parse(context, &process, &event(0)).await?)
        } else {
            None
        };
        results.push(ScenarioResult {
            name: format!("{} connections", report::thousands(journal.size)),
            journal_size: Some(journal.size),
            cold,
            warm,
            requests: probes[0].requests_description(),
            warm_count_note: (largest && options.warm_large_journal < options.warm).then(|| {
                format!(
                    "fewer than the {} of the other scenarios, to bound the run time",
                    report::thousands(options.warm)
                )
            }),
            response_bytes: response_bytes.get(),
            response_parse,
        });
    }
    drop(process);

    let (binary_bytes, zip_bytes) = binary_sizes(options, "get-journal");
    Ok(EndpointResult {
        binary: "get-journal",
        operations: &["GetItem", "Query"],
        binary_bytes,
        zip_bytes,
        scenarios: results,
        note: Some(
            "One process serves the warm invocations of the three journals, left to right, so \
             the peak RSS after the warm invocations of the last column covers all of them. The \
             in-process probes run the core's `Store::connections_of` (query and sort) and \
             `App::handle` (token check, cached member lookup, query, sort, JSON body) in the \
             benchmark process, straight to DynamoDB Local."
                .to_owned(),
        ),
    })
}

async fn measure_check(
    options: &Options,
    context: &Context<'_>,
    clients: &Clients<'_>,
    data: &DataSet,
    started: Instant,
) -> Result<EndpointResult, BoxError> {
    let binary = options.binaries.join("check-connection");
    let journal = &data.journals[0];
    let other = &data.others[0];
    let token = tokens::mint(&journal.owner.email);
    let response_bytes = Cell::new(0);
    let event = |_: usize| check_event(&token, &other.profile_id);
    let check = |response: &Value| {
        response_bytes.set(body_length(response));
        check_connected(response)
    };
    let scenario = Scenario {
        event: &event,
        check: &check,
    };

    progress(started, "check-connection: cold starts");
    let cold = measure::cold_starts(
        context,
        &binary,
        &scenario,
        options.spawns,
        0,
        options.time_limit,
    )
    .await?;

    progress(started, "check-connection: warm invocations");
    let probes = clients.probes(check_requests(data), check_requests(data));
    let plan = WarmPlan {
        warmup: WARMUP_REQUESTS,
        count: options.warm,
        first_index: 0,
        time_limit: options.time_limit,
        probes: &probes,
        probe_every: options.probe_every,
    };
    let process = ready_process(context, &binary).await?;
    let warm = measure::warm_run(context, &process, &scenario, &plan).await?;
    drop(process);

    let (binary_bytes, zip_bytes) = binary_sizes(options, "check-connection");
    Ok(EndpointResult {
        binary: "check-connection",
        operations: &["GetItem"],
        binary_bytes,
        zip_bytes,
        scenarios: vec![ScenarioResult {
            name: "connected pair".to_owned(),
            journal_size: None,
            cold,
            warm,
            requests: probes[0].requests_description(),
            warm_count_note: None,
            response_bytes: response_bytes.get(),
            response_parse: None,
        }],
        note: Some(format!(
            "The caller has {} connections and checks one of them. The warm `GetItem` is the \
             read of the connection row; the member lookup is cached.",
            journal.size
        )),
    })
}

/// Starts a fresh process of `binary` and waits for its first poll.
async fn ready_process(context: &Context<'_>, binary: &Path) -> Result<FunctionProcess, BoxError> {
    let mut process = context.spawn(binary).await?;
    process.wait_until_ready(context.ready_timeout).await?;
    Ok(process)
}

fn body_length(response: &Value) -> usize {
    response["body"].as_str().map_or(0, str::len)
}

/// Invokes `event` once more and returns the median time a JSON parse of
/// the whole response takes, as the emulator parses it.
async fn time_response_parse(
    context: &Context<'_>,
    process: &FunctionProcess,
    event: &Value,
) -> Result<Duration, BoxError> {
    let (response, _) = process.invoke(event, context.invoke_timeout).await?;
    let bytes = serde_json::to_vec(&response)?;
    let mut samples = Samples::default();
    for _ in 0..PARSE_RUNS {
        let parse_started = Instant::now();
        let parsed: Value = serde_json::from_slice(&bytes)?;
        samples.push(parse_started.elapsed());
        drop(parsed);
    }
    Ok(samples.median().unwrap_or_default())
}
