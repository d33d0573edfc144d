//! Sending through the WhatsApp Cloud API: `POST /{version}/{phone-number-id}/messages` with the
//! channel's access token. One message per request: text (with or without a link preview), one
//! media file by link or by uploaded id, a location, reply buttons, a list, a reaction or a
//! template, optionally as a reply to the customer's message.

use serde_json::{Value, json};
use switchboard_domain::Attachment;
use switchboard_domain::content::{Content, TemplateMessage};

use super::errors::classify_error;
use super::{MetaCredentials, graph_url};
use crate::adapter::{OutboundRequest, SendError, SendReceipt};

/// Why a message cannot be put into a Cloud API request.
fn unsendable(reason: impl Into<String>) -> SendError {
    SendError::permanent(None, reason)
}

/// WhatsApp writes numbers as digits: `14155550100`.
fn digits(address: &str) -> String {
    address.chars().filter(char::is_ascii_digit).collect()
}

/// The JSON body of a send request.
pub(crate) fn request_body(message: &OutboundRequest) -> Result<Value, SendError> {
    let mut body = json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": digits(&message.to),
    });
    let (kind, object) = message_object(message)?;
    body["type"] = json!(kind);
    body[kind] = object;
    if let Some(reply_to) = &message.reply_to
        && kind != "reaction"
    {
        body["context"] = json!({ "message_id": reply_to });
    }
    Ok(body)
}

fn message_object(message: &OutboundRequest) -> Result<(&'static str, Value), SendError> {
    let text = message.body.trim();
    match (&message.content, message.attachments.as_slice()) {
        (Some(Content::Template(template)), _) => Ok(("template", template_object(template))),
        (Some(Content::Reaction { to, emoji }), _) => {
            Ok(("reaction", json!({ "message_id": to, "emoji": emoji.clone().unwrap_or_default() })))
        }
        (Some(Content::Location { latitude, longitude, name, address }), _) => {
            let mut location = json!({ "latitude": latitude, "longitude": longitude });
            if let Some(name) = name {
                location["name"] = json!(name);
            }
            if let Some(address) = address {
                location["address"] = json!(address);
            }
            Ok(("location", location))
        }
        (Some(Content::Buttons { buttons }), _) => {
            let buttons: Vec<Value> =
                buttons.iter().map(|b| json!({ "type": "reply", "reply": { "id": b.id, "title": b.title } })).collect();
            Ok((
                "interactive",
                json!({ "type": "button", "body": { "text": needs_text(text)? }, "action": { "buttons": buttons } }),
            ))
        }
        (Some(Content::List { button, sections }), _) => {
            let sections: Vec<Value> = sections
                .iter()
                .map(|section| {
                    let rows: Vec<Value> = section
                        .rows
                        .iter()
                        .map(|row| {
                            let mut value = json!({ "id": row.id, "title": row.title });
                            if let Some(description) = &row.description {
                                value["description"] = json!(description);
                            }
                            value
                        })
                        .collect();
                    let mut value = json!({ "rows": rows });
                    if let Some(title) = &section.title {
                        value["title"] = json!(title);
                    }
                    value
                })
                .collect();
            Ok((
                "interactive",
                json!({ "type": "list", "body": { "text": needs_text(text)? }, "action": { "button": button, "sections": sections } }),
            ))
        }
        (Some(other @ (Content::Choice { .. } | Content::Unsupported { .. } | Content::Contacts { .. })), _) => {
            Err(unsendable(format!("WhatsApp cannot send {} content from the Cloud API here", other.summary())))
        }
        (_, [attachment]) => media_object(attachment, text),
        (_, []) => {
            let preview = matches!(message.content, Some(Content::LinkPreview));
            Ok(("text", json!({ "preview_url": preview, "body": needs_text(text)? })))
        }
        (_, _) => {
            Err(unsendable("a WhatsApp message carries at most one media file; send each file as its own message"))
        }
    }
}

fn needs_text(text: &str) -> Result<&str, SendError> {
    if text.is_empty() { Err(unsendable("the message has no text")) } else { Ok(text) }
}

