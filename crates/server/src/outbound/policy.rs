//! Why a send is refused, with what to do about it.

use switchboard_domain::ChannelKind;
use switchboard_store::StoreError;

/// WhatsApp lets a business answer free-form for 24 hours after the customer's last message.
pub const WHATSAPP_WINDOW_MS: i64 = 24 * 60 * 60 * 1000;

/// The most characters a message body may have on a channel.
pub fn max_body_chars(kind: ChannelKind) -> usize {
    match kind {
        ChannelKind::Sms => 1600,
        ChannelKind::Whatsapp => 4096,
        _ => 65_536,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SendRefusal {
    #[error("channel {0} does not exist in this workspace")]
    ChannelNotFound(String),
    #[error("channel {0} is disabled; enable it before sending")]
    ChannelDisabled(String),
    #[error("contact {0} does not exist in this workspace")]
    ContactNotFound(String),
    #[error(
        "the contact has no {identity} identity to reach on {kind}; add one with POST /api/v1/contacts/{{id}}/identities"
    )]
    NoIdentity { kind: ChannelKind, identity: &'static str },
    #[error("{0}")]
    InvalidAddress(String),
    #[error("{address} has opted out of {kind} messages ({how}); {remedy}")]
    OptedOut { address: String, kind: ChannelKind, how: &'static str, remedy: &'static str },
    #[error("the message has neither a body nor media")]
    Empty,
    #[error("the body has {len} characters; {kind} allows at most {max}")]
    TooLong { kind: ChannelKind, len: usize, max: usize },
    #[error(
        "{address} last wrote on WhatsApp more than 24 hours ago ({since}); outside the customer-service window only an approved template may be sent: {}",
        template_offer(templates)
    )]
    OutsideWhatsappWindow { address: String, since: String, templates: Vec<String> },
    #[error(
        "the customer last wrote on {kind} {since}; Meta allows answers for 24 hours after their last message, and answers from staff for 7 days"
    )]
    OutsideMessagingWindow { kind: ChannelKind, since: String },
    #[error("{0}")]
    InvalidContent(String),
    #[error("{0}")]
    UnknownTemplate(String),
    #[error("the Idempotency-Key {0:?} was already used for a different request; use a new key for a new message")]
    IdempotencyMismatch(String),
    #[error("the channel's credentials cannot be decrypted; check SWITCHBOARD_SECRET_KEY or the key file")]
    Credentials,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The templates on offer, in words: "appointment_reminder (en_US), ..." or what to do without any.
pub fn template_offer(templates: &[String]) -> String {
    if templates.is_empty() {
        "this channel has no approved templates; sync them from the WhatsApp Business Account".to_owned()
    } else {
        format!("use one of {}", templates.join(", "))
    }
}

impl From<crate::channels::ChannelError> for SendRefusal {
    fn from(error: crate::channels::ChannelError) -> Self {
        match error {
            crate::channels::ChannelError::Store(e) => Self::Store(e),
            crate::channels::ChannelError::Secret(_) => Self::Credentials,
        }
    }
}
