//! `sendMessage`, `sendPhoto` and `sendDocument`: flood control asked for with `throttle`,
//! Telegram's checks and error texts (chat, text, parse mode, length, keyboard, reply), then the
//! sent Message as Telegram answers it (`from` the bot, `text` and `entities` or `caption` and
//! `caption_entities`, `photo` sizes or `document`, `reply_to_message`, an inline keyboard echoed),
//! recorded in the chat and listed as a [`SentBotMessage`].

use serde_json::{Map, Value, json};

use super::envelope::{BotApiError, MethodResult, ok};
use super::files::{self, image_size};
use super::formatting::{MAX_CAPTION, MAX_TEXT, format, too_long};
use super::markup;
use super::objects::{as_reply_target, bot_user, now_millis, now_unix, private_chat};
use super::params::{Params, Upload};
use super::routes::with_bot;
use super::world::{BotState, ChatState, SentBotMessage, StoredFile};
use crate::server::Shared;

/// Which send method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SendKind {
    Message,
    Photo,
    Document,
}

impl SendKind {
    fn method(self) -> &'static str {
        match self {
            Self::Message => "sendMessage",
            Self::Photo => "sendPhoto",
            Self::Document => "sendDocument",
        }
    }

    /// The parameter (and Message field) of the file.
    fn file_field(self) -> &'static str {
        match self {
            Self::Photo => "photo",
            _ => "document",
        }
    }
}

/// Where a photo or document comes from.
enum FileSource {
    Url(String),
    FileId(String),
    Upload(Upload),
}

/// A send request, read and checked apart from the chat.
struct SendRequest {
    chat_id: i64,
    /// Text or caption, as sent.
    raw: Option<String>,
    /// Text or caption as the customer sees it, with its entities.
    formatted: Option<(String, Vec<Value>)>,
    parse_mode: Option<String>,
    reply_to: Option<(i64, bool)>,
    reply_markup: Option<Value>,
    file: Option<FileSource>,
}

/// `chat_id`, as a number (a private chat's id is the user's id; `@username` is no private chat).
pub(crate) fn chat_id(params: &Params) -> Result<i64, BotApiError> {
    let text = params.str("chat_id").map(|s| s.trim().to_owned()).unwrap_or_default();
    if text.is_empty() {
        return Err(BotApiError::bad_request("chat_id is empty"));
    }
    params.i64("chat_id").ok_or_else(|| BotApiError::bad_request("chat not found"))
}

/// The chat with this id, if the bot may write to it.
pub(crate) fn reachable_chat(bot: &mut BotState, chat_id: i64) -> Result<&mut ChatState, BotApiError> {
    let chat = bot.chats.get_mut(&chat_id).ok_or_else(|| BotApiError::bad_request("chat not found"))?;
    if chat.blocked {
        return Err(BotApiError::forbidden("bot was blocked by the user"));
    }
    Ok(chat)
}

fn file_source(kind: SendKind, params: &Params) -> Result<FileSource, BotApiError> {
    let field = kind.file_field();
    let wrong = || BotApiError::bad_request("wrong file identifier/HTTP URL specified");
    if let Some(upload) = params.upload(field) {
        return Ok(FileSource::Upload(upload.clone()));
    }
    let value = params.str(field).map(|v| v.trim().to_owned()).unwrap_or_default();
    if value.is_empty() {
        return Err(BotApiError::bad_request(format!("there is no {field} in the request")));
    }
    if let Some(name) = value.strip_prefix("attach://") {
        return params.upload(name).cloned().map(FileSource::Upload).ok_or_else(wrong);
    }
    let lower = value.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return Ok(FileSource::Url(value));
    }
    if value.contains(char::is_whitespace) {
        return Err(wrong());
    }
    Ok(FileSource::FileId(value))
}

fn reply_to(params: &Params) -> Result<Option<(i64, bool)>, BotApiError> {
    let invalid = || BotApiError::bad_request("can't parse reply parameters JSON object");
    match params.json("reply_parameters") {
        Ok(Some(parameters)) => {
            let message_id = parameters["message_id"].as_i64().ok_or_else(invalid)?;
            let allow = parameters["allow_sending_without_reply"].as_bool().unwrap_or(false);
            Ok(Some((message_id, allow)))
        }
        Ok(None) => Ok(params.i64("reply_to_message_id").map(|id| (id, params.bool("allow_sending_without_reply")))),
        Err(()) => Err(invalid()),
    }
}

