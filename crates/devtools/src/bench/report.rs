//! The report: a markdown table per endpoint for stdout, the targets with
//! met or missed, and the whole of `BENCHMARKS.md`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use super::machine::Machine;
use super::measure::{ColdStarts, WarmRun};
use super::probe::{DIRECT_LABEL, PROXIED_LABEL};
use super::stats::{Samples, format_mib, format_ms, median_bytes};

const MIB: u64 = 1024 * 1024;
const INIT_TARGET: Duration = Duration::from_millis(10);
const FIRST_INVOCATION_TARGET: Duration = Duration::from_millis(15);
const WARM_CREATE_TARGET: Duration = Duration::from_millis(4);
const JOURNAL_RATIO_TARGET: f64 = 1.2;
/// The journal size the ratio target applies to.
const JOURNAL_RATIO_SIZE: usize = 3_000;
const PEAK_RSS_TARGET: u64 = 32 * MIB;
const ZIP_TARGET: u64 = 4 * MIB;

/// Everything measured for one scenario of one endpoint.
#[derive(Debug)]
pub struct ScenarioResult {
    pub name: String,
    /// Connections in the caller's journal, for get-journal scenarios.
    pub journal_size: Option<usize>,
    pub cold: ColdStarts,
    pub warm: WarmRun,
    /// The DynamoDB requests of one warm invocation, e.g. "paginated Query".
    pub requests: &'static str,
    /// Reason the warm run timed fewer invocations than the others, if it did.
    pub warm_count_note: Option<String>,
    /// Bytes of the last response body.
    pub response_bytes: usize,
    /// Time the emulator's JSON parse of one such response takes, median,
    /// for responses large enough to matter.
    pub response_parse: Option<Duration>,
}

/// Everything measured for one binary.
#[derive(Debug)]
pub struct EndpointResult {
    pub binary: &'static str,
    /// Operations listed in the request counts even when they stay at 0.
    pub operations: &'static [&'static str],
    pub binary_bytes: Option<u64>,
    pub zip_bytes: Option<u64>,
    pub scenarios: Vec<ScenarioResult>,
    /// A remark printed under the table.
    pub note: Option<String>,
}

/// Facts about a run for the method and machine sections.
#[derive(Debug)]
pub struct RunFacts {
    pub date: String,
    pub commit: String,
    pub machine: Machine,
    pub load_before: String,
    pub load_after: String,
    pub elapsed: Duration,
    pub spawns: usize,
    pub warm: usize,
    pub warm_large_journal: usize,
    pub probe_every: usize,
    pub target_profiles: usize,
    pub connection_rows: usize,
    pub mean_row_bytes: usize,
    /// Journal sizes in connections, e.g. "50, 3,000 and 8,000".
    pub journal_sizes: String,
    pub command_line: String,
}

/// A target and whether this run met it.
struct Target {
    name: String,
    measured: String,
    /// `None` when it was not measured.
    met: Option<bool>,
    bound: String,
}

