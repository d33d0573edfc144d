//! WhatsApp Cloud API webhooks: the `messages` field's messages (every type Meta documents, and
//! any other kept as unsupported with its raw payload) and statuses (sent, delivered, read,
//! failed with Meta's error, and the conversation and pricing Meta reports with them).

use serde_json::{Value, json};
use switchboard_domain::content::Content;
use switchboard_domain::inbound::{InboundEvent, InboundMessage, StatusUpdate};
use switchboard_domain::{Attachment, ChannelKind, Identity, MessageStatus, PhoneE164};

use super::payload::{envelope, phone_number_id};
use crate::adapter::{ChannelContext, ParseError};

/// The events of a verified webhook for this channel. Changes for another phone number id are
/// left out (they belong to another channel), as are fields other than `messages`.
pub fn parse(channel: &ChannelContext, body: &[u8]) -> Result<Vec<InboundEvent>, ParseError> {
    let value = envelope(body)?;
    let mut events = Vec::new();
    for entry in value["entry"].as_array().into_iter().flatten() {
        for change in entry["changes"].as_array().into_iter().flatten() {
            if change["field"] != "messages" {
                continue;
            }
            if let (Some(ours), Some(theirs)) = (channel.external_id.as_deref(), phone_number_id(change))
                && ours != theirs
            {
                continue;
            }
            parse_change(channel, &change["value"], &mut events)?;
        }
    }
    Ok(events)
}

fn parse_change(channel: &ChannelContext, value: &Value, events: &mut Vec<InboundEvent>) -> Result<(), ParseError> {
    if channel.kind != ChannelKind::Whatsapp {
        return Err(ParseError::WrongChannelKind { expected: channel.kind, actual: ChannelKind::Whatsapp });
    }
    let to_address =
        value["metadata"]["display_phone_number"].as_str().map(with_plus).unwrap_or_else(|| channel.address.clone());
    for message in value["messages"].as_array().into_iter().flatten() {
        let from = message["from"].as_str().ok_or_else(|| malformed("a message has no \"from\""))?;
        let profile_name = value["contacts"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["wa_id"].as_str() == Some(from))
            .or_else(|| value["contacts"].get(0))
            .and_then(|c| c["profile"]["name"].as_str())
            .map(str::to_owned);
        events.push(InboundEvent::Message(parse_message(message, from, &to_address, profile_name)?));
    }
    for status in value["statuses"].as_array().into_iter().flatten() {
        if let Some(update) = parse_status(status)? {
            events.push(InboundEvent::Status(update));
        }
    }
    Ok(())
}

fn malformed(what: &str) -> ParseError {
    ParseError::Malformed(what.to_owned())
}

/// Meta writes numbers without the plus: `14155550100`.
fn with_plus(digits: &str) -> String {
    if digits.starts_with('+') { digits.to_owned() } else { format!("+{digits}") }
}

fn text_of(value: &Value) -> Option<String> {
    value.as_str().filter(|s| !s.is_empty()).map(str::to_owned)
}

