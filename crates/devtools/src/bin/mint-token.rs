//! Prints a development ID token for local calls.
//!
//!     cargo run -p devtools --bin mint-token -- EMAIL [--ttl SECONDS | --expires-at EPOCH_SECONDS]
//!
//! The token is signed with the committed development key, which only a
//! local configuration (`JWT_JWKS_FILE=dev/jwt/dev-jwks.json`) trusts.

use devtools::tokens::{DEV_KEY_ID, SigningKey, id_token_claims, now_seconds, sign};

const USAGE: &str = "usage: mint-token EMAIL [--ttl SECONDS | --expires-at EPOCH_SECONDS]";

fn main() {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    match token(&arguments) {
        Ok(token) => println!("{token}"),
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            std::process::exit(2);
        }
    }
}

fn token(arguments: &[String]) -> Result<String, String> {
    let (email, options) = arguments
        .split_first()
        .ok_or("the e-mail address is missing")?;
    if email.starts_with('-') || !email.contains('@') {
        return Err(format!("{email:?} is not an e-mail address"));
    }
    let ttl = match options {
        [] => 3600,
        [flag, value] if flag == "--ttl" => parse_seconds(flag, value)?,
        [flag, value] if flag == "--expires-at" => parse_seconds(flag, value)? - now_seconds(),
        _ => return Err(format!("unexpected arguments {options:?}")),
    };
    Ok(sign(
        &id_token_claims(email, ttl),
        SigningKey::Dev,
        Some(DEV_KEY_ID),
    ))
}

fn parse_seconds(flag: &str, value: &str) -> Result<i64, String> {
    value
        .parse()
        .map_err(|_| format!("{flag} must be a whole number of seconds, got {value:?}"))
}
