//! Inbound messages: what our server receives when a customer texts one of our numbers,
//! redelivery, and the STOP / START opt-out Twilio applies to later sends.

mod common;

use common::*;
use switchboard_emulator::{EmulatorError, InboundRequest};

#[tokio::test]
async fn an_inbound_sms_is_posted_signed_with_twilios_documented_fields() {
    let mut receiver = Receiver::twiml().await;
    let emu = emulator(&receiver.url("/webhooks/twilio/sms?tenant=acme")).await;

    let delivery = emu.send_inbound(InboundRequest::text(CUSTOMER, OUR_SMS, "Hello there")).await.expect("delivered");
    assert_eq!(delivery.status, 200);
    assert!(delivery.body.contains("<Response/>"));
    assert_eq!(delivery.content_type.as_deref(), Some("text/xml"));

    let request = receiver.next().await;
    assert_eq!(request.uri, "/webhooks/twilio/sms?tenant=acme");
    assert!(request.is_signed_with(TOKEN, &receiver.base_url), "{request:?}");
    assert_eq!(request.header("content-type").as_deref(), Some("application/x-www-form-urlencoded"));
    assert_eq!(request.header("user-agent").as_deref(), Some("TwilioProxy/1.1"));
    assert!(request.header("i-twilio-idempotency-token").is_some_and(|t| !t.is_empty()));

    let sid = delivery.message_sid.as_str();
    assert!(sid.starts_with("SM") && sid.len() == 34, "{sid}");
    for (name, value) in [
        ("MessageSid", sid),
        ("SmsMessageSid", sid),
        ("SmsSid", sid),
        ("AccountSid", ACCOUNT),
        ("From", CUSTOMER),
        ("To", OUR_SMS),
        ("Body", "Hello there"),
        ("NumMedia", "0"),
        ("NumSegments", "1"),
        ("SmsStatus", "received"),
        ("ApiVersion", "2010-04-01"),
        ("FromCountry", "US"),
        ("ToCountry", "US"),
    ] {
        assert_eq!(request.param(name).as_deref(), Some(value), "{name}");
    }
    for name in ["FromCity", "FromState", "FromZip", "ToCity", "ToState", "ToZip"] {
        assert!(request.param(name).is_some(), "{name} is missing");
    }
    assert_eq!(request.param("MessagingServiceSid"), None);
    assert_eq!(request.param("WaId"), None);
}

#[tokio::test]
async fn inbound_media_is_listed_with_urls_and_content_types_under_an_mm_sid() {
    let mut receiver = Receiver::twiml().await;
    let emu = emulator(&receiver.url("/hook")).await;
    let msg = InboundRequest {
        media: vec![
            ("http://127.0.0.1:9/media/cat.jpg".into(), "image/jpeg".into()),
            ("http://127.0.0.1:9/media/doc.pdf".into(), "application/pdf".into()),
        ],
        ..InboundRequest::text(CUSTOMER, OUR_SMS, "")
    };
    let delivery = emu.send_inbound(msg).await.expect("delivered");
    assert!(delivery.message_sid.starts_with("MM"));

    let request = receiver.next().await;
    assert!(request.is_signed_with(TOKEN, &receiver.base_url));
    assert_eq!(request.param("NumMedia").as_deref(), Some("2"));
    assert_eq!(request.param("MediaUrl0").as_deref(), Some("http://127.0.0.1:9/media/cat.jpg"));
    assert_eq!(request.param("MediaContentType0").as_deref(), Some("image/jpeg"));
    assert_eq!(request.param("MediaUrl1").as_deref(), Some("http://127.0.0.1:9/media/doc.pdf"));
    assert_eq!(request.param("MediaContentType1").as_deref(), Some("application/pdf"));
}

#[tokio::test]
async fn an_inbound_whatsapp_message_carries_the_profile_name_and_wa_id() {
    let mut receiver = Receiver::twiml().await;
    let emu = emulator(&receiver.url("/hook")).await;
    let msg = InboundRequest {
        profile_name: Some("Ada Lovelace".into()),
        ..InboundRequest::text(CUSTOMER_WHATSAPP, OUR_WHATSAPP, "Hi on WhatsApp")
    };
    emu.send_inbound(msg).await.expect("delivered");

    let request = receiver.next().await;
    assert!(request.is_signed_with(TOKEN, &receiver.base_url));
    assert_eq!(request.param("From").as_deref(), Some(CUSTOMER_WHATSAPP));
    assert_eq!(request.param("To").as_deref(), Some(OUR_WHATSAPP));
    assert_eq!(request.param("ProfileName").as_deref(), Some("Ada Lovelace"));
    assert_eq!(request.param("WaId").as_deref(), Some("447700900123"));
    assert_eq!(request.param("MessageType").as_deref(), Some("text"));
    assert_eq!(request.param("Body").as_deref(), Some("Hi on WhatsApp"));
}

#[tokio::test]
async fn a_redelivery_repeats_the_first_request_byte_for_byte() {
    let mut receiver = Receiver::twiml().await;
    let emu = emulator(&receiver.url("/hook")).await;
    let first = emu.send_inbound(InboundRequest::text(CUSTOMER, OUR_SMS, "again?")).await.unwrap();
    let again = emu.redeliver(&first.message_sid).await.unwrap();
    assert_eq!(again.message_sid, first.message_sid);

    let (a, b) = (receiver.next().await, receiver.next().await);
    assert_eq!(a.body, b.body);
    assert_eq!(a.uri, b.uri);
    for header in ["x-twilio-signature", "i-twilio-idempotency-token"] {
        assert_eq!(a.header(header), b.header(header), "{header}");
    }
    assert!(matches!(emu.redeliver("SMnope").await, Err(EmulatorError::UnknownMessage(_))));
}

#[tokio::test]
async fn inbound_to_an_unknown_number_or_a_non_loopback_webhook_is_an_error() {
    let emu = emulator("http://127.0.0.1:9/unused").await;
    let unknown = emu.send_inbound(InboundRequest::text(CUSTOMER, "+14155550111", "hi")).await;
    assert_eq!(unknown.unwrap_err(), EmulatorError::UnknownNumber("+14155550111".into()));

    emu.add_number(ACCOUNT, "+14155550122", "http://192.0.2.1/hook");
    let remote = emu.send_inbound(InboundRequest::text(CUSTOMER, "+14155550122", "hi")).await;
    assert!(matches!(remote, Err(EmulatorError::Http(_))), "{remote:?}");
}

#[tokio::test]
async fn a_customer_who_texted_stop_cannot_be_messaged_until_they_text_start() {
    let receiver = Receiver::twiml().await;
    let emu = emulator(&receiver.url("/hook")).await;
    let params = [("To", CUSTOMER), ("From", OUR_SMS), ("Body", "promo")];

    emu.send_inbound(InboundRequest::text(CUSTOMER, OUR_SMS, " Stop ")).await.unwrap();
    let refused = send(&emu, &params).await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.json["code"], 21610);
    assert_eq!(refused.json["message"], "Attempt to send to unsubscribed recipient");

    emu.send_inbound(InboundRequest::text(CUSTOMER, OUR_SMS, "start")).await.unwrap();
    assert_eq!(send(&emu, &params).await.status, 201);
}
