//! Settings read once from the environment at cold start.

use std::path::PathBuf;
use std::time::Duration;

const DEFAULT_PROFILES_TABLE: &str = "biztechProfiles";
const DEFAULT_MEMBERS_TABLE: &str = "biztechMembers2026";
const DEFAULT_EVENTS_TABLE: &str = "biztechEvents";
const DEFAULT_DYNAMODB_TIMEOUT: Duration = Duration::from_millis(3000);

/// Everything a function needs to know about its environment.
#[derive(Debug, Clone)]
pub struct Config {
    pub tables: Tables,
    pub jwt: JwtConfig,
    pub cors_allow_origin: String,
    /// Upper bound on one DynamoDB operation, retries included. It must stay
    /// below the Lambda timeout so that a slow DynamoDB ends in a 503 that
    /// the function sends, not in a timeout that API Gateway reports.
    pub dynamodb_timeout: Duration,
}

/// Names of the three DynamoDB tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tables {
    pub profiles: String,
    pub members: String,
    pub events: String,
}

/// Settings for verifying Bearer tokens.
#[derive(Debug, Clone)]
pub struct JwtConfig {
    pub issuer: String,
    pub audiences: Vec<String>,
    pub jwks: JwksSource,
}

/// Source of the JSON Web Key Set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwksSource {
    /// A JWKS file, read at cold start (local development and tests).
    File(PathBuf),
    /// A JWKS URL, fetched on first use and cached.
    Url(String),
}

/// A setting that is missing or invalid; the message names the variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("environment variable {name} is missing: {hint}")]
    Missing {
        name: &'static str,
        hint: &'static str,
    },
    #[error("environment variable {name} is invalid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `lookup`, which returns the value of
    /// a variable or `None` when it is unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let setting = |name: &str| lookup(name).map(|value| value.trim().to_owned());
        let tables = Tables::from_lookup(&lookup)?;

        let issuer = setting("JWT_ISSUER")
            .filter(|value| !value.is_empty())
            .ok_or(ConfigError::Missing {
                name: "JWT_ISSUER",
                hint: "set it to the token issuer, e.g. https://cognito-idp.<region>.amazonaws.com/<user pool id>",
            })?;
        let audiences: Vec<String> = setting("JWT_AUDIENCE")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|audience| !audience.is_empty())
            .map(str::to_owned)
            .collect();
        if audiences.is_empty() {
            return Err(ConfigError::Missing {
                name: "JWT_AUDIENCE",
                hint: "set it to the app client ID, or several separated by commas",
            });
        }
        let jwks = jwks_source(&issuer, setting("JWT_JWKS_FILE"), setting("JWT_JWKS_URL"))?;

        let cors_allow_origin = setting("CORS_ALLOW_ORIGIN")
            .filter(|value| !value.is_empty())
            .unwrap_or_else(|| "*".to_owned());
        if cors_allow_origin.chars().any(char::is_control) {
            return Err(ConfigError::Invalid {
                name: "CORS_ALLOW_ORIGIN",
                reason: "it contains a control character".to_owned(),
            });
        }

        let dynamodb_timeout = match setting("DYNAMODB_TIMEOUT_MS") {
            None => DEFAULT_DYNAMODB_TIMEOUT,
            Some(value) => parse_timeout(&value)?,
        };

        Ok(Self {
            tables,
            jwt: JwtConfig {
                issuer,
                audiences,
                jwks,
            },
            cors_allow_origin,
            dynamodb_timeout,
        })
    }
}

impl Tables {
    /// Reads `PROFILES_TABLE`, `MEMBERS_TABLE` and `EVENTS_TABLE` through
    /// `lookup`, with the names of the existing tables as defaults.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let table = |name: &'static str, default: &str| match lookup(name)
            .map(|value| value.trim().to_owned())
        {
            None => Ok(default.to_owned()),
            Some(value) => validate_table_name(name, value),
        };
        Ok(Self {
            profiles: table("PROFILES_TABLE", DEFAULT_PROFILES_TABLE)?,
            members: table("MEMBERS_TABLE", DEFAULT_MEMBERS_TABLE)?,
            events: table("EVENTS_TABLE", DEFAULT_EVENTS_TABLE)?,
        })
    }
}

fn validate_table_name(name: &'static str, value: String) -> Result<String, ConfigError> {
    // DynamoDB table names: 3 to 255 characters of [a-zA-Z0-9_.-].
    let valid_chars = value
        .bytes()
        .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'.' | b'-'));
    if (3..=255).contains(&value.len()) && valid_chars {
        Ok(value)
    } else {
        Err(ConfigError::Invalid {
            name,
            reason: format!(
                "{value:?} is not a DynamoDB table name (3 to 255 characters of letters, digits, '_', '.' or '-')"
            ),
        })
    }
}