/// Renders the table of one endpoint, with a column per scenario and a row per measure.
pub fn endpoint_table(endpoint: &EndpointResult) -> String {
    let scenarios = &endpoint.scenarios;
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    let mut row = |label: &str, cell: &dyn Fn(&ScenarioResult) -> String| {
        rows.push((label.to_owned(), scenarios.iter().map(cell).collect()));
    };
    row("Init: spawn to first `/next` poll, median", &|s| {
        format!(
            "{} ({})",
            format_ms(s.cold.init.median()),
            counted(s.cold.init.len(), "process", "processes")
        )
    });
    row("First invocation, median", &|s| {
        format_ms(s.cold.first_invocation.median())
    });
    row("Warm p50", &|s| {
        format_ms(s.warm.latencies.percentile(50.0))
    });
    row("Warm p90", &|s| {
        format_ms(s.warm.latencies.percentile(90.0))
    });
    row("Warm p99", &|s| {
        format_ms(s.warm.latencies.percentile(99.0))
    });
    row("Warm invocations timed", &|s| match &s.warm_count_note {
        Some(note) => format!("{} ({note})", warm_count(&s.warm)),
        None => warm_count(&s.warm),
    });
    row("DynamoDB requests per warm invocation", &|s| {
        request_counts(&s.warm.requests_per_invocation, endpoint.operations)
    });
    row("DynamoDB requests from spawn to first response", &|s| {
        request_counts(&s.cold.first_requests, endpoint.operations)
    });
    let mut labels: Vec<&'static str> = Vec::new();
    for probe in scenarios.iter().flat_map(|s| &s.warm.probes) {
        if !labels.contains(&probe.label) {
            labels.push(probe.label);
        }
    }
    for label in labels {
        row(&format!("{label}, p50"), &|s| {
            probe_samples(s, label).map_or("n/a".to_owned(), |samples| {
                if label == DIRECT_LABEL {
                    format!(
                        "{} ({}, {})",
                        format_ms(samples.percentile(50.0)),
                        s.requests,
                        counted(samples.len(), "run", "runs")
                    )
                } else {
                    format!(
                        "{} ({})",
                        format_ms(samples.percentile(50.0)),
                        counted(samples.len(), "run", "runs")
                    )
                }
            })
        });
    }
    row("Warm p50 ÷ DynamoDB Local alone p50", &|s| {
        ratio(
            s.warm.latencies.percentile(50.0),
            probe_p50(s, DIRECT_LABEL),
        )
        .map_or("n/a".to_owned(), |ratio| format!("{ratio:.2}×"))
    });
    row("Response body", &|s| format_bytes(s.response_bytes as u64));
    if scenarios.iter().any(|s| s.response_parse.is_some()) {
        row(
            "Emulator's JSON parse of the response, in the warm time",
            &|s| format_ms(s.response_parse),
        );
    }
    row("Peak RSS after the first invocation, median", &|s| {
        format_mib(median_bytes(&s.cold.rss_after_first))
    });
    row("Peak RSS after the warm invocations", &|s| {
        format_mib(s.warm.peak_rss)
    });

    let mut table = String::new();
    let names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
    let _ = writeln!(table, "| {} | {} |", endpoint.binary, names.join(" | "));
    let _ = writeln!(table, "|---{}|", "|---".repeat(scenarios.len()));
    for (label, cells) in rows {
        let _ = writeln!(table, "| {label} | {} |", cells.join(" | "));
    }
    let _ = writeln!(
        table,
        "\nRelease binary for this host: {}. arm64 `bootstrap.zip`: {}.",
        endpoint
            .binary_bytes
            .map_or("not found".to_owned(), format_bytes),
        endpoint
            .zip_bytes
            .map_or("not found".to_owned(), format_bytes),
    );
    if let Some(note) = &endpoint.note {
        let _ = writeln!(table, "\n{note}");
    }
    table
}

fn warm_count(warm: &WarmRun) -> String {
    let timed = thousands(warm.latencies.len());
    if warm.time_limited {
        format!(
            "{timed} of {} (time limit reached)",
            thousands(warm.requested)
        )
    } else {
        timed
    }
}

fn probe_samples<'a>(scenario: &'a ScenarioResult, label: &str) -> Option<&'a Samples> {
    scenario
        .warm
        .probes
        .iter()
        .find(|probe| probe.label == label)
        .map(|probe| &probe.samples)
}

fn probe_p50(scenario: &ScenarioResult, label: &str) -> Option<Duration> {
    probe_samples(scenario, label)?.percentile(50.0)
}

