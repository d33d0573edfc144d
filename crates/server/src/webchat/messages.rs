//! A visitor's messages: `GET /widget/api/messages` (their chat on this widget, oldest first,
//! the business's replies marked delivered as they are handed over), `POST /widget/api/messages`
//! (a text, with an image if they attached one, stored as any provider's message is),
//! `POST /widget/api/read` (the replies they have seen) and `GET /widget/api/media/{id}` (a
//! picture of their chat). A visitor sees only the messages of their own chat: those on this
//! channel from or to their contact's web chat identities (theirs, and their other devices' once
//! they proved their email).

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use switchboard_domain::inbound::{InboundEvent, InboundMessage, StatusUpdate};
use switchboard_domain::{Attachment, ChannelKind, Direction, MediaId, MessageStatus};
use switchboard_store::model::{Message, NewMedia};

use super::visitor::{Refusal, VisitorSession, authenticate, bearer, visitor_change, visitor_conversation};
use crate::clock::{now_ms, rfc3339};
use crate::http::extract::ApiJson;
use crate::http::problem::Problem;
use crate::state::AppState;
use crate::workers::media::{MEDIA_PATH_PREFIX, media_path};

/// The longest text a visitor may send.
pub const MAX_TEXT_CHARS: usize = 4_000;
/// The largest picture a visitor may attach.
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;
/// How much of the chat the widget shows.
const HISTORY: u32 = 300;
const VERIFICATION: &str = "webchat-visitor-token";

/// A message as the widget shows it.
#[derive(Serialize)]
pub struct WidgetMessage {
    id: String,
    /// `inbound`: the visitor wrote it; `outbound`: the business did.
    direction: &'static str,
    text: String,
    attachments: Vec<WidgetAttachment>,
    created_at: String,
    status: String,
    /// The business read the visitor's message.
    seen: bool,
}

#[derive(Serialize)]
pub struct WidgetAttachment {
    url: String,
    content_type: Option<String>,
    filename: Option<String>,
}

/// The visitor's messages on this channel, oldest first.
async fn chat(state: &AppState, session: &VisitorSession) -> Result<Vec<Message>, Problem> {
    let Some((contact, conversation_id)) = visitor_conversation(state, session).await? else {
        return Ok(Vec::new());
    };
    // The contact's visitors: this one, and the other devices of a visitor who proved their email.
    let visitors: Vec<&str> = contact
        .identities
        .iter()
        .filter(|i| i.kind == switchboard_domain::IdentityKind::Webchat)
        .map(|i| i.value.as_str())
        .collect();
    let messages = state.store.latest_messages(session.channel.record.workspace_id, conversation_id, HISTORY).await?;
    Ok(messages
        .into_iter()
        .filter(|m| m.channel_id == session.channel.record.channel_id)
        .filter(|m| match m.direction {
            Direction::Inbound => visitors.contains(&m.from_address.as_str()),
            Direction::Outbound => visitors.contains(&m.to_address.as_str()),
        })
        .collect())
}

fn view(message: Message, token: &str) -> WidgetMessage {
    let attachments = message
        .attachments
        .into_iter()
        .map(|a| WidgetAttachment {
            // A kept file is served to the visitor by the widget's own route; a link stays a link.
            url: match a.url.strip_prefix(MEDIA_PATH_PREFIX) {
                Some(id) => format!("/widget/api/media/{id}?token={token}"),
                None => a.url,
            },
            content_type: a.content_type,
            filename: a.filename,
        })
        .collect();
    WidgetMessage {
        id: message.message_id.to_string(),
        direction: if message.direction == Direction::Inbound { "inbound" } else { "outbound" },
        text: message.body,
        attachments,
        created_at: rfc3339(message.created_at),
        status: message.status.to_string(),
        seen: message.direction == Direction::Inbound && message.times.read_at.is_some(),
    }
}

#[derive(Serialize)]
pub struct MessageList {
    messages: Vec<WidgetMessage>,
}

/// Moves the business's replies to `status` (delivered once handed to the widget, read once the
/// visitor saw them), through the ingest path as any provider's report.
async fn report(
    state: &AppState,
    session: &VisitorSession,
    messages: &[Message],
    status: MessageStatus,
) -> Result<(), Problem> {
    let events: Vec<InboundEvent> = messages
        .iter()
        .filter(|m| m.direction == Direction::Outbound && m.status != status && m.status.can_become(status))
        .filter_map(|m| m.provider_message_id.clone())
        .map(|provider_message_id| {
            InboundEvent::Status(StatusUpdate {
                provider_message_id,
                status,
                error_code: None,
                error_reason: None,
                details: None,
            })
        })
        .collect();
    if events.is_empty() {
        return Ok(());
    }
    let log = serde_json::json!({ "widget": status.as_str(), "visitor": session.visitor.identity_value(), "messages": events.len() });
    crate::http::webhooks::commit(
        state,
        &session.channel,
        VERIFICATION,
        "application/json",
        log.to_string().as_bytes(),
        events,
        Vec::new(),
    )
    .await
    .map(drop)
}

