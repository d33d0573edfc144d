//! Status callbacks: after a send, our server hears `sent` then `delivered` (and `read`
//! on WhatsApp), or the failure configured with `fail_delivery`, each signed like Twilio.

mod common;

use std::time::Duration;

use common::*;

/// Sends one message with a StatusCallback pointing at `receiver`; returns its sid.
async fn send_with_callback(
    emu: &switchboard_emulator::EmulatorHandle,
    receiver: &Receiver,
    from: &str,
    to: &str,
) -> String {
    let callback = receiver.url("/twilio/status?tenant=acme");
    let reply = send(emu, &[("To", to), ("From", from), ("Body", "hi"), ("StatusCallback", callback.as_str())]).await;
    assert_eq!(reply.status, 201, "{}", reply.json);
    reply.json["sid"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn sms_status_callbacks_arrive_signed_and_in_order_sent_then_delivered() {
    let mut receiver = Receiver::start(204, "text/plain", "").await;
    let emu = emulator("http://127.0.0.1:9/unused").await;
    let sid = send_with_callback(&emu, &receiver, OUR_SMS, CUSTOMER).await;

    for expected in ["sent", "delivered"] {
        let callback = receiver.next().await;
        assert_eq!(callback.uri, "/twilio/status?tenant=acme");
        assert!(callback.is_signed_with(TOKEN, &receiver.base_url), "{callback:?}");
        assert_eq!(callback.header("content-type").as_deref(), Some("application/x-www-form-urlencoded"));
        assert_eq!(callback.header("user-agent").as_deref(), Some("TwilioProxy/1.1"));
        assert_eq!(callback.param("MessageStatus").as_deref(), Some(expected));
        assert_eq!(callback.param("SmsStatus").as_deref(), Some(expected));
        assert_eq!(callback.param("MessageSid").as_deref(), Some(sid.as_str()));
        assert_eq!(callback.param("SmsSid").as_deref(), Some(sid.as_str()));
        assert_eq!(callback.param("AccountSid").as_deref(), Some(ACCOUNT));
        assert_eq!(callback.param("From").as_deref(), Some(OUR_SMS));
        assert_eq!(callback.param("To").as_deref(), Some(CUSTOMER));
        assert_eq!(callback.param("ApiVersion").as_deref(), Some("2010-04-01"));
        assert_eq!(callback.param("ErrorCode"), None);
    }
    assert!(emu.wait_for_callback(&sid, "delivered", PATIENCE).await);

    let resource = get(&emu, &format!("/2010-04-01/Accounts/{ACCOUNT}/Messages/{sid}.json")).await;
    assert_eq!(resource.json["status"], "delivered");
    assert!(resource.json["date_sent"].is_string());
    assert_eq!(emu.sent_messages()[0].status, "delivered");
}

#[tokio::test]
async fn whatsapp_status_callbacks_also_report_read() {
    let mut receiver = Receiver::start(200, "text/plain", "ok").await;
    let emu = emulator("http://127.0.0.1:9/unused").await;
    let sid = send_with_callback(&emu, &receiver, OUR_WHATSAPP, CUSTOMER_WHATSAPP).await;

    let mut statuses = Vec::new();
    for _ in 0..3 {
        let callback = receiver.next().await;
        assert!(callback.is_signed_with(TOKEN, &receiver.base_url), "{callback:?}");
        assert_eq!(callback.param("To").as_deref(), Some(CUSTOMER_WHATSAPP));
        statuses.push(callback.param("MessageStatus").unwrap());
    }
    assert_eq!(statuses, ["sent", "delivered", "read"]);
    assert!(emu.wait_for_callback(&sid, "read", PATIENCE).await);
    assert_eq!(emu.sent_message(&sid).unwrap().status, "read");
}

#[tokio::test]
async fn an_undeliverable_sms_ends_undelivered_with_its_error_code() {
    let mut receiver = Receiver::start(200, "text/plain", "").await;
    let emu = emulator("http://127.0.0.1:9/unused").await;
    emu.fail_delivery(CUSTOMER, 30003);
    let sid = send_with_callback(&emu, &receiver, OUR_SMS, CUSTOMER).await;

    let sent = receiver.next().await;
    assert_eq!(sent.param("MessageStatus").as_deref(), Some("sent"));
    let undelivered = receiver.next().await;
    assert!(undelivered.is_signed_with(TOKEN, &receiver.base_url));
    assert_eq!(undelivered.param("MessageStatus").as_deref(), Some("undelivered"));
    assert_eq!(undelivered.param("ErrorCode").as_deref(), Some("30003"));
    assert!(emu.wait_for_callback(&sid, "undelivered", PATIENCE).await);

    let resource = get(&emu, &format!("/2010-04-01/Accounts/{ACCOUNT}/Messages/{sid}.json")).await;
    assert_eq!(resource.json["status"], "undelivered");
    assert_eq!(resource.json["error_code"], 30003);
    assert_eq!(resource.json["error_message"], "Unreachable destination handset");
    assert_eq!(emu.sent_message(&sid).unwrap().error_code, Some(30003));
}

#[tokio::test]
async fn a_whatsapp_message_outside_the_window_ends_failed() {
    let mut receiver = Receiver::start(200, "text/plain", "").await;
    let emu = emulator("http://127.0.0.1:9/unused").await;
    emu.fail_delivery(CUSTOMER_WHATSAPP, 63016);
    let sid = send_with_callback(&emu, &receiver, OUR_WHATSAPP, CUSTOMER_WHATSAPP).await;

    assert_eq!(receiver.next().await.param("MessageStatus").as_deref(), Some("sent"));
    let failed = receiver.next().await;
    assert_eq!(failed.param("MessageStatus").as_deref(), Some("failed"));
    assert_eq!(failed.param("ErrorCode").as_deref(), Some("63016"));
    assert!(emu.wait_for_callback(&sid, "failed", PATIENCE).await);
    assert_eq!(emu.sent_message(&sid).unwrap().status, "failed");
}

#[tokio::test]
async fn a_callback_our_server_refuses_does_not_count_as_answered() {
    let mut receiver = Receiver::start(403, "text/plain", "bad signature").await;
    let emu = emulator("http://127.0.0.1:9/unused").await;
    let sid = send_with_callback(&emu, &receiver, OUR_SMS, CUSTOMER).await;
    receiver.next().await;
    receiver.next().await;
    assert!(!emu.wait_for_callback(&sid, "delivered", Duration::ZERO).await);
}
