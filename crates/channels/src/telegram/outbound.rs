//! Sending: the text as Telegram HTML in as many `sendMessage` calls as its length needs, files
//! by link with `sendPhoto` (pictures) or `sendDocument` (the rest), a short text riding as the
//! caption of a single file; the reply-to on the first message, the buttons (an inline keyboard)
//! or answers (a reply keyboard) on the last. The message's id is its first part's.

use serde_json::{Value, json};
use switchboard_domain::{Attachment, Content};

use super::bot_api::{self, ApiError};
use super::format::{CAPTION_LIMIT, MESSAGE_LIMIT, html_pieces};
use super::updates::message_key;
use crate::adapter::{OutboundRequest, SendError, SendReceipt};

/// One Bot API call of a send.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub method: &'static str,
    pub body: Value,
}

/// The calls that send `message`, in order.
pub fn calls(message: &OutboundRequest) -> Result<Vec<Call>, SendError> {
    let chat_id: i64 = message.to.parse().map_err(|_| {
        SendError::permanent(
            None,
            format!("{:?} is not a Telegram chat id; a Telegram identity is a number", message.to),
        )
    })?;
    let pieces = html_pieces(&message.body, MESSAGE_LIMIT);
    let captioned = message.attachments.len() == 1 && pieces.len() <= 1 && caption_fits(&pieces);
    let mut calls: Vec<Call> = Vec::new();
    if !captioned {
        calls.extend(pieces.iter().map(|text| Call {
            method: "sendMessage",
            body: json!({ "chat_id": chat_id, "text": text, "parse_mode": "HTML" }),
        }));
    }
    for attachment in &message.attachments {
        let (method, field) = file_method(attachment);
        let mut body = json!({ "chat_id": chat_id, field: attachment.url });
        if captioned && let Some(caption) = pieces.first() {
            body["caption"] = json!(caption);
            body["parse_mode"] = json!("HTML");
        }
        calls.push(Call { method, body });
    }
    if calls.is_empty() {
        return Err(SendError::permanent(None, "a Telegram message needs text or a file"));
    }
    if let Some(reply_to) = message.reply_to.as_deref().and_then(|key| replied_message_id(key, chat_id)) {
        calls[0].body["reply_parameters"] = json!({ "message_id": reply_to, "allow_sending_without_reply": true });
    }
    if let Some(markup) = message.content.as_ref().map(reply_markup).transpose()?.flatten()
        && let Some(last) = calls.last_mut()
    {
        last.body["reply_markup"] = markup;
    }
    Ok(calls)
}

fn caption_fits(pieces: &[String]) -> bool {
    pieces.first().is_none_or(|p| super::format::visible_len(p) <= CAPTION_LIMIT)
}

fn file_method(attachment: &Attachment) -> (&'static str, &'static str) {
    let picture = attachment.content_type.as_deref().is_some_and(|t| {
        matches!(
            t.split(';').next().unwrap_or_default().trim(),
            "image/jpeg" | "image/png" | "image/webp" | "image/gif"
        )
    });
    if picture { ("sendPhoto", "photo") } else { ("sendDocument", "document") }
}

/// The message id to reply to, when the kept id names a message of this chat.
fn replied_message_id(key: &str, chat_id: i64) -> Option<i64> {
    let (chat, message) = key.split_once(':')?;
    (chat.parse::<i64>().ok()? == chat_id).then(|| message.parse().ok()).flatten()
}

/// The keyboard content asks for; `None` for content Telegram shows no keyboard for.
fn reply_markup(content: &Content) -> Result<Option<Value>, SendError> {
    let refuse = |e: switchboard_domain::content::InvalidContent| SendError::permanent(None, e.to_string());
    content.check_sendable().map_err(refuse)?;
    Ok(match content {
        Content::Buttons { buttons } => {
            let rows: Vec<Value> =
                buttons.iter().map(|b| json!([{ "text": b.title, "callback_data": callback_data(&b.id) }])).collect();
            Some(json!({ "inline_keyboard": rows }))
        }
        Content::List { sections, .. } => {
            let rows: Vec<Value> = sections
                .iter()
                .flat_map(|s| &s.rows)
                .map(|r| json!([{ "text": r.title, "callback_data": callback_data(&r.id) }]))
                .collect();
            Some(json!({ "inline_keyboard": rows }))
        }
        Content::Keyboard { options, one_time } => {
            let rows: Vec<Value> = options.iter().map(|o| json!([{ "text": o.trim() }])).collect();
            Some(json!({ "keyboard": rows, "one_time_keyboard": one_time, "resize_keyboard": true }))
        }
        _ => None,
    })
}

