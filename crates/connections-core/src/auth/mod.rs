//! Bearer token verification.
//!
//! Tokens are Cognito user-pool ID tokens signed with RS256. A token is
//! accepted only when its signature verifies against a key of the configured
//! JWKS (chosen by `kid`), it is unexpired and not before its `nbf` (both
//! with [`LEEWAY_SECONDS`]), `iss` is the configured issuer, `aud` or
//! `client_id` is a configured audience, `token_use` is `id`, and it carries
//! a non-empty `email` whose `email_verified`, when present, is true.
//!
//! The token is never logged, and [`Caller`] redacts the e-mail in `Debug`.

mod jwks;

use std::fmt;

use jsonwebtoken::{Algorithm, Validation, decode, decode_header};
use serde::Deserialize;

use crate::config::JwtConfig;
pub use jwks::{JwksError, KeyStore};

/// Clock skew allowed on `exp` and `nbf`, in seconds.
pub const LEEWAY_SECONDS: u64 = 30;

/// The authenticated caller.
#[derive(Clone, PartialEq, Eq)]
pub struct Caller {
    email: String,
}

impl Caller {
    /// The caller's e-mail address, lower-cased; it is the members table key.
    pub fn email(&self) -> &str {
        &self.email
    }
}

impl fmt::Debug for Caller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Caller")
            .field("email", &"<redacted>")
            .finish()
    }
}

/// Reason a request is not authenticated. The `Display` text is safe to send
/// to the caller because it names what is wrong with the token, never its content.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("the Authorization header is missing; send Authorization: Bearer <ID token>")]
    MissingHeader,
    #[error("the Authorization header must use the Bearer scheme with a non-empty token")]
    NotBearer,
    #[error("the token is not a well-formed JWT")]
    Malformed,
    #[error("the token must be signed with RS256")]
    WrongAlgorithm,
    #[error("the token header has no key ID (kid)")]
    MissingKeyId,
    #[error("the token was signed with a key this service does not trust")]
    UnknownKey,
    #[error("the token signature is invalid")]
    BadSignature,
    #[error("the token has expired; sign in again")]
    Expired,
    #[error("the token is not valid yet (nbf is in the future)")]
    NotYetValid,
    #[error("the token was issued by an untrusted issuer")]
    WrongIssuer,
    #[error("the token was issued for another application (aud or client_id)")]
    WrongAudience,
    #[error("the token must be an ID token (token_use \"id\"), not an access token")]
    NotIdToken,
    #[error("the token has no email claim")]
    MissingEmail,
    #[error("the token's email address is not verified")]
    EmailNotVerified,
    #[error("the token claims are invalid: {0}")]
    InvalidClaims(String),
    /// The keys could not be fetched; this is the service's fault, not the caller's.
    #[error("token signing keys are unavailable")]
    KeysUnavailable(#[source] JwksError),
}

/// Verifies Bearer tokens against the configured issuer, audiences and keys.
pub struct Verifier {
    issuer: String,
    audiences: Vec<String>,
    keys: KeyStore,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
struct Claims {
    aud: Option<Audience>,
    client_id: Option<String>,
    token_use: Option<String>,
    email: Option<String>,
    email_verified: Option<serde_json::Value>,
}

impl Verifier {
    pub fn new(config: &JwtConfig, keys: KeyStore) -> Self {
        Self {
            issuer: config.issuer.clone(),
            audiences: config.audiences.clone(),
            keys,
        }
    }

    /// Verifies the value of an `Authorization` header and returns the caller.
    pub async fn verify_header(&self, header: Option<&str>) -> Result<Caller, AuthError> {
        let header = header.ok_or(AuthError::MissingHeader)?;
        let token = bearer_token(header).ok_or(AuthError::NotBearer)?;
        self.verify(token).await
    }

    /// Verifies a compact JWT and returns the caller it names.
    pub async fn verify(&self, token: &str) -> Result<Caller, AuthError> {
        let header = decode_header(token).map_err(|_| AuthError::Malformed)?;
        if header.alg != Algorithm::RS256 {
            return Err(AuthError::WrongAlgorithm);
        }
        let kid = header.kid.as_deref().ok_or(AuthError::MissingKeyId)?;
        let key = self.keys.key(kid).await?;

        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_nbf = true;
        validation.validate_aud = false;
        validation.set_issuer(&[&self.issuer]);
        validation.set_required_spec_claims(&["exp", "iss"]);
        let claims = decode::<Claims>(token, &key, &validation)
            .map_err(map_jwt_error)?
            .claims;

        self.check_claims(claims)
    }

    fn check_claims(&self, claims: Claims) -> Result<Caller, AuthError> {
        let audience_ok = match (&claims.aud, &claims.client_id) {
            (Some(Audience::One(aud)), _) => self.audiences.contains(aud),
            (Some(Audience::Many(auds)), _) => auds.iter().any(|aud| self.audiences.contains(aud)),
            (None, Some(client_id)) => self.audiences.contains(client_id),
            (None, None) => false,
        };
        if !audience_ok {
            return Err(AuthError::WrongAudience);
        }
        if claims.token_use.as_deref() != Some("id") {
            return Err(AuthError::NotIdToken);
        }
        let email = claims
            .email
            .map(|email| email.trim().to_lowercase())
            .filter(|email| !email.is_empty())
            .ok_or(AuthError::MissingEmail)?;
        match claims.email_verified {
            None => {}
            Some(serde_json::Value::Bool(true)) => {}
            Some(serde_json::Value::String(text)) if text == "true" => {}
            Some(_) => return Err(AuthError::EmailNotVerified),
        }
        Ok(Caller { email })
    }
}

/// Returns the token of a `Bearer <token>` header value; the scheme is
/// case-insensitive as RFC 7235 requires.
fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

fn map_jwt_error(error: jsonwebtoken::errors::Error) -> AuthError {
    use jsonwebtoken::errors::ErrorKind;
    match error.kind() {
        ErrorKind::InvalidSignature => AuthError::BadSignature,
        ErrorKind::ExpiredSignature => AuthError::Expired,
        ErrorKind::ImmatureSignature => AuthError::NotYetValid,
        ErrorKind::InvalidIssuer => AuthError::WrongIssuer,
        ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => AuthError::WrongAlgorithm,
        ErrorKind::MissingRequiredClaim(claim) => {
            AuthError::InvalidClaims(format!("the {claim} claim is missing or invalid"))
        }
        ErrorKind::Json(_) => AuthError::InvalidClaims("a claim has the wrong type".to_owned()),
        _ => AuthError::Malformed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_token_accepts_any_scheme_case() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer abc"), Some("abc"));
        assert_eq!(bearer_token("BEARER  abc "), Some("abc"));
    }

    #[test]
    fn bearer_token_rejects_other_schemes_and_empty_tokens() {
        for header in ["Basic abc", "Bearer", "Bearer ", "abc", "", "Token abc"] {
            assert_eq!(bearer_token(header), None, "{header:?}");
        }
    }

    #[test]
    fn caller_debug_hides_email() {
        let caller = Caller {
            email: "ada@example.com".to_owned(),
        };
        assert!(!format!("{caller:?}").contains("ada"));
    }
}
