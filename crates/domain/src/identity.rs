//! Identities: the ways one contact can be reached. A contact owns many identities (a phone
//! number used for both SMS and WhatsApp, an email address, a Telegram id); an identity belongs
//! to one contact per workspace.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::channel::UnknownName;
use crate::email::{EmailAddress, InvalidEmail};
use crate::phone::{InvalidPhone, PhoneE164};

/// The namespace of an identity value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityKind {
    Phone,
    Email,
    Telegram,
    Instagram,
    Messenger,
    Webchat,
}

impl IdentityKind {
    pub const ALL: [IdentityKind; 6] =
        [Self::Phone, Self::Email, Self::Telegram, Self::Instagram, Self::Messenger, Self::Webchat];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Phone => "phone",
            Self::Email => "email",
            Self::Telegram => "telegram",
            Self::Instagram => "instagram",
            Self::Messenger => "messenger",
            Self::Webchat => "webchat",
        }
    }
}

impl fmt::Display for IdentityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for IdentityKind {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| UnknownName {
            what: "identity kind",
            value: s.to_owned(),
            expected: "phone, email, telegram, instagram, messenger, webchat",
        })
    }
}

/// A normalised identity: phone numbers in E.164, email addresses lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Identity {
    pub kind: IdentityKind,
    pub value: String,
}

/// Why an identity value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidIdentity {
    #[error(transparent)]
    Phone(#[from] InvalidPhone),
    #[error(transparent)]
    Email(#[from] InvalidEmail),
    #[error("a {kind} identity must be a non-empty id of at most 256 characters")]
    Opaque { kind: IdentityKind },
}

impl Identity {
    pub fn phone(phone: &PhoneE164) -> Self {
        Self { kind: IdentityKind::Phone, value: phone.as_str().to_owned() }
    }

    pub fn email(email: &EmailAddress) -> Self {
        Self { kind: IdentityKind::Email, value: email.as_str().to_owned() }
    }

    /// Parses and normalises a value of the given kind.
    pub fn parse(kind: IdentityKind, raw: &str) -> Result<Self, InvalidIdentity> {
        let value = match kind {
            IdentityKind::Phone => PhoneE164::parse(raw)?.as_str().to_owned(),
            IdentityKind::Email => EmailAddress::parse(raw)?.as_str().to_owned(),
            _ => {
                let trimmed = raw.trim();
                if trimmed.is_empty() || trimmed.len() > 256 {
                    return Err(InvalidIdentity::Opaque { kind });
                }
                trimmed.to_owned()
            }
        };
        Ok(Self { kind, value })
    }
}
