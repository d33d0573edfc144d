//! Working on a conversation through the API, as staff do in the inbox: the staff list, private
//! notes, assignment, snoozing, and labels on a conversation.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use switchboard_domain::{ConversationId, LabelId, StaffId};

use super::conversations::not_found;
use crate::clock::{now_ms, parse_rfc3339};
use crate::http::auth::ApiWorkspace;
use crate::http::checks::{note_body, snooze_until};
use crate::http::extract::{ApiJson, parse_id};
use crate::http::problem::Problem;
use crate::http::views::{ConversationView, ListView, NoteView, StaffView};
use crate::live::{Change, ChangeKind};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/staff", get(staff))
        .route("/api/v1/conversations/{conversation_id}/notes", get(notes).post(add_note))
        .route("/api/v1/conversations/{conversation_id}/assignee", put(assign))
        .route("/api/v1/conversations/{conversation_id}/snooze", post(snooze))
        .route("/api/v1/conversations/{conversation_id}/labels/{label_id}", put(add_label).delete(remove_label))
}

/// Tells open inbox pages that a conversation changed.
fn announce(state: &AppState, workspace_id: switchboard_domain::WorkspaceId, conversation_id: ConversationId) {
    state.live.publish(Change { workspace_id, conversation_id: Some(conversation_id), kind: ChangeKind::Conversation });
}

async fn staff(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
) -> Result<Json<ListView<StaffView>>, Problem> {
    Ok(Json(ListView::of(state.store.list_staff(workspace_id).await?, StaffView::from)))
}

async fn notes(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
    Path(raw): Path<String>,
) -> Result<Json<ListView<NoteView>>, Problem> {
    let id: ConversationId = parse_id("conversation", &raw)?;
    state.store.get_conversation(workspace_id, id).await?.ok_or_else(|| not_found(&raw))?;
    Ok(Json(ListView::of(state.store.list_notes(workspace_id, id).await?, NoteView::from)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewNote {
    body: String,
    /// The staff member writing it; none for a note from an integration.
    staff_id: Option<String>,
}

fn staff_id(raw: &str) -> Result<StaffId, Problem> {
    raw.parse().map_err(|_| Problem::unprocessable("unknown-staff", format!("{raw:?} is not a staff id")))
}

async fn add_note(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
    Path(raw): Path<String>,
    ApiJson(input): ApiJson<NewNote>,
) -> Result<(StatusCode, Json<NoteView>), Problem> {
    let id: ConversationId = parse_id("conversation", &raw)?;
    let body = note_body(&input.body)?;
    let author = input.staff_id.as_deref().map(staff_id).transpose()?;
    let note = state.store.add_note(workspace_id, id, author, body, now_ms()).await?.ok_or_else(|| {
        Problem::not_found(format!("conversation {raw}, or the author, does not exist in this workspace"))
    })?;
    announce(&state, workspace_id, id);
    Ok((StatusCode::CREATED, Json(note.into())))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Assignment {
    /// The staff member to assign; `null` for nobody.
    staff_id: Option<String>,
}

async fn assign(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
    Path(raw): Path<String>,
    ApiJson(input): ApiJson<Assignment>,
) -> Result<Json<ConversationView>, Problem> {
    let id: ConversationId = parse_id("conversation", &raw)?;
    let assignee = input.staff_id.as_deref().map(staff_id).transpose()?;
    let conversation =
        state.store.assign_conversation(workspace_id, id, assignee, now_ms()).await?.ok_or_else(|| {
            Problem::not_found(format!("conversation {raw}, or the staff member, does not exist in this workspace"))
        })?;
    announce(&state, workspace_id, id);
    Ok(Json(conversation.into()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Snooze {
    /// When the conversation reopens, RFC 3339.
    until: String,
}

async fn snooze(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
    Path(raw): Path<String>,
    ApiJson(input): ApiJson<Snooze>,
) -> Result<Json<ConversationView>, Problem> {
    let id: ConversationId = parse_id("conversation", &raw)?;
    let now = now_ms();
    let until = snooze_until(parse_rfc3339(&input.until), now)?;
    let conversation =
        state.store.snooze_conversation(workspace_id, id, until, now).await?.ok_or_else(|| not_found(&raw))?;
    state.snooze_wakeup.notify_one();
    announce(&state, workspace_id, id);
    Ok(Json(conversation.into()))
}

async fn add_label(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
    Path((raw, raw_label)): Path<(String, String)>,
) -> Result<StatusCode, Problem> {
    let id: ConversationId = parse_id("conversation", &raw)?;
    let label: LabelId = parse_id("label", &raw_label)?;
    if !state.store.label_conversation(workspace_id, id, label, now_ms()).await? {
        return Err(Problem::not_found(format!(
            "conversation {raw}, or label {raw_label}, does not exist in this workspace"
        )));
    }
    announce(&state, workspace_id, id);
    Ok(StatusCode::NO_CONTENT)
}

async fn remove_label(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
    Path((raw, raw_label)): Path<(String, String)>,
) -> Result<StatusCode, Problem> {
    let id: ConversationId = parse_id("conversation", &raw)?;
    let label: LabelId = parse_id("label", &raw_label)?;
    if !state.store.unlabel_conversation(workspace_id, id, label).await? {
        return Err(Problem::not_found(format!(
            "conversation {raw} does not carry label {raw_label}, or one of them does not exist in this workspace"
        )));
    }
    announce(&state, workspace_id, id);
    Ok(StatusCode::NO_CONTENT)
}
