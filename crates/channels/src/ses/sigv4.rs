//! AWS Signature Version 4: the canonical request (method, path, sorted query, lowercase sorted
//! headers, the payload's SHA-256), the string to sign under the date/region/service scope, and
//! the signing key derived by HMAC-SHA256 from the secret, as the `Authorization` header.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// The access key that signs.
#[derive(Clone)]
pub struct AwsKey<'a> {
    pub access_key_id: &'a str,
    pub secret_access_key: &'a str,
}

/// A request to sign. `headers` must include `host` and `x-amz-date`.
pub struct Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    /// The query as `(name, value)` pairs, not encoded.
    pub query: &'a [(&'a str, &'a str)],
    pub headers: &'a [(&'a str, &'a str)],
    pub payload: &'a [u8],
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// RFC 3986 encoding as SigV4 wants it: unreserved characters kept, everything else `%XX`.
fn uri_encode(text: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            b'/' if keep_slash => out.push('/'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The canonical request of SigV4's first step, and its signed headers list.
pub fn canonical_request(request: &Request<'_>) -> (String, String) {
    let mut query: Vec<(String, String)> =
        request.query.iter().map(|(k, v)| (uri_encode(k, false), uri_encode(v, false))).collect();
    query.sort();
    let query: Vec<String> = query.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.split_whitespace().collect::<Vec<_>>().join(" ")))
        .collect();
    headers.sort();
    let signed: Vec<&str> = headers.iter().map(|(k, _)| k.as_str()).collect();
    let signed = signed.join(";");
    let canonical_headers: String = headers.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let canonical = format!(
        "{}\n{}\n{}\n{canonical_headers}\n{signed}\n{}",
        request.method,
        uri_encode(request.path, true),
        query.join("&"),
        hex::encode(Sha256::digest(request.payload))
    );
    (canonical, signed)
}

/// The `Authorization` header for `request`, signed at `amz_date` (`20150830T123600Z`).
pub fn authorization(key: &AwsKey<'_>, region: &str, service: &str, amz_date: &str, request: &Request<'_>) -> String {
    let date = &amz_date[..8.min(amz_date.len())];
    let scope = format!("{date}/{region}/{service}/aws4_request");
    let (canonical, signed_headers) = canonical_request(request);
    let string_to_sign =
        format!("AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}", hex::encode(Sha256::digest(canonical.as_bytes())));
    let k_date = hmac(format!("AWS4{}", key.secret_access_key).as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    let k_signing = hmac(&k_service, b"aws4_request");
    let signature = hex::encode(hmac(&k_signing, string_to_sign.as_bytes()));
    format!(
        "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
        key.access_key_id
    )
}

/// The `x-amz-date` of a moment, in seconds since the Unix epoch.
pub fn amz_date(unix_seconds: i64) -> String {
    let time = jiff::Timestamp::from_second(unix_seconds).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    time.strftime("%Y%m%dT%H%M%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of AWS's SigV4 documentation (IAM `ListUsers`, 2015-08-30).
    #[test]
    fn the_documented_example_is_reproduced() {
        let key =
            AwsKey { access_key_id: "AKIDEXAMPLE", secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
        let request = Request {
            method: "GET",
            path: "/",
            query: &[("Version", "2010-05-08"), ("Action", "ListUsers")],
            headers: &[
                ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                ("Host", "iam.amazonaws.com"),
                ("X-Amz-Date", "20150830T123600Z"),
            ],
            payload: b"",
        };
        let (canonical, _) = canonical_request(&request);
        assert_eq!(
            hex::encode(Sha256::digest(canonical.as_bytes())),
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"
        );
        assert_eq!(
            authorization(&key, "us-east-1", "iam", "20150830T123600Z", &request),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date, \
             Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        );
    }

    #[test]
    fn the_date_is_written_in_utc_basic_format() {
        assert_eq!(amz_date(1440938160), "20150830T123600Z");
    }
}