/// "GetItem 0.00, Query 1.00": the expected operations first, then any other seen.
fn request_counts(counts: &BTreeMap<String, f64>, expected: &[&str]) -> String {
    let mut parts: Vec<String> = expected
        .iter()
        .map(|operation| {
            format!(
                "{operation} {:.2}",
                counts.get(*operation).copied().unwrap_or(0.0)
            )
        })
        .collect();
    for (operation, count) in counts {
        if !expected.contains(&operation.as_str()) {
            parts.push(format!("{operation} {count:.2}"));
        }
    }
    parts.join(", ")
}

fn ratio(numerator: Option<Duration>, denominator: Option<Duration>) -> Option<f64> {
    let denominator = denominator?.as_secs_f64();
    (denominator > 0.0).then(|| numerator.map(|value| value.as_secs_f64() / denominator))?
}

/// Bytes as MiB above 1 MiB, otherwise as KiB or bytes.
fn format_bytes(bytes: u64) -> String {
    if bytes >= MIB {
        format_mib(bytes)
    } else if bytes >= 1024 {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{bytes} bytes")
    }
}

/// Formats a count with its noun, e.g. "1 run" or "1,000 runs".
fn counted(count: usize, singular: &str, plural: &str) -> String {
    let noun = if count == 1 { singular } else { plural };
    format!("{} {noun}", thousands(count))
}

/// Formats `1234567` as "1,234,567".
pub fn thousands(value: usize) -> String {
    let digits = value.to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

fn verdict(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "met",
        Some(false) => "missed",
        None => "not measured",
    }
}

fn at_most(value: Option<Duration>, limit: Duration) -> Option<bool> {
    value.map(|value| value <= limit)
}

impl Target {
    /// Builds a target, calling `bound` for the text of its bound only when it was missed.
    fn new(
        name: String,
        measured: String,
        met: Option<bool>,
        bound: impl FnOnce() -> String,
    ) -> Self {
        let bound = if met == Some(false) {
            bound()
        } else {
            String::new()
        };
        Self {
            name,
            measured,
            met,
            bound,
        }
    }
}

/// Describes the floor under a scenario's latency: DynamoDB Local's own time.
fn floor_bound(scenario: &ScenarioResult) -> String {
    format!(
        "DynamoDB Local alone: {} direct, {} through the proxy ({}, p50)",
        format_ms(probe_p50(scenario, DIRECT_LABEL)),
        format_ms(probe_p50(scenario, PROXIED_LABEL)),
        scenario.requests
    )
}

fn targets(endpoints: &[EndpointResult]) -> Vec<Target> {
    let mut targets = init_targets(endpoints);
    targets.extend(first_invocation_targets(endpoints));
    targets.extend(warm_create_target(endpoints));
    targets.extend(journal_ratio_target(endpoints));
    targets.extend(memory_target(endpoints));
    targets.extend(zip_targets(endpoints));
    targets
}

fn init_targets(endpoints: &[EndpointResult]) -> Vec<Target> {
    endpoints
        .iter()
        .map(|endpoint| {
            let slowest = endpoint
                .scenarios
                .iter()
                .filter_map(|s| s.cold.init.median())
                .max();
            Target::new(
                format!("{} init ≤ 10 ms (slowest scenario median)", endpoint.binary),
                format_ms(slowest),
                at_most(slowest, INIT_TARGET),
                String::new,
            )
        })
        .collect()
}

fn first_invocation_targets(endpoints: &[EndpointResult]) -> Vec<Target> {
    let mut targets = Vec::new();
    for endpoint in endpoints {
        for scenario in &endpoint.scenarios {
            let median = scenario.cold.first_invocation.median();
            targets.push(Target::new(
                format!(
                    "{} ({}) first invocation ≤ 15 ms (median)",
                    endpoint.binary, scenario.name
                ),
                format_ms(median),
                at_most(median, FIRST_INVOCATION_TARGET),
                || {
                    format!(
                        "the same request warm: {} p50. {}",
                        format_ms(scenario.warm.latencies.percentile(50.0)),
                        floor_bound(scenario)
                    )
                },
            ));
        }
    }
    targets
}