/// Telegram carries at most 64 bytes of callback data; a longer id is cut at a character.
fn callback_data(id: &str) -> String {
    let mut end = id.len().min(64);
    while !id.is_char_boundary(end) {
        end -= 1;
    }
    id[..end].to_owned()
}

/// Makes the calls in order; the receipt names the first message sent.
pub async fn send(
    client: &reqwest::Client,
    base_url: &str,
    token: &str,
    message: &OutboundRequest,
) -> Result<SendReceipt, SendError> {
    let mut first = None;
    for call in calls(message)? {
        let sent = bot_api::call(client, base_url, token, call.method, &call.body).await.map_err(|error| {
            let partly = first.is_some();
            let mut error = ApiError::into_send_error(error);
            if partly {
                error.reason = format!("{} (after the first part was sent)", error.reason);
            }
            error
        })?;
        if first.is_none() {
            let chat = sent["chat"]["id"].as_i64().unwrap_or_default();
            let id = sent["message_id"].as_i64().ok_or_else(|| SendError::transient("Telegram named no message id"))?;
            first = Some(message_key(chat, id));
        }
    }
    first.map(SendReceipt::new).ok_or_else(|| SendError::permanent(None, "nothing to send"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_domain::content::ReplyButton;

    fn request(body: &str) -> OutboundRequest {
        OutboundRequest::text("4242", body)
    }

    #[test]
    fn text_goes_as_escaped_html() {
        let calls = calls(&request("1 < 2 & **sure**")).unwrap();
        assert_eq!(
            calls,
            [Call {
                method: "sendMessage",
                body: json!({ "chat_id": 4242, "text": "1 &lt; 2 &amp; <b>sure</b>", "parse_mode": "HTML" }),
            }]
        );
    }

    #[test]
    fn a_picture_with_short_text_is_one_captioned_photo() {
        let mut message = request("Your receipt");
        message.attachments = vec![Attachment::link("https://shop.example/r.png", Some("image/png".into()))];
        let calls = calls(&message).unwrap();
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].method, "sendPhoto");
        assert_eq!(calls[0].body["photo"], "https://shop.example/r.png");
        assert_eq!(calls[0].body["caption"], "Your receipt");
    }

    #[test]
    fn a_document_after_long_text_goes_on_its_own() {
        let mut message = request(&"word ".repeat(300));
        message.attachments = vec![Attachment::link("https://shop.example/a.pdf", Some("application/pdf".into()))];
        let methods: Vec<&str> = calls(&message).unwrap().iter().map(|c| c.method).collect();
        assert_eq!(methods, ["sendMessage", "sendDocument"]);
    }

    #[test]
    fn reply_to_goes_on_the_first_part_and_buttons_on_the_last() {
        let mut message = request(&"word ".repeat(1000));
        message.reply_to = Some("4242:17".into());
        message.content =
            Some(Content::Buttons { buttons: vec![ReplyButton { id: "yes".into(), title: "Yes".into() }] });
        let calls = calls(&message).unwrap();
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].body["reply_parameters"]["message_id"], 17);
        assert!(calls[0].body.get("reply_markup").is_none());
        assert_eq!(
            calls[1].body["reply_markup"],
            json!({ "inline_keyboard": [[{ "text": "Yes", "callback_data": "yes" }]] })
        );
    }

    #[test]
    fn a_reply_keyboard_offers_the_answers() {
        let mut message = request("Still on for Friday?");
        message.content = Some(Content::Keyboard { options: vec!["Yes".into(), "No".into()], one_time: true });
        let markup = &calls(&message).unwrap()[0].body["reply_markup"];
        assert_eq!(markup["keyboard"], json!([[{ "text": "Yes" }], [{ "text": "No" }]]));
        assert_eq!(markup["one_time_keyboard"], true);
    }

    #[test]
    fn a_recipient_that_is_not_a_chat_id_is_refused() {
        let error = calls(&OutboundRequest::text("@ann", "hi")).unwrap_err();
        assert!(error.reason.contains("not a Telegram chat id"), "{}", error.reason);
    }

    #[test]
    fn a_reply_to_a_message_of_another_chat_is_not_sent() {
        let mut message = request("hi");
        message.reply_to = Some("999:17".into());
        assert!(calls(&message).unwrap()[0].body.get("reply_parameters").is_none());
    }
}
