//! The inputs of the store's write operations. Each one is applied in a single transaction.

use switchboard_domain::inbound::InboundEvent;
use switchboard_domain::{
    Attachment, ChannelId, ChannelKind, ContactId, Identity, MessageId, Provider, SenderKind, WebhookEventId,
    WorkspaceId,
};

use crate::model::UnixMillis;

/// A verified provider webhook and the events parsed from it, to be stored as one unit. It is
/// also what the inbound journal keeps (as JSON) for a webhook answered before it is stored in
/// full; a webhook with files of its own is never journaled.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct InboundWrite {
    pub workspace_id: WorkspaceId,
    pub channel_id: ChannelId,
    pub channel_kind: ChannelKind,
    pub provider: Provider,
    pub verification: std::borrow::Cow<'static, str>,
    pub content_type: String,
    pub payload: String,
    pub events: Vec<InboundEvent>,
    /// Files that came inside the webhook itself (an email's attachments), kept with its first
    /// new message; its attachments already point at them.
    #[serde(skip)]
    pub media: Vec<crate::model::NewMedia>,
    pub received_at: UnixMillis,
}

impl InboundWrite {
    /// Whether the batch fast path can store this webhook. Email threads by headers and brings
    /// its files along, which only the per-webhook path handles; email is not the hot path.
    pub(crate) fn fits_bulk(&self) -> bool {
        self.media.is_empty()
            && self.events.iter().all(|event| match event {
                InboundEvent::Message(message) => {
                    message.email.is_none() && message.referral.as_ref().is_none_or(|r| r.contact.is_none())
                }
                InboundEvent::Consent(_) | InboundEvent::Edit(_) | InboundEvent::Unsupported(_) => false,
                InboundEvent::Status(_) | InboundEvent::ReadUpTo(_) => true,
            })
    }
}

/// A journaled webhook after the journal worker stored it in full.
#[derive(Debug)]
pub struct JournaledOutcome {
    pub write: InboundWrite,
    pub outcome: crate::StoreResult<InboundOutcome>,
}

/// How many webhooks the inbound journal holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct JournalDepth {
    /// Waiting to be stored in full.
    pub waiting: u64,
    /// Set aside: storing them failed, and they wait for an operator to retry them.
    pub set_aside: u64,
}

/// A journaled webhook that could not be stored in full, kept with the reason.
#[derive(Debug, Clone)]
pub struct SetAsideEntry {
    pub journal_id: i64,
    pub failure: String,
    /// The webhook, or `None` when the entry itself cannot be read.
    pub webhook: Option<InboundWrite>,
}

/// What storing one webhook did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InboundOutcome {
    pub webhook_event_id: Option<WebhookEventId>,
    /// Messages stored for the first time.
    pub new_messages: Vec<StoredInbound>,
    /// Provider message ids that were already stored (a provider retry).
    pub duplicates: Vec<String>,
    /// Status updates that moved a message forward.
    pub statuses_applied: usize,
    /// Status updates that were stale (the message was already further along).
    pub statuses_ignored: usize,
    /// Opt-out (or opt-in) reports recorded for a known customer.
    pub consent_changes: usize,
    /// Edits of stored messages applied for the first time.
    pub edits_applied: usize,
    /// Updates of a kind we do not handle, kept in the webhook log only.
    pub unsupported: usize,
}

impl InboundOutcome {
    /// A short word for the webhook log.
    pub fn summary(&self) -> &'static str {
        if !self.new_messages.is_empty() {
            "message"
        } else if !self.duplicates.is_empty() {
            "duplicate"
        } else if self.statuses_applied > 0 {
            "status"
        } else if self.edits_applied > 0 {
            "edit"
        } else if self.consent_changes > 0 {
            "consent"
        } else if self.statuses_ignored > 0 {
            "stale_status"
        } else if self.unsupported > 0 {
            "unsupported"
        } else {
            "ignored"
        }
    }
}

