//! Requests the Meta part makes to our server: signed JSON POSTs (Meta's headers, loopback
//! URLs only) for a customer's messages, status updates and arbitrary bodies, each recorded
//! so it can be redelivered byte for byte.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::header::{ACCEPT, CONTENT_TYPE, USER_AGENT};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::hub_signature::{signature_256, signature_sha1};
use super::ids::{Direction, new_wamid};
use super::inbound_payload::{MediaFacts, inbound_message_body};
use super::meta_json::to_meta_json;
use super::summary::inbound_summary;
use super::types::{InboundContent, MetaDelivery, WhatsappInbound};
use super::webhook_envelope::Business;
use super::world::{PhoneEvent, RecordedWebhook};
use crate::clock::now_unix;
use crate::errors::EmulatorError;
use crate::server::Shared;
use crate::webhooks::ensure_loopback;

/// What our server answered to one POST.
#[derive(Clone, Debug)]
pub(crate) struct WebhookAnswer {
    pub status: u16,
    pub body: String,
}

/// Signs `body` with `app_secret` and records it for `url`.
pub(crate) fn record(url: &str, body: String, app_secret: &str) -> RecordedWebhook {
    RecordedWebhook {
        url: url.to_owned(),
        signature_256: signature_256(app_secret, body.as_bytes()),
        signature_sha1: signature_sha1(app_secret, body.as_bytes()),
        body,
    }
}

/// POSTs a recorded webhook with Meta's headers.
pub(crate) async fn post(http: &reqwest::Client, webhook: &RecordedWebhook) -> Result<WebhookAnswer, String> {
    ensure_loopback(&webhook.url)?;
    let response = http
        .post(&webhook.url)
        .header(CONTENT_TYPE, "application/json")
        .header(USER_AGENT, "facebookexternalua")
        .header(ACCEPT, "*/*")
        .header("X-Hub-Signature", &webhook.signature_sha1)
        .header("X-Hub-Signature-256", &webhook.signature_256)
        .body(webhook.body.clone())
        .send()
        .await
        .map_err(|e| format!("POST {}: {e}", webhook.url))?;
    let status = response.status().as_u16();
    let body = response.text().await.map_err(|e| format!("reading answer of {}: {e}", webhook.url))?;
    Ok(WebhookAnswer { status, body })
}

async fn deliver(
    shared: &Shared,
    wamid: Option<String>,
    webhook: &RecordedWebhook,
) -> Result<MetaDelivery, EmulatorError> {
    let answer = post(&shared.http, webhook).await.map_err(EmulatorError::Http)?;
    Ok(MetaDelivery { wamid, status: answer.status, body: answer.body })
}

/// The download URL of a stored media object.
pub(crate) fn media_download_url(base_url: &str, media_id: &str) -> String {
    format!("{base_url}/_emulator/meta/media/{media_id}/download")
}

/// Base64 SHA-256, as webhooks describe media.
pub(crate) fn base64_sha256(bytes: &[u8]) -> String {
    STANDARD.encode(Sha256::digest(bytes))
}

fn media_id_of(content: &InboundContent) -> Option<&str> {
    match content {
        InboundContent::Image { media_id, .. }
        | InboundContent::Audio { media_id, .. }
        | InboundContent::Video { media_id, .. }
        | InboundContent::Document { media_id, .. }
        | InboundContent::Sticker { media_id, .. } => Some(media_id),
        _ => None,
    }
}