pub async fn list(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<MessageList>, Refusal> {
    let session = authenticate(&state, &headers, None).await?;
    let messages = chat(&state, &session).await?;
    report(&state, &session, &messages, MessageStatus::Delivered).await?;
    let token = bearer(&headers).unwrap_or_default();
    Ok(Json(MessageList { messages: messages.into_iter().map(|m| view(m, token)).collect() }))
}

pub async fn read(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Result<StatusCode, Refusal> {
    let session = visitor_change(&state, peer, &headers).await?;
    let messages = chat(&state, &session).await?;
    report(&state, &session, &messages, MessageStatus::Read).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageInput {
    filename: String,
    content_type: String,
    /// Base64, standard alphabet.
    data: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SendInput {
    #[serde(default)]
    text: String,
    #[serde(default)]
    image: Option<ImageInput>,
}

/// Whether the bytes are a picture of the type they claim (PNG, JPEG, GIF or WebP).
fn is_picture(content_type: &str, bytes: &[u8]) -> bool {
    match content_type {
        "image/png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "image/jpeg" => bytes.starts_with(&[0xff, 0xd8, 0xff]),
        "image/gif" => bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a"),
        "image/webp" => bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP",
        _ => false,
    }
}

fn picture(image: ImageInput) -> Result<(Attachment, NewMedia), Problem> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(image.data.trim())
        .map_err(|_| Problem::bad_request("malformed-image", "the image's data is not base64"))?;
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            format!("the image is {} bytes; at most {MAX_IMAGE_BYTES} may be attached", bytes.len()),
        ));
    }
    if !is_picture(&image.content_type, &bytes) {
        return Err(Problem::unprocessable("unsupported-file", "attach a PNG, JPEG, GIF or WebP picture"));
    }
    let media_id = MediaId::new();
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let filename: String = image.filename.chars().filter(|c| !c.is_control()).take(120).collect();
    let attachment = Attachment {
        url: media_path(media_id),
        content_type: Some(image.content_type.clone()),
        filename: Some(filename).filter(|f| !f.is_empty()),
        size_bytes: Some(bytes.len() as u64),
        provider_media_id: None,
        sha256: Some(sha256.clone()),
        fetch_error: None,
    };
    Ok((attachment, NewMedia { media_id, content_type: image.content_type, sha256, bytes }))
}

pub async fn send(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<SendInput>,
) -> Result<Response, Refusal> {
    let session = visitor_change(&state, peer, &headers).await?;
    let visitor = session.visitor.identity_value();
    let text = input.text.trim().to_owned();
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            format!("a message has at most {MAX_TEXT_CHARS} characters"),
        )
        .into());
    }
    let (attachments, media) = match input.image.map(picture).transpose()? {
        Some((attachment, file)) => (vec![attachment], vec![file]),
        None => (Vec::new(), Vec::new()),
    };
    if text.is_empty() && attachments.is_empty() {
        return Err(Problem::unprocessable("empty-message", "write a message or attach a picture").into());
    }
    state.widget_limits.visitor_messages.take(&visitor, now_ms()).map_err(|retry_after| Refusal::TooMany {
        retry_after,
        detail: format!("you are sending messages quickly; please wait {retry_after} seconds"),
    })?;
    let provider_message_id = format!("wc-in-{}", uuid::Uuid::now_v7().simple());
    let log = serde_json::json!({ "widget": "message", "visitor": visitor, "chars": text.chars().count(), "images": attachments.len() });
    let message = InboundMessage {
        channel_kind: ChannelKind::Webchat,
        provider_message_id,
        from: session.identity(),
        from_address: visitor,
        to_address: session.channel.record.address.clone(),
        profile_name: None,
        text,
        attachments,
        content: None,
        reply_to: None,
        email: None,
        referral: None,
    };
    let outcome = crate::http::webhooks::commit(
        &state,
        &session.channel,
        VERIFICATION,
        "application/json",
        log.to_string().as_bytes(),
        vec![InboundEvent::Message(message)],
        media,
    )
    .await?;
    let workspace_id = session.channel.record.workspace_id;
    let stored = match outcome.new_messages.first() {
        Some(stored) => state.store.get_message(workspace_id, stored.message_id).await?,
        None => None,
    };
    let token = bearer(&headers).unwrap_or_default();
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "message": stored.map(|m| view(m, token)) }))).into_response())
}

#[derive(Deserialize)]
pub struct MediaQuery {
    #[serde(default)]
    token: Option<String>,
}

/// A picture of the visitor's own chat (an `<img>` cannot send a header, so the token comes in
/// the query).
pub async fn media(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(raw): Path<String>,
    Query(query): Query<MediaQuery>,
) -> Result<Response, Refusal> {
    let session = authenticate(&state, &headers, query.token.as_deref()).await?;
    let not_theirs = || Problem::not_found("there is no such picture in your chat");
    let media_id: MediaId = raw.parse().map_err(|_| not_theirs())?;
    let path = media_path(media_id);
    let theirs = chat(&state, &session).await?.iter().any(|m| m.attachments.iter().any(|a| a.url == path));
    if !theirs {
        return Err(not_theirs().into());
    }
    let file = state.store.get_media(session.channel.record.workspace_id, media_id).await?.ok_or_else(not_theirs)?;
    Ok(crate::http::media::kept_file_response(file))
}

#[cfg(test)]
mod tests {
    use super::is_picture;

    #[test]
    fn a_picture_is_what_its_first_bytes_say() {
        assert!(is_picture("image/png", b"\x89PNG\r\n\x1a\n...."));
        assert!(is_picture("image/jpeg", &[0xff, 0xd8, 0xff, 0xe0]));
        assert!(!is_picture("image/png", b"<svg onload=alert(1)>"));
        assert!(!is_picture("image/svg+xml", b"<svg/>"));
        assert!(!is_picture("image/gif", b"\x89PNG\r\n\x1a\n"));
    }
}
