//! The inbox pages: the conversation list (filtered by status and assignee, searched by name,
//! identity or words), one conversation's timeline across channels (each outbound message with
//! its delivery state, private notes among them) and the reply box. Every query is scoped to the
//! signed-in staff member's workspace: another workspace's conversation is simply not found.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use switchboard_domain::{ChannelId, ChannelKind, ConversationId, ConversationStatus, Direction};
use switchboard_store::model::{CannedResponse, Channel, Contact, Conversation, Label, Message, Note, StaffMember};
use switchboard_store::writes::InboxQuery;

use super::session::{self, SignedIn};
use crate::clock::now_ms;
use crate::http::problem::Problem;
use crate::live::{Change, ChangeKind};
use crate::state::AppState;

/// Conversations the list shows on one page.
const LIST_LIMIT: u32 = 100;
/// The latest messages of a conversation the timeline shows.
const TIMELINE_LIMIT: u32 = 500;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbox", get(inbox))
        .route("/inbox/conversations/{conversation_id}", get(conversation))
        .route("/inbox/fragments/list", get(list_fragment))
        .route("/inbox/fragments/conversations/{conversation_id}", get(timeline_fragment))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ListParams {
    q: Option<String>,
    status: Option<String>,
    /// `me` for the conversations assigned to the signed-in staff member.
    assignee: Option<String>,
    /// Only conversations with messages on this channel.
    channel: Option<String>,
    /// Only conversations carrying this label.
    label: Option<String>,
    /// The cursor of the page before: older conversations.
    after: Option<String>,
    /// The conversation open beside the list, to highlight it.
    current: Option<ConversationId>,
}

