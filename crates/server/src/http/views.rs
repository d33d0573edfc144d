//! How records look in the API: ids as strings, times in RFC 3339, secrets never.

use serde::Serialize;
use switchboard_store::model::{
    CannedResponse, Channel, Contact, Conversation, Label, Message, Note, Page, StaffMember, WebhookEvent,
};
use switchboard_store::queue::Job;

use crate::clock::rfc3339;

fn time(ms: Option<i64>) -> Option<String> {
    ms.map(rfc3339)
}

#[derive(Serialize)]
pub struct PageView<T> {
    pub data: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> PageView<T> {
    pub fn from_page<R>(page: Page<R>, view: impl Fn(R) -> T) -> Self {
        Self { data: page.items.into_iter().map(view).collect(), next_cursor: page.next_cursor }
    }
}

#[derive(Serialize)]
pub struct IdentityView {
    pub id: String,
    pub kind: String,
    pub value: String,
    pub opted_out: Vec<String>,
}

#[derive(Serialize)]
pub struct ContactView {
    pub id: String,
    pub display_name: Option<String>,
    pub identities: Vec<IdentityView>,
    pub preferred_channel_kind: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<Contact> for ContactView {
    fn from(c: Contact) -> Self {
        Self {
            id: c.contact_id.to_string(),
            display_name: c.display_name,
            identities: c
                .identities
                .into_iter()
                .map(|i| IdentityView {
                    id: i.identity_id.to_string(),
                    kind: i.kind.to_string(),
                    value: i.value,
                    opted_out: i.opted_out.iter().map(ToString::to_string).collect(),
                })
                .collect(),
            preferred_channel_kind: c.preferred_channel_kind.map(|k| k.to_string()),
            created_at: rfc3339(c.created_at),
            updated_at: rfc3339(c.updated_at),
        }
    }
}

#[derive(Serialize)]
pub struct ConversationView {
    pub id: String,
    pub contact_id: String,
    pub status: String,
    pub unread_count: i32,
    pub last_message_at: Option<String>,
    pub last_channel_id: Option<String>,
    pub assignee_staff_id: Option<String>,
    pub snoozed_until: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<Conversation> for ConversationView {
    fn from(c: Conversation) -> Self {
        Self {
            id: c.conversation_id.to_string(),
            contact_id: c.contact_id.to_string(),
            status: c.status.to_string(),
            unread_count: c.unread_count,
            last_message_at: time(c.last_message_at),
            last_channel_id: c.last_channel_id.map(|c| c.to_string()),
            assignee_staff_id: c.assignee_staff_id.map(|s| s.to_string()),
            snoozed_until: time(c.snoozed_until),
            created_at: rfc3339(c.created_at),
            updated_at: rfc3339(c.updated_at),
        }
    }
}

#[derive(Serialize)]
pub struct StatusStep {
    pub status: String,
    pub at: String,
}

#[derive(Serialize)]
pub struct MessageView {
    pub id: String,
    pub conversation_id: String,
    pub contact_id: String,
    pub channel_id: String,
    pub direction: String,
    pub sender: String,
    pub body: String,
    pub attachments: Vec<switchboard_domain::Attachment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<switchboard_domain::Content>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    /// An email's subject, threading headers and the parts kept apart from its new text. Its
    /// HTML is as received: sanitise it before showing it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<switchboard_domain::EmailDetails>,
    /// What the provider reported with the statuses (WhatsApp's conversation and pricing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider_details: Option<serde_json::Value>,
    pub from: String,
    pub to: String,
    pub provider_message_id: Option<String>,
    pub status: String,
    pub status_history: Vec<StatusStep>,
    pub error_code: Option<String>,
    pub error_reason: Option<String>,
    pub segments: Option<i32>,
    pub encoding: Option<String>,
    /// When the customer last changed the text, for an edited message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edited_at: Option<String>,
    /// The texts it had before, oldest first (filled where one message is asked for).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub previous_versions: Vec<PreviousVersion>,
    pub created_at: String,
}

/// A text an edited message had, and when the customer replaced it.
#[derive(Serialize)]
pub struct PreviousVersion {
    pub body: String,
    pub replaced_at: String,
}

impl From<Message> for MessageView {
    fn from(m: Message) -> Self {
        Self {
            id: m.message_id.to_string(),
            conversation_id: m.conversation_id.to_string(),
            contact_id: m.contact_id.to_string(),
            channel_id: m.channel_id.to_string(),
            direction: m.direction.as_str().to_owned(),
            sender: m.sender_kind.as_str().to_owned(),
            body: m.body,
            attachments: m.attachments,
            content: m.content,
            reply_to: m.reply_to,
            email: m.email,
            provider_details: m.provider_details,
            from: m.from_address,
            to: m.to_address,
            provider_message_id: m.provider_message_id,
            status: m.status.to_string(),
            status_history: m
                .times
                .history()
                .into_iter()
                .map(|(status, at)| StatusStep { status: status.to_string(), at: rfc3339(at) })
                .collect(),
            error_code: m.error_code,
            error_reason: m.error_reason,
            segments: m.segments,
            encoding: m.encoding,
            edited_at: m.edited_at.map(rfc3339),
            previous_versions: Vec::new(),
            created_at: rfc3339(m.created_at),
        }
    }
}

#[derive(Serialize)]
pub struct ChannelView {
    pub id: String,
    pub kind: String,
    pub provider: String,
    pub name: String,
    pub address: String,
    /// The provider's id for the channel (a WhatsApp phone number id), where it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    pub enabled: bool,
    pub webhook_url: String,
    pub status_callback_url: String,
    pub created_at: String,
}

impl ChannelView {
    pub fn new(c: Channel, public_url: &str) -> Self {
        let webhook_url = format!("{public_url}/webhooks/{}/{}", c.provider, c.channel_id);
        Self {
            id: c.channel_id.to_string(),
            kind: c.kind.to_string(),
            provider: c.provider.to_string(),
            name: c.name,
            address: c.address,
            external_id: c.external_id,
            enabled: c.enabled,
            status_callback_url: format!("{webhook_url}/status"),
            webhook_url,
            created_at: rfc3339(c.created_at),
        }
    }
}

#[derive(Serialize)]
pub struct WebhookEventView {
    pub id: String,
    pub channel_id: String,
    pub provider: String,
    pub verification: String,
    pub outcome: String,
    pub content_type: String,
    pub payload: String,
    pub received_at: String,
}

impl From<WebhookEvent> for WebhookEventView {
    fn from(e: WebhookEvent) -> Self {
        Self {
            id: e.webhook_event_id.to_string(),
            channel_id: e.channel_id.to_string(),
            provider: e.provider.to_string(),
            verification: e.verification,
            outcome: e.outcome,
            content_type: e.content_type,
            payload: e.payload,
            received_at: rfc3339(e.received_at),
        }
    }
}

#[derive(Serialize)]
pub struct JobView {
    pub id: String,
    pub kind: String,
    pub state: String,
    pub payload: serde_json::Value,
    pub attempts: i32,
    pub max_attempts: i32,
    pub last_error: Option<String>,
    pub run_at: String,
    pub created_at: String,
    pub updated_at: String,
}

impl From<Job> for JobView {
    fn from(j: Job) -> Self {
        Self {
            id: j.job_id.to_string(),
            kind: j.kind,
            state: j.state.as_str().to_owned(),
            payload: j.payload,
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            last_error: j.last_error,
            run_at: rfc3339(j.run_at),
            created_at: rfc3339(j.created_at),
            updated_at: rfc3339(j.updated_at),
        }
    }
}

#[derive(Serialize)]
pub struct LabelView {
    pub id: String,
    pub name: String,
    pub colour: String,
    pub created_at: String,
}

impl From<Label> for LabelView {
    fn from(l: Label) -> Self {
        Self { id: l.label_id.to_string(), name: l.name, colour: l.colour, created_at: rfc3339(l.created_at) }
    }
}

#[derive(Serialize)]
pub struct CannedResponseView {
    pub id: String,
    pub shortcut: String,
    pub body: String,
    pub created_at: String,
    pub updated_at: String,
}

impl From<CannedResponse> for CannedResponseView {
    fn from(c: CannedResponse) -> Self {
        Self {
            id: c.canned_response_id.to_string(),
            shortcut: c.shortcut,
            body: c.body,
            created_at: rfc3339(c.created_at),
            updated_at: rfc3339(c.updated_at),
        }
    }
}

#[derive(Serialize)]
pub struct NoteView {
    pub id: String,
    pub conversation_id: String,
    pub staff_id: Option<String>,
    pub author: Option<String>,
    pub body: String,
    pub created_at: String,
}

impl From<Note> for NoteView {
    fn from(n: Note) -> Self {
        Self {
            id: n.note_id.to_string(),
            conversation_id: n.conversation_id.to_string(),
            staff_id: n.staff_id.map(|s| s.to_string()),
            author: n.author,
            body: n.body,
            created_at: rfc3339(n.created_at),
        }
    }
}

#[derive(Serialize)]
pub struct StaffView {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub active: bool,
}

impl From<StaffMember> for StaffView {
    fn from(s: StaffMember) -> Self {
        Self { id: s.staff_id.to_string(), email: s.email, name: s.name, role: s.role.to_string(), active: s.active }
    }
}

/// A list that is never paginated (it is short by nature).
#[derive(Serialize)]
pub struct ListView<T> {
    pub data: Vec<T>,
}

impl<T> ListView<T> {
    pub fn of<R>(items: Vec<R>, view: impl Fn(R) -> T) -> Self {
        Self { data: items.into_iter().map(view).collect() }
    }
}
