//! The outbound composer: turns "send this to that contact on that channel" into a queued message
//! and its send job, after the policy checks that keep a business out of trouble (opt-out, the
//! WhatsApp 24-hour window, length limits). A refusal is a clear error and writes nothing.

mod compose;
pub mod email;
pub mod email_attachments;
pub mod email_branding;
pub mod messaging;
mod policy;
mod rich;
pub mod throughput;
mod whatsapp;

pub use compose::queue_send;
pub use policy::{SendRefusal, WHATSAPP_WINDOW_MS, template_offer};
pub use whatsapp::approved_template_names;

use switchboard_domain::{ChannelId, ContactId, Content, SenderKind, WorkspaceId};

/// Who a message goes to.
#[derive(Debug, Clone)]
pub enum Recipient {
    Contact(ContactId),
    /// An address on the channel (a phone number for SMS and WhatsApp); the contact is found or
    /// created from it.
    Address(String),
}

/// A request to send one message.
#[derive(Debug, Clone)]
pub struct SendRequest {
    pub workspace_id: WorkspaceId,
    pub channel_id: ChannelId,
    pub recipient: Recipient,
    pub body: String,
    pub media_urls: Vec<String>,
    /// Rich content (a template, buttons, a reaction, ...), on channels that carry it.
    pub content: Option<Content>,
    /// The provider id of the customer's message this one answers.
    pub reply_to: Option<String>,
    pub sender_kind: SenderKind,
    pub idempotency_key: Option<String>,
}
