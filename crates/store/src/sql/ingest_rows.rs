//! The rows a webhook batch writes, one type per kind of row, each with the SQL that writes it
//! and its values in a form either backend binds (`Param`). The plan (`ingest_plan.rs`)
//! decides which rows there are; the backends write them.

use switchboard_domain::inbound::InboundMessage;
use switchboard_domain::{
    ChannelId, ContactId, ConversationId, IdentityId, IdentityKind, JobId, MessageId, WebhookEventId, WorkspaceId,
};

use super::ingest_plan::Sender;
use crate::writes::InboundWrite;

/// A value bound to a statement, in a form each backend binds its own way.
#[derive(Debug, Clone)]
pub(crate) enum Param<'a> {
    Id(uuid::Uuid),
    Int(i64),
    Int32(i32),
    Bool(bool),
    Text(&'a str),
    OptText(Option<&'a str>),
    Json(serde_json::Value),
    OptJson(Option<serde_json::Value>),
}

/// A kind of row the plan writes: the statement that writes one or many of them, and the values
/// of one.
pub(crate) trait PlannedRow {
    /// `insert into table (columns) `, to be followed by the rows' values.
    const INSERT: &'static str;
    /// What follows the values (an `on conflict` clause), or nothing.
    const ON_CONFLICT: &'static str;
    /// This row's values, in the order of [`Self::INSERT`]'s columns.
    fn params(&self) -> Vec<Param<'_>>;
}

impl<R: PlannedRow> PlannedRow for &R {
    const INSERT: &'static str = R::INSERT;
    const ON_CONFLICT: &'static str = R::ON_CONFLICT;
    fn params(&self) -> Vec<Param<'_>> {
        (*self).params()
    }
}

/// A new contact with the identity it was first seen by.
#[derive(Debug)]
pub(crate) struct NewSender<'a> {
    pub sender: Sender,
    pub workspace_id: WorkspaceId,
    pub kind: IdentityKind,
    pub value: &'a str,
    pub name: Option<&'a str>,
    pub at: i64,
}

/// The contact row of a new sender.
pub(crate) struct NewContactRow<'p, 'a>(pub &'p NewSender<'a>);

impl PlannedRow for NewContactRow<'_, '_> {
    const INSERT: &'static str =
        "insert into contacts (contact_id, workspace_id, display_name, created_at, updated_at) ";
    const ON_CONFLICT: &'static str = "";
    fn params(&self) -> Vec<Param<'_>> {
        let s = self.0;
        vec![
            Param::Id(s.sender.contact_id.0),
            Param::Id(s.workspace_id.0),
            Param::OptText(s.name),
            Param::Int(s.at),
            Param::Int(s.at),
        ]
    }
}

/// The identity row of a new sender.
pub(crate) struct NewIdentityRow<'p, 'a>(pub &'p NewSender<'a>);

impl PlannedRow for NewIdentityRow<'_, '_> {
    const INSERT: &'static str =
        "insert into contact_identities (identity_id, workspace_id, contact_id, kind, value, created_at) ";
    const ON_CONFLICT: &'static str = "";
    fn params(&self) -> Vec<Param<'_>> {
        let s = self.0;
        vec![
            Param::Id(s.sender.identity_id.0),
            Param::Id(s.workspace_id.0),
            Param::Id(s.sender.contact_id.0),
            Param::Text(s.kind.as_str()),
            Param::Text(s.value),
            Param::Int(s.at),
        ]
    }
}

/// Names a known contact that had no name, with the profile name a message carried.
#[derive(Debug)]
pub(crate) struct Rename<'a> {
    pub contact_id: ContactId,
    pub name: &'a str,
}

/// A contact's conversation, opened or touched: reopened, its unread count raised.
#[derive(Debug)]
pub(crate) struct ConversationTouch {
    pub conversation_id: ConversationId,
    pub workspace_id: WorkspaceId,
    pub contact_id: ContactId,
    pub last_message_at: i64,
    pub last_channel_id: ChannelId,
    pub unread: i32,
}

impl PlannedRow for ConversationTouch {
    const INSERT: &'static str = "insert into conversations (conversation_id, workspace_id, contact_id, status, \
        last_message_at, last_channel_id, unread_count, created_at, updated_at) ";
    const ON_CONFLICT: &'static str = " on conflict (workspace_id, contact_id) do update set \
        last_message_at = excluded.last_message_at, last_channel_id = excluded.last_channel_id, \
        unread_count = conversations.unread_count + excluded.unread_count, status = 'open', snoozed_until = null, \
        updated_at = excluded.updated_at";
    fn params(&self) -> Vec<Param<'_>> {
        vec![
            Param::Id(self.conversation_id.0),
            Param::Id(self.workspace_id.0),
            Param::Id(self.contact_id.0),
            Param::Text("open"),
            Param::Int(self.last_message_at),
            Param::Id(self.last_channel_id.0),
            Param::Int32(self.unread),
            Param::Int(self.last_message_at),
            Param::Int(self.last_message_at),
        ]
    }
}

/// A channel a conversation spans, with the time the customer last wrote on it.
#[derive(Debug)]
pub(crate) struct ChannelSpan {
    pub conversation_id: ConversationId,
    pub channel_id: ChannelId,
    pub last_inbound_at: i64,
}

