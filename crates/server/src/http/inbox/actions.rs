//! What staff do to a conversation from its page: reply (on the channel picked, through the same
//! composer and policy checks as the API), leave a private note, assign it, resolve or reopen it,
//! and the reply box's length count. Every form carries the session's CSRF token; every change
//! is announced to open pages.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use switchboard_domain::{ChannelId, ChannelKind, ConversationId, ConversationStatus, SenderKind, StaffId};

use super::conversations::{ListParams, Opened, ReplyState, page};
use super::session::SignedIn;
use crate::clock::now_ms;
use crate::http::problem::Problem;
use crate::live::{Change, ChangeKind};
use crate::outbound::{Recipient, SendRequest};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbox/conversations/{conversation_id}/reply", post(reply))
        .route("/inbox/conversations/{conversation_id}/notes", post(add_note))
        .route("/inbox/conversations/{conversation_id}/assign", post(assign))
        .route("/inbox/conversations/{conversation_id}/status", post(set_status))
        .route("/inbox/segments", get(segments))
}

/// Tells open pages that a conversation changed, and sends the browser back to it.
pub(super) fn changed(
    state: &AppState,
    signed_in: &SignedIn,
    conversation_id: ConversationId,
    kind: ChangeKind,
) -> Response {
    state.live.publish(Change {
        workspace_id: signed_in.session.staff.workspace_id,
        conversation_id: Some(conversation_id),
        kind,
    });
    Redirect::to(&format!("/inbox/conversations/{conversation_id}")).into_response()
}

pub(super) fn not_found(conversation_id: ConversationId) -> Problem {
    Problem::not_found(format!("there is no conversation {conversation_id} in your workspace"))
}

#[derive(Deserialize)]
struct ReplyForm {
    #[serde(default)]
    csrf: String,
    body: String,
    channel_id: Option<ChannelId>,
    idempotency_key: Option<String>,
}

