//! The benchmark behind `make bench`: it starts the release binaries the
//! way Lambda does, against the Runtime API emulator and a counting proxy
//! in front of DynamoDB Local, and writes `BENCHMARKS.md`.
//!
//! The binary `bench` (`src/bin/bench.rs`) reads the options and runs the
//! scenarios in order. This module contains the parts: test data, events,
//! process control, the probes timed between the function's invocations,
//! the measurement loops and the report.

pub mod data;
pub mod events;
pub mod machine;
pub mod measure;
pub mod probe;
pub mod process;
pub mod report;
pub mod stats;

/// The error type of the benchmark: every failure aborts the run with its message.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
