//! The one message model every channel maps into, and the rule that delivery states only move
//! forward: queued < sent < delivered < read; failed is final; a late `delivered` never undoes
//! `read`.

use serde::{Deserialize, Serialize};

use crate::names::named_enum;

named_enum! {
    /// Whether the customer sent the message or we did.
    Direction as "direction" {
        Inbound = "inbound",
        Outbound = "outbound",
    }
}

named_enum! {
    /// Who wrote the message.
    SenderKind as "sender kind" {
        Contact = "contact",
        Staff = "staff",
        Bot = "bot",
        System = "system",
    }
}

named_enum! {
    /// Where a message stands. Inbound messages are `received`; outbound ones climb the ladder.
    MessageStatus as "message status" {
        Received = "received",
        Queued = "queued",
        Sent = "sent",
        Delivered = "delivered",
        Read = "read",
        Failed = "failed",
    }
}

impl MessageStatus {
    /// The states from which a status update to `self` is a step forward. Failed is final and
    /// cannot undo a delivery the customer already has; received is never a target.
    pub fn advances_from(self) -> &'static [MessageStatus] {
        use MessageStatus::*;
        match self {
            Received | Queued => &[],
            Sent => &[Queued],
            Delivered => &[Queued, Sent],
            Read => &[Queued, Sent, Delivered],
            Failed => &[Queued, Sent],
        }
    }

    /// Whether moving from `self` to `next` is allowed.
    pub fn can_become(self, next: MessageStatus) -> bool {
        next.advances_from().contains(&self)
    }
}

/// A file sent with a message, kept as metadata (where it is, what it is).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub url: String,
    pub content_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_bytes: Option<u64>,
    /// The provider's id for media it keeps (WhatsApp's media id), to fetch the file with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_media_id: Option<String>,
    /// The SHA-256 of the file, hex, once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Why the file could not be fetched from the provider yet (or at all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetch_error: Option<String>,
}

impl Attachment {
    /// An attachment known only by where it is.
    pub fn link(url: impl Into<String>, content_type: Option<String>) -> Self {
        Self {
            url: url.into(),
            content_type,
            filename: None,
            size_bytes: None,
            provider_media_id: None,
            sha256: None,
            fetch_error: None,
        }
    }

    /// Whether the file is still only at the provider, to be fetched by its media id.
    pub fn awaits_fetch(&self) -> bool {
        self.url.is_empty() && self.provider_media_id.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::MessageStatus::*;

    #[test]
    fn a_late_delivered_never_undoes_read() {
        assert!(Delivered.can_become(Read));
        assert!(!Read.can_become(Delivered));
        assert!(!Read.can_become(Sent));
    }

    #[test]
    fn failed_is_final() {
        for &next in super::MessageStatus::ALL {
            assert!(!Failed.can_become(next), "failed became {next}");
        }
    }

    #[test]
    fn statuses_only_move_forward_along_the_ladder() {
        let ladder = [Queued, Sent, Delivered, Read];
        for (i, from) in ladder.iter().enumerate() {
            for (j, to) in ladder.iter().enumerate() {
                assert_eq!(from.can_become(*to), j > i, "{from} -> {to}");
            }
        }
    }
}
