//! The Event Webhook: events as SendGrid writes them, posted as a JSON array and signed with
//! ECDSA P-256 (SHA-256) over the timestamp header followed by the body, the DER signature
//! base64 in `X-Twilio-Email-Event-Webhook-Signature`. Computed here, apart from the adapter
//! that checks it.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rand::RngExt;
use reqwest::header::{CONTENT_TYPE, USER_AGENT};
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair};
use serde_json::{Value, json};

use crate::clock::now_unix;
use crate::server::Shared;
use crate::webhooks::ensure_loopback;

/// The DER prefix of a P-256 SubjectPublicKeyInfo, before the 65-byte point.
const P256_SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
    0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

/// The verification key as SendGrid's settings page shows it.
pub(crate) fn public_key_info(key: &EcdsaKeyPair) -> String {
    let mut spki = P256_SPKI_PREFIX.to_vec();
    spki.extend_from_slice(key.public_key().as_ref());
    STANDARD.encode(spki)
}

/// The signature header's value for `timestamp` and `body`.
pub(crate) fn sign(key: &EcdsaKeyPair, timestamp: &str, body: &[u8]) -> String {
    let mut signed = timestamp.as_bytes().to_vec();
    signed.extend_from_slice(body);
    let signature = key.sign(&SystemRandom::new(), &signed).expect("ECDSA signing");
    STANDARD.encode(signature.as_ref())
}

/// One event about a sent email.
pub(crate) fn event(x_message_id: &str, recipient: &str, smtp_id: Option<&str>, kind: &str) -> Value {
    let mut rng = rand::rng();
    let event_id: [u8; 16] = rng.random();
    let mut event = json!({
        "email": recipient,
        "timestamp": now_unix(),
        "event": kind,
        "sg_event_id": URL_SAFE_NO_PAD.encode(event_id),
        "sg_message_id": format!("{x_message_id}.recvd-emulator-{:x}-0", rng.random::<u32>()),
        "category": [],
    });
    if let Some(smtp_id) = smtp_id {
        event["smtp-id"] = json!(smtp_id);
    }
    match kind {
        "delivered" => event["response"] = json!("250 2.0.0 OK  1700000000 emulator"),
        "open" => {
            event["useragent"] = json!("Mozilla/5.0");
            event["ip"] = json!("127.0.0.1");
            event["sg_machine_open"] = json!(false);
        }
        "click" => event["url"] = json!("https://example.com/"),
        _ => {}
    }
    event
}

/// Signs and posts `events` to the Event Webhook of `api_key`, recording which were answered
/// with a 2xx. Without an Event Webhook nothing is posted.
pub(crate) async fn post(shared: &Arc<Shared>, api_key: &str, events: Vec<Value>) -> Result<u16, String> {
    let target = shared.state.read(|world| {
        let sendgrid = &world.sendgrid;
        let url = sendgrid.api_keys.get(api_key).and_then(|k| k.event_webhook_url.clone());
        url.map(|url| (url, sendgrid.signing_key.clone()))
    });
    let Some((url, key)) = target else { return Ok(0) };
    ensure_loopback(&url)?;
    let body = serde_json::to_vec(&events).expect("events serialise");
    let timestamp = now_unix().to_string();
    let response = shared
        .http
        .post(&url)
        .header(CONTENT_TYPE, "application/json")
        .header(USER_AGENT, "SendGrid Event API")
        .header("X-Twilio-Email-Event-Webhook-Signature", sign(&key, &timestamp, &body))
        .header("X-Twilio-Email-Event-Webhook-Timestamp", &timestamp)
        .body(body)
        .send()
        .await
        .map_err(|e| format!("POST {url}: {e}"))?;
    let status = response.status().as_u16();
    if response.status().is_success() {
        shared.state.update(|world| {
            for event in &events {
                let id = event["sg_message_id"].as_str().unwrap_or_default().split('.').next().unwrap_or_default();
                let kind = event["event"].as_str().unwrap_or_default();
                world.sendgrid.answered_events.insert((id.to_owned(), kind.to_owned()));
            }
        });
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use ring::signature::{ECDSA_P256_SHA256_ASN1, UnparsedPublicKey};

    use super::*;

    #[test]
    fn a_signature_verifies_with_the_published_key_over_timestamp_and_body() {
        let world = super::super::world::SendgridWorld::default();
        let signature = STANDARD.decode(sign(&world.signing_key, "1700000000", b"[]")).unwrap();
        let spki = STANDARD.decode(&world.verification_key).unwrap();
        assert_eq!(&spki[..26], &P256_SPKI_PREFIX);
        let key = UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, &spki[26..]);
        assert!(key.verify(b"1700000000[]", &signature).is_ok());
        assert!(key.verify(b"1700000001[]", &signature).is_err());
    }
}
