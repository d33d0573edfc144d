//! The `/_emulator` HTTP control API a human (or the README) uses: play an inbound
//! message, list what our side sent, inject failures.

mod common;

use common::*;
use serde_json::json;

async fn control(emu: &switchboard_emulator::EmulatorHandle, path: &str, body: serde_json::Value) -> Reply {
    let request = client()
        .post(format!("{}/_emulator/{path}", emu.base_url()))
        .header("content-type", "application/json")
        .body(body.to_string());
    reply(request).await
}

#[tokio::test]
async fn posting_an_inbound_message_delivers_it_and_returns_our_answer() {
    let mut receiver = Receiver::twiml().await;
    let emu = emulator(&receiver.url("/hook")).await;
    let reply = control(
        &emu,
        "inbound",
        json!({
            "from": CUSTOMER_WHATSAPP, "to": OUR_WHATSAPP, "body": "photo",
            "media": [{"url": "http://127.0.0.1:9/p.jpg", "content_type": "image/jpeg"}],
            "profile_name": "Ada",
        }),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    assert_eq!(reply.json["status"], 200);
    assert!(reply.json["body"].as_str().unwrap().contains("<Response/>"));

    let request = receiver.next().await;
    assert_eq!(request.param("MessageSid").as_deref(), reply.json["message_sid"].as_str());
    assert_eq!(request.param("MessageType").as_deref(), Some("image"));
    assert_eq!(request.param("ProfileName").as_deref(), Some("Ada"));
    assert!(request.is_signed_with(TOKEN, &receiver.base_url));
}

#[tokio::test]
async fn inbound_to_an_unknown_number_is_404_with_an_error_message() {
    let emu = emulator("http://127.0.0.1:9/unused").await;
    let reply = control(&emu, "inbound", json!({"from": CUSTOMER, "to": "+14155550111", "body": "hi"})).await;
    assert_eq!(reply.status, 404);
    assert!(reply.json["error"].as_str().unwrap().contains("+14155550111"));
}

#[tokio::test]
async fn listing_messages_shows_what_our_side_sent() {
    let emu = emulator("http://127.0.0.1:9/unused").await;
    send(&emu, &[("To", CUSTOMER), ("From", OUR_SMS), ("Body", "first")]).await;
    let reply = get(&emu, "/_emulator/messages").await;
    assert_eq!(reply.status, 200);
    let list = reply.json.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["body"], "first");
    assert_eq!(list[0]["to"], CUSTOMER);
    assert_eq!(list[0]["num_segments"], 1);
}

#[tokio::test]
async fn failures_can_be_injected_at_the_api_and_at_delivery() {
    let mut receiver = Receiver::start(200, "text/plain", "").await;
    let emu = emulator("http://127.0.0.1:9/unused").await;

    let api = control(&emu, "failures", json!({"to": CUSTOMER, "code": 20500, "delivery": false})).await;
    assert_eq!(api.status, 200, "{}", api.json);
    let failed = send(&emu, &[("To", CUSTOMER), ("From", OUR_SMS), ("Body", "x")]).await;
    assert_eq!((failed.status, failed.json["code"].clone()), (500, json!(20500)));

    let delivery = control(&emu, "failures", json!({"to": CUSTOMER, "code": 30008, "delivery": true})).await;
    assert_eq!(delivery.status, 200);
    let callback = receiver.url("/status");
    let sent =
        send(&emu, &[("To", CUSTOMER), ("From", OUR_SMS), ("Body", "x"), ("StatusCallback", callback.as_str())]).await;
    assert_eq!(sent.status, 201);
    receiver.next().await;
    let last = receiver.next().await;
    assert_eq!(last.param("MessageStatus").as_deref(), Some("undelivered"));
    assert_eq!(last.param("ErrorCode").as_deref(), Some("30008"));
}
