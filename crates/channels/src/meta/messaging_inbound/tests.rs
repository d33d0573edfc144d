//! Parsing tests over Messenger and Instagram webhook bodies as Meta documents them.

use serde_json::{Value, json};
use switchboard_domain::content::Content;
use switchboard_domain::inbound::InboundEvent;
use switchboard_domain::{ChannelId, ChannelKind, IdentityKind, MessageStatus};

use super::parse;
use crate::adapter::{ChannelContext, ParseError};

const PAGE: &str = "106540352242922";

fn channel(kind: ChannelKind) -> ChannelContext {
    ChannelContext {
        channel_id: ChannelId::new(),
        kind,
        address: PAGE.into(),
        external_id: Some(PAGE.into()),
        credentials: json!({}),
        settings: json!({}),
        public_url: "https://hub.example.com".into(),
    }
}

fn webhook(object: &str, event: Value) -> Vec<u8> {
    let mut event = event;
    event["sender"] = json!({ "id": "6783456789012345" });
    event["recipient"] = json!({ "id": PAGE });
    event["timestamp"] = json!(1749416383000_i64);
    json!({ "object": object, "entry": [{ "id": PAGE, "time": 1749416383000_i64, "messaging": [event] }] })
        .to_string()
        .into_bytes()
}

fn events(kind: ChannelKind, event: Value) -> Vec<InboundEvent> {
    let object = if kind == ChannelKind::Instagram { "instagram" } else { "page" };
    parse(&channel(kind), &webhook(object, event)).unwrap()
}

fn only_message(kind: ChannelKind, event: Value) -> switchboard_domain::inbound::InboundMessage {
    match events(kind, event).as_slice() {
        [InboundEvent::Message(message)] => message.clone(),
        other => panic!("expected one message, got {other:?}"),
    }
}

#[test]
fn a_messenger_text_comes_from_the_sender_s_page_scoped_id() {
    let message = only_message(ChannelKind::Messenger, json!({ "message": { "mid": "m_1", "text": "Are you open?" } }));
    assert_eq!(message.provider_message_id, "m_1");
    assert_eq!(message.text, "Are you open?");
    assert_eq!(message.from.kind, IdentityKind::Messenger);
    assert_eq!(message.from.value, "6783456789012345");
    assert_eq!(message.to_address, PAGE);
}

#[test]
fn an_instagram_sender_is_an_instagram_identity() {
    let message = only_message(ChannelKind::Instagram, json!({ "message": { "mid": "aWdfZAG1", "text": "Hi" } }));
    assert_eq!(message.from.kind, IdentityKind::Instagram);
}

#[test]
fn attachments_quick_replies_and_replies_are_kept() {
    let photo = only_message(
        ChannelKind::Messenger,
        json!({ "message": { "mid": "m_2",
        "attachments": [{ "type": "image", "payload": { "url": "https://scontent.example/photo.jpg" } }] } }),
    );
    assert_eq!(photo.attachments[0].url, "https://scontent.example/photo.jpg");
    assert_eq!(photo.attachments[0].content_type.as_deref(), Some("image/*"));

    let quick = only_message(
        ChannelKind::Messenger,
        json!({ "message": { "mid": "m_3", "text": "Tuesday",
        "quick_reply": { "payload": "DAY_TUE" } } }),
    );
    assert_eq!(
        quick.content,
        Some(Content::Choice { id: "DAY_TUE".into(), title: "Tuesday".into(), description: None })
    );

    let reply = only_message(
        ChannelKind::Messenger,
        json!({ "message": { "mid": "m_4", "text": "This one",
        "reply_to": { "mid": "m_OURS" } } }),
    );
    assert_eq!(reply.reply_to.as_deref(), Some("m_OURS"));
}

#[test]
fn instagram_story_replies_and_mentions_are_kept() {
    let reply = only_message(
        ChannelKind::Instagram,
        json!({ "message": { "mid": "aWd1", "text": "Love it",
        "reply_to": { "story": { "url": "https://lookaside.example/story", "id": "17900000000000001" } } } }),
    );
    assert_eq!(reply.text, "Love it");
    assert_eq!(
        reply.content,
        Some(Content::StoryReply {
            story_id: "17900000000000001".into(),
            story_url: Some("https://lookaside.example/story".into())
        })
    );
    let mention = only_message(
        ChannelKind::Instagram,
        json!({ "message": { "mid": "aWd2",
        "attachments": [{ "type": "story_mention", "payload": { "url": "https://lookaside.example/mention" } }] } }),
    );
    assert_eq!(mention.content, Some(Content::StoryMention { story_url: "https://lookaside.example/mention".into() }));
    assert!(mention.attachments.is_empty());
}

#[test]
fn a_postback_is_the_choice_of_a_button() {
    let message = only_message(
        ChannelKind::Messenger,
        json!({ "postback": { "title": "Book a table", "payload": "BOOK", "mid": "m_5" } }),
    );
    assert_eq!(message.provider_message_id, "m_5");
    assert_eq!(
        message.content,
        Some(Content::Choice { id: "BOOK".into(), title: "Book a table".into(), description: None })
    );
}

#[test]
fn reactions_added_and_removed_name_the_message() {
    let added = only_message(
        ChannelKind::Instagram,
        json!({ "reaction": { "mid": "aWdOURS", "action": "react", "reaction": "love", "emoji": "❤️" } }),
    );
    assert_eq!(added.content, Some(Content::Reaction { to: "aWdOURS".into(), emoji: Some("❤️".into()) }));
    let removed =
        only_message(ChannelKind::Instagram, json!({ "reaction": { "mid": "aWdOURS", "action": "unreact" } }));
    assert_eq!(removed.content, Some(Content::Reaction { to: "aWdOURS".into(), emoji: None }));
}

#[test]
fn echoes_of_our_own_sends_are_skipped() {
    assert!(
        events(
            ChannelKind::Messenger,
            json!({ "message": { "mid": "m_6", "text": "Our reply", "is_echo": true, "app_id": 1 } })
        )
        .is_empty()
    );
}

#[test]
fn deliveries_and_reads_advance_our_messages() {
    let delivered = events(
        ChannelKind::Messenger,
        json!({ "delivery": { "mids": ["m_A", "m_B"], "watermark": 1749416383000_i64 } }),
    );
    let statuses: Vec<_> = delivered
        .iter()
        .map(|e| match e {
            InboundEvent::Status(s) => (s.provider_message_id.as_str(), s.status),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(statuses, [("m_A", MessageStatus::Delivered), ("m_B", MessageStatus::Delivered)]);
    let read = events(ChannelKind::Instagram, json!({ "read": { "mid": "aWdOURS" } }));
    assert!(matches!(read.as_slice(), [InboundEvent::Status(s)] if s.status == MessageStatus::Read));
    let up_to = events(ChannelKind::Messenger, json!({ "read": { "watermark": 1749416383000_i64 } }));
    assert!(
        matches!(up_to.as_slice(), [InboundEvent::ReadUpTo(r)] if r.up_to == 1749416383000 && r.reader.value == "6783456789012345"),
        "{up_to:?}"
    );
}

#[test]
fn a_page_webhook_sent_to_an_instagram_channel_is_refused() {
    let body = webhook("page", json!({ "message": { "mid": "m_7", "text": "hi" } }));
    assert!(matches!(parse(&channel(ChannelKind::Instagram), &body), Err(ParseError::WrongChannelKind { .. })));
}
