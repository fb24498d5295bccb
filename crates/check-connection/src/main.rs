//! Lambda entry point of `check-connection`; the handler lives in `connections_core`.

use connections_core::{Endpoint, app};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    app::run(Endpoint::CheckConnection).await
}
