//! A DynamoDB client for DynamoDB Local.

use aws_config::{BehaviorVersion, Region};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::Credentials;

/// Variable holding the DynamoDB Local URL, e.g. `http://127.0.0.1:8000`.
pub const ENDPOINT_VARIABLE: &str = "DYNAMODB_ENDPOINT";

/// The DynamoDB Local URL from `DYNAMODB_ENDPOINT`.
///
/// # Panics
/// When the variable is unset: tests need a running DynamoDB Local, which
/// `make test` starts.
pub fn endpoint() -> String {
    std::env::var(ENDPOINT_VARIABLE).unwrap_or_else(|_| {
        panic!("{ENDPOINT_VARIABLE} is not set; run the tests with `make test`, which starts DynamoDB Local")
    })
}

/// SDK configuration for DynamoDB Local at `endpoint`, with fixed
/// credentials (DynamoDB Local accepts any).
pub async fn sdk_config(endpoint: &str) -> aws_config::SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "local",
            "local",
            None,
            None,
            "dynamodb-local",
        ))
        .endpoint_url(endpoint)
        .load()
        .await
}

/// A client for DynamoDB Local at `endpoint`.
pub async fn client(endpoint: &str) -> Client {
    Client::new(&sdk_config(endpoint).await)
}

/// A DynamoDB Local process of one test, for tests that stop and restart
/// DynamoDB. It keeps its tables in a folder, so they survive a restart.
pub struct OwnDynamoDb {
    pub port: u16,
    data_dir: std::path::PathBuf,
    pid_file: std::path::PathBuf,
}

impl OwnDynamoDb {
    /// Starts DynamoDB Local on a free loopback port with `scripts/dynamodb-local.sh`.
    pub fn start() -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let run_dir = std::env::temp_dir().join(format!(
            "connections-dynamodb-{port}-{:08x}",
            fastrand::u32(..)
        ));
        std::fs::create_dir_all(&run_dir)?;
        let own = Self {
            port,
            data_dir: run_dir.join("data"),
            pid_file: run_dir.join("dynamodb.pid"),
        };
        own.launch()?;
        Ok(own)
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Stops the process (SIGKILL, as a crash or network loss would look).
    pub fn stop(&self) {
        if let Ok(pid) = std::fs::read_to_string(&self.pid_file) {
            let _ = std::process::Command::new("kill")
                .args(["-9", pid.trim()])
                .stderr(std::process::Stdio::null())
                .status();
            // Wait until the port is closed, so the next request fails at once.
            for _ in 0..100 {
                if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        }
    }

    /// Starts the process again on the same port and data folder.
    pub fn restart(&self) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        self.stop();
        self.launch()
    }

    fn launch(&self) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../scripts/dynamodb-local.sh");
        let status = std::process::Command::new("bash")
            .arg(script)
            .arg("start")
            .arg(self.port.to_string())
            .arg(&self.pid_file)
            .arg(&self.data_dir)
            .status()?;
        if !status.success() {
            return Err(format!("starting DynamoDB Local on port {} failed", self.port).into());
        }
        Ok(())
    }
}

impl Drop for OwnDynamoDb {
    fn drop(&mut self) {
        self.stop();
        if let Some(run_dir) = self.pid_file.parent() {
            let _ = std::fs::remove_dir_all(run_dir);
        }
    }
}
