//! Conversation states: the one thread per contact moves between open, pending (waiting on the
//! customer), snoozed (hidden until a time) and resolved.

use crate::names::named_enum;

named_enum! {
    /// Where a conversation stands.
    ConversationStatus as "conversation status" {
        Open = "open",
        Pending = "pending",
        Snoozed = "snoozed",
        Resolved = "resolved",
    }
}