#[tracing::instrument(skip_all, fields(conversation_id = %conversation_id))]
async fn reply(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(conversation_id): Path<ConversationId>,
    Form(form): Form<ReplyForm>,
) -> Response {
    if let Some(refused) = signed_in.refuse_forged(&form.csrf) {
        return refused;
    }
    let result = async {
        let opened = Opened::load(&state, &signed_in, conversation_id).await?;
        let Some(channel_id) = form.channel_id.or_else(|| opened.default_reply_channel()) else {
            let error = "This contact has no channel to answer on yet.".to_owned();
            let reply = ReplyState {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                body: form.body,
                channel_id: None,
                error: Some(error),
            };
            return page(&state, &signed_in, &ListParams::default(), Some(&opened), reply).await;
        };
        let request = SendRequest {
            workspace_id: signed_in.session.staff.workspace_id,
            channel_id,
            recipient: Recipient::Contact(opened.contact.contact_id),
            body: form.body.clone(),
            media_urls: Vec::new(),
            content: None,
            reply_to: None,
            sender_kind: SenderKind::Staff,
            idempotency_key: form.idempotency_key.filter(|k| !k.is_empty()).map(|k| format!("inbox:{k}")),
        };
        match crate::outbound::queue_send(&state, request).await {
            Ok(_) => {
                state.dispatch_wakeup.notify_one();
                Ok(changed(&state, &signed_in, conversation_id, ChangeKind::Message))
            }
            Err(refusal) => {
                let error = refusal.to_string();
                let status = Problem::from(refusal).into_response().status();
                if status.is_server_error() {
                    return Err(Problem::internal(error));
                }
                let reply = ReplyState { status, body: form.body, channel_id: Some(channel_id), error: Some(error) };
                page(&state, &signed_in, &ListParams::default(), Some(&opened), reply).await
            }
        }
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

#[derive(Deserialize)]
struct StatusForm {
    #[serde(default)]
    csrf: String,
    status: String,
}

async fn set_status(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(conversation_id): Path<ConversationId>,
    Form(form): Form<StatusForm>,
) -> Response {
    if let Some(refused) = signed_in.refuse_forged(&form.csrf) {
        return refused;
    }
    let Ok(status) = form.status.parse::<ConversationStatus>() else {
        return Problem::unprocessable("unknown-status", format!("{:?} is not a conversation status", form.status))
            .into_response();
    };
    let workspace_id = signed_in.session.staff.workspace_id;
    match state.store.set_conversation_status(workspace_id, conversation_id, status, now_ms()).await {
        Ok(Some(_)) => changed(&state, &signed_in, conversation_id, ChangeKind::Conversation),
        Ok(None) => not_found(conversation_id).into_response(),
        Err(error) => Problem::from(error).into_response(),
    }
}

#[derive(Deserialize)]
struct NoteForm {
    #[serde(default)]
    csrf: String,
    body: String,
}

#[tracing::instrument(skip_all, fields(conversation_id = %conversation_id))]
async fn add_note(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(conversation_id): Path<ConversationId>,
    Form(form): Form<NoteForm>,
) -> Response {
    if let Some(refused) = signed_in.refuse_forged(&form.csrf) {
        return refused;
    }
    let body = match crate::http::checks::note_body(&form.body) {
        Ok(body) => body,
        Err(problem) => return problem.into_response(),
    };
    let staff = &signed_in.session.staff;
    match state.store.add_note(staff.workspace_id, conversation_id, Some(staff.staff_id), body, now_ms()).await {
        Ok(Some(_)) => changed(&state, &signed_in, conversation_id, ChangeKind::Conversation),
        Ok(None) => not_found(conversation_id).into_response(),
        Err(error) => Problem::from(error).into_response(),
    }
}

#[derive(Deserialize)]
struct AssignForm {
    #[serde(default)]
    csrf: String,
    /// Empty for nobody.
    #[serde(default)]
    staff_id: String,
}

#[tracing::instrument(skip_all, fields(conversation_id = %conversation_id))]
async fn assign(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(conversation_id): Path<ConversationId>,
    Form(form): Form<AssignForm>,
) -> Response {
    if let Some(refused) = signed_in.refuse_forged(&form.csrf) {
        return refused;
    }
    let assignee = match form.staff_id.trim() {
        "" => None,
        raw => match raw.parse::<StaffId>() {
            Ok(staff_id) => Some(staff_id),
            Err(_) => {
                return Problem::unprocessable("unknown-staff", format!("{raw:?} is not a staff id")).into_response();
            }
        },
    };
    let workspace_id = signed_in.session.staff.workspace_id;
    match state.store.assign_conversation(workspace_id, conversation_id, assignee, now_ms()).await {
        Ok(Some(_)) => changed(&state, &signed_in, conversation_id, ChangeKind::Conversation),
        Ok(None) => Problem::not_found(format!(
            "there is no conversation {conversation_id}, or no such staff member, in your workspace"
        ))
        .into_response(),
        Err(error) => Problem::from(error).into_response(),
    }
}
#[derive(Deserialize)]
struct SegmentsParams {
    #[serde(default)]
    body: String,
    channel_id: Option<ChannelId>,
}

/// The length of a reply as the chosen channel counts it: SMS segments and encoding for SMS.
async fn segments(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<SegmentsParams>,
) -> Response {
    let kind = match params.channel_id {
        Some(channel_id) => match state.store.get_channel(channel_id).await {
            Ok(Some(channel)) if channel.workspace_id == signed_in.session.staff.workspace_id => Some(channel.kind),
            _ => None,
        },
        None => None,
    };
    let characters = params.body.chars().count();
    if characters == 0 {
        return String::new().into_response();
    }
    let text = match kind {
        Some(ChannelKind::Sms) => {
            let length = switchboard_domain::segments::measure(&params.body);
            let plural = if length.segments == 1 { "" } else { "s" };
            format!("{} SMS segment{plural} · {} · {characters} characters", length.segments, length.encoding.as_str())
        }
        _ => format!("{characters} characters"),
    };
    text.into_response()
}