fn read_request(kind: SendKind, params: &Params) -> Result<SendRequest, BotApiError> {
    let chat_id = chat_id(params)?;
    let parse_mode = params.str("parse_mode").filter(|mode| !mode.trim().is_empty());
    let (field, entities_field, limit, too_long_text) = match kind {
        SendKind::Message => ("text", "entities", MAX_TEXT, "message is too long"),
        _ => ("caption", "caption_entities", MAX_CAPTION, "message caption is too long"),
    };
    let raw = params.str(field);
    if kind == SendKind::Message && raw.as_deref().is_none_or(|text| text.trim().is_empty()) {
        return Err(BotApiError::bad_request("message text is empty"));
    }
    let file = match kind {
        SendKind::Message => None,
        _ => Some(file_source(kind, params)?),
    };
    let explicit =
        params.json(entities_field).map_err(|()| BotApiError::bad_request("can't parse entities JSON object"))?;
    let formatted = match &raw {
        Some(raw) => {
            let (text, entities) = format(raw, parse_mode.as_deref(), explicit)?;
            if kind == SendKind::Message && text.trim().is_empty() {
                return Err(BotApiError::bad_request("message text is empty"));
            }
            if too_long(&text, limit) {
                return Err(BotApiError::bad_request(too_long_text));
            }
            Some((text, entities))
        }
        None => None,
    };
    let reply_markup = match params.json("reply_markup") {
        Ok(markup) => markup,
        Err(()) => return Err(BotApiError::bad_request("can't parse reply keyboard markup JSON object")),
    };
    if let Some(markup) = &reply_markup {
        markup::validate(markup)?;
    }
    Ok(SendRequest { chat_id, raw, formatted, parse_mode, reply_to: reply_to(params)?, reply_markup, file })
}

/// A guess at a content type from a file name.
fn mime_from_name(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "json" => "application/json",
        "zip" => "application/zip",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "mp4" => "video/mp4",
        "ogg" | "oga" => "audio/ogg",
        "mp3" => "audio/mpeg",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/octet-stream",
    }
}

/// The last path segment of a URL, as a file name.
fn url_file_name(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let name = path.rsplit('/').next().unwrap_or_default();
    if name.is_empty() || path.ends_with("//") { "file".to_owned() } else { name.to_owned() }
}

/// A PhotoSize for one stored file.
fn photo_size(file: &StoredFile) -> Value {
    let (width, height) = image_size(&file.bytes).unwrap_or((1280, 960));
    json!({
        "file_id": file.file_id, "file_unique_id": file.file_unique_id, "file_size": file.bytes.len(),
        "width": width, "height": height,
    })
}

/// Resolves the file of a send into the Message field's value, and how the send gave it.
fn attach(bot: &mut BotState, kind: SendKind, source: FileSource) -> Result<(Value, String), BotApiError> {
    let (bytes, name, content_type, given) = match source {
        FileSource::FileId(file_id) => {
            let file = bot
                .files
                .get(&file_id)
                .cloned()
                .ok_or_else(|| BotApiError::bad_request("wrong file identifier/HTTP URL specified"))?;
            let value = match kind {
                SendKind::Photo => Value::Array(vec![photo_size(&file)]),
                _ => {
                    let name = file.file_path.rsplit('/').next().unwrap_or("file").to_owned();
                    json!({
                        "file_name": name, "mime_type": file.mime_type, "file_id": file.file_id,
                        "file_unique_id": file.file_unique_id, "file_size": file.bytes.len(),
                    })
                }
            };
            return Ok((value, file_id));
        }
        // The emulator fetches nothing: a URL's file is a placeholder.
        FileSource::Url(url) => {
            let name = url_file_name(&url);
            (format!("emulated download of {url}").into_bytes(), name, None, url)
        }
        FileSource::Upload(upload) => {
            let name = upload.filename.clone().unwrap_or_else(|| "file".to_owned());
            (upload.data, name.clone(), upload.content_type, format!("upload:{name}"))
        }
    };
    let value = match kind {
        SendKind::Photo => files::store_photo(bot, bytes),
        _ => {
            let mime = content_type.unwrap_or_else(|| mime_from_name(&name).to_owned());
            files::store_document(bot, bytes, &name, &mime)
        }
    };
    Ok((value, given))
}

/// The sent Message as Telegram answers it.
fn message_json(
    kind: SendKind,
    request: &SendRequest,
    head: Map<String, Value>,
    reply_target: Option<&Value>,
    attached: Option<&Value>,
) -> Value {
    let mut message = head;
    if let Some(target) = reply_target {
        message.insert("reply_to_message".into(), target.clone());
    }
    if let Some(value) = attached {
        message.insert(kind.file_field().into(), value.clone());
    }
    let (text_field, entities_field) =
        if kind == SendKind::Message { ("text", "entities") } else { ("caption", "caption_entities") };
    if let Some((text, entities)) = &request.formatted {
        message.insert(text_field.into(), json!(text));
        if !entities.is_empty() {
            message.insert(entities_field.into(), Value::Array(entities.clone()));
        }
    }
    // Of all keyboards, only an inline one belongs to the message.
    if let Some(keyboard) = request.reply_markup.as_ref().and_then(|m| m.get("inline_keyboard")) {
        message.insert("reply_markup".into(), json!({ "inline_keyboard": keyboard }));
    }
    Value::Object(message)
}