fn parse_message(
    message: &Value,
    from: &str,
    to_address: &str,
    profile_name: Option<String>,
) -> Result<InboundMessage, ParseError> {
    let id = message["id"].as_str().ok_or_else(|| malformed("a message has no \"id\""))?;
    let phone = PhoneE164::parse(&with_plus(from))
        .map_err(|e| ParseError::Malformed(format!("the sender {from:?} is not a phone number: {e}")))?;
    let kind = message["type"].as_str().unwrap_or("unknown");
    let body = &message[kind];
    let mut text = String::new();
    let mut attachments = Vec::new();
    let content = match kind {
        "text" => {
            text = text_of(&body["body"]).unwrap_or_default();
            None
        }
        "image" | "video" | "audio" | "document" | "sticker" => {
            text = text_of(&body["caption"]).unwrap_or_default();
            attachments.push(media(body));
            (kind == "sticker").then_some(Content::Sticker)
        }
        "location" => Some(Content::Location {
            latitude: body["latitude"].as_f64().ok_or_else(|| malformed("a location has no latitude"))?,
            longitude: body["longitude"].as_f64().ok_or_else(|| malformed("a location has no longitude"))?,
            name: text_of(&body["name"]),
            address: text_of(&body["address"]),
        }),
        "contacts" => Some(Content::Contacts { contacts: body.clone() }),
        "interactive" => {
            let reply_kind = body["type"].as_str().unwrap_or_default();
            let reply = &body[reply_kind];
            match (reply["id"].as_str(), reply["title"].as_str()) {
                (Some(choice), Some(title)) if reply_kind == "button_reply" || reply_kind == "list_reply" => {
                    text = title.to_owned();
                    Some(Content::Choice {
                        id: choice.to_owned(),
                        title: title.to_owned(),
                        description: text_of(&reply["description"]),
                    })
                }
                _ => Some(unsupported(kind, message, &format!("interactive reply of type {reply_kind:?}"))),
            }
        }
        "button" => {
            text = text_of(&body["text"]).unwrap_or_default();
            Some(Content::Choice {
                id: text_of(&body["payload"]).unwrap_or_else(|| text.clone()),
                title: text.clone(),
                description: None,
            })
        }
        "reaction" => Some(Content::Reaction {
            to: body["message_id"].as_str().ok_or_else(|| malformed("a reaction names no message"))?.to_owned(),
            emoji: text_of(&body["emoji"]),
        }),
        _ => {
            let detail = message["errors"][0]["error_data"]["details"]
                .as_str()
                .or_else(|| message["errors"][0]["details"].as_str())
                .or_else(|| message["errors"][0]["title"].as_str())
                .map(str::to_owned)
                .unwrap_or_else(|| format!("messages of type {kind:?} are not supported"));
            Some(unsupported(kind, message, &detail))
        }
    };
    Ok(InboundMessage {
        channel_kind: ChannelKind::Whatsapp,
        provider_message_id: id.to_owned(),
        from: Identity::phone(&phone),
        from_address: phone.as_str().to_owned(),
        to_address: to_address.to_owned(),
        profile_name,
        text,
        attachments,
        content,
        reply_to: message["context"]["id"].as_str().map(str::to_owned),
        email: None,
        referral: None,
    })
}

fn unsupported(kind: &str, message: &Value, detail: &str) -> Content {
    Content::Unsupported { provider_type: kind.to_owned(), detail: detail.to_owned(), raw: message.clone() }
}

/// A media object: Meta sends its id and type; the file itself is fetched later.
fn media(body: &Value) -> Attachment {
    Attachment {
        url: String::new(),
        content_type: text_of(&body["mime_type"]),
        filename: text_of(&body["filename"]),
        size_bytes: None,
        provider_media_id: text_of(&body["id"]),
        sha256: None,
        fetch_error: None,
    }
}

fn parse_status(status: &Value) -> Result<Option<StatusUpdate>, ParseError> {
    let id = status["id"].as_str().ok_or_else(|| malformed("a status has no \"id\""))?;
    let mapped = match status["status"].as_str() {
        Some("sent") => MessageStatus::Sent,
        Some("delivered") => MessageStatus::Delivered,
        Some("read") => MessageStatus::Read,
        Some("failed") => MessageStatus::Failed,
        // `deleted`, `warning` and states Meta may add: nothing to advance.
        _ => return Ok(None),
    };
    let error = &status["errors"][0];
    let error_code = error["code"].as_i64().map(|c| c.to_string());
    let error_reason = (mapped == MessageStatus::Failed).then(|| {
        let title = error["title"].as_str().or(error["message"].as_str()).unwrap_or("no reason given");
        match (error_code.as_deref(), error["error_data"]["details"].as_str()) {
            (Some(code), Some(details)) => format!("WhatsApp error {code}: {title} ({details})"),
            (Some(code), None) => format!("WhatsApp error {code}: {title}"),
            _ => format!("WhatsApp reported the message failed: {title}"),
        }
    });
    let mut details = serde_json::Map::new();
    for field in ["conversation", "pricing"] {
        if !status[field].is_null() {
            details.insert(field.to_owned(), status[field].clone());
        }
    }
    Ok(Some(StatusUpdate {
        provider_message_id: id.to_owned(),
        status: mapped,
        error_code,
        error_reason,
        details: (!details.is_empty()).then(|| json!(details)),
    }))
}

#[cfg(test)]
mod tests;
