//! The records the store hands out. They carry domain types (ids, statuses) so that nothing
//! above the store ever sees a raw column.

use serde::Serialize;
use switchboard_domain::{
    ApiKeyId, Attachment, ChannelId, ChannelKind, ContactId, ConversationId, ConversationStatus, Direction, IdentityId,
    IdentityKind, MessageId, MessageStatus, Provider, SenderKind, WebhookEventId, WorkspaceId,
};

/// Milliseconds since the Unix epoch, UTC. Every `*_at` field is one.
pub type UnixMillis = i64;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Workspace {
    pub workspace_id: WorkspaceId,
    pub name: String,
    /// The answer to a customer's HELP keyword.
    pub help_text: String,
    /// Whether a WhatsApp sender is the same contact as the SMS sender with the same number.
    pub whatsapp_matches_phone: bool,
    pub created_at: UnixMillis,
}

impl Workspace {
    /// The kind of identity a customer has on a channel of this kind, in this workspace.
    pub fn identity_kind(&self, kind: switchboard_domain::ChannelKind) -> switchboard_domain::IdentityKind {
        if kind == switchboard_domain::ChannelKind::Whatsapp && !self.whatsapp_matches_phone {
            switchboard_domain::IdentityKind::Whatsapp
        } else {
            kind.identity_kind()
        }
    }
}

/// An API key as stored: only a hash of the secret is kept.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiKey {
    pub api_key_id: ApiKeyId,
    pub workspace_id: WorkspaceId,
    pub name: String,
    /// The first characters of the key, shown so a person can tell keys apart.
    pub prefix: String,
    pub created_at: UnixMillis,
}

/// A connected provider address. Credentials stay sealed here; only the server can open them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Channel {
    pub channel_id: ChannelId,
    pub workspace_id: WorkspaceId,
    pub kind: ChannelKind,
    pub provider: Provider,
    pub name: String,
    pub address: String,
    #[serde(skip)]
    pub sealed_credentials: Vec<u8>,
    pub settings: serde_json::Value,
    /// The provider's id for this channel when one app-level webhook serves many channels (a
    /// WhatsApp phone number id, an Instagram account id, a Page id).
    pub external_id: Option<String>,
    pub enabled: bool,
    pub created_at: UnixMillis,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContactIdentity {
    pub identity_id: IdentityId,
    pub kind: IdentityKind,
    pub value: String,
    /// Channel kinds this identity has opted out of.
    pub opted_out: Vec<ChannelKind>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contact {
    pub contact_id: ContactId,
    pub workspace_id: WorkspaceId,
    pub display_name: Option<String>,
    pub identities: Vec<ContactIdentity>,
    /// The channel the contact prefers to be reached on, if they said.
    pub preferred_channel_kind: Option<ChannelKind>,
    pub created_at: UnixMillis,
    pub updated_at: UnixMillis,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conversation {
    pub conversation_id: ConversationId,
    pub workspace_id: WorkspaceId,
    pub contact_id: ContactId,
    pub status: ConversationStatus,
    pub last_message_at: Option<UnixMillis>,
    pub last_channel_id: Option<ChannelId>,
    pub unread_count: i32,
    /// The staff member looking after the conversation, if any.
    pub assignee_staff_id: Option<switchboard_domain::StaffId>,
    /// When a snoozed conversation reopens by itself.
    pub snoozed_until: Option<UnixMillis>,
    pub created_at: UnixMillis,
    pub updated_at: UnixMillis,
}

/// The time each status was reached; `None` for a status not (yet) reached.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StatusTimes {
    pub received_at: Option<UnixMillis>,
    pub queued_at: Option<UnixMillis>,
    pub sent_at: Option<UnixMillis>,
    pub delivered_at: Option<UnixMillis>,
    pub read_at: Option<UnixMillis>,
    pub failed_at: Option<UnixMillis>,
}

impl StatusTimes {
    /// The statuses reached, in the order they were reached.
    pub fn history(&self) -> Vec<(MessageStatus, UnixMillis)> {
        let mut steps: Vec<(MessageStatus, UnixMillis)> = [
            (MessageStatus::Received, self.received_at),
            (MessageStatus::Queued, self.queued_at),
            (MessageStatus::Sent, self.sent_at),
            (MessageStatus::Delivered, self.delivered_at),
            (MessageStatus::Read, self.read_at),
            (MessageStatus::Failed, self.failed_at),
        ]
        .into_iter()
        .filter_map(|(status, at)| at.map(|at| (status, at)))
        .collect();
        steps.sort_by_key(|(_, at)| *at);
        steps
    }
}

/// A text a message had before the customer edited it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessageEditRecord {
    /// When the customer replaced it.
    pub replaced_at: UnixMillis,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Message {
    pub message_id: MessageId,
    pub workspace_id: WorkspaceId,
    pub conversation_id: ConversationId,
    pub contact_id: ContactId,
    pub channel_id: ChannelId,
    pub direction: Direction,
    pub sender_kind: SenderKind,
    pub body: String,
    pub attachments: Vec<Attachment>,
    /// What the message carries beyond text and attachments.
    pub content: Option<switchboard_domain::Content>,
    /// The provider id of the message this one answers.
    pub reply_to: Option<String>,
    /// An email's subject, threading headers and the parts kept apart from its new text.
    pub email: Option<switchboard_domain::EmailDetails>,
    /// What the provider reported with the message's statuses (WhatsApp's conversation and
    /// pricing), as it reported it.
    pub provider_details: Option<serde_json::Value>,
    pub from_address: String,
    pub to_address: String,
    pub provider_message_id: Option<String>,
    pub status: MessageStatus,
    pub error_code: Option<String>,
    pub error_reason: Option<String>,
    pub segments: Option<i32>,
    pub encoding: Option<String>,
    pub idempotency_key: Option<String>,
    #[serde(skip)]
    pub request_fingerprint: Option<String>,
    pub times: StatusTimes,
    /// When the customer last changed the text (Telegram lets them); see `message_edits`.
    pub edited_at: Option<UnixMillis>,
    pub created_at: UnixMillis,
}

/// A provider webhook as received, kept for debugging with what became of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WebhookEvent {
    pub webhook_event_id: WebhookEventId,
    pub workspace_id: WorkspaceId,
    pub channel_id: ChannelId,
    pub provider: Provider,
    /// How the request was verified (`twilio-signature`, ...).
    pub verification: String,
    pub content_type: String,
    pub payload: String,
    /// What the webhook did: `message`, `duplicate`, `status`, `ignored`, ...
    pub outcome: String,
    pub received_at: UnixMillis,
}

