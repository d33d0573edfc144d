//! The inbox pages: the conversation list (filtered by status, searched by name, identity or
//! words), one conversation's timeline across channels with each outbound message's delivery
//! state, the reply box, and resolving or reopening. Every query is scoped to the signed-in
//! staff member's workspace: another workspace's conversation is simply not found.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use switchboard_domain::{ChannelId, ChannelKind, ConversationId, ConversationStatus, Direction, SenderKind};
use switchboard_store::model::{Channel, Contact, Conversation, Message};
use switchboard_store::writes::InboxQuery;

use super::session::{self, SignedIn};
use crate::clock::now_ms;
use crate::http::problem::Problem;
use crate::live::{Change, ChangeKind};
use crate::outbound::{Recipient, SendRequest};
use crate::state::AppState;

/// Conversations the list shows at most.
const LIST_LIMIT: u32 = 100;
/// The latest messages of a conversation the timeline shows.
const TIMELINE_LIMIT: u32 = 500;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbox", get(inbox))
        .route("/inbox/conversations/{conversation_id}", get(conversation))
        .route("/inbox/conversations/{conversation_id}/reply", post(reply))
        .route("/inbox/conversations/{conversation_id}/status", post(set_status))
        .route("/inbox/fragments/list", get(list_fragment))
        .route("/inbox/fragments/conversations/{conversation_id}", get(timeline_fragment))
        .route("/inbox/segments", get(segments))
}

#[derive(Debug, Default, Deserialize)]
struct ListParams {
    q: Option<String>,
    status: Option<String>,
    /// The conversation open beside the list, to highlight it.
    current: Option<ConversationId>,
}

impl ListParams {
    fn query(&self) -> InboxQuery {
        InboxQuery {
            status: self.status.as_deref().and_then(|s| s.parse::<ConversationStatus>().ok()),
            search: self.q.clone().filter(|q| !q.trim().is_empty()),
        }
    }

    /// The same filter as a query string, to keep it across links.
    fn query_string(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        if let Some(q) = self.q.as_deref().filter(|q| !q.trim().is_empty()) {
            query.append_pair("q", q);
        }
        if let Some(status) = self.status.as_deref().filter(|s| !s.is_empty()) {
            query.append_pair("status", status);
        }
        let query = query.finish();
        if query.is_empty() { query } else { format!("?{query}") }
    }

    /// The query string that re-reads the list as this page shows it.
    fn fragment_query_string(&self) -> String {
        let filter = self.query_string();
        match self.current {
            Some(current) if filter.is_empty() => format!("?current={current}"),
            Some(current) => format!("{filter}&current={current}"),
            None => filter,
        }
    }
}

/// What the list part of a page needs.
async fn list_context(
    state: &AppState,
    signed_in: &SignedIn,
    params: &ListParams,
) -> Result<minijinja::Value, Problem> {
    let query = params.query();
    let entries = state.store.list_inbox(signed_in.session.staff.workspace_id, &query, LIST_LIMIT).await?;
    Ok(minijinja::context! {
        entries => entries,
        query => minijinja::context! { search => query.search, status => query.status.map(|s| s.as_str()) },
        list_query => params.query_string(),
        fragment_query => params.fragment_query_string(),
        current => params.current,
        statuses => ConversationStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        staff => &signed_in.session.staff,
        csrf => &signed_in.session.csrf_token,
    })
}

/// One conversation, loaded for a page.
struct Opened {
    conversation: Conversation,
    contact: Contact,
    messages: Vec<Message>,
    channels: Vec<Channel>,
    /// WhatsApp channels on which the customer has not written for 24 hours: only an approved
    /// template may be sent there.
    whatsapp_window_closed: Vec<ChannelId>,
}

impl Opened {
    async fn load(state: &AppState, signed_in: &SignedIn, conversation_id: ConversationId) -> Result<Self, Problem> {
        let workspace_id = signed_in.session.staff.workspace_id;
        let not_found = || Problem::not_found(format!("there is no conversation {conversation_id} in your workspace"));
        let conversation = state.store.get_conversation(workspace_id, conversation_id).await?.ok_or_else(not_found)?;
        let contact = state.store.get_contact(workspace_id, conversation.contact_id).await?.ok_or_else(not_found)?;
        let messages = state.store.latest_messages(workspace_id, conversation_id, TIMELINE_LIMIT).await?;
        let channels = state.store.list_channels(workspace_id).await?;
        let mut whatsapp_window_closed = Vec::new();
        for channel in channels.iter().filter(|c| c.kind == ChannelKind::Whatsapp) {
            let last = state.store.last_inbound_at(workspace_id, contact.contact_id, channel.channel_id).await?;
            if last.is_none_or(|at| now_ms() - at > crate::outbound::WHATSAPP_WINDOW_MS) {
                whatsapp_window_closed.push(channel.channel_id);
            }
        }
        Ok(Self { conversation, contact, messages, channels, whatsapp_window_closed })
    }

