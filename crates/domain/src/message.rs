//! The one message model every channel maps into, and the rule that delivery states only move
//! forward: queued < sent < delivered < read; failed is final; a late `delivered` never undoes
//! `read`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::channel::UnknownName;

/// Whether the customer sent the message or we did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Inbound,
    Outbound,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inbound => "inbound",
            Self::Outbound => "outbound",
        }
    }
}

impl FromStr for Direction {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "inbound" => Ok(Self::Inbound),
            "outbound" => Ok(Self::Outbound),
            _ => Err(UnknownName { what: "direction", value: s.to_owned(), expected: "inbound, outbound" }),
        }
    }
}

/// Who wrote the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SenderKind {
    Contact,
    Staff,
    Bot,
    System,
}

impl SenderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Contact => "contact",
            Self::Staff => "staff",
            Self::Bot => "bot",
            Self::System => "system",
        }
    }
}

impl FromStr for SenderKind {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "contact" => Ok(Self::Contact),
            "staff" => Ok(Self::Staff),
            "bot" => Ok(Self::Bot),
            "system" => Ok(Self::System),
            _ => Err(UnknownName { what: "sender kind", value: s.to_owned(), expected: "contact, staff, bot, system" }),
        }
    }
}

/// Where a message stands. Inbound messages are `received`; outbound ones climb the ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    Received,
    Queued,
    Sent,
    Delivered,
    Read,
    Failed,
}

impl MessageStatus {
    pub const ALL: [MessageStatus; 6] =
        [Self::Received, Self::Queued, Self::Sent, Self::Delivered, Self::Read, Self::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Queued => "queued",
            Self::Sent => "sent",
            Self::Delivered => "delivered",
            Self::Read => "read",
            Self::Failed => "failed",
        }
    }

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

impl fmt::Display for MessageStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for MessageStatus {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| UnknownName {
            what: "message status",
            value: s.to_owned(),
            expected: "received, queued, sent, delivered, read, failed",
        })
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
        for next in super::MessageStatus::ALL {
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
