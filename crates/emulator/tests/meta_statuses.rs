//! Status webhooks of the messages our side sends: `sent`, `delivered`, `read` in order,
//! signed, with Meta's conversation and pricing objects; `failed` with its errors.

mod common;
mod meta_common;

use std::time::Duration;

use common::{PATIENCE, Receiver};
use meta_common::*;
use serde_json::{Value, json};
use switchboard_emulator::meta::MetaTemplate;

/// Sends a text (after the customer wrote first) and skips the customer's own webhook.
async fn send_text(
    receiver: &mut Receiver,
    emulator: &switchboard_emulator::EmulatorHandle,
    meta: &switchboard_emulator::meta::MetaEmulator,
) -> String {
    open_window(meta).await;
    receiver.next().await;
    let body =
        json!({"messaging_product": "whatsapp", "to": CUSTOMER_WA_ID, "type": "text", "text": {"body": "Thanks!"}});
    let reply = send(emulator, &body).await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    reply.json["messages"][0]["id"].as_str().unwrap().to_owned()
}

/// The next webhook's `statuses[0]`, checked for signature and envelope.
async fn next_status(receiver: &mut Receiver) -> Value {
    let request = receiver.next().await;
    assert!(request.is_signed_by_meta_with(APP_SECRET), "{request:?}");
    let value = request.change_value();
    assert_eq!(request.json()["entry"][0]["id"], WABA);
    assert_eq!(value["metadata"]["phone_number_id"], PHONE_ID);
    assert!(value.get("messages").is_none() && value.get("contacts").is_none());
    assert_eq!(value["statuses"].as_array().unwrap().len(), 1);
    value["statuses"][0].clone()
}

#[tokio::test]
async fn a_service_message_is_sent_delivered_then_read_with_conversation_and_pricing() {
    let (mut receiver, emulator, meta) = meta_with_receiver().await;
    let wamid = send_text(&mut receiver, &emulator, &meta).await;

    let sent = next_status(&mut receiver).await;
    assert_eq!(sent["id"], wamid.as_str());
    assert_eq!(sent["status"], "sent");
    assert_eq!(sent["recipient_id"], CUSTOMER_WA_ID);
    let timestamp: u64 = sent["timestamp"].as_str().unwrap().parse().unwrap();
    let expiration: u64 = sent["conversation"]["expiration_timestamp"].as_str().unwrap().parse().unwrap();
    assert_eq!(expiration, timestamp + 24 * 60 * 60);
    assert_eq!(sent["conversation"]["origin"], json!({"type": "service"}));
    assert_eq!(sent["conversation"]["id"].as_str().unwrap().len(), 32);
    assert_eq!(
        sent["pricing"],
        json!({"billable": false, "pricing_model": "PMP", "category": "service", "type": "free_customer_service"})
    );

    let delivered = next_status(&mut receiver).await;
    assert_eq!(delivered["status"], "delivered");
    assert_eq!(delivered["conversation"]["id"], sent["conversation"]["id"]);
    assert!(delivered["conversation"].get("expiration_timestamp").is_none());
    assert_eq!(delivered["pricing"], sent["pricing"]);

    let read = next_status(&mut receiver).await;
    assert_eq!(read["status"], "read");
    assert!(read.get("conversation").is_none() && read.get("pricing").is_none());

    assert!(meta.wait_for_status(&wamid, "read", PATIENCE).await);
    assert!(meta.wait_for_status(&wamid, "sent", Duration::ZERO).await);
    assert_eq!(meta.sent()[0].status, "read");
}

#[tokio::test]
async fn a_marketing_template_is_billed_in_its_own_category() {
    let (mut receiver, emulator, meta) = meta_with_receiver().await;
    meta.add_template(WABA, MetaTemplate::approved("spring_sale", "en", "MARKETING", "Spring sale, {{1}} off!"));
    let body = json!({"messaging_product": "whatsapp", "to": CUSTOMER_WA_ID, "type": "template",
        "template": {"name": "spring_sale", "language": {"code": "en", "policy": "deterministic"},
                     "components": [{"type": "body", "parameters": [{"type": "text", "text": "20%"}]}]}});
    assert_eq!(send(&emulator, &body).await.status, 200);
    let sent = next_status(&mut receiver).await;
    assert_eq!(sent["conversation"]["origin"]["type"], "marketing");
    assert_eq!(
        sent["pricing"],
        json!({"billable": true, "pricing_model": "PMP", "category": "marketing", "type": "regular"})
    );
}

#[tokio::test]
async fn an_undeliverable_message_fails_with_metas_error_object() {
    let (mut receiver, emulator, meta) = meta_with_receiver().await;
    meta.fail_delivery(CUSTOMER_WA_ID, 131026);
    let wamid = send_text(&mut receiver, &emulator, &meta).await;
    let failed = next_status(&mut receiver).await;
    assert_eq!(failed["id"], wamid.as_str());
    assert_eq!(failed["status"], "failed");
    assert!(failed.get("conversation").is_none());
    let error = &failed["errors"][0];
    assert_eq!(error["code"], 131026);
    assert_eq!(error["title"], "Message undeliverable");
    assert_eq!(error["message"], "Message undeliverable");
    assert!(error["error_data"]["details"].is_string());
    assert!(error["href"].as_str().unwrap().contains("error-codes"));
    assert!(meta.wait_for_status(&wamid, "failed", PATIENCE).await);
    assert_eq!(meta.sent()[0].status, "failed");
}

#[tokio::test]
async fn a_reaction_only_gets_a_sent_status() {
    let (mut receiver, emulator, meta) = meta_with_receiver().await;
    let reaction = json!({"messaging_product": "whatsapp", "to": CUSTOMER_WA_ID, "type": "reaction",
                          "reaction": {"message_id": "wamid.X", "emoji": "👍"}});
    let wamid = send(&emulator, &reaction).await.json["messages"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(next_status(&mut receiver).await["status"], "sent");
    assert!(meta.wait_for_status(&wamid, "sent", PATIENCE).await);
    assert!(!meta.wait_for_status(&wamid, "delivered", Duration::from_millis(100)).await);
}

#[tokio::test]
async fn a_status_our_server_refuses_does_not_count_and_can_be_redelivered() {
    let mut receiver = Receiver::start(403, "text/plain", "bad signature").await;
    let (emulator, meta) = meta_emulator(&receiver.url("/hook")).await;
    let wamid = send_text(&mut receiver, &emulator, &meta).await;
    for _ in 0..3 {
        receiver.next().await;
    }
    assert!(!meta.wait_for_status(&wamid, "read", Duration::ZERO).await);
    let again = meta.redeliver(&wamid).await.unwrap();
    assert_eq!(again.status, 403);
    assert_eq!(receiver.next().await.change_value()["statuses"][0]["status"], "read");
}