    fn label(&self) -> String {
        self.contact
            .display_name
            .clone()
            .or_else(|| self.contact.identities.first().map(|i| i.value.clone()))
            .unwrap_or_else(|| "Unknown contact".to_owned())
    }

    /// Channels a reply can go out on: enabled, and of a kind the contact can be reached on.
    fn reply_channels(&self) -> Vec<&Channel> {
        self.channels
            .iter()
            .filter(|c| c.enabled && self.contact.identities.iter().any(|i| i.kind == c.kind.identity_kind()))
            .collect()
    }

    /// The channel the customer last wrote from, else the conversation's latest.
    fn default_reply_channel(&self) -> Option<ChannelId> {
        self.messages
            .iter()
            .rev()
            .find(|m| m.direction == Direction::Inbound)
            .map(|m| m.channel_id)
            .or(self.conversation.last_channel_id)
    }

    fn context(&self, signed_in: &SignedIn) -> minijinja::Value {
        let kinds: HashMap<String, &str> =
            self.channels.iter().map(|c| (c.channel_id.to_string(), c.kind.as_str())).collect();
        minijinja::context! {
            conversation => &self.conversation,
            contact => &self.contact,
            contact_label => self.label(),
            messages => &self.messages,
            channel_kinds => kinds,
            csrf => &signed_in.session.csrf_token,
        }
    }
}

/// The full page: the list, and the open conversation if any.
async fn page(
    state: &AppState,
    signed_in: &SignedIn,
    params: &ListParams,
    opened: Option<&Opened>,
    reply: ReplyState,
) -> Result<Response, Problem> {
    let list = list_context(state, signed_in, params).await?;
    let detail = match opened {
        Some(opened) => {
            let channel = reply.channel_id.or_else(|| opened.default_reply_channel());
            minijinja::context! {
                ..opened.context(signed_in),
                ..minijinja::context! {
                    reply_channels => opened.reply_channels(),
                    window_closed => &opened.whatsapp_window_closed,
                    reply_channel => channel,
                    reply_body => reply.body,
                    reply_error => reply.error,
                    reply_key => session::random_token(),
                }
            }
        }
        None => minijinja::context! {},
    };
    let mut response = super::render("inbox.html", minijinja::context! { ..detail, ..list });
    *response.status_mut() = reply.status;
    Ok(response)
}

/// What the reply box shows again after a refused reply.
struct ReplyState {
    status: StatusCode,
    body: String,
    channel_id: Option<ChannelId>,
    error: Option<String>,
}

impl Default for ReplyState {
    fn default() -> Self {
        Self { status: StatusCode::OK, body: String::new(), channel_id: None, error: None }
    }
}

async fn inbox(State(state): State<AppState>, signed_in: SignedIn, Query(params): Query<ListParams>) -> Response {
    page(&state, &signed_in, &params, None, ReplyState::default()).await.unwrap_or_else(IntoResponse::into_response)
}

async fn conversation(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(conversation_id): Path<ConversationId>,
    Query(mut params): Query<ListParams>,
) -> Response {
    params.current = Some(conversation_id);
    let result = async {
        let opened = Opened::load(&state, &signed_in, conversation_id).await?;
        if opened.conversation.unread_count > 0 {
            state.store.mark_read(signed_in.session.staff.workspace_id, conversation_id).await?;
            state.live.publish(Change {
                workspace_id: signed_in.session.staff.workspace_id,
                conversation_id: Some(conversation_id),
                kind: ChangeKind::Conversation,
            });
        }
        page(&state, &signed_in, &params, Some(&opened), ReplyState::default()).await
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

async fn list_fragment(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<ListParams>,
) -> Response {
    match list_context(&state, &signed_in, &params).await {
        Ok(context) => super::render("list.html", context),
        Err(problem) => problem.into_response(),
    }
}

async fn timeline_fragment(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(conversation_id): Path<ConversationId>,
) -> Response {
    match Opened::load(&state, &signed_in, conversation_id).await {
        Ok(opened) => super::render("timeline.html", opened.context(&signed_in)),
        Err(problem) => problem.into_response(),
    }
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
            sender_kind: SenderKind::Staff,
            idempotency_key: form.idempotency_key.filter(|k| !k.is_empty()).map(|k| format!("inbox:{k}")),
        };
        match crate::outbound::queue_send(&state, request).await {
            Ok((message, _)) => {
                state.dispatch_wakeup.notify_one();
                state.live.publish(Change {
                    workspace_id: message.workspace_id,
                    conversation_id: Some(message.conversation_id),
                    kind: ChangeKind::Message,
                });
                Ok(Redirect::to(&format!("/inbox/conversations/{conversation_id}")).into_response())
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
        Ok(Some(_)) => {
            state.live.publish(Change {
                workspace_id,
                conversation_id: Some(conversation_id),
                kind: ChangeKind::Conversation,
            });
            Redirect::to(&format!("/inbox/conversations/{conversation_id}")).into_response()
        }
        Ok(None) => {
            Problem::not_found(format!("there is no conversation {conversation_id} in your workspace")).into_response()
        }
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