/// A newly stored inbound message and what the keyword in it changed.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredInbound {
    pub message_id: MessageId,
    pub contact_id: ContactId,
    pub provider_message_id: String,
    pub opt_change: Option<OptChange>,
    pub help_requested: bool,
    /// The message has files still at the provider; a fetch job was queued with it.
    pub fetches_media: bool,
}

/// A change of a contact identity's opt-out state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptChange {
    OptedOut,
    OptedIn,
}

/// An outbound message to record as queued, with its send job, in one transaction.
#[derive(Debug, Clone)]
pub struct OutboundWrite {
    pub workspace_id: WorkspaceId,
    pub contact_id: ContactId,
    pub channel_id: ChannelId,
    pub sender_kind: SenderKind,
    pub body: String,
    pub attachments: Vec<Attachment>,
    pub content: Option<switchboard_domain::Content>,
    /// The provider id of the message this one answers.
    pub reply_to: Option<String>,
    /// On email channels, the subject the sender chose (headers are completed when it is sent).
    pub email: Option<switchboard_domain::EmailDetails>,
    pub from_address: String,
    pub to_address: String,
    pub segments: Option<i32>,
    pub encoding: Option<String>,
    pub idempotency_key: Option<String>,
    /// A hash of the request, so a reused idempotency key with a different body is caught.
    pub request_fingerprint: Option<String>,
    pub max_attempts: i32,
    /// The channel's send interval in microseconds when it has a throughput limit: the send
    /// takes the channel's next free slot and its job runs then.
    pub send_interval_us: Option<i64>,
    pub now: UnixMillis,
}

/// A new contact and the identities it starts with.
#[derive(Debug, Clone)]
pub struct NewContact {
    pub workspace_id: WorkspaceId,
    pub display_name: Option<String>,
    pub identities: Vec<Identity>,
    pub now: UnixMillis,
}

/// A channel to connect.
#[derive(Debug, Clone)]
pub struct NewChannel {
    /// Chosen by the caller, because sealed credentials are bound to the channel id.
    pub channel_id: ChannelId,
    pub workspace_id: WorkspaceId,
    pub kind: ChannelKind,
    pub provider: Provider,
    pub name: String,
    pub address: String,
    /// See [`crate::model::Channel::external_id`].
    pub external_id: Option<String>,
    pub sealed_credentials: Vec<u8>,
    pub settings: serde_json::Value,
    pub now: UnixMillis,
}

/// The outcome of a send attempt, recorded by the dispatcher.
#[derive(Debug, Clone)]
pub enum SendResult {
    Sent {
        provider_message_id: String,
    },
    /// A transient failure; the job runs again at `retry_at`.
    Retry {
        error: String,
        retry_at: UnixMillis,
    },
    /// A permanent failure, or the last retry: the message is failed and the job is dead.
    Failed {
        error_code: Option<String>,
        error_reason: String,
    },
}

/// A staff account to create.
#[derive(Debug, Clone)]
pub struct NewStaff {
    pub workspace_id: switchboard_domain::WorkspaceId,
    pub email: String,
    pub name: String,
    pub role: switchboard_domain::StaffRole,
    /// An Argon2id hash in PHC string form.
    pub password_hash: String,
}

/// Which conversations the inbox lists.
#[derive(Debug, Clone, Default)]
pub struct InboxQuery {
    pub status: Option<switchboard_domain::ConversationStatus>,
    /// Only the conversations assigned to this staff member.
    pub assignee: Option<switchboard_domain::StaffId>,
    /// Words to look for in the contact's name, identities and messages.
    pub search: Option<String>,
    /// Only the conversations with messages on this channel.
    pub channel: Option<switchboard_domain::ChannelId>,
    /// Only the conversations carrying this label.
    pub label: Option<switchboard_domain::LabelId>,
    /// The cursor of the previous page: the conversations after it.
    pub after: Option<String>,
}
