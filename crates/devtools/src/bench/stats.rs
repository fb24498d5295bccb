//! Latency samples and their percentiles.

use std::time::Duration;

/// Durations of one measurement, in the order they were taken.
#[derive(Debug, Clone, Default)]
pub struct Samples {
    durations: Vec<Duration>,
}

impl Samples {
    pub fn push(&mut self, duration: Duration) {
        self.durations.push(duration);
    }

    pub fn len(&self) -> usize {
        self.durations.len()
    }

    pub fn is_empty(&self) -> bool {
        self.durations.is_empty()
    }

    fn sorted(&self) -> Vec<Duration> {
        let mut sorted = self.durations.clone();
        sorted.sort_unstable();
        sorted
    }

    /// Returns the nearest-rank percentile, the smallest sample that at
    /// least `percent` % of the samples do not exceed, or `None` without samples.
    pub fn percentile(&self, percent: f64) -> Option<Duration> {
        let sorted = self.sorted();
        if sorted.is_empty() {
            return None;
        }
        let rank = (percent / 100.0 * sorted.len() as f64).ceil() as usize;
        Some(sorted[rank.clamp(1, sorted.len()) - 1])
    }

    /// Returns the median, which is the mean of the two middle samples for
    /// an even count, or `None` without samples.
    pub fn median(&self) -> Option<Duration> {
        let sorted = self.sorted();
        let middle = sorted.len() / 2;
        match sorted.len() {
            0 => None,
            count if count % 2 == 1 => Some(sorted[middle]),
            _ => Some((sorted[middle - 1] + sorted[middle]) / 2),
        }
    }
}

/// Milliseconds with two decimals below 10 ms and one above, or "n/a".
pub fn format_ms(duration: Option<Duration>) -> String {
    match duration {
        None => "n/a".to_owned(),
        Some(duration) => {
            let millis = duration.as_secs_f64() * 1000.0;
            if millis < 10.0 {
                format!("{millis:.2} ms")
            } else {
                format!("{millis:.1} ms")
            }
        }
    }
}

/// Bytes as MiB with one decimal, e.g. "12.3 MiB".
pub fn format_mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// Returns the median of byte counts, or 0 without any.
pub fn median_bytes(values: &[u64]) -> u64 {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let middle = sorted.len() / 2;
    match sorted.len() {
        0 => 0,
        count if count % 2 == 1 => sorted[middle],
        _ => (sorted[middle - 1] + sorted[middle]) / 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples(millis: &[u64]) -> Samples {
        let mut samples = Samples::default();
        for value in millis {
            samples.push(Duration::from_millis(*value));
        }
        samples
    }

    #[test]
    fn percentile_uses_nearest_rank() {
        let values: Vec<u64> = (1..=100).collect();
        let samples = samples(&values);
        assert_eq!(samples.percentile(50.0), Some(Duration::from_millis(50)));
        assert_eq!(samples.percentile(90.0), Some(Duration::from_millis(90)));
        assert_eq!(samples.percentile(99.0), Some(Duration::from_millis(99)));
        assert_eq!(samples.percentile(100.0), Some(Duration::from_millis(100)));
    }

    #[test]
    fn percentile_of_one_sample_is_that_sample() {
        let samples = samples(&[7]);
        assert_eq!(samples.percentile(1.0), Some(Duration::from_millis(7)));
        assert_eq!(samples.percentile(99.0), Some(Duration::from_millis(7)));
    }

    #[test]
    fn median_averages_middle_pair() {
        assert_eq!(
            samples(&[4, 1, 3, 2]).median(),
            Some(Duration::from_micros(2500))
        );
        assert_eq!(samples(&[5, 1, 3]).median(), Some(Duration::from_millis(3)));
    }

    #[test]
    fn empty_samples_have_no_statistics() {
        let empty = Samples::default();
        assert_eq!(empty.median(), None);
        assert_eq!(empty.percentile(50.0), None);
        assert_eq!(format_ms(None), "n/a");
    }

    #[test]
    fn median_bytes_handles_even_counts() {
        assert_eq!(median_bytes(&[10, 40, 20, 30]), 25);
        assert_eq!(median_bytes(&[]), 0);
    }
}