/// Checks a read request against the chat and the bot's files, then records the message.
fn record(bot: &mut BotState, kind: SendKind, mut request: SendRequest) -> Result<Value, BotApiError> {
    let chat = reachable_chat(bot, request.chat_id)?;
    let reply_target = match request.reply_to {
        Some((id, allow_without)) => match chat.messages.get(&id) {
            Some(target) => Some((id, as_reply_target(target))),
            None if allow_without => None,
            None => return Err(BotApiError::bad_request("message to be replied not found")),
        },
        None => None,
    };
    let chat_object = private_chat(&chat.customer);
    let from = bot_user(bot);
    let attached = match request.file.take() {
        Some(source) => Some(attach(bot, kind, source)?),
        None => None,
    };
    let chat = reachable_chat(bot, request.chat_id)?;
    let message_id = chat.next_message_id();
    let mut head = Map::new();
    head.insert("message_id".into(), json!(message_id));
    head.insert("from".into(), from);
    head.insert("chat".into(), chat_object);
    head.insert("date".into(), json!(now_unix()));
    let message = message_json(
        kind,
        &request,
        head,
        reply_target.as_ref().map(|(_, target)| target),
        attached.as_ref().map(|(value, _)| value),
    );
    chat.messages.insert(message_id, message.clone());
    let plain = request.formatted.map(|(text, _)| text);
    let is_html = request.parse_mode.as_deref().is_some_and(|mode| mode.trim().eq_ignore_ascii_case("html"));
    let (text, caption) = if kind == SendKind::Message { (plain, None) } else { (None, plain) };
    bot.sent.push(SentBotMessage {
        method: kind.method().to_owned(),
        chat_id: request.chat_id,
        message_id,
        text,
        html: if is_html { request.raw } else { None },
        caption,
        file: attached.map(|(_, given)| given),
        reply_to_message_id: reply_target.map(|(id, _)| id),
        reply_markup: request.reply_markup,
        parse_mode: request.parse_mode,
        sent_at_ms: now_millis(),
    });
    Ok(message)
}

/// Handles `sendMessage`, `sendPhoto` and `sendDocument`.
pub(crate) fn send(shared: &Shared, token: &str, kind: SendKind, params: &Params) -> MethodResult {
    with_bot(shared, token, |bot| match bot.throttle.as_mut() {
        Some(throttle) if throttle.remaining > 0 => {
            throttle.remaining -= 1;
            Err(BotApiError::too_many_requests(throttle.retry_after))
        }
        _ => Ok(()),
    })?;
    let request = read_request(kind, params)?;
    with_bot(shared, token, |bot| record(bot, kind, request)).map(ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_sources_are_told_apart() {
        let params = Params::from_json(json!({"photo": "https://x.example/a.jpg"}));
        assert!(matches!(file_source(SendKind::Photo, &params), Ok(FileSource::Url(_))));
        let params = Params::from_json(json!({"document": "BQACAgIAAxkBAAI"}));
        assert!(matches!(file_source(SendKind::Document, &params), Ok(FileSource::FileId(_))));
        let params = Params::from_json(json!({}));
        assert_eq!(
            file_source(SendKind::Photo, &params).err().map(|e| e.description).as_deref(),
            Some("Bad Request: there is no photo in the request")
        );
        assert_eq!(url_file_name("https://x.example/docs/report.pdf?x=1"), "report.pdf");
        assert_eq!(mime_from_name("report.PDF"), "application/pdf");
    }

    #[test]
    fn requests_are_checked_before_the_chat() {
        let description =
            |body: Value| read_request(SendKind::Message, &Params::from_json(body)).err().map(|e| e.description);
        assert_eq!(description(json!({"text": "x"})).as_deref(), Some("Bad Request: chat_id is empty"));
        assert_eq!(
            description(json!({"chat_id": 1, "text": " "})).as_deref(),
            Some("Bad Request: message text is empty")
        );
        assert_eq!(
            description(json!({"chat_id": 1, "text": "x".repeat(4097)})).as_deref(),
            Some("Bad Request: message is too long")
        );
        assert_eq!(
            description(json!({"chat_id": "@someone", "text": "x"})).as_deref(),
            Some("Bad Request: chat not found")
        );
        assert_eq!(description(json!({"chat_id": 1, "text": "x".repeat(4096)})), None);
    }
}
