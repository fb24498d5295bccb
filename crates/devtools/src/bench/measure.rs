//! The measurement loops: fresh processes for the init duration and the
//! first invocation, and one long-lived process for the warm latencies.
//! Every response is checked before its time counts, and every loop stops
//! at its count or its time limit, whichever comes first.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use connections_core::config::Tables;
use serde_json::Value;

use super::BoxError;
use super::probe::{Probe, ProbeResult};
use super::process::FunctionProcess;
use super::stats::Samples;
use crate::proxy::DynamoProxy;

/// Settings every measurement shares: the tables, the counting proxy the
/// functions send their DynamoDB requests to, and the timeouts.
pub struct Context<'a> {
    pub tables: &'a Tables,
    pub proxy: &'a DynamoProxy,
    pub log_dir: PathBuf,
    /// Limit on the wait for a fresh process's first poll.
    pub ready_timeout: Duration,
    /// Limit on one invocation.
    pub invoke_timeout: Duration,
}

impl Context<'_> {
    /// Starts `binary` against a fresh emulator and the proxy.
    pub async fn spawn(&self, binary: &Path) -> Result<FunctionProcess, BoxError> {
        let name = binary
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or("function");
        let log = self.log_dir.join(format!("bench-{name}.log"));
        FunctionProcess::spawn(binary, self.tables, &self.proxy.url(), &log).await
    }
}

/// The requests of one scenario: the event of request number `index`, and
/// the check its response must pass.
pub struct Scenario<'a> {
    pub event: &'a dyn Fn(usize) -> Value,
    pub check: &'a dyn Fn(&Value) -> Result<(), BoxError>,
}

impl Scenario<'_> {
    /// Invokes request `index` on `process`, checks the response and
    /// returns the latency.
    async fn invoke(
        &self,
        context: &Context<'_>,
        process: &FunctionProcess,
        index: usize,
    ) -> Result<Duration, BoxError> {
        let event = (self.event)(index);
        let (response, latency) = process.invoke(&event, context.invoke_timeout).await?;
        (self.check)(&response).map_err(|error| format!("request {index}: {error}"))?;
        Ok(latency)
    }
}

/// Results of the fresh spawns of one scenario.
#[derive(Debug, Default)]
pub struct ColdStarts {
    /// Spawn to first `/next` poll, one sample per process.
    pub init: Samples,
    /// Latency of each process's first invocation.
    pub first_invocation: Samples,
    /// `VmHWM` after the first invocation, in bytes, one per process.
    pub rss_after_first: Vec<u64>,
    /// DynamoDB requests per process from spawn through the first
    /// invocation, by operation, averaged over the processes.
    pub first_requests: BTreeMap<String, f64>,
}

/// Starts `binary` up to `spawns` times, each a fresh process that serves
/// one request, numbered from `first_index`.
pub async fn cold_starts(
    context: &Context<'_>,
    binary: &Path,
    scenario: &Scenario<'_>,
    spawns: usize,
    first_index: usize,
    time_limit: Duration,
) -> Result<ColdStarts, BoxError> {
    let mut result = ColdStarts::default();
    let mut totals: BTreeMap<String, usize> = BTreeMap::new();
    let started = Instant::now();
    for spawn in 0..spawns {
        if started.elapsed() >= time_limit {
            break;
        }
        context.proxy.reset_counts();
        let mut process = context.spawn(binary).await?;
        let init = process.wait_until_ready(context.ready_timeout).await?;
        let latency = scenario
            .invoke(context, &process, first_index + spawn)
            .await?;
        result.init.push(init);
        result.first_invocation.push(latency);
        result.rss_after_first.push(process.peak_rss_bytes()?);
        for (operation, count) in context.proxy.counts() {
            *totals.entry(operation).or_default() += count;
        }
    }
    result.first_requests = per_invocation(&totals, result.init.len());
    Ok(result)
}

/// Results of the warm invocations of one scenario.
#[derive(Debug)]
pub struct WarmRun {
    pub latencies: Samples,
    /// Invocations asked for; fewer ran when the time limit was reached.
    pub requested: usize,
    pub time_limited: bool,
    /// DynamoDB requests per timed invocation, by operation.
    pub requests_per_invocation: BTreeMap<String, f64>,
    /// `VmHWM` of the process after the timed invocations, in bytes.
    pub peak_rss: u64,
    /// The probes run between the timed invocations, in the order given.
    pub probes: Vec<ProbeResult>,
}

/// How many invocations a warm run times, and which probes run between them.
pub struct WarmPlan<'a> {
    /// Untimed requests first, numbered from `first_index`.
    pub warmup: usize,
    pub count: usize,
    pub first_index: usize,
    pub time_limit: Duration,
    pub probes: &'a [Probe<'a>],
    /// The probes run once after every `probe_every`-th timed invocation.
    pub probe_every: usize,
}

/// Sends the untimed and then the timed requests of `plan` to a running
/// `process`, running the probes between them.
pub async fn warm_run(
    context: &Context<'_>,
    process: &FunctionProcess,
    scenario: &Scenario<'_>,
    plan: &WarmPlan<'_>,
) -> Result<WarmRun, BoxError> {
    let first_timed = plan.first_index + plan.warmup;
    for index in plan.first_index..first_timed {
        scenario.invoke(context, process, index).await?;
    }
    let mut latencies = Samples::default();
    let mut probe_samples = vec![Samples::default(); plan.probes.len()];
    let mut probe_round = 0;
    let mut time_limited = false;
    let mut totals: BTreeMap<String, usize> = BTreeMap::new();
    let started = Instant::now();
    for (timed, index) in (first_timed..first_timed + plan.count).enumerate() {
        if started.elapsed() >= plan.time_limit {
            time_limited = true;
            break;
        }
        // Counting per invocation keeps the probes' requests out of the counts.
        context.proxy.reset_counts();
        latencies.push(scenario.invoke(context, process, index).await?);
        for (operation, count) in context.proxy.counts() {
            *totals.entry(operation).or_default() += count;
        }
        if timed % plan.probe_every.max(1) == 0 {
            for (probe, samples) in plan.probes.iter().zip(&mut probe_samples) {
                samples.push(probe.run(context.tables, probe_round).await?);
            }
            probe_round += 1;
        }
    }
    Ok(WarmRun {
        requests_per_invocation: per_invocation(&totals, latencies.len()),
        latencies,
        requested: plan.count,
        time_limited,
        peak_rss: process.peak_rss_bytes()?,
        probes: plan
            .probes
            .iter()
            .zip(probe_samples)
            .map(|(probe, samples)| ProbeResult {
                label: probe.label(),
                samples,
            })
            .collect(),
    })
}

fn per_invocation(totals: &BTreeMap<String, usize>, invocations: usize) -> BTreeMap<String, f64> {
    totals
        .iter()
        .map(|(operation, count)| (operation.clone(), *count as f64 / invocations.max(1) as f64))
        .collect()
}
