//! Typed identifiers. Every entity has its own id type so that a contact id can never be passed
//! where a message id is expected. Ids are UUIDv7: time-ordered, so they index well and sort by
//! creation time, which the cursor pagination relies on.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! typed_id {
    ($(#[$doc:meta] $name:ident),+ $(,)?) => {$(
        #[$doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    )+};
}

typed_id! {
    /// A tenant: every other row belongs to exactly one workspace.
    WorkspaceId,
    /// A workspace API key.
    ApiKeyId,
    /// A connected provider account and address (a Twilio number, a mailbox, a bot).
    ChannelId,
    /// A customer, who may own several identities.
    ContactId,
    /// One way to reach a contact: a phone number, an email address, a chat id.
    IdentityId,
    /// The single thread of all messages with one contact in one workspace.
    ConversationId,
    /// One message, inbound or outbound.
    MessageId,
    /// A raw provider webhook as received.
    WebhookEventId,
    /// A unit of background work in the queue.
    JobId,
    /// A person who works in the inbox.
    StaffId,
    /// A private note staff left on a conversation.
    NoteId,
    /// A label staff put on conversations to sort them ("billing", "urgent").
    LabelId,
    /// A saved reply staff insert by its shortcut.
    CannedResponseId,
    /// A file a customer sent, downloaded from the provider and kept.
    MediaId,
}