/// A customer's WhatsApp sends `inbound`; see `MetaEmulator::send_inbound`.
pub(crate) async fn send_inbound(shared: &Shared, inbound: WhatsappInbound) -> Result<MetaDelivery, EmulatorError> {
    let wamid = new_wamid(&inbound.from, Direction::Inbound);
    let webhook = shared.state.update(|world| {
        let meta = &mut world.meta;
        let number = meta
            .numbers
            .get(&inbound.phone_number_id)
            .cloned()
            .ok_or_else(|| EmulatorError::UnknownNumber(inbound.phone_number_id.clone()))?;
        let account =
            meta.accounts.get(&number.waba_id).ok_or_else(|| EmulatorError::UnknownAccount(number.waba_id.clone()))?;
        let facts = media_id_of(&inbound.content).map(|media_id| MediaFacts {
            // Unknown media still gets a stable hash, so the webhook has Meta's shape.
            sha256: base64_sha256(meta.media.get(media_id).map_or(media_id.as_bytes(), |m| m.bytes.as_slice())),
            url: media_download_url(&shared.base_url, media_id),
        });
        let business = Business {
            waba_id: &number.waba_id,
            phone_number_id: &inbound.phone_number_id,
            display_phone_number: &number.display_phone_number,
        };
        let body = inbound_message_body(business, &inbound, &wamid, now_unix(), facts.as_ref());
        let webhook = record(&number.webhook_url, body, &account.app_secret);

        let window_key = (inbound.phone_number_id.clone(), inbound.from.clone());
        meta.last_customer_message.insert(window_key, std::time::Instant::now());
        meta.webhooks.insert(wamid.clone(), webhook.clone());
        meta.phone_log.push(PhoneEvent::Sent {
            wa_id: inbound.from.clone(),
            phone_number_id: inbound.phone_number_id.clone(),
            wamid: wamid.clone(),
            summary: inbound_summary(&inbound.content),
        });
        Ok::<_, EmulatorError>(webhook)
    })?;
    deliver(shared, Some(wamid), &webhook).await
}

/// Re-POSTs the last webhook about `wamid` exactly as it was first sent.
pub(crate) async fn redeliver(shared: &Shared, wamid: &str) -> Result<MetaDelivery, EmulatorError> {
    let webhook = shared
        .state
        .read(|world| world.meta.webhooks.get(wamid).cloned())
        .ok_or_else(|| EmulatorError::UnknownMessage(wamid.to_owned()))?;
    deliver(shared, Some(wamid.to_owned()), &webhook).await
}

/// The message or status id a webhook body is about, if any.
fn wamid_in(body: &Value) -> Option<String> {
    let value = &body["entry"][0]["changes"][0]["value"];
    value["messages"][0]["id"].as_str().or_else(|| value["statuses"][0]["id"].as_str()).map(str::to_owned)
}

/// Signs an arbitrary body with the app secret of the account owning `phone_number_id` and
/// POSTs it to that number's webhook URL.
pub(crate) async fn post_signed(
    shared: &Shared,
    phone_number_id: &str,
    body: Value,
) -> Result<MetaDelivery, EmulatorError> {
    let wamid = wamid_in(&body);
    let webhook = shared.state.update(|world| {
        let meta = &mut world.meta;
        let number = meta
            .numbers
            .get(phone_number_id)
            .ok_or_else(|| EmulatorError::UnknownNumber(phone_number_id.to_owned()))?;
        let account =
            meta.accounts.get(&number.waba_id).ok_or_else(|| EmulatorError::UnknownAccount(number.waba_id.clone()))?;
        let webhook = record(&number.webhook_url, to_meta_json(&body), &account.app_secret);
        if let Some(wamid) = &wamid {
            meta.webhooks.insert(wamid.clone(), webhook.clone());
        }
        Ok::<_, EmulatorError>(webhook)
    })?;
    deliver(shared, wamid, &webhook).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_wamid_of_a_body_comes_from_its_message_or_status() {
        let message = json!({"entry": [{"changes": [{"value": {"messages": [{"id": "wamid.A"}]}}]}]});
        let status = json!({"entry": [{"changes": [{"value": {"statuses": [{"id": "wamid.B"}]}}]}]});
        assert_eq!(wamid_in(&message).as_deref(), Some("wamid.A"));
        assert_eq!(wamid_in(&status).as_deref(), Some("wamid.B"));
        assert_eq!(wamid_in(&json!({"object": "page"})), None);
    }
}
