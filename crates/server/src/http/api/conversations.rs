//! Conversations: list with filters and cursor, read one, change its status, read its messages.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use switchboard_domain::{ChannelId, ContactId, ConversationId, ConversationStatus};
use switchboard_store::ConversationFilter;

use super::page_limit;
use crate::clock::{now_ms, parse_rfc3339};
use crate::http::auth::ApiWorkspace;
use crate::http::extract::{ApiJson, ApiQuery, parse_id};
use crate::http::problem::Problem;
use crate::http::views::{ConversationView, MessageView, PageView};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/conversations", get(list))
        .route("/api/v1/conversations/{conversation_id}", get(show).patch(update))
        .route("/api/v1/conversations/{conversation_id}/messages", get(messages))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    channel_id: Option<String>,
    status: Option<String>,
    contact_id: Option<String>,
    updated_since: Option<String>,
    cursor: Option<String>,
    limit: Option<u32>,
}

fn invalid(what: &str, detail: impl std::fmt::Display) -> Problem {
    Problem::bad_request("invalid-query", format!("{what}: {detail}"))
}

impl ListQuery {
    fn filter(&self) -> Result<ConversationFilter, Problem> {
        Ok(ConversationFilter {
            channel_id: self
                .channel_id
                .as_deref()
                .map(|c| c.parse::<ChannelId>().map_err(|_| invalid("channel_id", "not a channel id")))
                .transpose()?,
            status: self
                .status
                .as_deref()
                .map(|s| s.parse::<ConversationStatus>().map_err(|e| invalid("status", e)))
                .transpose()?,
            contact_id: self
                .contact_id
                .as_deref()
                .map(|c| c.parse::<ContactId>().map_err(|_| invalid("contact_id", "not a contact id")))
                .transpose()?,
            updated_since: self
                .updated_since
                .as_deref()
                .map(|t| {
                    parse_rfc3339(t).ok_or_else(|| {
                        invalid("updated_since", "expected an RFC 3339 time such as 2026-01-31T09:00:00Z")
                    })
                })
                .transpose()?,
        })
    }
}

async fn list(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<PageView<ConversationView>>, Problem> {
    let filter = query.filter()?;
    let page =
        state.store.list_conversations(workspace_id, &filter, query.cursor.as_deref(), page_limit(query.limit)).await?;
    Ok(Json(PageView::from_page(page, ConversationView::from)))
}

/// The answer for a conversation that is not in the caller's workspace.
pub(super) fn not_found(raw: &str) -> Problem {
    Problem::not_found(format!("conversation {raw} does not exist in this workspace"))
}

async fn show(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
    Path(raw): Path<String>,
) -> Result<Json<ConversationView>, Problem> {
    let id: ConversationId = parse_id("conversation", &raw)?;
    let conversation = state.store.get_conversation(workspace_id, id).await?.ok_or_else(|| not_found(&raw))?;
    Ok(Json(conversation.into()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateConversation {
    status: String,
}

async fn update(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
    Path(raw): Path<String>,
    ApiJson(input): ApiJson<UpdateConversation>,
) -> Result<Json<ConversationView>, Problem> {
    let id: ConversationId = parse_id("conversation", &raw)?;
    let status: ConversationStatus = input.status.parse().map_err(|e: switchboard_domain::channel::UnknownName| {
        Problem::unprocessable("invalid-status", e.to_string())
    })?;
    if status == ConversationStatus::Snoozed {
        return Err(Problem::unprocessable(
            "invalid-status",
            format!("a snooze needs an end: POST {{\"until\": ...}} to /api/v1/conversations/{raw}/snooze"),
        ));
    }
    let conversation = state
        .store
        .set_conversation_status(workspace_id, id, status, now_ms())
        .await?
        .ok_or_else(|| not_found(&raw))?;
    Ok(Json(conversation.into()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MessagesQuery {
    cursor: Option<String>,
    limit: Option<u32>,
}

async fn messages(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
    Path(raw): Path<String>,
    ApiQuery(query): ApiQuery<MessagesQuery>,
) -> Result<Json<PageView<MessageView>>, Problem> {
    let id: ConversationId = parse_id("conversation", &raw)?;
    state.store.get_conversation(workspace_id, id).await?.ok_or_else(|| not_found(&raw))?;
    let page = state.store.list_messages(workspace_id, id, query.cursor.as_deref(), page_limit(query.limit)).await?;
    Ok(Json(PageView::from_page(page, MessageView::from)))
}
