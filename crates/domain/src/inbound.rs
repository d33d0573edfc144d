//! What a provider webhook means once verified and parsed: the events every adapter produces and
//! the ingest pipeline stores, whatever the provider's wire format was.

use serde::{Deserialize, Serialize};

use crate::channel::ChannelKind;
use crate::content::Content;
use crate::email_thread::EmailDetails;
use crate::identity::Identity;
use crate::ids::ContactId;
use crate::message::{Attachment, MessageStatus};

/// One fact carried by a webhook.
// Most events are messages: boxing the largest variant would cost an allocation per message on
// the ingest path to save bytes on the rarer ones.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum InboundEvent {
    Message(InboundMessage),
    Status(StatusUpdate),
    ReadUpTo(ReadUpTo),
    Consent(ConsentReport),
    Edit(MessageEdit),
    Unsupported(UnsupportedUpdate),
}

impl InboundEvent {
    /// The provider's id of the message the event is or is about, where it names one.
    pub fn provider_message_id(&self) -> Option<&str> {
        match self {
            InboundEvent::Message(message) => Some(&message.provider_message_id),
            InboundEvent::Status(update) => Some(&update.provider_message_id),
            InboundEvent::Edit(edit) => Some(&edit.provider_message_id),
            InboundEvent::ReadUpTo(_) | InboundEvent::Consent(_) | InboundEvent::Unsupported(_) => None,
        }
    }
}

/// A message a customer sent us.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboundMessage {
    pub channel_kind: ChannelKind,
    pub provider_message_id: String,
    pub from: Identity,
    /// The customer's address as the provider writes it (`whatsapp:+1415...`).
    pub from_address: String,
    /// Our address the message was sent to.
    pub to_address: String,
    /// The name the customer's profile shows, where the channel has one.
    pub profile_name: Option<String>,
    pub text: String,
    pub attachments: Vec<Attachment>,
    /// What the message carries beyond text and attachments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Content>,
    /// The provider id of the message this one answers, when the customer replied to one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    /// The email's subject, threading headers and the parts kept apart from the new text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Box<EmailDetails>>,
    /// The reference a link the customer followed carried (Telegram's `/start` payload), so that
    /// a customer we know elsewhere stays one contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral: Option<Referral>,
}

/// A reference to a contact, carried by a link we gave the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    /// The reference as the link carried it.
    pub reference: String,
    /// The contact it names, once its signature is checked; an unchecked reference names nobody.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactId>,
}

/// The customer changed the text of a message they sent earlier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageEdit {
    pub provider_message_id: String,
    pub text: String,
    /// When they changed it, in milliseconds since the Unix epoch.
    pub edited_at: i64,
}

/// A webhook of a kind we do not handle (a poll, a channel post, ...): kept and shown, never
/// refused, so that the provider does not retry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnsupportedUpdate {
    /// The provider's name for it (`poll`, `channel_post`).
    pub what: String,
}

/// The customer read everything we sent them on the channel up to a time (Messenger reports
/// reads this way, by a watermark rather than by message).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadUpTo {
    pub reader: Identity,
    /// Milliseconds since the Unix epoch.
    pub up_to: i64,
}

/// The provider learned that a customer no longer wants our messages on the channel (they
/// unsubscribed, or marked one as spam), or wants them again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsentReport {
    pub who: Identity,
    pub opted_out: bool,
    /// What the provider reported, kept with the opt-out (`spamreport`, `unsubscribe`).
    pub reason: String,
}

/// A provider's report on a message we sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusUpdate {
    pub provider_message_id: String,
    pub status: MessageStatus,
    pub error_code: Option<String>,
    pub error_reason: Option<String>,
    /// What else the provider reported with the status (WhatsApp's conversation and pricing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}
