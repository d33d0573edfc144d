//! Identities: the ways one contact can be reached. A contact owns many identities (a phone
//! number used for both SMS and WhatsApp, an email address, a Telegram id); an identity belongs
//! to one contact per workspace.

use serde::{Deserialize, Serialize};

use crate::email::{EmailAddress, InvalidEmail};
use crate::names::named_enum;
use crate::phone::{InvalidPhone, PhoneE164};

named_enum! {
    /// The namespace of an identity value.
    IdentityKind as "identity kind" {
        Phone = "phone",
        /// A WhatsApp number kept apart from the same phone number, in a workspace that does
        /// not match WhatsApp senders to SMS senders.
        Whatsapp = "whatsapp",
        Email = "email",
        Telegram = "telegram",
        Instagram = "instagram",
        Messenger = "messenger",
        Webchat = "webchat",
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
            IdentityKind::Phone | IdentityKind::Whatsapp => PhoneE164::parse(raw)?.as_str().to_owned(),
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
