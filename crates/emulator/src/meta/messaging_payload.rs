//! The events of a Messenger Platform conversation: what a person does ([`person_event`]), and
//! what follows a message the Send API accepted (its echo, delivery receipt and read receipt).

use serde_json::Value;

use super::messaging_envelope::{
    Attachment, AttachmentPayload, Delivery, Event, EventBody, Message, Party, Postback, QuickReply, Reaction, Read,
    ReplyTo, Story,
};
use super::messaging_types::{MessagingContent, MessagingPlatform};

/// The `reaction` name Meta gives an emoji: Messenger's `smile|angry|sad|wow|love|like|dislike|other`,
/// Instagram's `laugh|angry|sad|wow|love|like|other`.
pub(crate) fn reaction_name(platform: MessagingPlatform, emoji: &str) -> &'static str {
    match emoji.trim_end_matches('\u{fe0f}') {
        "\u{2764}" | "\u{1f60d}" => "love",
        "\u{1f606}" | "\u{1f602}" | "\u{1f604}" => match platform {
            MessagingPlatform::Messenger => "smile",
            MessagingPlatform::Instagram => "laugh",
        },
        "\u{1f62e}" | "\u{1f632}" => "wow",
        "\u{1f622}" | "\u{1f62d}" => "sad",
        "\u{1f620}" | "\u{1f621}" => "angry",
        "\u{1f44d}" => "like",
        "\u{1f44e}" if platform == MessagingPlatform::Messenger => "dislike",
        _ => "other",
    }
}

fn attachment(kind: &str, url: &str) -> Vec<Attachment> {
    vec![Attachment { kind: kind.to_owned(), payload: AttachmentPayload { url: url.to_owned() } }]
}

/// The event a person's `content` produces, with `mid` as the id of the new message (unused by
/// reactions and reads, which name the message they are about).
pub(crate) fn person_event(
    platform: MessagingPlatform,
    account_id: &str,
    person_id: &str,
    content: &MessagingContent,
    mid: &str,
    app_id: u64,
    now: u64,
) -> Event {
    let message =
        |text: Option<&str>| Message { mid: mid.to_owned(), text: text.map(str::to_owned), ..Message::default() };
    let body = match content {
        MessagingContent::Text(text) => EventBody::Message(message(Some(text))),
        MessagingContent::Attachment { kind, url } => {
            EventBody::Message(Message { attachments: Some(attachment(kind, url)), ..message(None) })
        }
        MessagingContent::QuickReply { text, payload } => EventBody::Message(Message {
            quick_reply: Some(QuickReply { payload: payload.clone() }),
            ..message(Some(text))
        }),
        MessagingContent::Postback { title, payload } => {
            EventBody::Postback(Postback { mid: mid.to_owned(), title: title.clone(), payload: payload.clone() })
        }
        MessagingContent::Reaction { mid: reacted, emoji } => EventBody::Reaction(Reaction {
            mid: reacted.clone(),
            action: if emoji.is_some() { "react" } else { "unreact" },
            reaction: emoji.as_deref().map(|e| reaction_name(platform, e)),
            emoji: emoji.clone(),
        }),
        MessagingContent::StoryReply { text, story_url, story_id } => EventBody::Message(Message {
            reply_to: Some(ReplyTo { story: Story { url: story_url.clone(), id: story_id.clone() } }),
            ..message(Some(text))
        }),
        MessagingContent::StoryMention { url } => {
            EventBody::Message(Message { attachments: Some(attachment("story_mention", url)), ..message(None) })
        }
        MessagingContent::Echo { mid: echoed, text } => {
            let echo = Message { mid: echoed.clone(), text: Some(text.clone()), ..Message::default() };
            return echo_event(account_id, person_id, echo, app_id, now);
        }
        MessagingContent::Read { mid: read } => return read_event(platform, account_id, person_id, read, now),
    };
    Event {
        sender: Party { id: person_id.to_owned() },
        recipient: Party { id: account_id.to_owned() },
        timestamp: Some(now),
        body,
    }
}

/// The id of the message an event is about: its own, or the one reacted to or read.
pub(crate) fn event_mid(content: &MessagingContent, new_mid: &str) -> String {
    match content {
        MessagingContent::Reaction { mid, .. }
        | MessagingContent::Echo { mid, .. }
        | MessagingContent::Read { mid } => mid.clone(),
        _ => new_mid.to_owned(),
    }
}

fn echo_event(account_id: &str, person_id: &str, message: Message, app_id: u64, now: u64) -> Event {
    Event {
        sender: Party { id: account_id.to_owned() },
        recipient: Party { id: person_id.to_owned() },
        timestamp: Some(now),
        body: EventBody::Message(Message { is_echo: Some(true), app_id: Some(app_id), ..message }),
    }
}

/// The echo of a message the Send API accepted (`request` is its body).
pub(crate) fn send_echo(account_id: &str, person_id: &str, mid: &str, request: &Value, app_id: u64, now: u64) -> Event {
    let sent = &request["message"];
    let attachments = sent["attachment"].as_object().map(|a| {
        let kind = a.get("type").and_then(Value::as_str).unwrap_or("file").to_ascii_lowercase();
        attachment(&kind, a.get("payload").and_then(|p| p["url"].as_str()).unwrap_or_default())
    });
    let message = Message {
        metadata: sent["metadata"].as_str().map(str::to_owned),
        mid: mid.to_owned(),
        text: sent["text"].as_str().map(str::to_owned),
        attachments,
        quick_replies: sent.get("quick_replies").cloned(),
        ..Message::default()
    };
    echo_event(account_id, person_id, message, app_id, now)
}

/// Messenger's delivery receipt for `mid`.
pub(crate) fn delivery_event(account_id: &str, person_id: &str, mid: &str, now: u64) -> Event {
    Event {
        sender: Party { id: person_id.to_owned() },
        recipient: Party { id: account_id.to_owned() },
        timestamp: None,
        body: EventBody::Delivery(Delivery { mids: vec![mid.to_owned()], watermark: now }),
    }
}

/// The person read the account's messages up to `mid`.
pub(crate) fn read_event(platform: MessagingPlatform, account_id: &str, person_id: &str, mid: &str, now: u64) -> Event {
    let read = match platform {
        MessagingPlatform::Instagram => Read { mid: Some(mid.to_owned()), watermark: None },
        MessagingPlatform::Messenger => Read { mid: None, watermark: Some(now) },
    };
    Event {
        sender: Party { id: person_id.to_owned() },
        recipient: Party { id: account_id.to_owned() },
        timestamp: Some(now),
        body: EventBody::Read(read),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emojis_get_each_platforms_reaction_name() {
        assert_eq!(reaction_name(MessagingPlatform::Messenger, "\u{2764}\u{fe0f}"), "love");
        assert_eq!(reaction_name(MessagingPlatform::Instagram, "\u{1f602}"), "laugh");
        assert_eq!(reaction_name(MessagingPlatform::Messenger, "\u{1f602}"), "smile");
        assert_eq!(reaction_name(MessagingPlatform::Instagram, "\u{1f44e}"), "other");
        assert_eq!(reaction_name(MessagingPlatform::Messenger, "\u{1f44e}"), "dislike");
    }
}