/// The media type a file is sent as, from its content type.
fn media_kind(attachment: &Attachment) -> &'static str {
    let content_type = attachment.content_type.as_deref().unwrap_or_default();
    let extension = attachment.url.rsplit('.').next().unwrap_or_default().to_ascii_lowercase();
    if content_type.starts_with("image/webp") {
        "sticker"
    } else if content_type.starts_with("image/") || ["jpg", "jpeg", "png"].contains(&extension.as_str()) {
        "image"
    } else if content_type.starts_with("video/") || ["mp4", "3gp"].contains(&extension.as_str()) {
        "video"
    } else if content_type.starts_with("audio/") || ["ogg", "mp3", "aac", "amr", "m4a"].contains(&extension.as_str()) {
        "audio"
    } else {
        "document"
    }
}

fn media_object(attachment: &Attachment, caption: &str) -> Result<(&'static str, Value), SendError> {
    let kind = media_kind(attachment);
    let mut object = match (&attachment.provider_media_id, attachment.url.is_empty()) {
        (Some(id), _) => json!({ "id": id }),
        (None, false) => json!({ "link": attachment.url }),
        (None, true) => return Err(unsendable("the attachment has neither a link nor an uploaded media id")),
    };
    if !caption.is_empty() && matches!(kind, "image" | "video" | "document") {
        object["caption"] = json!(caption);
    }
    if kind == "document"
        && let Some(filename) = attachment
            .filename
            .clone()
            .or_else(|| attachment.url.rsplit('/').next().filter(|name| !name.is_empty()).map(str::to_owned))
    {
        object["filename"] = json!(filename);
    }
    Ok((kind, object))
}

fn template_object(template: &TemplateMessage) -> Value {
    let mut components = Vec::new();
    if let Some(header) = &template.header_parameter {
        let parameter = if header.starts_with("https://") || header.starts_with("http://") {
            let kind = media_kind(&Attachment::link(header.clone(), None));
            let kind = if kind == "sticker" || kind == "audio" { "image" } else { kind };
            json!({ "type": kind, kind: { "link": header } })
        } else {
            json!({ "type": "text", "text": header })
        };
        components.push(json!({ "type": "header", "parameters": [parameter] }));
    }
    if !template.body_parameters.is_empty() {
        let parameters: Vec<Value> =
            template.body_parameters.iter().map(|value| json!({ "type": "text", "text": value })).collect();
        components.push(json!({ "type": "body", "parameters": parameters }));
    }
    for button in &template.button_parameters {
        let parameter = if button.sub_type == "quick_reply" {
            json!({ "type": "payload", "payload": button.value })
        } else {
            json!({ "type": "text", "text": button.value })
        };
        components.push(json!({
            "type": "button", "sub_type": button.sub_type, "index": button.index.to_string(), "parameters": [parameter]
        }));
    }
    let mut object =
        json!({ "name": template.name, "language": { "policy": "deterministic", "code": template.language } });
    if !components.is_empty() {
        object["components"] = json!(components);
    }
    object
}

pub(crate) async fn send(
    client: &reqwest::Client,
    base_url: &str,
    version: &str,
    credentials: &MetaCredentials,
    phone_number_id: &str,
    message: &OutboundRequest,
) -> Result<SendReceipt, SendError> {
    let body = request_body(message)?;
    let response = client
        .post(graph_url(base_url, version, &format!("{phone_number_id}/messages")))
        .bearer_auth(&credentials.access_token)
        .json(&body)
        .send()
        .await
        .map_err(|e| SendError::transient(format!("could not reach the WhatsApp Cloud API: {}", e.without_url())))?;
    let status = response.status().as_u16();
    let bytes = response
        .bytes()
        .await
        .map_err(|e| SendError::transient(format!("the Cloud API's answer was cut off: {}", e.without_url())))?;
    let answer: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    if (200..300).contains(&status) {
        let id = answer["messages"][0]["id"]
            .as_str()
            .ok_or_else(|| SendError::transient(format!("the Cloud API answered {status} without a message id")))?;
        return Ok(SendReceipt::new(id));
    }
    Err(classify_error(status, &answer["error"]))
}

#[cfg(test)]
mod tests;
