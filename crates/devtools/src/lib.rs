//! Local development and test support for the Connections API.
//!
//! Nothing here ships in a Lambda binary. It mints tokens for the
//! development key pair, creates and seeds tables on DynamoDB Local, and
//! emulates the Lambda Runtime API so that tests and the benchmark drive
//! the real binaries the way Lambda does.

pub mod bench;
pub mod demo;
pub mod harness;
pub mod local;
mod loopback;
pub mod proxy;
pub mod runtime_api;
pub mod tables;
pub mod tokens;
