//! The JSON Web Key Set that token signatures are checked against.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::{JwkSet, KeyAlgorithm, PublicKeyUse};
use tokio::sync::{Mutex, OnceCell};

use super::AuthError;
use crate::config::JwksSource;
use crate::error::error_chain;

/// Shortest time between two fetches of a remote JWKS. A token with an
/// unknown `kid` triggers a refetch (the issuer may have rotated its keys),
/// but a flood of such tokens cannot turn into a flood of fetches.
pub const MIN_REFETCH_INTERVAL: Duration = Duration::from_secs(60);

const FETCH_TIMEOUT: Duration = Duration::from_secs(3);
const MAX_JWKS_BYTES: usize = 256 * 1024;

type Keys = HashMap<String, Arc<DecodingKey>>;

/// Failure to load a JWKS.
#[derive(Debug, thiserror::Error)]
pub enum JwksError {
    #[error("cannot read JWKS file {path}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("JWKS from {origin} is not a valid JSON Web Key Set")]
    Parse {
        origin: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("JWKS from {origin} has no RS256 signing key with a kid")]
    NoKeys { origin: String },
    #[error("fetching JWKS from {url} failed")]
    Fetch {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("fetching JWKS from {url} returned HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("JWKS from {url} is larger than {MAX_JWKS_BYTES} bytes")]
    TooLarge { url: String },
}

/// Signing keys by `kid`, either fixed at start or fetched and cached.
pub struct KeyStore {
    inner: Source,
}

enum Source {
    Fixed(Keys),
    Remote(RemoteKeys),
}

struct RemoteKeys {
    url: String,
    min_refetch_interval: Duration,
    // Built on first use so that a cold start does no TLS set-up.
    client: OnceCell<reqwest::Client>,
    state: Mutex<RemoteState>,
}

#[derive(Default)]
struct RemoteState {
    keys: Keys,
    last_fetch: Option<Instant>,
}

impl KeyStore {
    /// Builds the key store for `source`. A file is read now, so that a bad
    /// file stops the cold start; a URL is fetched on first use.
    pub fn load(source: &JwksSource) -> Result<Self, JwksError> {
        match source {
            JwksSource::File(path) => Self::from_file(path),
            JwksSource::Url(url) => Ok(Self::remote(url.clone(), MIN_REFETCH_INTERVAL)),
        }
    }

    pub fn from_file(path: &Path) -> Result<Self, JwksError> {
        let origin = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| JwksError::Read {
            path: origin.clone(),
            source,
        })?;
        let keys = parse_keys(&bytes, &origin)?;
        Ok(Self {
            inner: Source::Fixed(keys),
        })
    }

    /// A key store that fetches `url` on first use and again, at most once per
    /// `min_refetch_interval`, when a token names a `kid` it does not have.
    pub fn remote(url: String, min_refetch_interval: Duration) -> Self {
        Self {
            inner: Source::Remote(RemoteKeys {
                url,
                min_refetch_interval,
                client: OnceCell::new(),
                state: Mutex::new(RemoteState::default()),
            }),
        }
    }

    pub(super) async fn key(&self, kid: &str) -> Result<Arc<DecodingKey>, AuthError> {
        match &self.inner {
            Source::Fixed(keys) => keys.get(kid).cloned().ok_or(AuthError::UnknownKey),
            Source::Remote(remote) => remote.key(kid).await,
        }
    }
}

impl RemoteKeys {
    async fn key(&self, kid: &str) -> Result<Arc<DecodingKey>, AuthError> {
        // Holding the lock across the fetch makes concurrent requests with
        // the same unknown kid wait for one fetch instead of starting many.
        let mut state = self.state.lock().await;
        if let Some(key) = state.keys.get(kid) {
            return Ok(key.clone());
        }
        let fetched_recently = state
            .last_fetch
            .is_some_and(|at| at.elapsed() < self.min_refetch_interval);
        if fetched_recently {
            return Err(AuthError::UnknownKey);
        }

        state.last_fetch = Some(Instant::now());
        match self.fetch().await {
            Ok(keys) => {
                tracing::info!(url = %self.url, keys = keys.len(), "fetched JWKS");
                state.keys = keys;
            }
            Err(error) => {
                tracing::error!(error = %error_chain(&error), "JWKS fetch failed");
                return Err(AuthError::KeysUnavailable(error));
            }
        }
        state.keys.get(kid).cloned().ok_or(AuthError::UnknownKey)
    }

    async fn fetch(&self) -> Result<Keys, JwksError> {
        let fetch_error = |source| JwksError::Fetch {
            url: self.url.clone(),
            source,
        };
        let client = self
            .client
            .get_or_try_init(|| async {
                reqwest::Client::builder()
                    .timeout(FETCH_TIMEOUT)
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
            })
            .await
            .map_err(fetch_error)?;
        let mut response = client.get(&self.url).send().await.map_err(fetch_error)?;
        if !response.status().is_success() {
            return Err(JwksError::Status {
                url: self.url.clone(),
                status: response.status().as_u16(),
            });
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(fetch_error)? {
            if body.len() + chunk.len() > MAX_JWKS_BYTES {
                return Err(JwksError::TooLarge {
                    url: self.url.clone(),
                });
            }
            body.extend_from_slice(&chunk);
        }
        parse_keys(&body, &self.url)
    }
}

/// Parses a JWKS and keeps the keys that can verify RS256 signatures: those
/// with a `kid`, no `use` other than `sig` and no `alg` other than RS256.
fn parse_keys(bytes: &[u8], origin: &str) -> Result<Keys, JwksError> {
    let set: JwkSet = serde_json::from_slice(bytes).map_err(|source| JwksError::Parse {
        origin: origin.to_owned(),
        source,
    })?;
    let keys: Keys = set
        .keys
        .iter()
        .filter(|jwk| {
            let for_signing = matches!(
                jwk.common.public_key_use,
                None | Some(PublicKeyUse::Signature)
            );
            let rs256 = matches!(jwk.common.key_algorithm, None | Some(KeyAlgorithm::RS256));
            for_signing && rs256
        })
        .filter_map(|jwk| {
            let kid = jwk.common.key_id.clone()?;
            let key = DecodingKey::from_jwk(jwk).ok()?;
            Some((kid, Arc::new(key)))
        })
        .collect();
    if keys.is_empty() {
        return Err(JwksError::NoKeys {
            origin: origin.to_owned(),
        });
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEV_JWKS: &str = include_str!("../../../../dev/jwt/dev-jwks.json");

    #[test]
    fn parses_dev_jwks() {
        let keys = parse_keys(DEV_JWKS.as_bytes(), "dev").unwrap();
        assert!(keys.contains_key("connections-dev-1"));
    }

    #[test]
    fn rejects_jwks_without_usable_keys() {
        let empty = parse_keys(br#"{"keys": []}"#, "test").unwrap_err();
        assert!(matches!(empty, JwksError::NoKeys { .. }));
        let not_json = parse_keys(b"<html>", "test").unwrap_err();
        assert!(matches!(not_json, JwksError::Parse { .. }));
    }

    #[test]
    fn skips_encryption_keys() {
        let mut set: serde_json::Value = serde_json::from_str(DEV_JWKS).unwrap();
        set["keys"][0]["use"] = "enc".into();
        let error = parse_keys(set.to_string().as_bytes(), "test").unwrap_err();
        assert!(matches!(error, JwksError::NoKeys { .. }));
    }
}