/// One page of a list and the cursor to the next one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// A person who signs in to the inbox.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaffMember {
    pub staff_id: switchboard_domain::StaffId,
    pub workspace_id: WorkspaceId,
    /// Lowercase; unique across the installation, so an email names one account.
    pub email: String,
    pub name: String,
    pub role: switchboard_domain::StaffRole,
    pub active: bool,
    pub created_at: UnixMillis,
}

/// A signed-in browser session and the staff member it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffSession {
    pub staff: StaffMember,
    /// The token every form of this session carries.
    pub csrf_token: String,
    pub expires_at: UnixMillis,
}

/// One row of the inbox list: a conversation with what the list shows of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InboxEntry {
    pub conversation: Conversation,
    pub contact_name: Option<String>,
    /// The contact's first identity (a phone number, an email address), for unnamed contacts.
    pub contact_address: Option<String>,
    pub last_body: Option<String>,
    pub last_direction: Option<Direction>,
    /// The kinds of the channels the conversation spans.
    pub channel_kinds: Vec<ChannelKind>,
    /// The labels on the conversation, by name.
    pub labels: Vec<Label>,
}

/// A label staff put on conversations to sort them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Label {
    pub label_id: switchboard_domain::LabelId,
    pub workspace_id: WorkspaceId,
    pub name: String,
    /// A CSS colour, `#rrggbb`.
    pub colour: String,
    pub created_at: UnixMillis,
}

/// A file to keep.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMedia {
    pub media_id: switchboard_domain::MediaId,
    pub content_type: String,
    /// Hex.
    pub sha256: String,
    pub bytes: Vec<u8>,
}

/// Where a mailbox's importer stands in its folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxCursor {
    pub folder: String,
    pub uid_validity: i64,
    pub last_uid: i64,
}

/// A kept file.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredMedia {
    pub media_id: switchboard_domain::MediaId,
    /// The message it came with; `None` for a file uploaded to send.
    pub message_id: Option<MessageId>,
    /// The name it was uploaded with.
    pub filename: Option<String>,
    pub content_type: String,
    pub sha256: String,
    pub bytes: Vec<u8>,
}

/// A message template as the provider lists it: approved templates are what a business may send
/// outside WhatsApp's 24-hour window.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct MessageTemplate {
    pub name: String,
    /// The language code, such as `en_US`.
    pub language: String,
    /// `MARKETING`, `UTILITY` or `AUTHENTICATION`.
    pub category: String,
    /// `APPROVED`, `PENDING`, `REJECTED`, `PAUSED`, ...
    pub status: String,
    /// The header, body, footer and buttons, as the provider describes them.
    pub components: serde_json::Value,
}

impl MessageTemplate {
    pub fn is_approved(&self) -> bool {
        self.status.eq_ignore_ascii_case("APPROVED")
    }

    /// The text of the body component, with its `{{n}}` placeholders.
    pub fn body_text(&self) -> Option<&str> {
        self.components
            .as_array()?
            .iter()
            .find(|c| c["type"].as_str().is_some_and(|t| t.eq_ignore_ascii_case("BODY")))?["text"]
            .as_str()
    }

    /// How many `{{n}}` placeholders the body has.
    pub fn body_parameter_count(&self) -> usize {
        let Some(text) = self.body_text() else { return 0 };
        let mut highest = 0;
        for part in text.split("{{").skip(1) {
            if let Some(n) = part.split("}}").next().and_then(|n| n.trim().parse::<usize>().ok()) {
                highest = highest.max(n);
            }
        }
        highest
    }
}

/// A saved reply staff insert by typing `/` and its shortcut.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CannedResponse {
    pub canned_response_id: switchboard_domain::CannedResponseId,
    pub workspace_id: WorkspaceId,
    /// Letters, digits, `-` and `_`, unique in the workspace regardless of case.
    pub shortcut: String,
    pub body: String,
    pub created_at: UnixMillis,
    pub updated_at: UnixMillis,
}

/// A private note staff left on a conversation; never sent to the customer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Note {
    pub note_id: switchboard_domain::NoteId,
    pub conversation_id: ConversationId,
    /// Who wrote it; `None` once their account is gone.
    pub staff_id: Option<switchboard_domain::StaffId>,
    pub author: Option<String>,
    pub body: String,
    pub created_at: UnixMillis,
}
