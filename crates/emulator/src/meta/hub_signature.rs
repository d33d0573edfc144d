//! Meta's webhook signatures, computed independently of the rest of the workspace:
//! `X-Hub-Signature-256: sha256=<lowercase hex HMAC-SHA256(app secret, raw body)>`, and the
//! older `X-Hub-Signature: sha1=<lowercase hex HMAC-SHA1(…)>` Meta still sends alongside.

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::Sha256;

fn lower_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The `X-Hub-Signature-256` header value for `body`.
pub(crate) fn signature_256(app_secret: &str, body: &[u8]) -> String {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(app_secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(body);
    format!("sha256={}", lower_hex(&mac.finalize().into_bytes()))
}

/// The `X-Hub-Signature` (SHA-1) header value for `body`.
pub(crate) fn signature_sha1(app_secret: &str, body: &[u8]) -> String {
    let mut mac =
        <Hmac<Sha1> as KeyInit>::new_from_slice(app_secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(body);
    format!("sha1={}", lower_hex(&mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4231 test case 2 (key "Jefe") for HMAC-SHA256, and the same input's HMAC-SHA1 as
    /// RFC 2202 test case 2 gives it.
    #[test]
    fn signatures_match_the_rfc_test_vectors() {
        let body = b"what do ya want for nothing?";
        assert_eq!(
            signature_256("Jefe", body),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(signature_sha1("Jefe", body), "sha1=effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    }
}
