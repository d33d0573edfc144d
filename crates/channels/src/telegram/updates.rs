//! An Update as Telegram posts it, turned into events: a customer's message in a private chat
//! (text, a file, a location, a contact, a sticker, a reply, a `/start` with the reference of the
//! link they followed), an edit of one, the button they pressed under one of ours, and their
//! blocking or unblocking the bot. Anything else is kept as unsupported, never refused.
//!
//! A message's id is only unique within its chat, so the id we keep is `{chat_id}:{message_id}`;
//! a pressed button is `callback:{id}`. A retried update carries the same ids and is dropped.

use serde_json::Value;
use switchboard_domain::inbound::{
    ConsentReport, InboundEvent, InboundMessage, MessageEdit, Referral, UnsupportedUpdate,
};
use switchboard_domain::{Attachment, ChannelKind, Content, Identity, IdentityKind};

use crate::adapter::{ChannelContext, ParseError};

fn malformed(what: &str) -> ParseError {
    ParseError::Malformed(what.to_owned())
}

/// The update kinds besides `update_id`, in the order Telegram documents them.
const KINDS: [&str; 4] = ["message", "edited_message", "callback_query", "my_chat_member"];

/// The events of one update.
pub fn parse(channel: &ChannelContext, body: &[u8]) -> Result<Vec<InboundEvent>, ParseError> {
    if channel.kind != ChannelKind::Telegram {
        return Err(ParseError::WrongChannelKind { expected: channel.kind, actual: ChannelKind::Telegram });
    }
    let update: Value = serde_json::from_slice(body).map_err(|e| malformed(&format!("not JSON: {e}")))?;
    if update["update_id"].as_i64().is_none() {
        return Err(malformed("an update has an integer \"update_id\""));
    }
    let event = if let Some(message) = update.get("message") {
        private(message).map(|m| message_event(channel, m)).transpose()?
    } else if let Some(message) = update.get("edited_message") {
        private(message).map(edit_event).transpose()?
    } else if let Some(query) = update.get("callback_query") {
        Some(callback_event(channel, query)?)
    } else if let Some(member) = update.get("my_chat_member") {
        private(member).map(consent_event).transpose()?
    } else {
        None
    };
    Ok(vec![event.unwrap_or_else(|| unsupported(&update))])
}

/// The update's object when it comes from a private chat; groups and channels are not
/// conversations with a customer.
fn private(object: &Value) -> Option<&Value> {
    (object["chat"]["type"].as_str() == Some("private")).then_some(object)
}

fn unsupported(update: &Value) -> InboundEvent {
    let kind = update.as_object().and_then(|o| o.keys().find(|k| *k != "update_id").cloned());
    let what = match kind {
        Some(kind) if KINDS.contains(&kind.as_str()) => format!("{kind} from a group or channel"),
        Some(kind) => kind,
        None => "an empty update".to_owned(),
    };
    InboundEvent::Unsupported(UnsupportedUpdate { what })
}

fn int(value: &Value, what: &str) -> Result<i64, ParseError> {
    value.as_i64().ok_or_else(|| malformed(&format!("the update has no integer {what}")))
}

fn sender(user: &Value) -> Result<(Identity, Option<String>), ParseError> {
    let id = int(&user["id"], "\"from.id\"")?;
    let identity = Identity::parse(IdentityKind::Telegram, &id.to_string()).map_err(|e| malformed(&e.to_string()))?;
    let name =
        [user["first_name"].as_str(), user["last_name"].as_str()].into_iter().flatten().collect::<Vec<_>>().join(" ");
    Ok((identity, (!name.is_empty()).then_some(name)))
}

/// The id we keep for a message of a chat.
pub fn message_key(chat_id: i64, message_id: i64) -> String {
    format!("{chat_id}:{message_id}")
}

fn key_of(message: &Value) -> Result<String, ParseError> {
    Ok(message_key(int(&message["chat"]["id"], "\"chat.id\"")?, int(&message["message_id"], "\"message_id\"")?))
}

fn message_event(channel: &ChannelContext, message: &Value) -> Result<InboundEvent, ParseError> {
    let (from, profile_name) = sender(&message["from"])?;
    let text = text_with_links(message);
    let (attachments, content) = media_and_content(message);
    let referral = start_reference(message).map(|reference| Referral { reference, contact: None });
    let reply_to = message.get("reply_to_message").map(key_of).transpose()?;
    Ok(InboundEvent::Message(InboundMessage {
        channel_kind: ChannelKind::Telegram,
        provider_message_id: key_of(message)?,
        from_address: from.value.clone(),
        from,
        to_address: channel.address.clone(),
        profile_name,
        text,
        attachments,
        content,
        reply_to,
        email: None,
        referral,
    }))
}

fn edit_event(message: &Value) -> Result<InboundEvent, ParseError> {
    let edited_at = message["edit_date"].as_i64().or(message["date"].as_i64()).unwrap_or_default() * 1000;
    Ok(InboundEvent::Edit(MessageEdit {
        provider_message_id: key_of(message)?,
        text: text_with_links(message),
        edited_at,
    }))
}

fn callback_event(channel: &ChannelContext, query: &Value) -> Result<InboundEvent, ParseError> {
    let id = query["id"].as_str().ok_or_else(|| malformed("a callback query has no \"id\""))?;
    let (from, profile_name) = sender(&query["from"])?;
    let data = query["data"].as_str().unwrap_or_default().to_owned();
    let title = button_title(&query["message"], &data).unwrap_or_else(|| data.clone());
    let reply_to = query.get("message").filter(|m| m.is_object()).map(key_of).transpose()?;
    Ok(InboundEvent::Message(InboundMessage {
        channel_kind: ChannelKind::Telegram,
        provider_message_id: format!("callback:{id}"),
        from_address: from.value.clone(),
        from,
        to_address: channel.address.clone(),
        profile_name,
        text: title.clone(),
        attachments: Vec::new(),
        content: Some(Content::Choice { id: data, title, description: None }),
        reply_to,
        email: None,
        referral: None,
    }))
}