fn find_scenario<'a>(
    endpoints: &'a [EndpointResult],
    binary: &str,
    journal_size: Option<usize>,
) -> Option<&'a ScenarioResult> {
    endpoints
        .iter()
        .filter(|endpoint| endpoint.binary == binary)
        .flat_map(|endpoint| &endpoint.scenarios)
        .find(|scenario| scenario.journal_size == journal_size)
}

fn warm_create_target(endpoints: &[EndpointResult]) -> Option<Target> {
    let create = find_scenario(endpoints, "create-interaction", None)?;
    let p50 = create.warm.latencies.percentile(50.0);
    Some(Target::new(
        "create-interaction warm new connection ≤ 4 ms (p50)".to_owned(),
        format_ms(p50),
        at_most(p50, WARM_CREATE_TARGET),
        || floor_bound(create),
    ))
}

fn journal_ratio_target(endpoints: &[EndpointResult]) -> Option<Target> {
    let journal = find_scenario(endpoints, "get-journal", Some(JOURNAL_RATIO_SIZE))?;
    let p50 = journal.warm.latencies.percentile(50.0);
    let direct = ratio(p50, probe_p50(journal, DIRECT_LABEL));
    let proxied = ratio(p50, probe_p50(journal, PROXIED_LABEL));
    let measured = match (direct, proxied) {
        (Some(direct), Some(proxied)) => format!(
            "{} = {direct:.2}× the direct query, {proxied:.2}× the query through the proxy",
            format_ms(p50)
        ),
        _ => "n/a".to_owned(),
    };
    Some(Target::new(
        "get-journal warm 3,000-connection journal within 1.2× of DynamoDB Local's query (p50)"
            .to_owned(),
        measured,
        direct.map(|ratio| ratio <= JOURNAL_RATIO_TARGET),
        || {
            let in_process: Vec<String> = journal
                .warm
                .probes
                .iter()
                .filter(|probe| probe.label != DIRECT_LABEL && probe.label != PROXIED_LABEL)
                .map(|probe| {
                    format!(
                        "{}: {}",
                        probe.label,
                        format_ms(probe.samples.percentile(50.0))
                    )
                })
                .collect();
            format!("{}. {} (p50)", floor_bound(journal), in_process.join(", "))
        },
    ))
}

fn memory_target(endpoints: &[EndpointResult]) -> Option<Target> {
    let largest = endpoints
        .iter()
        .filter(|endpoint| endpoint.binary == "get-journal")
        .flat_map(|endpoint| &endpoint.scenarios)
        .max_by_key(|scenario| scenario.journal_size)?;
    Some(Target::new(
        "get-journal peak RSS ≤ 32 MiB after 1,000+ invocations including the largest journal"
            .to_owned(),
        format_mib(largest.warm.peak_rss),
        Some(largest.warm.peak_rss <= PEAK_RSS_TARGET),
        || {
            format!(
                "a fresh process peaks at {} after one request for this journal, whose \
                 response body is {}",
                format_mib(median_bytes(&largest.cold.rss_after_first)),
                format_bytes(largest.response_bytes as u64)
            )
        },
    ))
}

fn zip_targets(endpoints: &[EndpointResult]) -> Vec<Target> {
    endpoints
        .iter()
        .map(|endpoint| {
            Target::new(
                format!("{} arm64 zip ≤ 4 MiB", endpoint.binary),
                endpoint
                    .zip_bytes
                    .map_or("not found".to_owned(), format_bytes),
                endpoint.zip_bytes.map(|bytes| bytes <= ZIP_TARGET),
                String::new,
            )
        })
        .collect()
}

fn targets_table(endpoints: &[EndpointResult]) -> String {
    let mut table =
        String::from("| Target | Measured | Result | What bounds a miss |\n|---|---|---|---|\n");
    for target in targets(endpoints) {
        let _ = writeln!(
            table,
            "| {} | {} | {} | {} |",
            target.name,
            target.measured,
            verdict(target.met),
            target.bound
        );
    }
    table
}

