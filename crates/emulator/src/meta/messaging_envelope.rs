//! The shape of every Messenger Platform webhook: `{"object":"page"|"instagram","entry":[{"id",
//! "time","messaging":[{"sender":{"id"},"recipient":{"id"},"timestamp",<event>}]}]}`, with the
//! events this emulator plays (`message`, `postback`, `reaction`, `read`, `delivery`), encoded
//! as Meta encodes webhook bodies.

use serde::Serialize;

use super::messaging_types::MessagingPlatform;
use super::meta_json::to_meta_json;

#[derive(Serialize)]
struct Notification<'a> {
    object: &'static str,
    entry: [Entry<'a>; 1],
}

#[derive(Serialize)]
struct Entry<'a> {
    id: &'a str,
    time: u64,
    messaging: [Event; 1],
}

/// `{"id": …}` of a sender or recipient.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Party {
    pub id: String,
}

/// One entry of `messaging`.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Event {
    pub sender: Party,
    pub recipient: Party,
    /// Absent from delivery receipts, as in Meta's reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<u64>,
    #[serde(flatten)]
    pub body: EventBody,
}

/// What happened, under the key Meta names it with.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum EventBody {
    Message(Message),
    Postback(Postback),
    Reaction(Reaction),
    Read(Read),
    Delivery(Delivery),
}

/// `message`, from the person or (`is_echo`) from the account.
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct Message {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_echo: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
    pub mid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quick_reply: Option<QuickReply>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<ReplyTo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<Attachment>>,
    /// Echoes repeat the quick replies the account offered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quick_replies: Option<serde_json::Value>,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct QuickReply {
    pub payload: String,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct ReplyTo {
    pub story: Story,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct Story {
    pub url: String,
    pub id: String,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct Attachment {
    #[serde(rename = "type")]
    pub kind: String,
    pub payload: AttachmentPayload,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct AttachmentPayload {
    pub url: String,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct Postback {
    pub mid: String,
    pub title: String,
    pub payload: String,
}

/// `reaction`; `reaction` and `emoji` are absent when the person took theirs back.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Reaction {
    pub mid: String,
    pub action: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reaction: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emoji: Option<String>,
}

/// `read`: Instagram names the message (`mid`), Messenger gives a `watermark`.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Read {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub watermark: Option<u64>,
}

/// `delivery` (Messenger only).
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Delivery {
    pub mids: Vec<String>,
    pub watermark: u64,
}

/// The full webhook body for one event of `account_id`, sent at `time` (Unix ms).
pub(crate) fn encode(platform: MessagingPlatform, account_id: &str, time: u64, event: Event) -> String {
    let notification =
        Notification { object: platform.webhook_object(), entry: [Entry { id: account_id, time, messaging: [event] }] };
    to_meta_json(&notification)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_follow_the_reference_order() {
        let event = Event {
            sender: Party { id: "P".into() },
            recipient: Party { id: "A".into() },
            timestamp: Some(2),
            body: EventBody::Message(Message { mid: "m_1".into(), text: Some("hi".into()), ..Message::default() }),
        };
        let expected = concat!(
            r#"{"object":"page","entry":[{"id":"A","time":1,"messaging":[{"sender":{"id":"P"},"#,
            r#""recipient":{"id":"A"},"timestamp":2,"message":{"mid":"m_1","text":"hi"}}]}]}"#
        );
        assert_eq!(encode(MessagingPlatform::Messenger, "A", 1, event), expected);
    }
}
