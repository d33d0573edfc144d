//! Validation of a Send API body (`POST /{account_id}/messages`) as the Messenger Platform does
//! it: `recipient.id`, `messaging_type` (and `tag` for `MESSAGE_TAG`), then either a
//! `sender_action` or a `message` with `text` or one `attachment`, and its `quick_replies`.
//! Bodies may be JSON or form-encoded with JSON-valued fields, as Graph accepts both.

use serde_json::{Map, Value};

use super::graph_error::GraphError;
use super::messaging_types::MessagingPlatform;

const MESSAGING_TYPES: &[&str] = &["RESPONSE", "UPDATE", "MESSAGE_TAG"];
const TAGS: &[&str] = &["HUMAN_AGENT", "ACCOUNT_UPDATE", "CONFIRMED_EVENT_UPDATE", "POST_PURCHASE_UPDATE"];
const ATTACHMENT_TYPES: &[&str] = &["image", "video", "audio", "file"];
const SENDER_ACTIONS: &[&str] = &["typing_on", "typing_off", "mark_seen"];
const MAX_QUICK_REPLIES: usize = 13;
const MAX_QUICK_REPLY_TITLE: usize = 20;

/// A body that passed validation.
#[derive(Clone, Debug)]
pub(crate) struct ValidMessaging {
    pub recipient_id: String,
    /// `Some("HUMAN_AGENT")` etc. for `MESSAGE_TAG`.
    pub tag: Option<String>,
    /// False for a `sender_action` (typing, mark_seen): nothing is sent.
    pub is_message: bool,
    /// The body as JSON.
    pub request: Value,
}

/// The body as a JSON object: JSON as is, or form fields whose values are parsed as JSON when they are.
pub(crate) fn body_object(body: &[u8]) -> Map<String, Value> {
    if let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(body) {
        return object;
    }
    form_urlencoded::parse(body)
        .map(|(name, value)| {
            let value = serde_json::from_str(&value).unwrap_or_else(|_| Value::String(value.into_owned()));
            (name.into_owned(), value)
        })
        .collect()
}

fn param(message: impl std::fmt::Display) -> GraphError {
    GraphError::param(message)
}

fn one_of(name: &str, allowed: &[&str], got: &str) -> GraphError {
    param(format!("param {name} must be one of {{{}}} - got \"{got}\"", allowed.join(", ")))
}

fn too_long(name: &str, max: usize) -> GraphError {
    param(format!("Length of param {name} must be less than or equal to {max}"))
}

fn non_empty_str<'a>(object: &'a Value, key: &str) -> Option<&'a str> {
    object.get(key).and_then(Value::as_str).filter(|s| !s.trim().is_empty())
}

fn check_text(platform: MessagingPlatform, text: &str) -> Result<(), GraphError> {
    match platform {
        MessagingPlatform::Messenger if text.chars().count() > 2000 => Err(too_long("message[text]", 2000)),
        // Instagram counts UTF-8 bytes.
        MessagingPlatform::Instagram if text.len() > 1000 => Err(too_long("message[text]", 1000)),
        _ => Ok(()),
    }
}

fn check_attachment(attachment: &Value) -> Result<(), GraphError> {
    let kind = attachment.get("type").and_then(Value::as_str).unwrap_or_default();
    if !ATTACHMENT_TYPES.contains(&kind.to_ascii_lowercase().as_str()) {
        return Err(one_of("message[attachment][type]", ATTACHMENT_TYPES, kind));
    }
    let payload = attachment.get("payload").filter(|p| p.is_object());
    let payload = payload.ok_or_else(|| param("param message[attachment][payload] must be non-empty."))?;
    if non_empty_str(payload, "url").is_none() && payload.get("attachment_id").is_none_or(Value::is_null) {
        return Err(param("param message[attachment][payload][url] must be a valid URL"));
    }
    if payload.get("is_reusable").is_some_and(|r| !r.is_boolean()) {
        return Err(param("param message[attachment][payload][is_reusable] must be a boolean"));
    }
    Ok(())
}

fn check_quick_replies(replies: &Value) -> Result<(), GraphError> {
    let replies = replies.as_array().ok_or_else(|| param("param message[quick_replies] must be an array"))?;
    if replies.is_empty() || replies.len() > MAX_QUICK_REPLIES {
        return Err(param(format!("param message[quick_replies] must have between 1 and {MAX_QUICK_REPLIES} items")));
    }
    for (i, reply) in replies.iter().enumerate() {
        let content_type = reply.get("content_type").and_then(Value::as_str).unwrap_or_default();
        match content_type {
            "text" => {
                let title = non_empty_str(reply, "title")
                    .ok_or_else(|| param(format!("param message[quick_replies][{i}][title] must be non-empty.")))?;
                if title.chars().count() > MAX_QUICK_REPLY_TITLE {
                    return Err(too_long(&format!("message[quick_replies][{i}][title]"), MAX_QUICK_REPLY_TITLE));
                }
                if non_empty_str(reply, "payload").is_none() {
                    return Err(param(format!("param message[quick_replies][{i}][payload] must be non-empty.")));
                }
            }
            "user_phone_number" | "user_email" => {}
            other => {
                let allowed = ["text", "user_phone_number", "user_email"];
                return Err(one_of(&format!("message[quick_replies][{i}][content_type]"), &allowed, other));
            }
        }
    }
    Ok(())
}

