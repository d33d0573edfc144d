//! Parsing Twilio's form-encoded webhooks: incoming messages (with media, `ProfileName` and
//! `WaId` for WhatsApp) and status callbacks (`MessageStatus`, `ErrorCode`).

use std::collections::HashMap;

use switchboard_domain::inbound::{InboundEvent, InboundMessage, StatusUpdate};
use switchboard_domain::{Attachment, ChannelKind, Identity, MessageStatus, PhoneE164};

use crate::adapter::{ChannelContext, ParseError};

/// The most media a Twilio message carries.
const MAX_MEDIA: usize = 10;

pub(crate) fn parse(channel: &ChannelContext, body: &[u8]) -> Result<Vec<InboundEvent>, ParseError> {
    let fields: HashMap<String, String> = form_urlencoded::parse(body).into_owned().collect();
    let field = |name: &str| fields.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let sid = field("MessageSid")
        .or_else(|| field("SmsSid"))
        .ok_or_else(|| ParseError::Malformed("MessageSid is missing".into()))?;
    let status = field("MessageStatus").or_else(|| field("SmsStatus"));
    match status {
        None | Some("received") => parse_message(channel, sid, &fields),
        Some(status) => Ok(parse_status(sid, status, &fields).into_iter().collect()),
    }
}

fn parse_message(
    channel: &ChannelContext,
    sid: &str,
    fields: &HashMap<String, String>,
) -> Result<Vec<InboundEvent>, ParseError> {
    let get = |name: &str| fields.get(name).map(String::as_str).unwrap_or("");
    let from = get("From");
    let (kind, number) = match from.strip_prefix("whatsapp:") {
        Some(number) => (ChannelKind::Whatsapp, number),
        None => (ChannelKind::Sms, from),
    };
    if kind != channel.kind {
        return Err(ParseError::WrongChannelKind { expected: channel.kind, actual: kind });
    }
    let phone = PhoneE164::parse(number).map_err(|e| ParseError::Malformed(format!("From: {e}")))?;
    let num_media: usize = match get("NumMedia") {
        "" => 0,
        n => n.parse().map_err(|_| ParseError::Malformed(format!("NumMedia {n:?} is not a number")))?,
    };
    if num_media > MAX_MEDIA {
        return Err(ParseError::Malformed(format!("NumMedia {num_media} exceeds Twilio's maximum of {MAX_MEDIA}")));
    }
    let mut attachments = Vec::with_capacity(num_media);
    for i in 0..num_media {
        let url = get(&format!("MediaUrl{i}"));
        if url.is_empty() {
            return Err(ParseError::Malformed(format!("NumMedia is {num_media} but MediaUrl{i} is missing")));
        }
        let content_type = Some(get(&format!("MediaContentType{i}"))).filter(|c| !c.is_empty()).map(str::to_owned);
        attachments.push(Attachment::link(url, content_type));
    }
    let profile_name = Some(get("ProfileName").trim()).filter(|n| !n.is_empty()).map(str::to_owned);
    Ok(vec![InboundEvent::Message(InboundMessage {
        channel_kind: kind,
        provider_message_id: sid.to_owned(),
        from: Identity::phone(&phone),
        from_address: from.to_owned(),
        to_address: get("To").to_owned(),
        profile_name,
        text: get("Body").to_owned(),
        attachments,
        content: None,
        reply_to: None,
        email: None,
        referral: None,
    })])
}

/// A status callback; `None` for the intermediate states we do not track (accepted, sending).
fn parse_status(sid: &str, status: &str, fields: &HashMap<String, String>) -> Option<InboundEvent> {
    let mapped = match status {
        "sent" => MessageStatus::Sent,
        "delivered" => MessageStatus::Delivered,
        "read" => MessageStatus::Read,
        "failed" | "undelivered" | "canceled" => MessageStatus::Failed,
        _ => return None,
    };
    let error_code = fields.get("ErrorCode").filter(|c| !c.is_empty()).cloned();
    let error_reason = (mapped == MessageStatus::Failed).then(|| match &error_code {
        Some(code) => format!("Twilio reported the message {status} with error {code}"),
        None => format!("Twilio reported the message {status}"),
    });
    Some(InboundEvent::Status(StatusUpdate {
        provider_message_id: sid.to_owned(),
        status: mapped,
        error_code,
        error_reason,
        details: None,
    }))
}

#[cfg(test)]
mod tests;
