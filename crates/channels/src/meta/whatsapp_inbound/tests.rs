//! Parsing tests over webhook bodies shaped as Meta documents them, one per message type and
//! status.

use serde_json::{Value, json};
use switchboard_domain::content::Content;
use switchboard_domain::inbound::{InboundEvent, InboundMessage, StatusUpdate};
use switchboard_domain::{ChannelId, ChannelKind, IdentityKind, MessageStatus};

use super::parse;
use crate::adapter::{ChannelContext, ParseError};

const PHONE_NUMBER_ID: &str = "106540352242922";

fn channel() -> ChannelContext {
    ChannelContext {
        channel_id: ChannelId::new(),
        kind: ChannelKind::Whatsapp,
        address: "+14155550100".into(),
        external_id: Some(PHONE_NUMBER_ID.into()),
        credentials: json!({}),
        settings: json!({}),
        public_url: "https://hub.example.com".into(),
    }
}

fn webhook(value: Value) -> Vec<u8> {
    json!({
        "object": "whatsapp_business_account",
        "entry": [{ "id": "102290129340398", "changes": [{ "field": "messages", "value": value }] }]
    })
    .to_string()
    .into_bytes()
}

fn metadata() -> Value {
    json!({ "display_phone_number": "14155550100", "phone_number_id": PHONE_NUMBER_ID })
}

/// A webhook carrying one message of the given type from +1 415 555 2671.
fn message_webhook(message: Value) -> Vec<u8> {
    let mut message = message;
    message["from"] = json!("14152012671");
    message["id"] = json!("wamid.HBgLMTQxNTU1NTI2NzEVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=");
    message["timestamp"] = json!("1749416383");
    webhook(json!({
        "messaging_product": "whatsapp",
        "metadata": metadata(),
        "contacts": [{ "profile": { "name": "Sheena Nelson" }, "wa_id": "14152012671" }],
        "messages": [message]
    }))
}

fn only_message(body: &[u8]) -> InboundMessage {
    match parse(&channel(), body).unwrap().as_slice() {
        [InboundEvent::Message(message)] => message.clone(),
        other => panic!("expected one message, got {other:?}"),
    }
}

#[test]
fn a_text_message_is_parsed_with_its_sender_profile_and_our_number() {
    let message = only_message(&message_webhook(json!({ "type": "text", "text": { "body": "Is my order ready?" } })));
    assert_eq!(message.text, "Is my order ready?");
    assert_eq!(message.from.kind, IdentityKind::Phone);
    assert_eq!(message.from.value, "+14152012671");
    assert_eq!(message.from_address, "+14152012671");
    assert_eq!(message.to_address, "+14155550100");
    assert_eq!(message.profile_name.as_deref(), Some("Sheena Nelson"));
    assert!(message.provider_message_id.starts_with("wamid."));
    assert_eq!(message.content, None);
}

#[test]
fn media_messages_keep_the_media_id_type_caption_and_file_name_until_fetched() {
    let cases = [
        json!({ "type": "image", "image": { "caption": "The crack", "mime_type": "image/jpeg", "sha256": "abc", "id": "1001" } }),
        json!({ "type": "video", "video": { "mime_type": "video/mp4", "sha256": "abc", "id": "1002" } }),
        json!({ "type": "audio", "audio": { "mime_type": "audio/ogg; codecs=opus", "sha256": "abc", "id": "1003", "voice": true } }),
        json!({ "type": "document", "document": { "caption": "Invoice", "filename": "invoice.pdf", "mime_type": "application/pdf", "sha256": "abc", "id": "1004" } }),
        json!({ "type": "sticker", "sticker": { "mime_type": "image/webp", "sha256": "abc", "id": "1005", "animated": false } }),
    ];
    for (i, case) in cases.into_iter().enumerate() {
        let kind = case["type"].as_str().unwrap().to_owned();
        let message = only_message(&message_webhook(case));
        let [attachment] = message.attachments.as_slice() else { panic!("{kind}: one attachment") };
        assert_eq!(attachment.provider_media_id.as_deref(), Some(format!("100{}", i + 1).as_str()), "{kind}");
        assert!(attachment.awaits_fetch(), "{kind}: fetched later by its media id");
        assert!(attachment.content_type.is_some(), "{kind}");
        match kind.as_str() {
            "image" => assert_eq!(message.text, "The crack"),
            "document" => {
                assert_eq!(message.text, "Invoice");
                assert_eq!(attachment.filename.as_deref(), Some("invoice.pdf"));
            }
            "sticker" => assert_eq!(message.content, Some(Content::Sticker)),
            _ => assert_eq!(message.text, ""),
        }
    }
}