fn check_message(platform: MessagingPlatform, message: &Value) -> Result<(), GraphError> {
    if !message.is_object() {
        return Err(param("param message must be a JSON object"));
    }
    let text = message.get("text").filter(|t| !t.is_null());
    let attachment = message.get("attachment").filter(|a| !a.is_null());
    match (text, attachment) {
        (Some(_), Some(_)) => return Err(param("Only one of text or attachment can be specified")),
        (None, None) => return Err(param("Message must contain either text or attachment")),
        (Some(text), None) => {
            let text = text.as_str().filter(|t| !t.is_empty());
            check_text(platform, text.ok_or_else(|| param("param message[text] must be non-empty."))?)?;
        }
        (None, Some(attachment)) => check_attachment(attachment)?,
    }
    if let Some(replies) = message.get("quick_replies").filter(|q| !q.is_null()) {
        check_quick_replies(replies)?;
    }
    if message.get("metadata").and_then(Value::as_str).is_some_and(|m| m.chars().count() > 1000) {
        return Err(too_long("message[metadata]", 1000));
    }
    Ok(())
}

/// The `tag` a request carries, after checking `messaging_type`.
fn check_messaging_type(body: &Map<String, Value>) -> Result<Option<String>, GraphError> {
    let kind = body.get("messaging_type").and_then(Value::as_str);
    let kind = kind.ok_or_else(|| param("The parameter messaging_type is required"))?;
    if !MESSAGING_TYPES.contains(&kind) {
        return Err(one_of("messaging_type", MESSAGING_TYPES, kind));
    }
    let tag = body.get("tag").and_then(Value::as_str).filter(|t| !t.is_empty());
    match (kind, tag) {
        ("MESSAGE_TAG", None) => Err(param("param tag is required when messaging_type is MESSAGE_TAG")),
        ("MESSAGE_TAG", Some(tag)) if !TAGS.contains(&tag) => Err(one_of("tag", TAGS, tag)),
        ("MESSAGE_TAG", Some(tag)) => Ok(Some(tag.to_owned())),
        _ => Ok(None),
    }
}

/// Validates a Send API body; `Err` is what the API answers.
pub(crate) fn validate(platform: MessagingPlatform, body: &[u8]) -> Result<ValidMessaging, GraphError> {
    let body = body_object(body);
    let recipient_id = body
        .get("recipient")
        .and_then(|r| r.get("id"))
        .and_then(|id| id.as_str().map(str::to_owned).or_else(|| id.as_u64().map(|n| n.to_string())))
        .filter(|id| !id.trim().is_empty())
        .ok_or_else(|| param("The parameter recipient is required"))?;
    let message = body.get("message").filter(|m| !m.is_null());
    let action = body.get("sender_action").filter(|a| !a.is_null());
    let is_message = match (message, action) {
        (Some(_), Some(_)) => return Err(param("Cannot send both message and sender_action")),
        (None, None) => return Err(param("Must send either message or state")),
        (None, Some(action)) => {
            let action = action.as_str().unwrap_or_default();
            if !SENDER_ACTIONS.contains(&action) {
                return Err(one_of("sender_action", SENDER_ACTIONS, action));
            }
            false
        }
        (Some(message), None) => {
            check_message(platform, message)?;
            true
        }
    };
    let tag = if is_message { check_messaging_type(&body)? } else { None };
    Ok(ValidMessaging { recipient_id, tag, is_message, request: Value::Object(body) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(body: Value) -> Result<ValidMessaging, String> {
        validate(MessagingPlatform::Messenger, body.to_string().as_bytes()).map_err(|e| e.message)
    }

    #[test]
    fn form_bodies_read_like_json_ones() {
        let form = b"recipient=%7B%22id%22%3A%221%22%7D&messaging_type=RESPONSE&message=%7B%22text%22%3A%22hi%22%7D";
        let valid = validate(MessagingPlatform::Messenger, form).unwrap();
        assert_eq!(valid.recipient_id, "1");
        assert_eq!(valid.request["message"]["text"], "hi");
    }

    #[test]
    fn metas_rules_are_enforced() {
        let ok = json!({"recipient": {"id": "1"}, "messaging_type": "RESPONSE", "message": {"text": "hi"}});
        assert!(check(ok).is_ok());
        let no_recipient = json!({"messaging_type": "RESPONSE", "message": {"text": "hi"}});
        assert_eq!(check(no_recipient).unwrap_err(), "(#100) The parameter recipient is required");
        let untagged = json!({"recipient": {"id": "1"}, "messaging_type": "MESSAGE_TAG", "message": {"text": "hi"}});
        assert!(check(untagged).unwrap_err().contains("tag is required"));
        let long = json!({"recipient": {"id": "1"}, "messaging_type": "UPDATE", "message": {"text": "x".repeat(2001)}});
        assert!(check(long).unwrap_err().contains("2000"));
        let action = json!({"recipient": {"id": "1"}, "sender_action": "typing_on"});
        assert!(!check(action).unwrap().is_message);
        let bad_type = json!({"recipient": {"id": "1"}, "messaging_type": "RESPONSE",
                              "message": {"attachment": {"type": "sticker", "payload": {"url": "https://x/y"}}}});
        assert!(check(bad_type).unwrap_err().contains("message[attachment][type]"));
    }

    #[test]
    fn instagram_texts_are_limited_to_1000_bytes() {
        let body =
            json!({"recipient": {"id": "1"}, "messaging_type": "RESPONSE", "message": {"text": "é".repeat(501)}});
        assert!(validate(MessagingPlatform::Instagram, body.to_string().as_bytes()).is_err());
    }
}