/// Renders the tables printed to stdout: one per endpoint, then the targets.
pub fn summary(endpoints: &[EndpointResult]) -> String {
    let mut text = String::new();
    for endpoint in endpoints {
        let _ = writeln!(text, "{}", endpoint_table(endpoint));
    }
    let _ = write!(text, "{}", targets_table(endpoints));
    text
}

/// Renders the whole of `BENCHMARKS.md`.
pub fn document(endpoints: &[EndpointResult], facts: &RunFacts) -> String {
    let mut doc = String::from("# Benchmarks\n\n");
    let _ = writeln!(
        doc,
        "Measured on {} at commit {} by `make bench`, whose measuring program ran {:.0} s, \
         seeding included. The program `crates/devtools/src/bin/bench.rs` writes this file; rerun it \
         instead of editing the numbers. It reports and never asserts: a missed target does \
         not fail the run.\n",
        facts.date,
        facts.commit,
        facts.elapsed.as_secs_f64()
    );

    let _ = writeln!(doc, "## Results\n");
    for endpoint in endpoints {
        let _ = writeln!(
            doc,
            "### {}\n\n{}",
            endpoint.binary,
            endpoint_table(endpoint)
        );
    }

    let _ = writeln!(doc, "## Targets\n");
    let _ = writeln!(
        doc,
        "On this machine with DynamoDB Local. Sizes are in MiB (2^20 bytes), and the 32 MB \
         and 4 MB targets are read as MiB.\n"
    );
    let _ = writeln!(doc, "{}", targets_table(endpoints));

    let _ = writeln!(doc, "{}", replaced_service(endpoints));
    let _ = writeln!(doc, "{}", method(facts));
    let _ = writeln!(doc, "{}", machine(facts));
    let _ = writeln!(doc, "{}", rerun(facts));
    doc
}

fn replaced_service(endpoints: &[EndpointResult]) -> String {
    let all_scenarios = || endpoints.iter().flat_map(|endpoint| &endpoint.scenarios);
    let slowest_init = all_scenarios()
        .filter_map(|scenario| scenario.cold.init.median())
        .max();
    let largest_first_rss = all_scenarios()
        .map(|scenario| median_bytes(&scenario.cold.rss_after_first))
        .max();
    let largest_peak_rss = all_scenarios().map(|scenario| scenario.warm.peak_rss).max();

    let create =
        find_scenario(endpoints, "create-interaction", None).map_or("n/a".to_owned(), |s| {
            format!(
                "{}, {}",
                format_ms(s.warm.latencies.percentile(50.0)),
                request_counts(&s.warm.requests_per_invocation, &[])
            )
        });
    let journal = find_scenario(endpoints, "get-journal", Some(JOURNAL_RATIO_SIZE)).map_or(
        "n/a".to_owned(),
        |s| {
            format!(
                "{}, DynamoDB Local itself {}",
                format_ms(s.warm.latencies.percentile(50.0)),
                format_ms(probe_p50(s, DIRECT_LABEL))
            )
        },
    );
    let memory = format!(
        "{} peak after one request, {} peak after the warm runs (largest scenario of each)",
        largest_first_rss.map_or("n/a".to_owned(), format_mib),
        largest_peak_rss.map_or("n/a".to_owned(), format_mib)
    );
    let rows = [
        (
            "Process start to ready",
            "~100 ms",
            format!("{} (slowest init median)", format_ms(slowest_init)),
        ),
        (
            "Warm new connection, p50",
            "13 ms, 8 DynamoDB calls, 7 of them sequential",
            create,
        ),
        (
            "3,000-connection journal, p50",
            "77 ms, DynamoDB Local itself ~43 ms",
            journal,
        ),
        (
            "Memory",
            "64 MB after one request, growing past 120 MB",
            memory,
        ),
    ];

    let mut text = String::from("## The replaced Node.js service\n\n");
    text.push_str(
        "The middle column is reported for the replaced service (same kind of machine, \
         DynamoDB Local), not measured here. The right column is this run.\n\n",
    );
    text.push_str("| Measure | Node.js service, reported | This run |\n|---|---|---|\n");
    for (measure, reported, measured) in rows {
        let _ = writeln!(text, "| {measure} | {reported} | {measured} |");
    }
    text
}

