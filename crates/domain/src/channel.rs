//! Channel kinds (what the customer sees: SMS, WhatsApp, ...) and providers (who carries it:
//! Twilio, Meta, ...). A channel is one kind carried by one provider.

use crate::identity::IdentityKind;
use crate::names::named_enum;

pub use crate::names::UnknownName;

named_enum! {
    /// What the customer experiences the conversation as.
    ChannelKind as "channel kind" {
        Sms = "sms",
        Whatsapp = "whatsapp",
        Email = "email",
        Telegram = "telegram",
        Instagram = "instagram",
        Messenger = "messenger",
        Webchat = "webchat",
    }
}

impl ChannelKind {
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

named_enum! {
    /// Who carries the messages of a channel.
    Provider as "provider" {
        Twilio = "twilio",
        Meta = "meta",
        /// The business's own mailbox: IMAP in, SMTP submission out.
        Mailbox = "mailbox",
        /// SendGrid: Mail Send out, Inbound Parse in, the Event Webhook for delivery.
        Sendgrid = "sendgrid",
        /// Amazon SES: SendEmail out, receipt rules through SNS in, SNS for delivery.
        Ses = "ses",
        /// Telegram's Bot API: one channel per bot, updates by webhook.
        Telegram = "telegram",
        /// Switchboard's own chat widget on the business's website.
        Webchat = "webchat",
    }
}
