//! Messages: send one (`POST /api/v1/messages`, honouring `Idempotency-Key`) and read one with its
//! status history.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use switchboard_domain::{ChannelId, ContactId, Content, MessageId, SenderKind};

use crate::http::auth::ApiWorkspace;
use crate::http::extract::{ApiJson, parse_id};
use crate::http::problem::Problem;
use crate::http::views::MessageView;
use crate::outbound::{Recipient, SendRequest, queue_send};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/messages", post(send)).route("/api/v1/messages/{message_id}", get(show))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SendInput {
    channel_id: String,
    contact_id: Option<String>,
    to: Option<String>,
    #[serde(default)]
    body: String,
    #[serde(default)]
    media_urls: Vec<String>,
    /// Rich content: a template, buttons, a list, a location, a reaction, a link preview.
    content: Option<Content>,
    /// The provider id of the customer's message this one answers.
    reply_to: Option<String>,
}

async fn send(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
    headers: HeaderMap,
    ApiJson(input): ApiJson<SendInput>,
) -> Result<Response, Problem> {
    let channel_id: ChannelId = input.channel_id.parse().map_err(|_| {
        Problem::unprocessable("invalid-body", format!("channel_id {:?} is not a channel id", input.channel_id))
    })?;
    let recipient = match (input.contact_id, input.to) {
        (Some(contact), None) => Recipient::Contact(contact.parse::<ContactId>().map_err(|_| {
            Problem::unprocessable("invalid-body", format!("contact_id {contact:?} is not a contact id"))
        })?),
        (None, Some(to)) => Recipient::Address(to),
        _ => return Err(Problem::unprocessable("invalid-body", "give exactly one of contact_id and to")),
    };
    let idempotency_key = match headers.get("idempotency-key") {
        Some(value) => Some(
            value
                .to_str()
                .ok()
                .map(str::trim)
                .filter(|k| !k.is_empty() && k.len() <= 255)
                .ok_or_else(|| {
                    Problem::bad_request(
                        "invalid-idempotency-key",
                        "Idempotency-Key must be 1 to 255 visible ASCII characters",
                    )
                })?
                .to_owned(),
        ),
        None => None,
    };
    let request = SendRequest {
        workspace_id,
        channel_id,
        recipient,
        body: input.body,
        media_urls: input.media_urls,
        content: input.content,
        reply_to: input.reply_to,
        sender_kind: SenderKind::Staff,
        idempotency_key,
    };
    let (message, created) = queue_send(&state, request).await?;
    let location = format!("/api/v1/messages/{}", message.message_id);
    let status = if created { StatusCode::ACCEPTED } else { StatusCode::OK };
    let mut response = (status, Json(MessageView::from(message))).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    if !created {
        response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(response)
}

async fn show(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
    Path(raw): Path<String>,
) -> Result<Json<MessageView>, Problem> {
    let id: MessageId = parse_id("message", &raw)?;
    let message = state
        .store
        .get_message(workspace_id, id)
        .await?
        .ok_or_else(|| Problem::not_found(format!("message {raw} does not exist in this workspace")))?;
    let edits = match message.edited_at {
        Some(_) => state.store.message_edits(workspace_id, id).await?,
        None => Vec::new(),
    };
    let mut view = MessageView::from(message);
    view.previous_versions = edits
        .into_iter()
        .map(|e| crate::http::views::PreviousVersion {
            body: e.body,
            replaced_at: crate::clock::rfc3339(e.replaced_at),
        })
        .collect();
    Ok(Json(view))
}