fn method(facts: &RunFacts) -> String {
    let mut text = String::from("## Method\n\n");
    let items = [
        "Each function is its host release binary (`cargo build --release --locked`: \
         `opt-level = \"s\"`, fat LTO, one codegen unit), started the way Lambda starts it. \
         `devtools::runtime_api::function_command` sets the Lambda environment and the \
         development JWT settings, and the Runtime API emulator in \
         `crates/devtools/src/runtime_api.rs` hands out API Gateway REST (payload 1.0) events \
         built from `events/`, with a token minted for the caller. The function's DynamoDB \
         endpoint is a counting proxy (`crates/devtools/src/proxy.rs`) on loopback in front of \
         DynamoDB Local, which runs in memory."
            .to_owned(),
        format!(
            "Init is the time from just before the spawn to the function's first \
             `/next` poll, and the first invocation is the time from handing out the first \
             event to receiving its response, both the median over {} fresh processes per \
             scenario. The first invocation includes the first connection to DynamoDB and the \
             member lookup. It includes no JWKS download and no TLS handshake, unlike on AWS: \
             the JWKS is read from `JWT_JWKS_FILE` during init, and the loopback endpoint is \
             plain HTTP.",
            facts.spawns
        ),
        format!(
            "Warm latency: one process per endpoint serves untimed warm-up requests and then \
             up to {} timed requests one after another ({} for the 8,000-connection journal), \
             each from handing out the event to receiving the response; percentiles are \
             nearest-rank. get-journal serves its three scenarios in one process, in the \
             order of the table, so its peak RSS after the warm invocations is cumulative. The \
             time includes the emulator's side of the exchange: its HTTP handling and its JSON \
             parse of the response, which the table shows for the journals.",
            thousands(facts.warm),
            thousands(facts.warm_large_journal)
        ),
        "Every response is checked before its time counts, and the run stops at the first \
         failed check: create-interaction must return 200 \"Connection created\" (each request \
         connects the caller with a profile it was never connected to), get-journal 200 with \
         exactly the seeded number of entries, check-connection 200 with \
         `\"connected\": true`."
            .to_owned(),
        "DynamoDB requests are counted by the proxy from the `X-Amz-Target` header and divided \
         by the number of timed invocations. `GetItem` covers both the member lookup (cached \
         in the process after the first request of a caller) and check-connection's read of \
         the connection row."
            .to_owned(),
        format!(
            "Probes run in the benchmark process after {}, so that \
             they see the same machine load. \"DynamoDB Local alone\" sends the same DynamoDB \
             requests as one warm invocation with the AWS SDK for Rust (same keys, projection, \
             consistency and conditions as `connections-core/src/store/`) straight to DynamoDB \
             Local; its p50 is the floor under the warm latency. \"Through the proxy\" sends \
             them through the counting proxy, as the functions do. For the journals, \
             `Store::connections_of` and `App::handle` of `connections-core` run in the \
             benchmark process as well, straight to DynamoDB Local.",
            every_nth_invocation(facts.probe_every)
        ),
        "Peak RSS is `VmHWM` of `/proc/<pid>/status` of the function process. Sizes are the \
         file sizes of `target/release/<binary>` (host) and `target/lambda/<binary>/bootstrap.zip` \
         (arm64, `cargo lambda build --release --arm64 --output-format zip`)."
            .to_owned(),
        format!(
            "Data: fresh tables with {} target profiles, and journals of {} connections written as \
             `connections_core::store::profiles::connection_row` builds them, both rows of each \
             edge, {} connection rows in all. A journal row is about {} bytes (estimated by \
             DynamoDB's item size rules). About one profile in six is a partner with a company \
             and a title, one in seven hides its year.",
            thousands(facts.target_profiles),
            facts.journal_sizes,
            thousands(facts.connection_rows),
            facts.mean_row_bytes
        ),
        format!(
            "The function, DynamoDB Local (Java) and the benchmark process share the machine's \
             cores, and nothing else was stopped for the run. Load average (1, 5, 15 min) \
             before the run: {}; after: {}.",
            facts.load_before, facts.load_after
        ),
    ];
    for item in items {
        let _ = writeln!(text, "- {item}");
    }
    text
}