impl PlannedRow for ChannelSpan {
    const INSERT: &'static str = "insert into conversation_channels (conversation_id, channel_id, last_inbound_at) ";
    const ON_CONFLICT: &'static str = " on conflict (conversation_id, channel_id) do update set last_inbound_at = \
        case when conversation_channels.last_inbound_at is null \
        or excluded.last_inbound_at > conversation_channels.last_inbound_at \
        then excluded.last_inbound_at else conversation_channels.last_inbound_at end";
    fn params(&self) -> Vec<Param<'_>> {
        vec![Param::Id(self.conversation_id.0), Param::Id(self.channel_id.0), Param::Int(self.last_inbound_at)]
    }
}

/// A new inbound message.
#[derive(Debug)]
pub(crate) struct MessageRow<'a> {
    pub message_id: MessageId,
    pub write: &'a InboundWrite,
    pub message: &'a InboundMessage,
    pub sender: Sender,
}

impl PlannedRow for MessageRow<'_> {
    const INSERT: &'static str = "insert into messages (message_id, workspace_id, conversation_id, contact_id, \
        channel_id, direction, sender_kind, body, attachments, from_address, to_address, provider_message_id, \
        status, received_at, created_at, updated_at, content, reply_to) ";
    const ON_CONFLICT: &'static str = "";
    fn params(&self) -> Vec<Param<'_>> {
        let (write, message) = (self.write, self.message);
        vec![
            Param::Id(self.message_id.0),
            Param::Id(write.workspace_id.0),
            Param::Id(self.sender.conversation_id.0),
            Param::Id(self.sender.contact_id.0),
            Param::Id(write.channel_id.0),
            Param::Text("inbound"),
            Param::Text("contact"),
            Param::Text(&message.text),
            Param::Json(serde_json::to_value(&message.attachments).unwrap_or_default()),
            Param::Text(&message.from_address),
            Param::Text(&message.to_address),
            Param::Text(&message.provider_message_id),
            Param::Text("received"),
            Param::Int(write.received_at),
            Param::Int(write.received_at),
            Param::Int(write.received_at),
            Param::OptJson(message.content.as_ref().map(|c| serde_json::to_value(c).unwrap_or_default())),
            Param::OptText(message.reply_to.as_deref()),
        ]
    }
}

/// An identity's opt-out state on a channel kind, as the batch's last keyword left it.
#[derive(Debug)]
pub(crate) struct OptOutRow {
    pub identity_id: IdentityId,
    pub channel_kind: &'static str,
    pub opted_out: bool,
    pub keyword: String,
    pub at: i64,
}

impl PlannedRow for OptOutRow {
    const INSERT: &'static str = "insert into opt_outs (identity_id, channel_kind, opted_out, keyword, updated_at) ";
    const ON_CONFLICT: &'static str = " on conflict (identity_id, channel_kind) do update set \
        opted_out = excluded.opted_out, keyword = excluded.keyword, updated_at = excluded.updated_at";
    fn params(&self) -> Vec<Param<'_>> {
        vec![
            Param::Id(self.identity_id.0),
            Param::Text(self.channel_kind),
            Param::Bool(self.opted_out),
            Param::Text(&self.keyword),
            Param::Int(self.at),
        ]
    }
}

/// A job a new message asks for: a help reply, a media fetch.
#[derive(Debug)]
pub(crate) struct JobRow {
    pub job_id: JobId,
    pub workspace_id: WorkspaceId,
    pub kind: &'static str,
    pub message_id: MessageId,
    pub dedupe_key: String,
    pub max_attempts: i32,
    pub at: i64,
}

impl PlannedRow for JobRow {
    const INSERT: &'static str = "insert into jobs (job_id, workspace_id, kind, payload, dedupe_key, state, run_at, \
        attempts, max_attempts, created_at, updated_at) ";
    const ON_CONFLICT: &'static str = " on conflict do nothing";
    fn params(&self) -> Vec<Param<'_>> {
        vec![
            Param::Id(self.job_id.0),
            Param::Id(self.workspace_id.0),
            Param::Text(self.kind),
            Param::Json(serde_json::json!({ "message_id": self.message_id })),
            Param::Text(&self.dedupe_key),
            Param::Text("queued"),
            Param::Int(self.at),
            Param::Int32(0),
            Param::Int32(self.max_attempts),
            Param::Int(self.at),
            Param::Int(self.at),
        ]
    }
}

/// A webhook as received, with what became of it.
#[derive(Debug)]
pub(crate) struct WebhookEventRow<'a> {
    pub webhook_event_id: WebhookEventId,
    pub write: &'a InboundWrite,
    pub outcome: &'static str,
}

impl PlannedRow for WebhookEventRow<'_> {
    const INSERT: &'static str = "insert into webhook_events (webhook_event_id, workspace_id, channel_id, provider, \
        verification, content_type, payload, outcome, received_at) ";
    const ON_CONFLICT: &'static str = "";
    fn params(&self) -> Vec<Param<'_>> {
        let write = self.write;
        vec![
            Param::Id(self.webhook_event_id.0),
            Param::Id(write.workspace_id.0),
            Param::Id(write.channel_id.0),
            Param::Text(write.provider.as_str()),
            Param::Text(&write.verification),
            Param::Text(&write.content_type),
            Param::Text(&write.payload),
            Param::Text(self.outcome),
            Param::Int(write.received_at),
        ]
    }
}