/// The text of the inline button that carries `data`, on the message it was pressed under.
fn button_title(message: &Value, data: &str) -> Option<String> {
    message["reply_markup"]["inline_keyboard"]
        .as_array()?
        .iter()
        .filter_map(Value::as_array)
        .flatten()
        .find(|button| button["callback_data"].as_str() == Some(data))
        .and_then(|button| button["text"].as_str().map(str::to_owned))
}

fn consent_event(member: &Value) -> Result<InboundEvent, ParseError> {
    let (who, _) = sender(&member["from"])?;
    let blocked = member["new_chat_member"]["status"].as_str() == Some("kicked");
    let reason = if blocked { "blocked the bot" } else { "unblocked the bot" };
    Ok(InboundEvent::Consent(ConsentReport { who, opted_out: blocked, reason: reason.to_owned() }))
}

/// The `/start` payload of a deep link (`t.me/bot?start=REF`), when the message is one.
fn start_reference(message: &Value) -> Option<String> {
    let text = message["text"].as_str()?;
    let command = message["entities"].as_array()?.iter().find(|e| e["type"] == "bot_command" && e["offset"] == 0)?;
    // Entities count UTF-16 units.
    let units: Vec<u16> = text.encode_utf16().collect();
    let length = (command["length"].as_u64()? as usize).min(units.len());
    let name = String::from_utf16_lossy(&units[..length]);
    if name != "/start" && !name.starts_with("/start@") {
        return None;
    }
    let payload = String::from_utf16_lossy(&units[length..]);
    let payload = payload.trim();
    (!payload.is_empty()).then(|| payload.to_owned())
}

/// The text or caption, with each hidden link (`text_link`) written out after its words, so
/// that staff see where it pointed.
fn text_with_links(message: &Value) -> String {
    let (text, entities) = match message["text"].as_str() {
        Some(text) => (text, &message["entities"]),
        None => (message["caption"].as_str().unwrap_or_default(), &message["caption_entities"]),
    };
    let Some(entities) = entities.as_array() else { return text.to_owned() };
    let units: Vec<u16> = text.encode_utf16().collect();
    let mut links: Vec<(usize, &str)> = entities
        .iter()
        .filter(|e| e["type"] == "text_link")
        .filter_map(|e| Some(((e["offset"].as_u64()? + e["length"].as_u64()?) as usize, e["url"].as_str()?)))
        .filter(|(end, _)| *end <= units.len())
        .collect();
    links.sort_by_key(|(end, _)| *end);
    let mut written = String::new();
    let mut at = 0;
    for (end, url) in links {
        written.push_str(&String::from_utf16_lossy(&units[at..end]));
        written.push_str(&format!(" ({url})"));
        at = end;
    }
    written.push_str(&String::from_utf16_lossy(&units[at..]));
    written
}

fn file(object: &Value, content_type: Option<&str>) -> Option<Attachment> {
    Some(Attachment {
        url: String::new(),
        content_type: object["mime_type"].as_str().or(content_type).map(str::to_owned),
        filename: object["file_name"].as_str().map(str::to_owned),
        size_bytes: object["file_size"].as_u64(),
        provider_media_id: Some(object["file_id"].as_str()?.to_owned()),
        sha256: None,
        fetch_error: None,
    })
}

/// The files a message carries (fetched later by file id) and what it carries beyond them.
fn media_and_content(message: &Value) -> (Vec<Attachment>, Option<Content>) {
    let mut attachments = Vec::new();
    // Telegram sends a photo in several sizes, the largest last.
    if let Some(largest) = message["photo"].as_array().and_then(|sizes| sizes.last()) {
        attachments.extend(file(largest, Some("image/jpeg")));
    }
    for (field, default_type) in [
        ("document", None),
        ("voice", Some("audio/ogg")),
        ("audio", Some("audio/mpeg")),
        ("video", Some("video/mp4")),
        ("video_note", Some("video/mp4")),
        ("animation", Some("video/mp4")),
    ] {
        if let Some(object) = message.get(field) {
            attachments.extend(file(object, default_type));
        }
    }
    let content = if let Some(sticker) = message.get("sticker") {
        let webp = sticker["is_animated"] != true && sticker["is_video"] != true;
        attachments.extend(file(sticker, Some(if webp { "image/webp" } else { "video/webm" })));
        Some(Content::Sticker)
    } else if let Some(venue) = message.get("venue") {
        Some(location(&venue["location"], venue["title"].as_str(), venue["address"].as_str()))
    } else if let Some(point) = message.get("location") {
        Some(location(point, None, None))
    } else if let Some(contact) = message.get("contact") {
        Some(Content::Contacts { contacts: Value::Array(vec![contact.clone()]) })
    } else {
        let other = ["poll", "dice", "game", "story", "invoice"].into_iter().find(|kind| message.get(*kind).is_some());
        other.map(|kind| Content::Unsupported {
            provider_type: kind.to_owned(),
            detail: format!("a Telegram {kind}"),
            raw: message[kind].clone(),
        })
    };
    (attachments, content)
}

fn location(point: &Value, name: Option<&str>, address: Option<&str>) -> Content {
    Content::Location {
        latitude: point["latitude"].as_f64().unwrap_or_default(),
        longitude: point["longitude"].as_f64().unwrap_or_default(),
        name: name.map(str::to_owned),
        address: address.map(str::to_owned),
    }
}

#[cfg(test)]
mod tests;
