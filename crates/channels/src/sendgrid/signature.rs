//! The Event Webhook's signature: ECDSA P-256 with SHA-256 over the timestamp header followed by
//! the raw body, DER-encoded and base64 in a header; SendGrid shows the verification key as a
//! base64 DER SubjectPublicKeyInfo.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ring::signature::{ECDSA_P256_SHA256_ASN1, UnparsedPublicKey};

use crate::adapter::VerifyError;

pub const SIGNATURE_HEADER: &str = "x-twilio-email-event-webhook-signature";
pub const TIMESTAMP_HEADER: &str = "x-twilio-email-event-webhook-timestamp";

/// Checks an Event Webhook delivery against the channel's verification key.
pub fn verify_event_webhook(public_key: &str, headers: &http::HeaderMap, body: &[u8]) -> Result<(), VerifyError> {
    let header =
        |name: &'static str| headers.get(name).and_then(|v| v.to_str().ok()).ok_or(VerifyError::MissingSignature(name));
    let signature = header(SIGNATURE_HEADER)?;
    let timestamp = header(TIMESTAMP_HEADER)?;
    let spki = STANDARD.decode(public_key.trim()).map_err(|_| bad_key())?;
    let point = crate::der::public_key_bits(&spki).ok_or_else(bad_key)?;
    let signature = STANDARD.decode(signature.trim()).map_err(|_| VerifyError::BadSignature(SIGNATURE_HEADER))?;
    let mut signed = Vec::with_capacity(timestamp.len() + body.len());
    signed.extend_from_slice(timestamp.as_bytes());
    signed.extend_from_slice(body);
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, point)
        .verify(&signed, &signature)
        .map_err(|_| VerifyError::BadSignature(SIGNATURE_HEADER))
}

fn bad_key() -> VerifyError {
    VerifyError::Credentials(
        "the Event Webhook verification key is not a base64 P-256 public key; copy it again from SendGrid".to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use ring::rand::SystemRandom;
    use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair};

    use super::*;

    /// A key pair and its public key as SendGrid shows it (SubjectPublicKeyInfo, base64).
    fn key_pair() -> (EcdsaKeyPair, String) {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng).unwrap();
        let mut spki = hex::decode("3059301306072a8648ce3d020106082a8648ce3d030107034200").unwrap();
        spki.extend_from_slice(pair.public_key().as_ref());
        (pair, STANDARD.encode(spki))
    }

    fn signed(pair: &EcdsaKeyPair, timestamp: &str, body: &[u8]) -> http::HeaderMap {
        let mut message = timestamp.as_bytes().to_vec();
        message.extend_from_slice(body);
        let signature = pair.sign(&SystemRandom::new(), &message).unwrap();
        let mut headers = http::HeaderMap::new();
        headers.insert(SIGNATURE_HEADER, STANDARD.encode(signature.as_ref()).parse().unwrap());
        headers.insert(TIMESTAMP_HEADER, timestamp.parse().unwrap());
        headers
    }

    #[test]
    fn a_signed_delivery_verifies_and_any_change_breaks_it() {
        let (pair, public_key) = key_pair();
        let body = br#"[{"email":"a@example.com","event":"delivered"}]"#;
        let headers = signed(&pair, "1700000000", body);
        assert_eq!(verify_event_webhook(&public_key, &headers, body), Ok(()));

        let tampered = br#"[{"email":"a@example.com","event":"bounce"}]"#;
        assert_eq!(
            verify_event_webhook(&public_key, &headers, tampered),
            Err(VerifyError::BadSignature(SIGNATURE_HEADER))
        );
        let mut replayed = headers.clone();
        replayed.insert(TIMESTAMP_HEADER, "1700000001".parse().unwrap());
        assert!(verify_event_webhook(&public_key, &replayed, body).is_err(), "the timestamp is signed too");
        let (_, other_key) = key_pair();
        assert!(verify_event_webhook(&other_key, &headers, body).is_err());
    }

    #[test]
    fn an_unsigned_delivery_or_an_unusable_key_is_named() {
        let (pair, public_key) = key_pair();
        let mut headers = signed(&pair, "1700000000", b"[]");
        assert!(matches!(verify_event_webhook("not a key", &headers, b"[]"), Err(VerifyError::Credentials(_))));
        headers.remove(SIGNATURE_HEADER);
        assert_eq!(
            verify_event_webhook(&public_key, &headers, b"[]"),
            Err(VerifyError::MissingSignature(SIGNATURE_HEADER))
        );
    }
}
