//! Parsing tests over real Twilio webhook bodies, plus properties of the form parser.

use proptest::prelude::*;
use switchboard_domain::{ChannelId, IdentityKind};

use super::*;

fn channel(kind: ChannelKind) -> ChannelContext {
    ChannelContext {
        channel_id: ChannelId::new(),
        kind,
        address: "+14155550100".into(),
        external_id: None,
        credentials: serde_json::json!({}),
        settings: serde_json::json!({}),
        public_url: "https://hub.example.com".into(),
    }
}

fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
    form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish().into_bytes()
}

#[test]
fn an_incoming_whatsapp_message_with_media_and_profile_name_is_parsed() {
    let body = form(&[
        ("SmsMessageSid", "MM0123456789abcdef0123456789abcdef"),
        ("NumMedia", "2"),
        ("ProfileName", "Ana Lima"),
        ("MessageType", "image"),
        ("SmsSid", "MM0123456789abcdef0123456789abcdef"),
        ("WaId", "14155550123"),
        ("SmsStatus", "received"),
        ("Body", "Is this the right one?"),
        ("To", "whatsapp:+14155550100"),
        ("NumSegments", "1"),
        ("MessageSid", "MM0123456789abcdef0123456789abcdef"),
        ("AccountSid", "AC0123456789abcdef0123456789abcdef"),
        ("From", "whatsapp:+14155550123"),
        ("MediaUrl0", "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"),
        ("MediaContentType0", "image/jpeg"),
        ("MediaUrl1", "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME2"),
        ("MediaContentType1", "application/pdf"),
        ("ApiVersion", "2010-04-01"),
    ]);
    let events = parse(&channel(ChannelKind::Whatsapp), &body).unwrap();
    let [InboundEvent::Message(message)] = events.as_slice() else { panic!("{events:?}") };
    assert_eq!(message.provider_message_id, "MM0123456789abcdef0123456789abcdef");
    assert_eq!(message.from.kind, IdentityKind::Phone);
    assert_eq!(message.from.value, "+14155550123");
    assert_eq!(message.from_address, "whatsapp:+14155550123");
    assert_eq!(message.profile_name.as_deref(), Some("Ana Lima"));
    assert_eq!(message.text, "Is this the right one?");
    assert_eq!(message.attachments.len(), 2);
    assert_eq!(message.attachments[1].content_type.as_deref(), Some("application/pdf"));
}

#[test]
fn a_whatsapp_message_sent_to_an_sms_channel_is_refused_with_a_hint() {
    let body = form(&[("MessageSid", "SM1"), ("From", "whatsapp:+14155550123"), ("Body", "hi")]);
    let err = parse(&channel(ChannelKind::Sms), &body).unwrap_err();
    assert!(err.to_string().contains("point the provider at that channel's webhook URL"), "{err}");
}

#[test]
fn status_callbacks_map_twilio_states_and_keep_the_error_code() {
    let body = form(&[("MessageSid", "SM9"), ("MessageStatus", "undelivered"), ("ErrorCode", "30003")]);
    let events = parse(&channel(ChannelKind::Sms), &body).unwrap();
    let [InboundEvent::Status(update)] = events.as_slice() else { panic!("{events:?}") };
    assert_eq!(update.status, MessageStatus::Failed);
    assert_eq!(update.error_code.as_deref(), Some("30003"));
    let sending = form(&[("MessageSid", "SM9"), ("MessageStatus", "sending")]);
    assert!(parse(&channel(ChannelKind::Sms), &sending).unwrap().is_empty());
}

#[test]
fn a_webhook_without_a_message_sid_or_with_missing_media_is_malformed() {
    assert!(parse(&channel(ChannelKind::Sms), &form(&[("From", "+14155550123")])).is_err());
    let body = form(&[("MessageSid", "SM1"), ("From", "+14155550123"), ("NumMedia", "1")]);
    assert!(parse(&channel(ChannelKind::Sms), &body).unwrap_err().to_string().contains("MediaUrl0"));
    let body = form(&[("MessageSid", "SM1"), ("From", "+1"), ("Body", "x")]);
    assert!(parse(&channel(ChannelKind::Sms), &body).is_err());
}

proptest! {
    #[test]
    fn any_body_and_profile_name_survive_form_encoding(text in "\\PC{0,300}", name in "[^\\s]\\PC{0,30}") {
        let body = form(&[("MessageSid", "SM1"), ("From", "+14155550123"), ("Body", &text), ("ProfileName", &name)]);
        let events = parse(&channel(ChannelKind::Sms), &body).unwrap();
        let [InboundEvent::Message(message)] = events.as_slice() else { panic!() };
        prop_assert_eq!(&message.text, &text);
        prop_assert_eq!(message.profile_name.as_deref(), Some(name.trim()));
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_parser(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse(&channel(ChannelKind::Sms), &bytes);
    }
}