impl ListParams {
    fn query(&self, signed_in: &SignedIn) -> InboxQuery {
        InboxQuery {
            status: self.status.as_deref().and_then(|s| s.parse::<ConversationStatus>().ok()),
            assignee: (self.assignee.as_deref() == Some("me")).then_some(signed_in.session.staff.staff_id),
            search: self.q.clone().filter(|q| !q.trim().is_empty()),
            channel: self.channel.as_deref().and_then(|c| c.parse().ok()),
            label: self.label.as_deref().and_then(|l| l.parse().ok()),
            after: self.after.clone().filter(|a| !a.is_empty()),
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
        for (name, value) in [("assignee", &self.assignee), ("channel", &self.channel), ("label", &self.label)] {
            if let Some(value) = value.as_deref().filter(|s| !s.is_empty()) {
                query.append_pair(name, value);
            }
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
    let query = params.query(signed_in);
    let workspace_id = signed_in.session.staff.workspace_id;
    let page = state.store.list_inbox(workspace_id, &query, LIST_LIMIT).await?;
    let older = page.next_cursor.map(|cursor| {
        let filter = params.query_string();
        let joiner = if filter.is_empty() { "?" } else { "&" };
        format!("/inbox{filter}{joiner}after={cursor}")
    });
    Ok(minijinja::context! {
        entries => page.items,
        older => older,
        query => minijinja::context! {
            search => query.search,
            status => query.status.map(|s| s.as_str()),
            mine => query.assignee.is_some(),
            channel => query.channel,
            label => query.label,
        },
        filter_channels => state.store.list_channels(workspace_id).await?,
        filter_labels => state.store.list_labels(workspace_id).await?,
        list_query => params.query_string(),
        fragment_query => params.fragment_query_string(),
        current => params.current,
        statuses => ConversationStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        staff => &signed_in.session.staff,
        csrf => &signed_in.session.csrf_token,
    })
}

/// One conversation, loaded for a page.
pub(super) struct Opened {
    pub conversation: Conversation,
    pub contact: Contact,
    messages: Vec<Message>,
    notes: Vec<Note>,
    staff: Vec<StaffMember>,
    /// Its settings say which identity each channel reaches.
    workspace: switchboard_store::model::Workspace,
    channels: Vec<Channel>,
    /// The labels on the conversation, and every label of the workspace.
    labels: Vec<Label>,
    all_labels: Vec<Label>,
    canned_responses: Vec<CannedResponse>,
    /// WhatsApp channels on which the customer has not written for 24 hours, with the approved
    /// templates that may still be sent there.
    whatsapp_window_closed: Vec<ClosedWindow>,
}

/// A WhatsApp channel whose 24-hour window is closed, and the templates on offer there.
#[derive(serde::Serialize)]
struct ClosedWindow {
    channel_id: ChannelId,
    templates: Vec<TemplateOffer>,
}

#[derive(serde::Serialize)]
struct TemplateOffer {
    name: String,
    language: String,
    /// The body text with its placeholders, shown on hover.
    body: Option<String>,
}

impl Opened {
    pub async fn load(
        state: &AppState,
        signed_in: &SignedIn,
        conversation_id: ConversationId,
    ) -> Result<Self, Problem> {
        let workspace_id = signed_in.session.staff.workspace_id;
        let not_found = || super::actions::not_found(conversation_id);
        let conversation = state.store.get_conversation(workspace_id, conversation_id).await?.ok_or_else(not_found)?;
        let contact = state.store.get_contact(workspace_id, conversation.contact_id).await?.ok_or_else(not_found)?;
        let messages = state.store.latest_messages(workspace_id, conversation_id, TIMELINE_LIMIT).await?;
        let notes = state.store.list_notes(workspace_id, conversation_id).await?;
        let staff = state.store.list_staff(workspace_id).await?.into_iter().filter(|s| s.active).collect();
        let channels = state.store.list_channels(workspace_id).await?;
        let workspace = state.store.get_workspace(workspace_id).await?.ok_or_else(not_found)?;
        let labels = state
            .store
            .conversation_labels(workspace_id, &[conversation_id])
            .await?
            .into_iter()
            .map(|(_, l)| l)
            .collect();
        let all_labels = state.store.list_labels(workspace_id).await?;
        let canned_responses = state.store.list_canned_responses(workspace_id).await?;
        let mut whatsapp_window_closed = Vec::new();
        for channel in channels.iter().filter(|c| c.kind == ChannelKind::Whatsapp) {
            let last = state.store.last_inbound_at(workspace_id, contact.contact_id, channel.channel_id).await?;
            if last.is_none_or(|at| now_ms() - at > crate::outbound::WHATSAPP_WINDOW_MS) {
                let templates = state.store.list_templates(channel.channel_id).await?;
                let templates = templates
                    .iter()
                    .filter(|t| t.is_approved())
                    .map(|t| TemplateOffer {
                        name: t.name.clone(),
                        language: t.language.clone(),
                        body: t.body_text().map(str::to_owned),
                    })
                    .collect();
                whatsapp_window_closed.push(ClosedWindow { channel_id: channel.channel_id, templates });
            }
        }
        Ok(Self {
            conversation,
            contact,
            messages,
            notes,
            staff,
            workspace,
            channels,
            labels,
            all_labels,
            canned_responses,
            whatsapp_window_closed,
        })
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
            .filter(|c| {
                let kind = self.workspace.identity_kind(c.kind);
                c.enabled && self.contact.identities.iter().any(|i| i.kind == kind)
            })
            .collect()
    }

    /// The channel the customer last wrote from, else the conversation's latest.
    pub fn default_reply_channel(&self) -> Option<ChannelId> {
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
        // Messages and notes in one timeline, in the order they were written.
        let mut timeline: Vec<(i64, minijinja::Value)> = self
            .messages
            .iter()
            .map(|m| (m.created_at, minijinja::context! { message => m }))
            .chain(self.notes.iter().map(|n| (n.created_at, minijinja::context! { note => n })))
            .collect();
        timeline.sort_by_key(|(at, _)| *at);
        minijinja::context! {
            conversation => &self.conversation,
            contact => &self.contact,
            contact_label => self.label(),
            timeline => timeline.into_iter().map(|(_, item)| item).collect::<Vec<_>>(),
            staff_members => &self.staff,
            channel_kinds => kinds,
            labels => &self.labels,
            other_labels => self.all_labels.iter().filter(|l| !self.labels.contains(l)).collect::<Vec<_>>(),
            snooze_default => super::organizing::tomorrow_at_nine_utc(now_ms()),
            channel_kind_names => ChannelKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
            csrf => &signed_in.session.csrf_token,
        }
    }
}

/// The full page: the list, and the open conversation if any.
pub(super) async fn page(
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
                    canned_responses => &opened.canned_responses,
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
pub(super) struct ReplyState {
    pub status: StatusCode,
    pub body: String,
    pub channel_id: Option<ChannelId>,
    pub error: Option<String>,
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
            state
                .store
                .mark_read(signed_in.session.staff.workspace_id, conversation_id, crate::clock::now_ms())
                .await?;
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
