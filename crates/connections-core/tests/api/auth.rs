//! Hostile and malformed tokens: every one is a 401, never a 500 and never
//! another caller.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use connections_core::Endpoint;
use connections_core::auth::{AuthError, KeyStore, Verifier};
use connections_core::config::{JwksSource, JwtConfig};
use devtools::harness::{TestEnv, sample_event};
use devtools::tokens::{
    DEV_AUDIENCE, DEV_ISSUER, DEV_KEY_ID, SigningKey, id_token_claims, mint, now_seconds, sign,
};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use lambda_http::http::StatusCode;
use serde_json::{Map, Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::{ADA, ADA_EMAIL, KEN};

const DEV_PUBLIC_KEY: &str = include_str!("../../../../dev/jwt/dev-public-key.pem");
const DEV_JWKS: &str = include_str!("../../../../dev/jwt/dev-jwks.json");

fn base64url(bytes: &[u8]) -> String {
    aws_smithy_types::base64::encode(bytes)
        .trim_end_matches('=')
        .replace('+', "-")
        .replace('/', "_")
}

fn claims_with(change: impl FnOnce(&mut Map<String, Value>)) -> Map<String, Value> {
    let mut claims = id_token_claims(ADA_EMAIL, 3600);
    change(&mut claims);
    claims
}

fn dev_signed(change: impl FnOnce(&mut Map<String, Value>)) -> String {
    sign(&claims_with(change), SigningKey::Dev, Some(DEV_KEY_ID))
}

/// Every token here must be rejected, each with its own reason.
fn hostile_tokens() -> Vec<(&'static str, Option<String>, &'static str)> {
    let unsigned = format!(
        "{}.{}.",
        base64url(br#"{"alg":"none","typ":"JWT"}"#),
        base64url(Value::Object(claims_with(|_| {})).to_string().as_bytes())
    );
    let mut hs256_header = Header::new(Algorithm::HS256);
    hs256_header.kid = Some(DEV_KEY_ID.to_owned());
    let key_confusion = encode(
        &hs256_header,
        &claims_with(|_| {}),
        &EncodingKey::from_secret(DEV_PUBLIC_KEY.as_bytes()),
    )
    .unwrap();
    let valid = mint(ADA_EMAIL);
    let (head, rest) = valid.split_once('.').unwrap();
    let (_, signature) = rest.split_once('.').unwrap();
    let swapped_payload = format!(
        "{head}.{}.{signature}",
        base64url(
            Value::Object(id_token_claims("grace.hopper1@example.com", 3600))
                .to_string()
                .as_bytes()
        )
    );

    vec![
        ("no header", None, "missing"),
        (
            "basic scheme",
            Some("Basic YWRhOnB3".into()),
            "Bearer scheme",
        ),
        ("empty bearer", Some("Bearer ".into()), "Bearer scheme"),
        ("token without scheme", Some(valid.clone()), "Bearer scheme"),
        (
            "garbage",
            Some("Bearer not.a.jwt".into()),
            "not a well-formed JWT",
        ),
        (
            "alg none",
            Some(format!("Bearer {unsigned}")),
            "not a well-formed JWT",
        ),
        (
            "HS256 with the public key as secret",
            Some(format!("Bearer {key_confusion}")),
            "RS256",
        ),
        (
            "untrusted key, trusted kid",
            Some(format!(
                "Bearer {}",
                sign(
                    &claims_with(|_| {}),
                    SigningKey::Untrusted,
                    Some(DEV_KEY_ID)
                )
            )),
            "signature is invalid",
        ),
        (
            "unknown kid",
            Some(format!(
                "Bearer {}",
                sign(
                    &claims_with(|_| {}),
                    SigningKey::Untrusted,
                    Some("other-key")
                )
            )),
            "does not trust",
        ),
        (
            "no kid",
            Some(format!(
                "Bearer {}",
                sign(&claims_with(|_| {}), SigningKey::Dev, None)
            )),
            "no key ID",
        ),
        (
            "payload swapped",
            Some(format!("Bearer {swapped_payload}")),
            "signature is invalid",
        ),
        (
            "expired beyond leeway",
            Some(format!(
                "Bearer {}",
                dev_signed(|c| {
                    c["exp"] = json!(now_seconds() - 120);
                })
            )),
            "expired",
        ),
        (
            "nbf in the future",
            Some(format!(
                "Bearer {}",
                dev_signed(|c| {
                    c.insert("nbf".into(), json!(now_seconds() + 600));
                })
            )),
            "not valid yet",
        ),
        (
            "no exp",
            Some(format!(
                "Bearer {}",
                dev_signed(|c| {
                    c.remove("exp");
                })
            )),
            "exp claim is missing",
        ),
        (
            "wrong issuer",
            Some(format!(
                "Bearer {}",
                dev_signed(|c| {
                    c["iss"] = json!("https://evil.example.com");
                })
            )),
            "untrusted issuer",
        ),
        (
            "wrong audience",
            Some(format!(
                "Bearer {}",
                dev_signed(|c| {
                    c["aud"] = json!("another-client");
                })
            )),
            "another application",
        ),
        (
            "no audience",
            Some(format!(
                "Bearer {}",
                dev_signed(|c| {
                    c.remove("aud");
                })
            )),
            "another application",
        ),
        (
            "access token",
            Some(format!(
                "Bearer {}",
                dev_signed(|c| {
                    c.remove("aud");
                    c.insert("client_id".into(), json!(DEV_AUDIENCE));
                    c["token_use"] = json!("access");
                })
            )),
            "ID token",
        ),
        (
            "no email",
            Some(format!(
                "Bearer {}",
                dev_signed(|c| {
                    c.remove("email");
                })
            )),
            "no email claim",
        ),
        (
            "blank email",
            Some(format!(
                "Bearer {}",
                dev_signed(|c| {
                    c["email"] = json!("  ");
                })
            )),
            "no email claim",
        ),
        (
            "email as number",
            Some(format!(
                "Bearer {}",
                dev_signed(|c| {
                    c["email"] = json!(5);
                })
            )),
            "wrong type",
        ),
        (
            "unverified email",
            Some(format!(
                "Bearer {}",
                dev_signed(|c| {
                    c["email_verified"] = json!(false);
                })
            )),
            "not verified",
        ),
    ]
}

#[tokio::test]
async fn hostile_tokens_are_401() {
    let env = TestEnv::with_demo_data("auth-hostile").await;
    let base = sample_event("create-interaction/rest-new-connection.json");
    for (case, header, fragment) in hostile_tokens() {
        let mut event = base.clone();
        let headers = event["headers"].as_object_mut().unwrap();
        headers.remove("Authorization");
        if let Some(value) = header {
            headers.insert("Authorization".into(), json!(value));
        }
        event["multiValueHeaders"] = Value::Null;
        let reply = env.call(Endpoint::CreateInteraction, &event).await;
        assert_eq!(
            reply.status,
            StatusCode::UNAUTHORIZED,
            "{case}: {}",
            reply.body
        );
        assert!(
            reply.headers["www-authenticate"]
                .to_str()
                .unwrap()
                .starts_with("Bearer"),
            "{case}"
        );
        let message = reply.body["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(fragment),
            "{case}: {message:?} lacks {fragment:?}"
        );
    }
    assert!(env.connection_row(ADA, KEN).await.is_none());
    env.cleanup().await;
}

#[tokio::test]
async fn expiry_within_leeway_is_accepted() {
    let env = TestEnv::with_demo_data("auth-leeway").await;
    let mut event = sample_event("create-interaction/rest-new-connection.json");
    let token = dev_signed(|c| {
        c["exp"] = json!(now_seconds() - 10);
    });
    event["headers"]["Authorization"] = json!(format!("Bearer {token}"));
    event["multiValueHeaders"] = Value::Null;
    let reply = env.call(Endpoint::CreateInteraction, &event).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    env.cleanup().await;
}

#[tokio::test]
async fn client_id_and_audience_lists_are_accepted() {
    let config = JwtConfig {
        issuer: DEV_ISSUER.to_owned(),
        audiences: vec!["other".to_owned(), DEV_AUDIENCE.to_owned()],
        jwks: JwksSource::File(devtools::tokens::dev_jwks_path()),
    };
    let verifier = Verifier::new(&config, KeyStore::load(&config.jwks).unwrap());
    let with_client_id = dev_signed(|c| {
        c.remove("aud");
        c.insert("client_id".into(), json!(DEV_AUDIENCE));
    });
    let with_list = dev_signed(|c| {
        c["aud"] = json!(["unrelated", DEV_AUDIENCE]);
    });
    let verified_as_string = dev_signed(|c| {
        c["email_verified"] = json!("true");
    });
    for token in [with_client_id, with_list, verified_as_string] {
        let caller = verifier.verify(&token).await.expect("token is valid");
        assert_eq!(caller.email(), ADA_EMAIL);
    }
}

/// Serves the development JWKS over HTTP on loopback and counts requests.
async fn serve_jwks() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/.well-known/jwks.json",
        listener.local_addr().unwrap()
    );
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer).await;
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{DEV_JWKS}",
                DEV_JWKS.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
        }
    });
    (url, hits)
}

