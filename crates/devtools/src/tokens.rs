//! Tokens signed with the development key pair in `dev/jwt/`.
//!
//! The private key is committed on purpose: it signs tokens for local runs
//! and tests only. No deployed configuration trusts its public key.

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Map, Value, json};

/// Issuer that local runs and tests configure as `JWT_ISSUER`.
pub const DEV_ISSUER: &str = "https://connections.localhost/dev-issuer";
/// App client ID that local runs and tests configure as `JWT_AUDIENCE`.
pub const DEV_AUDIENCE: &str = "connections-dev-client";
/// `kid` of the development key in `dev/jwt/dev-jwks.json`.
pub const DEV_KEY_ID: &str = "connections-dev-1";

const DEV_PRIVATE_KEY: &str = include_str!("../../../dev/jwt/dev-private-key.pem");
const UNTRUSTED_PRIVATE_KEY: &str = include_str!("../../../dev/jwt/untrusted-private-key.pem");

/// Path of the development JWKS, for `JWT_JWKS_FILE`.
pub fn dev_jwks_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../dev/jwt/dev-jwks.json")
}

/// Private key that signs a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigningKey {
    /// The key published in the development JWKS.
    Dev,
    /// A key no JWKS of this project contains, for forged-token tests.
    Untrusted,
}

/// Seconds since the Unix epoch.
pub fn now_seconds() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs() as i64)
        .unwrap_or_default()
}

/// Claims of a valid Cognito ID token for `email`, expiring in `ttl_seconds`.
pub fn id_token_claims(email: &str, ttl_seconds: i64) -> Map<String, Value> {
    let now = now_seconds();
    let claims = json!({
        "sub": "00000000-0000-4000-8000-000000000000",
        "iss": DEV_ISSUER,
        "aud": DEV_AUDIENCE,
        "token_use": "id",
        "email": email,
        "email_verified": true,
        "iat": now,
        "auth_time": now,
        "exp": now + ttl_seconds,
    });
    match claims {
        Value::Object(map) => map,
        _ => unreachable!("json! of an object literal is an object"),
    }
}

/// Signs `claims` with RS256 and the given key, naming `kid` in the header.
pub fn sign(claims: &Map<String, Value>, key: SigningKey, kid: Option<&str>) -> String {
    let pem = match key {
        SigningKey::Dev => DEV_PRIVATE_KEY,
        SigningKey::Untrusted => UNTRUSTED_PRIVATE_KEY,
    };
    let encoding_key =
        EncodingKey::from_rsa_pem(pem.as_bytes()).expect("committed PEM is a valid RSA key");
    let mut header = Header::new(Algorithm::RS256);
    header.kid = kid.map(str::to_owned);
    encode(&header, claims, &encoding_key).expect("RS256 signing with a valid key succeeds")
}

/// A valid development ID token for `email`, good for one hour.
pub fn mint(email: &str) -> String {
    sign(
        &id_token_claims(email, 3600),
        SigningKey::Dev,
        Some(DEV_KEY_ID),
    )
}
