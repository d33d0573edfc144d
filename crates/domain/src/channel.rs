//! Channel kinds (what the customer sees: SMS, WhatsApp, ...) and providers (who carries it:
//! Twilio, Meta, ...). A channel is one kind carried by one provider.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::identity::IdentityKind;

/// What the customer experiences the conversation as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    Sms,
    Whatsapp,
    Email,
    Telegram,
    Instagram,
    Messenger,
    Webchat,
}

impl ChannelKind {
    pub const ALL: [ChannelKind; 7] =
        [Self::Sms, Self::Whatsapp, Self::Email, Self::Telegram, Self::Instagram, Self::Messenger, Self::Webchat];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sms => "sms",
            Self::Whatsapp => "whatsapp",
            Self::Email => "email",
            Self::Telegram => "telegram",
            Self::Instagram => "instagram",
            Self::Messenger => "messenger",
            Self::Webchat => "webchat",
        }
    }

    /// The kind of identity a customer has on this channel.
    pub fn identity_kind(self) -> IdentityKind {
        match self {
            Self::Sms | Self::Whatsapp => IdentityKind::Phone,
            Self::Email => IdentityKind::Email,
            Self::Telegram => IdentityKind::Telegram,
            Self::Instagram => IdentityKind::Instagram,
            Self::Messenger => IdentityKind::Messenger,
            Self::Webchat => IdentityKind::Webchat,
        }
    }
}

impl fmt::Display for ChannelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown channel kind or provider name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {value:?}; expected one of: {expected}")]
pub struct UnknownName {
    pub what: &'static str,
    pub value: String,
    pub expected: &'static str,
}

impl FromStr for ChannelKind {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| UnknownName {
            what: "channel kind",
            value: s.to_owned(),
            expected: "sms, whatsapp, email, telegram, instagram, messenger, webchat",
        })
    }
}

/// Who carries the messages of a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    Twilio,
}

impl Provider {
    pub const ALL: [Provider; 1] = [Self::Twilio];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Twilio => "twilio",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Provider {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|p| p.as_str() == s).ok_or_else(|| UnknownName {
            what: "provider",
            value: s.to_owned(),
            expected: "twilio",
        })
    }
}