#[test]
fn a_location_is_kept_with_its_name_and_address() {
    let message = only_message(&message_webhook(json!({ "type": "location", "location": {
        "address": "1 Hacker Way, Menlo Park, CA 94025", "latitude": 37.483307, "longitude": -122.148981, "name": "Main office"
    } })));
    assert_eq!(
        message.content,
        Some(Content::Location {
            latitude: 37.483307,
            longitude: -122.148981,
            name: Some("Main office".into()),
            address: Some("1 Hacker Way, Menlo Park, CA 94025".into()),
        })
    );
}

#[test]
fn shared_contacts_are_kept_as_meta_sent_them() {
    let cards = json!([{ "name": { "formatted_name": "Barbara Johnson", "first_name": "Barbara" },
                         "phones": [{ "phone": "+1 (415) 555-0123", "wa_id": "14155550123", "type": "MOBILE" }] }]);
    let message = only_message(&message_webhook(json!({ "type": "contacts", "contacts": cards.clone() })));
    assert_eq!(message.content, Some(Content::Contacts { contacts: cards }));
}

#[test]
fn button_and_list_replies_carry_the_id_we_gave_and_the_title_they_saw() {
    let button = only_message(&message_webhook(json!({ "type": "interactive", "interactive": {
        "type": "button_reply", "button_reply": { "id": "confirm-42", "title": "Confirm" } } })));
    assert_eq!(button.text, "Confirm");
    assert_eq!(
        button.content,
        Some(Content::Choice { id: "confirm-42".into(), title: "Confirm".into(), description: None })
    );

    let row = only_message(&message_webhook(json!({ "type": "interactive", "interactive": {
        "type": "list_reply", "list_reply": { "id": "slot-9", "title": "9:00", "description": "Tuesday morning" } } })));
    assert_eq!(
        row.content,
        Some(Content::Choice {
            id: "slot-9".into(),
            title: "9:00".into(),
            description: Some("Tuesday morning".into())
        })
    );
}

#[test]
fn a_template_quick_reply_is_a_choice_with_its_payload() {
    let message = only_message(&message_webhook(
        json!({ "type": "button", "button": { "payload": "STOP_PROMOS", "text": "Stop promotions" } }),
    ));
    assert_eq!(message.text, "Stop promotions");
    assert_eq!(
        message.content,
        Some(Content::Choice { id: "STOP_PROMOS".into(), title: "Stop promotions".into(), description: None })
    );
}

#[test]
fn reactions_added_and_removed_name_the_message() {
    let added = only_message(&message_webhook(
        json!({ "type": "reaction", "reaction": { "message_id": "wamid.OURS", "emoji": "👍" } }),
    ));
    assert_eq!(added.content, Some(Content::Reaction { to: "wamid.OURS".into(), emoji: Some("👍".into()) }));
    for removed in [json!({ "message_id": "wamid.OURS" }), json!({ "message_id": "wamid.OURS", "emoji": "" })] {
        let message = only_message(&message_webhook(json!({ "type": "reaction", "reaction": removed })));
        assert_eq!(message.content, Some(Content::Reaction { to: "wamid.OURS".into(), emoji: None }));
    }
}

#[test]
fn a_reply_names_the_message_it_answers() {
    let message = only_message(&message_webhook(json!({
        "type": "text", "text": { "body": "Yes, that one" },
        "context": { "from": "14155550100", "id": "wamid.EARLIER" }
    })));
    assert_eq!(message.reply_to.as_deref(), Some("wamid.EARLIER"));
}

