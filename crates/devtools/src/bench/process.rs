//! A function binary started the way Lambda starts it, against a Runtime
//! API emulator of its own, and stopped by its PID when dropped.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use connections_core::config::Tables;
use serde_json::Value;

use super::BoxError;
use crate::runtime_api::{Outcome, RuntimeApi, function_command};

/// How often the wait for the first poll checks whether the process died.
const EXIT_CHECK_INTERVAL: Duration = Duration::from_millis(100);

/// A running function process and the emulator it polls.
pub struct FunctionProcess {
    api: RuntimeApi,
    child: Child,
    spawned_at: Instant,
    log: PathBuf,
}

impl FunctionProcess {
    /// Starts the emulator and then `binary`, with DynamoDB at
    /// `dynamodb_url`. The function's stdout and stderr are appended to `log`.
    pub async fn spawn(
        binary: &Path,
        tables: &Tables,
        dynamodb_url: &str,
        log: &Path,
    ) -> Result<Self, BoxError> {
        let api = RuntimeApi::start().await?;
        let output = open_log(log)?;
        let mut command = function_command(binary, &api.address(), tables, dynamodb_url);
        command
            .stdin(Stdio::null())
            .stdout(output.try_clone()?)
            .stderr(output);
        let spawned_at = Instant::now();
        let child = command
            .spawn()
            .map_err(|error| format!("starting {} failed: {error}", binary.display()))?;
        Ok(Self {
            api,
            child,
            spawned_at,
            log: log.to_owned(),
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until the function first polls `/next` and returns the init
    /// duration: from just before the spawn to that poll.
    pub async fn wait_until_ready(&mut self, timeout: Duration) -> Result<Duration, BoxError> {
        let deadline = Instant::now() + timeout;
        loop {
            let slice = EXIT_CHECK_INTERVAL.min(deadline.saturating_duration_since(Instant::now()));
            if let Ok(first_poll) = self.api.wait_for_first_poll(slice).await {
                return Ok(first_poll.saturating_duration_since(self.spawned_at));
            }
            if let Some(error) = self.api.init_error() {
                return Err(format!(
                    "PID {} reported an init error: {error}; see {}",
                    self.pid(),
                    self.log.display()
                )
                .into());
            }
            if let Some(status) = self.child.try_wait()? {
                return Err(format!(
                    "PID {} exited with {status} before its first poll; see {}",
                    self.pid(),
                    self.log.display()
                )
                .into());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "PID {} did not poll for an invocation within {timeout:?}; see {}",
                    self.pid(),
                    self.log.display()
                )
                .into());
            }
        }
    }

    /// Hands `event` to the function and returns its response and the time
    /// from handing it out to receiving the response. An invocation error
    /// is an error.
    pub async fn invoke(
        &self,
        event: &Value,
        timeout: Duration,
    ) -> Result<(Value, Duration), BoxError> {
        let started = Instant::now();
        let outcome = self.api.invoke(event, timeout).await.map_err(|error| {
            format!(
                "invoking PID {} failed: {error}; see {}",
                self.pid(),
                self.log.display()
            )
        })?;
        let elapsed = started.elapsed();
        match outcome {
            Outcome::Response(response) => Ok((response, elapsed)),
            Outcome::Error(error) => Err(format!(
                "PID {} reported an invocation error: {error}; see {}",
                self.pid(),
                self.log.display()
            )
            .into()),
        }
    }

    /// Reads the peak resident set size so far, `VmHWM` of `/proc/<pid>/status`, in bytes.
    pub fn peak_rss_bytes(&self) -> Result<u64, BoxError> {
        let path = format!("/proc/{}/status", self.pid());
        let status = std::fs::read_to_string(&path)
            .map_err(|error| format!("reading {path} failed: {error}"))?;
        let kibibytes = status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|value| value.trim().strip_suffix("kB"))
            .and_then(|value| value.trim().parse::<u64>().ok())
            .ok_or_else(|| format!("{path} has no readable VmHWM line"))?;
        Ok(kibibytes * 1024)
    }
}

impl Drop for FunctionProcess {
    /// Kills the process by its PID and reaps it.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

fn open_log(path: &Path) -> Result<File, BoxError> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|error| format!("opening the log {} failed: {error}", path.display()).into())
}
