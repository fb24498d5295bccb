//! Creates the three tables on DynamoDB Local and writes the demo data set.
//!
//!     DYNAMODB_ENDPOINT=http://127.0.0.1:8000 cargo run -p devtools --bin seed-local
//!
//! Table names come from PROFILES_TABLE, MEMBERS_TABLE and EVENTS_TABLE
//! (defaults as in the functions). Tables that exist are kept; the demo
//! items are written again, which leaves them as they were.

use connections_core::config::Tables;
use devtools::{demo, local, tables};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    if let Err(error) = run().await {
        eprintln!("error: seeding DynamoDB Local failed: {error}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let endpoint = local::endpoint();
    let tables = Tables::from_lookup(|name| std::env::var(name).ok())?;
    let client = local::client(&endpoint).await;
    tables::create_tables(&client, &tables).await?;
    let rows = demo::seed_demo(&client, &tables).await?;
    let people = demo::demo_people();
    println!(
        "Seeded {} people and {rows} connection rows into {} on {endpoint}",
        people.len(),
        tables.profiles
    );
    println!(
        "Demo caller: {} (profile {})",
        people[0].email, people[0].profile_id
    );
    Ok(())
}