/// "every timed invocation", "every 2nd timed invocation", ...
fn every_nth_invocation(number: usize) -> String {
    let suffix = match (number % 10, number % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    if number == 1 {
        "every timed invocation".to_owned()
    } else {
        format!("every {number}{suffix} timed invocation")
    }
}

fn machine(facts: &RunFacts) -> String {
    let machine = &facts.machine;
    let memory = machine.memory_bytes.map_or("unknown".to_owned(), |bytes| {
        format!("{:.1} GiB", bytes as f64 / (1024.0 * MIB as f64))
    });
    format!(
        "## Machine\n\n\
         - CPU: {}, {} processors (`nproc`)\n\
         - Memory: {memory}\n\
         - Linux {}\n\
         - {}\n\
         - Java: {}\n\
         - DynamoDB Local: {}\n",
        machine.cpu_model,
        machine.processors,
        machine.kernel,
        machine.rustc,
        machine.java,
        machine.dynamodb_local
    )
}

fn rerun(facts: &RunFacts) -> String {
    let arguments = if facts.command_line.is_empty() {
        "no arguments".to_owned()
    } else {
        format!("`{}`", facts.command_line)
    };
    let text = "## Rerun\n\n\
     ```sh\n\
     make bench\n\
     ```\n\n\
     `scripts/bench.sh` installs the tools that are missing (`scripts/install-tools.sh`), \
     builds the release binaries and the arm64 zips, starts DynamoDB Local on a free \
     loopback port, runs `target/release/bench` and stops DynamoDB Local afterwards. \
     `scripts/bench.sh ARGUMENTS` passes ARGUMENTS on to the program, and \
     `target/release/bench --help` lists them (counts, time limits, output file).\n";
    format!("{text}\nThis file came from `target/release/bench` with {arguments}.\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn counted_picks_singular_or_plural() {
        assert_eq!(counted(1, "run", "runs"), "1 run");
        assert_eq!(counted(2_000, "run", "runs"), "2,000 runs");
    }

    #[test]
    fn request_counts_list_expected_operations_first() {
        let counts = BTreeMap::from([("Query".to_owned(), 1.0), ("Scan".to_owned(), 0.5)]);
        assert_eq!(
            request_counts(&counts, &["GetItem", "Query"]),
            "GetItem 0.00, Query 1.00, Scan 0.50"
        );
    }

    #[test]
    fn probe_interval_reads_as_english() {
        assert_eq!(every_nth_invocation(1), "every timed invocation");
        assert_eq!(every_nth_invocation(2), "every 2nd timed invocation");
        assert_eq!(every_nth_invocation(5), "every 5th timed invocation");
        assert_eq!(every_nth_invocation(12), "every 12th timed invocation");
        assert_eq!(every_nth_invocation(21), "every 21st timed invocation");
    }

    #[test]
    fn ratio_needs_both_values() {
        let ms = Duration::from_millis;
        assert_eq!(ratio(Some(ms(6)), Some(ms(4))), Some(1.5));
        assert_eq!(ratio(None, Some(ms(4))), None);
        assert_eq!(ratio(Some(ms(6)), Some(ms(0))), None);
    }
}