fn jwks_source(
    issuer: &str,
    file: Option<String>,
    url: Option<String>,
) -> Result<JwksSource, ConfigError> {
    if let Some(path) = file.filter(|path| !path.is_empty()) {
        return Ok(JwksSource::File(PathBuf::from(path)));
    }
    let url = url
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| format!("{}/.well-known/jwks.json", issuer.trim_end_matches('/')));
    if url.starts_with("https://") || url.starts_with("http://") {
        Ok(JwksSource::Url(url))
    } else {
        Err(ConfigError::Invalid {
            name: "JWT_JWKS_URL",
            reason: format!(
                "{url:?} is not an http(s) URL; set JWT_JWKS_URL, or JWT_ISSUER to an https URL"
            ),
        })
    }
}

fn parse_timeout(value: &str) -> Result<Duration, ConfigError> {
    match value.parse::<u64>() {
        Ok(millis) if (100..=60_000).contains(&millis) => Ok(Duration::from_millis(millis)),
        _ => Err(ConfigError::Invalid {
            name: "DYNAMODB_TIMEOUT_MS",
            reason: format!("{value:?} is not a whole number of milliseconds from 100 to 60000"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config_from(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = pairs
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    const REQUIRED: [(&str, &str); 2] = [
        (
            "JWT_ISSUER",
            "https://cognito-idp.us-west-2.amazonaws.com/us-west-2_abc",
        ),
        ("JWT_AUDIENCE", "client-a"),
    ];

    #[test]
    fn defaults_apply_when_unset() {
        let config = config_from(&REQUIRED).unwrap();
        assert_eq!(config.tables.profiles, "biztechProfiles");
        assert_eq!(config.tables.members, "biztechMembers2026");
        assert_eq!(config.tables.events, "biztechEvents");
        assert_eq!(config.cors_allow_origin, "*");
        assert_eq!(config.dynamodb_timeout, Duration::from_millis(3000));
        assert_eq!(
            config.jwt.jwks,
            JwksSource::Url(
                "https://cognito-idp.us-west-2.amazonaws.com/us-west-2_abc/.well-known/jwks.json"
                    .to_owned()
            )
        );
    }

    #[test]
    fn missing_issuer_is_named() {
        let error = config_from(&[("JWT_AUDIENCE", "a")]).unwrap_err();
        assert!(error.to_string().contains("JWT_ISSUER"), "{error}");
    }

    #[test]
    fn missing_audience_is_named() {
        let error = config_from(&[REQUIRED[0], ("JWT_AUDIENCE", " , ")]).unwrap_err();
        assert!(error.to_string().contains("JWT_AUDIENCE"), "{error}");
    }

    #[test]
    fn audiences_split_on_commas() {
        let config = config_from(&[REQUIRED[0], ("JWT_AUDIENCE", "a, b,,c")]).unwrap();
        assert_eq!(config.jwt.audiences, ["a", "b", "c"]);
    }

    #[test]
    fn jwks_file_wins_over_url() {
        let mut vars = REQUIRED.to_vec();
        vars.push(("JWT_JWKS_FILE", "dev/jwt/dev-jwks.json"));
        vars.push(("JWT_JWKS_URL", "https://example.invalid/jwks.json"));
        let config = config_from(&vars).unwrap();
        assert_eq!(
            config.jwt.jwks,
            JwksSource::File("dev/jwt/dev-jwks.json".into())
        );
    }

    #[test]
    fn invalid_table_name_is_named() {
        let mut vars = REQUIRED.to_vec();
        vars.push(("PROFILES_TABLE", "bad name"));
        let error = config_from(&vars).unwrap_err();
        assert!(error.to_string().contains("PROFILES_TABLE"), "{error}");
    }

    #[test]
    fn invalid_timeout_is_named() {
        for value in ["abc", "0", "99", "60001", "-5"] {
            let mut vars = REQUIRED.to_vec();
            vars.push(("DYNAMODB_TIMEOUT_MS", value));
            let error = config_from(&vars).unwrap_err();
            assert!(
                error.to_string().contains("DYNAMODB_TIMEOUT_MS"),
                "{value}: {error}"
            );
        }
    }

    #[test]
    fn non_http_jwks_url_is_rejected() {
        let mut vars = REQUIRED.to_vec();
        vars.push(("JWT_JWKS_URL", "file:///etc/passwd"));
        let error = config_from(&vars).unwrap_err();
        assert!(error.to_string().contains("JWT_JWKS_URL"), "{error}");
    }
}