#[tokio::test]
async fn unknown_kid_refetches_at_most_once_per_interval() {
    let (url, hits) = serve_jwks().await;
    let interval = Duration::from_millis(400);
    let config = JwtConfig {
        issuer: DEV_ISSUER.to_owned(),
        audiences: vec![DEV_AUDIENCE.to_owned()],
        jwks: JwksSource::Url(url.clone()),
    };
    let verifier = Verifier::new(&config, KeyStore::remote(url, interval));

    verifier
        .verify(&mint(ADA_EMAIL))
        .await
        .expect("first token fetches the JWKS");
    assert_eq!(hits.load(Ordering::SeqCst), 1);

    let unknown = sign(
        &claims_with(|_| {}),
        SigningKey::Untrusted,
        Some("rotated-key"),
    );
    for _ in 0..20 {
        let error = verifier.verify(&unknown).await.unwrap_err();
        assert!(matches!(error, AuthError::UnknownKey), "{error}");
    }
    assert_eq!(
        hits.load(Ordering::SeqCst),
        1,
        "no refetch inside the interval"
    );

    tokio::time::sleep(interval + Duration::from_millis(50)).await;
    for _ in 0..20 {
        assert!(verifier.verify(&unknown).await.is_err());
    }
    assert_eq!(
        hits.load(Ordering::SeqCst),
        2,
        "one refetch after the interval"
    );

    verifier
        .verify(&mint(ADA_EMAIL))
        .await
        .expect("known keys stay cached");
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn unreachable_jwks_is_503_not_401() {
    let env = TestEnv::empty("auth-jwks-down").await;
    // Bind and drop a listener: nothing listens on that port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/jwks.json");
    let config = JwtConfig {
        issuer: DEV_ISSUER.to_owned(),
        audiences: vec![DEV_AUDIENCE.to_owned()],
        jwks: JwksSource::Url(url.clone()),
    };
    let verifier = Verifier::new(&config, KeyStore::remote(url, Duration::from_secs(60)));
    let error = verifier.verify(&mint(ADA_EMAIL)).await.unwrap_err();
    assert!(matches!(error, AuthError::KeysUnavailable(_)), "{error}");
    env.cleanup().await;
}
