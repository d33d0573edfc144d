//! Messenger and Instagram webhooks (`object` `page` or `instagram`, `entry[].messaging[]`):
//! messages with text, attachments, quick replies, replies and Instagram story replies and
//! mentions; postbacks from buttons; reactions added and removed; delivery and read reports (by
//! message on Instagram, by time on Messenger).
//! Echoes of our own sends are skipped: they are already stored as the messages we sent.

use serde_json::Value;
use switchboard_domain::content::Content;
use switchboard_domain::inbound::{InboundEvent, InboundMessage, ReadUpTo, StatusUpdate};
use switchboard_domain::{Attachment, ChannelKind, Identity, IdentityKind, MessageStatus};

use super::payload::envelope;
use crate::adapter::{ChannelContext, ParseError};

/// The channel kind a webhook's `object` is for.
fn kind_of(object: &str) -> Option<ChannelKind> {
    match object {
        "page" => Some(ChannelKind::Messenger),
        "instagram" => Some(ChannelKind::Instagram),
        _ => None,
    }
}

/// The events of a verified webhook for this channel; entries for another account are left out.
pub fn parse(channel: &ChannelContext, body: &[u8]) -> Result<Vec<InboundEvent>, ParseError> {
    let value = envelope(body)?;
    let object = value["object"].as_str().unwrap_or_default();
    let actual = kind_of(object).ok_or_else(|| ParseError::Malformed(format!("unknown webhook object {object:?}")))?;
    if actual != channel.kind {
        return Err(ParseError::WrongChannelKind { expected: channel.kind, actual });
    }
    let mut events = Vec::new();
    for entry in value["entry"].as_array().into_iter().flatten() {
        if let (Some(ours), Some(theirs)) = (channel.external_id.as_deref(), entry["id"].as_str())
            && ours != theirs
        {
            continue;
        }
        for event in entry["messaging"].as_array().into_iter().flatten() {
            parse_event(channel, event, &mut events)?;
        }
    }
    Ok(events)
}

fn malformed(what: &str) -> ParseError {
    ParseError::Malformed(what.to_owned())
}

fn text_of(value: &Value) -> Option<String> {
    value.as_str().filter(|s| !s.is_empty()).map(str::to_owned)
}

fn parse_event(channel: &ChannelContext, event: &Value, events: &mut Vec<InboundEvent>) -> Result<(), ParseError> {
    let sender = event["sender"]["id"].as_str().ok_or_else(|| malformed("an event has no sender id"))?;
    let recipient = event["recipient"]["id"].as_str().unwrap_or(&channel.address);
    let timestamp = event["timestamp"].as_i64().unwrap_or_default();
    let identity_kind =
        if channel.kind == ChannelKind::Instagram { IdentityKind::Instagram } else { IdentityKind::Messenger };
    let from = Identity::parse(identity_kind, sender).map_err(|e| ParseError::Malformed(e.to_string()))?;
    let message = |id: String, text: String, attachments: Vec<Attachment>, content: Option<Content>| InboundMessage {
        channel_kind: channel.kind,
        provider_message_id: id,
        from: from.clone(),
        from_address: sender.to_owned(),
        to_address: recipient.to_owned(),
        profile_name: None,
        text,
        attachments,
        content,
        reply_to: None,
        email: None,
        referral: None,
    };
    if let Some(body) = event.get("message") {
        if body["is_echo"] == true {
            return Ok(());
        }
        let mid = body["mid"].as_str().ok_or_else(|| malformed("a message has no mid"))?;
        let text = text_of(&body["text"]).unwrap_or_default();
        let mut content = body["quick_reply"]["payload"].as_str().map(|payload| Content::Choice {
            id: payload.to_owned(),
            title: text.clone(),
            description: None,
        });
        if let Some(story) = body["reply_to"].get("story") {
            content = Some(Content::StoryReply {
                story_id: story["id"].as_str().unwrap_or_default().to_owned(),
                story_url: text_of(&story["url"]),
            });
        }
        let mut attachments = Vec::new();
        for attachment in body["attachments"].as_array().into_iter().flatten() {
            let kind = attachment["type"].as_str().unwrap_or("file");
            let url = attachment["payload"]["url"].as_str().unwrap_or_default();
            if kind == "story_mention" {
                content = Some(Content::StoryMention { story_url: url.to_owned() });
            } else if !url.is_empty() {
                attachments.push(Attachment::link(url, media_type(kind)));
            }
        }
        let mut inbound = message(mid.to_owned(), text, attachments, content);
        inbound.reply_to = body["reply_to"]["mid"].as_str().map(str::to_owned);
        events.push(InboundEvent::Message(inbound));
    } else if let Some(postback) = event.get("postback") {
        let title = text_of(&postback["title"]).unwrap_or_default();
        let payload = text_of(&postback["payload"]).unwrap_or_else(|| title.clone());
        let id = text_of(&postback["mid"]).unwrap_or_else(|| format!("postback:{sender}:{timestamp}"));
        let choice = Content::Choice { id: payload, title: title.clone(), description: None };
        events.push(InboundEvent::Message(message(id, title, Vec::new(), Some(choice))));
    } else if let Some(reaction) = event.get("reaction") {
        let to = reaction["mid"].as_str().ok_or_else(|| malformed("a reaction names no message"))?;
        let emoji = (reaction["action"] != "unreact").then(|| text_of(&reaction["emoji"])).flatten();
        let id = format!("reaction:{sender}:{timestamp}:{to}");
        let content = Content::Reaction { to: to.to_owned(), emoji };
        events.push(InboundEvent::Message(message(id, String::new(), Vec::new(), Some(content))));
    } else if let Some(delivery) = event.get("delivery") {
        for mid in delivery["mids"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            events.push(status(mid, MessageStatus::Delivered));
        }
    } else if let Some(mid) = event["read"]["mid"].as_str() {
        events.push(status(mid, MessageStatus::Read));
    } else if let Some(watermark) = event["read"]["watermark"].as_i64() {
        // Messenger names a time: everything sent to this person before it was read.
        events.push(InboundEvent::ReadUpTo(ReadUpTo { reader: from, up_to: watermark }));
    }
    Ok(())
}

fn status(mid: &str, status: MessageStatus) -> InboundEvent {
    InboundEvent::Status(StatusUpdate {
        provider_message_id: mid.to_owned(),
        status,
        error_code: None,
        error_reason: None,
        details: None,
    })
}

/// The broad media type of an attachment kind.
fn media_type(kind: &str) -> Option<String> {
    match kind {
        "image" | "video" | "audio" => Some(format!("{kind}/*")),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