#[test]
fn unsupported_and_unknown_types_are_kept_with_meta_s_reason_and_the_raw_message() {
    let message = only_message(&message_webhook(json!({ "type": "unsupported", "errors": [{
        "code": 131051, "title": "Message type unknown", "message": "Message type unknown",
        "error_data": { "details": "Message type is currently not supported." } }] })));
    let Some(Content::Unsupported { provider_type, detail, raw }) = message.content else { panic!("unsupported") };
    assert_eq!(provider_type, "unsupported");
    assert_eq!(detail, "Message type is currently not supported.");
    assert_eq!(raw["errors"][0]["code"], 131051);

    let future = only_message(&message_webhook(json!({ "type": "hologram", "hologram": { "id": "1" } })));
    let Some(Content::Unsupported { provider_type, raw, .. }) = future.content else { panic!("unsupported") };
    assert_eq!(provider_type, "hologram");
    assert_eq!(raw["hologram"]["id"], "1");
}

fn statuses(status: Value) -> Vec<StatusUpdate> {
    let body = webhook(json!({ "messaging_product": "whatsapp", "metadata": metadata(), "statuses": [status] }));
    parse(&channel(), &body)
        .unwrap()
        .into_iter()
        .map(|event| match event {
            InboundEvent::Status(update) => update,
            other => panic!("expected a status, got {other:?}"),
        })
        .collect()
}

#[test]
fn sent_delivered_and_read_statuses_keep_conversation_and_pricing() {
    let conversation =
        json!({ "id": "4c3f7f3a0b", "expiration_timestamp": "1749502800", "origin": { "type": "service" } });
    let pricing = json!({ "billable": true, "pricing_model": "PMP", "category": "service", "type": "regular" });
    for (name, status) in
        [("sent", MessageStatus::Sent), ("delivered", MessageStatus::Delivered), ("read", MessageStatus::Read)]
    {
        let updates = statuses(json!({
            "id": "wamid.OURS", "status": name, "timestamp": "1749416400", "recipient_id": "14152012671",
            "conversation": conversation, "pricing": pricing
        }));
        assert_eq!(updates.len(), 1, "{name}");
        assert_eq!(updates[0].status, status);
        assert_eq!(updates[0].provider_message_id, "wamid.OURS");
        assert_eq!(updates[0].details, Some(json!({ "conversation": conversation, "pricing": pricing })));
        assert_eq!(updates[0].error_code, None);
    }
}

#[test]
fn a_failed_status_carries_meta_s_code_and_title() {
    let updates = statuses(json!({
        "id": "wamid.OURS", "status": "failed", "timestamp": "1749416400", "recipient_id": "14152012671",
        "errors": [{ "code": 131047, "title": "Re-engagement message", "message": "Re-engagement message",
                     "error_data": { "details": "Message failed to send because more than 24 hours have passed since the customer last replied to this number." } }]
    }));
    assert_eq!(updates[0].status, MessageStatus::Failed);
    assert_eq!(updates[0].error_code.as_deref(), Some("131047"));
    let reason = updates[0].error_reason.as_deref().unwrap();
    assert!(reason.contains("Re-engagement message") && reason.contains("24 hours"), "{reason}");
}

#[test]
fn changes_for_another_number_and_other_fields_are_left_out() {
    let mut other = metadata();
    other["phone_number_id"] = json!("999");
    let body = webhook(json!({ "messaging_product": "whatsapp", "metadata": other,
        "messages": [{ "from": "14152012671", "id": "wamid.X", "timestamp": "1", "type": "text", "text": { "body": "hi" } }] }));
    assert_eq!(parse(&channel(), &body).unwrap(), vec![]);
    let account_update = json!({ "object": "whatsapp_business_account",
        "entry": [{ "id": "1", "changes": [{ "field": "account_update", "value": { "event": "VERIFIED_ACCOUNT" } }] }] });
    assert_eq!(parse(&channel(), account_update.to_string().as_bytes()).unwrap(), vec![]);
}

#[test]
fn a_message_without_a_sender_is_malformed() {
    let body = webhook(json!({ "messaging_product": "whatsapp", "metadata": metadata(),
        "messages": [{ "id": "wamid.X", "timestamp": "1", "type": "text", "text": { "body": "hi" } }] }));
    assert!(matches!(parse(&channel(), &body), Err(ParseError::Malformed(_))));
}
