//! The webhook Meta POSTs for a customer's message: `value.contacts` (profile name, wa_id)
//! and `value.messages[0]` with `from`, `id`, `timestamp`, `type` and the object that type
//! names, each with the fields its page of Meta's webhook reference lists.

use serde::Serialize;
use serde_json::Value;

use super::types::{InboundContent, WhatsappInbound};
use super::webhook_envelope::{Business, ErrorData, WebhookError, encode};

/// `contacts` and `messages` of the webhook's `value`.
#[derive(Serialize)]
struct InboundBody<'a> {
    contacts: [Contact<'a>; 1],
    messages: [Message<'a>; 1],
}

#[derive(Serialize)]
struct Contact<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    profile: Option<Profile<'a>>,
    wa_id: &'a str,
}

#[derive(Serialize)]
struct Profile<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct Message<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    context: Option<Context<'a>>,
    from: &'a str,
    id: &'a str,
    timestamp: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<[WebhookError; 1]>,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    content: Content<'a>,
}

#[derive(Serialize)]
struct Context<'a> {
    from: &'a str,
    id: &'a str,
}

/// The object named by the message's `type`.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum Content<'a> {
    Text { body: &'a str },
    Image(Media<'a>),
    Audio(Media<'a>),
    Video(Media<'a>),
    Document(Media<'a>),
    Sticker(Media<'a>),
    Location(Location<'a>),
    Contacts(&'a Value),
    Interactive(Interactive<'a>),
    Button { payload: &'a str, text: &'a str },
    Reaction(Reaction<'a>),
    Unsupported { r#type: &'static str },
}

/// A media object; each type uses the fields its reference lists.
#[derive(Serialize)]
struct Media<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    caption: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    filename: Option<&'a str>,
    mime_type: &'a str,
    sha256: &'a str,
    id: &'a str,
    url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    voice: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    animated: Option<bool>,
}

#[derive(Serialize)]
struct Location<'a> {
    latitude: f64,
    longitude: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<&'a str>,
}

#[derive(Serialize)]
struct Interactive<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    button_reply: Option<Reply<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    list_reply: Option<Reply<'a>>,
}

#[derive(Serialize)]
struct Reply<'a> {
    id: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
}

#[derive(Serialize)]
struct Reaction<'a> {
    message_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    emoji: Option<&'a str>,
}

/// What Meta knows of a media object it mentions in a webhook.
#[derive(Clone, Debug)]
pub(crate) struct MediaFacts {
    /// Base64 SHA-256 of the bytes, as webhooks write it.
    pub sha256: String,
    /// Where the bytes can be downloaded (with the access token).
    pub url: String,
}

fn media<'a>(facts: &'a MediaFacts, media_id: &'a str, mime_type: &'a str) -> Media<'a> {
    Media {
        caption: None,
        filename: None,
        mime_type,
        sha256: &facts.sha256,
        id: media_id,
        url: &facts.url,
        voice: None,
        animated: None,
    }
}

fn content<'a>(inbound: &'a InboundContent, facts: &'a MediaFacts) -> Content<'a> {
    match inbound {
        InboundContent::Text(body) => Content::Text { body },
        InboundContent::Image { media_id, mime_type, caption } => {
            Content::Image(Media { caption: caption.as_deref(), ..media(facts, media_id, mime_type) })
        }
        InboundContent::Audio { media_id, mime_type, voice } => {
            Content::Audio(Media { voice: Some(*voice), ..media(facts, media_id, mime_type) })
        }
        InboundContent::Video { media_id, mime_type, caption } => {
            Content::Video(Media { caption: caption.as_deref(), ..media(facts, media_id, mime_type) })
        }
        InboundContent::Document { media_id, mime_type, filename, caption } => Content::Document(Media {
            caption: caption.as_deref(),
            filename: Some(filename),
            ..media(facts, media_id, mime_type)
        }),
        InboundContent::Sticker { media_id, mime_type, animated } => {
            Content::Sticker(Media { animated: Some(*animated), ..media(facts, media_id, mime_type) })
        }
        InboundContent::Location { latitude, longitude, name, address } => Content::Location(Location {
            latitude: *latitude,
            longitude: *longitude,
            name: name.as_deref(),
            address: address.as_deref(),
        }),
        InboundContent::Contacts(contacts) => Content::Contacts(contacts),
        InboundContent::ButtonReply { id, title } => Content::Interactive(Interactive {
            kind: "button_reply",
            button_reply: Some(Reply { id, title, description: None }),
            list_reply: None,
        }),
        InboundContent::ListReply { id, title, description } => Content::Interactive(Interactive {
            kind: "list_reply",
            button_reply: None,
            list_reply: Some(Reply { id, title, description: description.as_deref() }),
        }),
        InboundContent::TemplateButton { payload, text } => Content::Button { payload, text },
        InboundContent::Reaction { message_id, emoji } => {
            Content::Reaction(Reaction { message_id, emoji: emoji.as_deref() })
        }
        InboundContent::Unsupported => Content::Unsupported { r#type: "poll_update" },
    }
}

/// The webhook body for a customer's message, encoded as Meta sends it.
pub(crate) fn inbound_message_body(
    business: Business<'_>,
    inbound: &WhatsappInbound,
    wamid: &str,
    timestamp: u64,
    media: Option<&MediaFacts>,
) -> String {
    let errors = matches!(inbound.content, InboundContent::Unsupported).then(|| {
        [WebhookError {
            code: 131051,
            title: "Message type unknown".to_owned(),
            message: "Message type unknown".to_owned(),
            error_data: ErrorData { details: "Message type is currently not supported.".to_owned() },
            href: None,
        }]
    });
    let no_media = MediaFacts { sha256: String::new(), url: String::new() };
    let message = Message {
        context: inbound.context.as_deref().map(|id| Context { from: business.display_phone_number, id }),
        from: &inbound.from,
        id: wamid,
        timestamp: timestamp.to_string(),
        errors,
        kind: inbound.content.message_type(),
        content: content(&inbound.content, media.unwrap_or(&no_media)),
    };
    let contact =
        Contact { profile: inbound.profile_name.as_deref().map(|name| Profile { name }), wa_id: &inbound.from };
    encode(business, InboundBody { contacts: [contact], messages: [message] })
}
