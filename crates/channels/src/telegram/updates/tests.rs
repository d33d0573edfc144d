//! Updates as Telegram documents them, parsed.

use serde_json::{Value, json};
use switchboard_domain::inbound::InboundEvent;
use switchboard_domain::{ChannelId, ChannelKind, Content};

use super::parse;
use crate::adapter::{ChannelContext, ParseError};

fn channel() -> ChannelContext {
    ChannelContext {
        channel_id: ChannelId::new(),
        kind: ChannelKind::Telegram,
        address: "clinic_bot".into(),
        external_id: None,
        credentials: json!({}),
        settings: json!({}),
        public_url: "https://hub.example".into(),
    }
}

fn ann() -> Value {
    json!({ "id": 111222333, "is_bot": false, "first_name": "Ann", "last_name": "Lee", "language_code": "en" })
}

fn private_message(id: i64, extra: Value) -> Value {
    let mut message = json!({
        "message_id": id,
        "from": ann(),
        "chat": { "id": 111222333, "first_name": "Ann", "last_name": "Lee", "type": "private" },
        "date": 1764500000,
    });
    message.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    message
}

fn events(update: Value) -> Vec<InboundEvent> {
    parse(&channel(), update.to_string().as_bytes()).expect("parses")
}

fn only_message(update: Value) -> switchboard_domain::inbound::InboundMessage {
    match events(update).as_slice() {
        [InboundEvent::Message(message)] => message.clone(),
        other => panic!("expected one message, got {other:?}"),
    }
}

#[test]
fn a_text_message_is_keyed_by_chat_and_names_its_sender() {
    let message =
        only_message(json!({ "update_id": 10, "message": private_message(5, json!({ "text": "Hi there" })) }));
    assert_eq!(message.provider_message_id, "111222333:5");
    assert_eq!(message.from.value, "111222333");
    assert_eq!(message.profile_name.as_deref(), Some("Ann Lee"));
    assert_eq!(message.to_address, "clinic_bot");
    assert_eq!(message.text, "Hi there");
}

#[test]
fn a_hidden_link_is_written_out() {
    let extra = json!({
        "text": "See this page please",
        "entities": [{ "type": "text_link", "offset": 4, "length": 9, "url": "https://shop.example/p" }],
    });
    let message = only_message(json!({ "update_id": 1, "message": private_message(6, extra) }));
    assert_eq!(message.text, "See this page (https://shop.example/p) please");
}

#[test]
fn start_with_a_payload_carries_the_reference() {
    let extra =
        json!({ "text": "/start c_abc-123", "entities": [{ "type": "bot_command", "offset": 0, "length": 6 }] });
    let message = only_message(json!({ "update_id": 2, "message": private_message(1, extra) }));
    assert_eq!(message.referral.map(|r| r.reference).as_deref(), Some("c_abc-123"));
    let plain = json!({ "text": "/start", "entities": [{ "type": "bot_command", "offset": 0, "length": 6 }] });
    assert_eq!(only_message(json!({ "update_id": 3, "message": private_message(2, plain) })).referral, None);
}

#[test]
fn a_photo_is_its_largest_size_fetched_later() {
    let extra = json!({
        "caption": "the rash",
        "photo": [
            { "file_id": "small", "file_unique_id": "s", "width": 90, "height": 60, "file_size": 1200 },
            { "file_id": "large", "file_unique_id": "l", "width": 1280, "height": 853, "file_size": 98000 },
        ],
    });
    let message = only_message(json!({ "update_id": 4, "message": private_message(7, extra) }));
    assert_eq!(message.text, "the rash");
    assert_eq!(message.attachments.len(), 1);
    assert_eq!(message.attachments[0].provider_media_id.as_deref(), Some("large"));
    assert!(message.attachments[0].awaits_fetch());
}

#[test]
fn documents_voice_stickers_locations_and_contacts_are_understood() {
    let document = json!({ "document": { "file_id": "d1", "file_unique_id": "d", "file_name": "form.pdf", "mime_type": "application/pdf", "file_size": 5 } });
    let message = only_message(json!({ "update_id": 5, "message": private_message(8, document) }));
    assert_eq!(message.attachments[0].filename.as_deref(), Some("form.pdf"));
    let voice = json!({ "voice": { "file_id": "v1", "file_unique_id": "v", "duration": 3, "mime_type": "audio/ogg" } });
    let message = only_message(json!({ "update_id": 6, "message": private_message(9, voice) }));
    assert_eq!(message.attachments[0].content_type.as_deref(), Some("audio/ogg"));
    let sticker = json!({ "sticker": { "file_id": "st", "file_unique_id": "s", "type": "regular", "width": 512, "height": 512, "is_animated": false, "is_video": false, "emoji": "👍" } });
    assert_eq!(
        only_message(json!({ "update_id": 7, "message": private_message(10, sticker) })).content,
        Some(Content::Sticker)
    );
    let location = json!({ "location": { "latitude": 52.52, "longitude": 13.405 } });
    let message = only_message(json!({ "update_id": 8, "message": private_message(11, location) }));
    assert!(matches!(message.content, Some(Content::Location { latitude, .. }) if latitude == 52.52));
    let contact = json!({ "contact": { "phone_number": "+14155550100", "first_name": "Bo", "user_id": 5 } });
    let message = only_message(json!({ "update_id": 9, "message": private_message(12, contact) }));
    assert!(
        matches!(message.content, Some(Content::Contacts { contacts }) if contacts[0]["phone_number"] == "+14155550100")
    );
}

