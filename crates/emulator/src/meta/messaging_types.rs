//! The public data of the Messenger Platform part (Facebook Messenger and Instagram messaging):
//! which platform an account is on, what a person sends to it, and what our side sent.

use std::time::Instant;

use serde_json::Value;

/// The app a messaging account belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MessagingPlatform {
    /// A Facebook Page; people are known by their Page-scoped ids (PSID); webhooks say `"object":"page"`.
    Messenger,
    /// An Instagram professional account; people are known by Instagram-scoped ids (IGSID);
    /// webhooks say `"object":"instagram"`.
    Instagram,
}

impl MessagingPlatform {
    /// The webhook's `object`.
    pub fn webhook_object(self) -> &'static str {
        match self {
            Self::Messenger => "page",
            Self::Instagram => "instagram",
        }
    }
}

/// Something a person does in a conversation with a messaging account (see
/// `MetaEmulator::send_messaging_inbound`).
#[derive(Clone, Debug, PartialEq)]
pub struct MessagingInbound {
    /// The platform the account is on; it must be the one the account was registered with.
    pub platform: MessagingPlatform,
    /// The Page id or Instagram professional account id.
    pub account_id: String,
    /// The person: their PSID (Messenger) or IGSID (Instagram).
    pub sender_id: String,
    /// What they did.
    pub content: MessagingContent,
}

impl MessagingInbound {
    /// A text from `sender_id` to the account.
    pub fn text(platform: MessagingPlatform, account_id: &str, sender_id: &str, text: &str) -> Self {
        Self {
            platform,
            account_id: account_id.to_owned(),
            sender_id: sender_id.to_owned(),
            content: MessagingContent::Text(text.to_owned()),
        }
    }
}

/// One webhook event of the Messenger Platform, as the person's side produces it.
#[derive(Clone, Debug, PartialEq)]
pub enum MessagingContent {
    /// `message.text`.
    Text(String),
    /// `message.attachments[0]` of this `type` (`image`, `video`, `audio`, `file`) with `payload.url`.
    Attachment { kind: String, url: String },
    /// A tapped quick reply: `message.text` and `message.quick_reply.payload`.
    QuickReply { text: String, payload: String },
    /// A `messaging_postbacks` event: a button or ice breaker was tapped.
    Postback { title: String, payload: String },
    /// A `message_reactions` event on message `mid`: `action: react` with the emoji, or
    /// `action: unreact` when `emoji` is `None`.
    Reaction { mid: String, emoji: Option<String> },
    /// Instagram: a reply to the account's story, `message.reply_to.story {url, id}`.
    StoryReply { text: String, story_url: String, story_id: String },
    /// Instagram: the person mentioned the account in their story, an attachment of type `story_mention`.
    StoryMention { url: String },
    /// A message the account sent echoed back (`is_echo: true`, sender = the account).
    Echo { mid: String, text: String },
    /// The person read the account's messages up to `mid`: Instagram's `read {mid}`,
    /// Messenger's `read {watermark}`.
    Read { mid: String },
}

/// A message our side sent through the Send API (`POST /{account_id}/messages`) and Meta accepted.
#[derive(Clone, Debug)]
pub struct MessagingSent {
    /// The `message_id` the API answered with.
    pub mid: String,
    /// The Page or Instagram account it was sent as.
    pub account_id: String,
    /// The PSID or IGSID it was sent to.
    pub recipient_id: String,
    /// The request body (form-encoded bodies as the equivalent JSON).
    pub request: Value,
    /// When the API accepted it.
    pub accepted_at: Instant,
}
