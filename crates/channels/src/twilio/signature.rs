//! `X-Twilio-Signature`: Base64 of HMAC-SHA1, keyed with the auth token, over the full URL
//! Twilio requested followed by every POST parameter's name and value, sorted by name. Twilio's
//! own validators also accept the URL with the default port added or removed, and for JSON
//! bodies sign only the URL, which carries a `bodySHA256` parameter with the body's hex SHA-256.

use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::adapter::VerifyError;

pub const HEADER: &str = "x-twilio-signature";

/// The signature Twilio computes for `url` and form `params`.
pub fn compute(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    sorted.dedup();
    let mut mac = Hmac::<Sha1>::new_from_slice(auth_token.as_bytes()).expect("HMAC takes any key length");
    mac.update(url.as_bytes());
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Verifies `signature` for a request to `url` with this body.
pub fn verify(
    auth_token: &str,
    url: &str,
    headers: &http::HeaderMap,
    body: &[u8],
    signature: &str,
) -> Result<(), VerifyError> {
    let is_form = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    let body_hash = query_param(url, "bodySHA256");
    let params: Vec<(String, String)> = match (&body_hash, is_form) {
        (None, true) => form_urlencoded::parse(body).into_owned().collect(),
        _ => Vec::new(),
    };
    let matches = url_variants(url)
        .iter()
        .any(|candidate| bool::from(compute(auth_token, candidate, &params).as_bytes().ct_eq(signature.as_bytes())));
    if !matches {
        return Err(VerifyError::BadSignature(HEADER));
    }
    if let Some(expected) = body_hash {
        let actual = hex::encode(Sha256::digest(body));
        if !bool::from(actual.as_bytes().ct_eq(expected.to_ascii_lowercase().as_bytes())) {
            return Err(VerifyError::BodyHashMismatch);
        }
    }
    Ok(())
}

fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// The URL as given, and with its scheme's default port added or removed.
fn url_variants(url: &str) -> Vec<String> {
    let mut variants = vec![url.to_owned()];
    let Some((scheme, rest)) = url.split_once("://") else {
        return variants;
    };
    let default_port = match scheme {
        "https" => "443",
        "http" => "80",
        _ => return variants,
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let host_end = authority.rfind(':').filter(|&i| !authority[i..].contains(']'));
    let other = match host_end {
        Some(i) => format!("{scheme}://{}{tail}", &authority[..i]),
        None => format!("{scheme}://{authority}:{default_port}{tail}"),
    };
    variants.push(other);
    variants
}

#[cfg(test)]
mod tests;