#[test]
fn a_reply_names_the_message_it_answers() {
    let earlier = private_message(3, json!({ "text": "Your visit is at 9" }));
    let message = only_message(json!({
        "update_id": 11,
        "message": private_message(13, json!({ "text": "Thanks", "reply_to_message": earlier })),
    }));
    assert_eq!(message.reply_to.as_deref(), Some("111222333:3"));
}

#[test]
fn an_edit_replaces_the_text_of_the_same_message() {
    let edited = private_message(5, json!({ "text": "Hi there, Ann here", "edit_date": 1764500100 }));
    match events(json!({ "update_id": 12, "edited_message": edited })).as_slice() {
        [InboundEvent::Edit(edit)] => {
            assert_eq!(edit.provider_message_id, "111222333:5");
            assert_eq!(edit.text, "Hi there, Ann here");
            assert_eq!(edit.edited_at, 1764500100000);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_pressed_button_is_the_choice_with_its_title() {
    let ours = json!({
        "message_id": 20,
        "from": { "id": 999, "is_bot": true, "first_name": "Clinic", "username": "clinic_bot" },
        "chat": { "id": 111222333, "type": "private", "first_name": "Ann" },
        "date": 1764500000,
        "text": "Still on for Friday?",
        "reply_markup": { "inline_keyboard": [[{ "text": "Yes, see you", "callback_data": "confirm" }]] },
    });
    let update = json!({ "update_id": 13, "callback_query": {
        "id": "4382bfdwdsb323b2d9", "from": ann(), "message": ours, "chat_instance": "-1", "data": "confirm",
    }});
    let message = only_message(update);
    assert_eq!(message.provider_message_id, "callback:4382bfdwdsb323b2d9");
    assert_eq!(message.text, "Yes, see you");
    assert_eq!(message.reply_to.as_deref(), Some("111222333:20"));
    assert_eq!(
        message.content,
        Some(Content::Choice { id: "confirm".into(), title: "Yes, see you".into(), description: None })
    );
}

#[test]
fn blocking_the_bot_makes_the_customer_unreachable_and_unblocking_reachable() {
    let member = |status: &str| {
        json!({ "update_id": 14, "my_chat_member": {
            "chat": { "id": 111222333, "type": "private", "first_name": "Ann" },
            "from": ann(),
            "date": 1764500000,
            "old_chat_member": { "user": { "id": 999, "is_bot": true, "first_name": "Clinic" }, "status": "member" },
            "new_chat_member": { "user": { "id": 999, "is_bot": true, "first_name": "Clinic" }, "status": status, "until_date": 0 },
        }})
    };
    match events(member("kicked")).as_slice() {
        [InboundEvent::Consent(c)] => {
            assert!(c.opted_out && c.who.value == "111222333" && c.reason == "blocked the bot")
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(events(member("member")).as_slice(), [InboundEvent::Consent(c)] if !c.opted_out));
}

#[test]
fn an_update_we_do_not_handle_is_kept_as_unsupported() {
    let poll = json!({ "update_id": 15, "poll": { "id": "1", "question": "?", "options": [] } });
    assert!(matches!(events(poll).as_slice(), [InboundEvent::Unsupported(u)] if u.what == "poll"));
    let group = json!({ "update_id": 16, "message": {
        "message_id": 1, "from": ann(), "chat": { "id": -100, "type": "group", "title": "Fans" }, "date": 1, "text": "hi",
    }});
    assert!(
        matches!(events(group).as_slice(), [InboundEvent::Unsupported(u)] if u.what == "message from a group or channel")
    );
}

#[test]
fn an_update_without_an_id_is_malformed() {
    let error = parse(&channel(), br#"{"message":{}}"#).unwrap_err();
    assert!(matches!(error, ParseError::Malformed(ref m) if m.contains("update_id")), "{error}");
    assert!(parse(&channel(), b"not json").is_err());
}
