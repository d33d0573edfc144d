//! The public data of the Meta part: templates of an account, messages our side sent, what our
//! server answered to a webhook, and what a customer's WhatsApp sends.

use std::time::Instant;

use serde_json::{Value, json};

/// A message template of a WhatsApp Business Account, as `GET /{waba_id}/message_templates` lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct MetaTemplate {
    /// Template name, e.g. `"order_update"`.
    pub name: String,
    /// Language code, e.g. `"en_US"`.
    pub language: String,
    /// `"MARKETING"`, `"UTILITY"` or `"AUTHENTICATION"`.
    pub category: String,
    /// `"APPROVED"`, `"PENDING"`, `"REJECTED"`, `"PAUSED"` or `"DISABLED"`.
    pub status: String,
    /// The template's components as Meta lists them, e.g. `[{"type":"BODY","text":"Hi {{1}}"}]`.
    pub components: Value,
}

impl MetaTemplate {
    /// An approved template whose only component is a BODY with this text.
    pub fn approved(name: &str, language: &str, category: &str, body_text: &str) -> Self {
        Self {
            name: name.to_owned(),
            language: language.to_owned(),
            category: category.to_owned(),
            status: "APPROVED".to_owned(),
            components: json!([{ "type": "BODY", "text": body_text }]),
        }
    }
}

/// A message our side sent through `POST /{phone_number_id}/messages` and the API accepted.
#[derive(Clone, Debug)]
pub struct WhatsappSent {
    /// The `wamid.…` the API answered with.
    pub wamid: String,
    /// Our phone number it was sent from.
    pub phone_number_id: String,
    /// Recipient's WhatsApp id (digits only).
    pub to: String,
    /// The JSON body we POSTed.
    pub request: Value,
    /// `accepted`, then `sent`, `delivered`, `read` or `failed` as its status webhooks go out.
    pub status: String,
    /// When the API accepted it.
    pub accepted_at: Instant,
}

/// What our server answered to a webhook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetaDelivery {
    /// The message the webhook was about, when it was about one.
    pub wamid: Option<String>,
    /// HTTP status our server answered.
    pub status: u16,
    /// Body of the answer.
    pub body: String,
}

/// A message a customer's WhatsApp sends to one of our numbers (see `MetaEmulator::send_inbound`).
#[derive(Clone, Debug, PartialEq)]
pub struct WhatsappInbound {
    /// Our phone number that receives it.
    pub phone_number_id: String,
    /// The customer's WhatsApp id, digits only, e.g. `"14155550100"`.
    pub from: String,
    /// The customer's WhatsApp profile name.
    pub profile_name: Option<String>,
    /// The `wamid` of the message this one replies to.
    pub context: Option<String>,
    /// What the customer sent.
    pub content: InboundContent,
}

impl WhatsappInbound {
    /// A text message from `from` to our number `phone_number_id`.
    pub fn text(phone_number_id: &str, from: &str, body: &str) -> Self {
        Self {
            phone_number_id: phone_number_id.to_owned(),
            from: from.to_owned(),
            profile_name: None,
            context: None,
            content: InboundContent::Text(body.to_owned()),
        }
    }
}

/// The content of an incoming message, one variant per webhook message `type`.
#[derive(Clone, Debug, PartialEq)]
pub enum InboundContent {
    /// `type: "text"`.
    Text(String),
    /// `type: "image"`.
    Image { media_id: String, mime_type: String, caption: Option<String> },
    /// `type: "audio"`; `voice` is true for a voice recording.
    Audio { media_id: String, mime_type: String, voice: bool },
    /// `type: "video"`.
    Video { media_id: String, mime_type: String, caption: Option<String> },
    /// `type: "document"`.
    Document { media_id: String, mime_type: String, filename: String, caption: Option<String> },
    /// `type: "sticker"`.
    Sticker { media_id: String, mime_type: String, animated: bool },
    /// `type: "location"`.
    Location { latitude: f64, longitude: f64, name: Option<String>, address: Option<String> },
    /// `type: "contacts"`: the `contacts` array as Meta sends it.
    Contacts(Value),
    /// `type: "interactive"` with `interactive.button_reply`.
    ButtonReply { id: String, title: String },
    /// `type: "interactive"` with `interactive.list_reply`.
    ListReply { id: String, title: String, description: Option<String> },
    /// `type: "button"`: a template's quick-reply button was tapped.
    TemplateButton { payload: String, text: String },
    /// `type: "reaction"`; `None` means the reaction was removed (Meta then omits `emoji`).
    Reaction { message_id: String, emoji: Option<String> },
    /// `type: "unsupported"`, with Meta's `errors` array (code 131051).
    Unsupported,
}

impl InboundContent {
    /// The webhook's message `type`.
    pub fn message_type(&self) -> &'static str {
        match self {
            Self::Text(_) => "text",
            Self::Image { .. } => "image",
            Self::Audio { .. } => "audio",
            Self::Video { .. } => "video",
            Self::Document { .. } => "document",
            Self::Sticker { .. } => "sticker",
            Self::Location { .. } => "location",
            Self::Contacts(_) => "contacts",
            Self::ButtonReply { .. } | Self::ListReply { .. } => "interactive",
            Self::TemplateButton { .. } => "button",
            Self::Reaction { .. } => "reaction",
            Self::Unsupported => "unsupported",
        }
    }
}
