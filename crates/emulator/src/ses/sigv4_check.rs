//! Checking a request's AWS Signature Version 4 as AWS does: the `Authorization` header's
//! credential scope and signed headers, the canonical request rebuilt from what arrived, and
//! the signature recomputed with the access key's secret. Written here, apart from the
//! adapter that signs.

use axum::http::HeaderMap;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// Why a signature was refused, as SES names it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum SignatureProblem {
    /// `MissingAuthenticationTokenException`
    Missing,
    /// `UnrecognizedClientException`
    UnknownKey,
    /// `SignatureDoesNotMatch`
    Mismatch,
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("any key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

struct Authorization<'a> {
    access_key_id: &'a str,
    date: &'a str,
    region: &'a str,
    service: &'a str,
    signed_headers: Vec<&'a str>,
    signature: &'a str,
}

fn parse_authorization(value: &str) -> Option<Authorization<'_>> {
    let rest = value.strip_prefix("AWS4-HMAC-SHA256 ")?;
    let mut credential = None;
    let mut signed = None;
    let mut signature = None;
    for part in rest.split(',').map(str::trim) {
        let (name, value) = part.split_once('=')?;
        match name {
            "Credential" => credential = Some(value),
            "SignedHeaders" => signed = Some(value),
            "Signature" => signature = Some(value),
            _ => {}
        }
    }
    let mut scope = credential?.split('/');
    let access_key_id = scope.next()?;
    let (date, region, service) = (scope.next()?, scope.next()?, scope.next()?);
    (scope.next()? == "aws4_request").then_some(())?;
    Some(Authorization {
        access_key_id,
        date,
        region,
        service,
        signed_headers: signed?.split(';').collect(),
        signature: signature?,
    })
}

/// Checks the signature of a request with no query string; `secret_of` finds a key's secret.
pub(crate) fn check(
    method: &str,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
    secret_of: impl Fn(&str) -> Option<String>,
) -> Result<(), SignatureProblem> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let auth = header("authorization").and_then(parse_authorization).ok_or(SignatureProblem::Missing)?;
    let amz_date = header("x-amz-date").ok_or(SignatureProblem::Missing)?;
    let secret = secret_of(auth.access_key_id).ok_or(SignatureProblem::UnknownKey)?;
    if !auth.signed_headers.contains(&"host") || !amz_date.starts_with(auth.date) {
        return Err(SignatureProblem::Mismatch);
    }
    let mut canonical_headers = String::new();
    for name in &auth.signed_headers {
        let value = header(name).ok_or(SignatureProblem::Mismatch)?;
        canonical_headers.push_str(&format!("{name}:{}\n", value.split_whitespace().collect::<Vec<_>>().join(" ")));
    }
    let canonical = format!(
        "{method}\n{path}\n\n{canonical_headers}\n{}\n{}",
        auth.signed_headers.join(";"),
        hex(&Sha256::digest(body))
    );
    let scope = format!("{}/{}/{}/aws4_request", auth.date, auth.region, auth.service);
    let to_sign = format!("AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}", hex(&Sha256::digest(canonical.as_bytes())));
    let mut key = hmac(format!("AWS4{secret}").as_bytes(), auth.date.as_bytes());
    for part in [auth.region, auth.service, "aws4_request"] {
        key = hmac(&key, part.as_bytes());
    }
    let expected = hex(&hmac(&key, to_sign.as_bytes()));
    if expected == auth.signature { Ok(()) } else { Err(SignatureProblem::Mismatch) }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
