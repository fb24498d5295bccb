//! Handler tests against DynamoDB Local: each test writes its own tables,
//! sends API Gateway events through `App::handle` and checks the response
//! and then the table, row by row. Run them with `make test`, which starts
//! DynamoDB Local.

mod auth;
mod check;
mod concurrency;
mod corpus;
mod create;
mod journal;
mod logs;
mod routing;

use connections_core::store::Item;
use devtools::harness::text;

/// Profile IDs of the demo people the sample events refer to.
pub const ADA: &str = "BraveOtterSings";
pub const ADA_EMAIL: &str = "ada.lovelace0@example.com";
pub const GRACE: &str = "SixOtterSort";
pub const KEN: &str = "QuietCometSings";
pub const RADIA: &str = "BrightCometGlows";

/// The `createdAt` of a row, in epoch milliseconds.
pub fn created_at(row: &Item) -> i64 {
    row["createdAt"]
        .as_n()
        .expect("createdAt is a number")
        .parse()
        .expect("createdAt is an integer")
}

/// The names of a row's attributes, sorted.
pub fn attribute_names(row: &Item) -> Vec<&str> {
    let mut names: Vec<&str> = row.keys().map(String::as_str).collect();
    names.sort_unstable();
    names
}

pub fn string(row: &Item, name: &str) -> String {
    text(row, name)
        .unwrap_or_else(|| panic!("{name} is missing or not a string"))
        .to_owned()
}
