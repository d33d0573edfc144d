//! Email: the business's own mailbox (IMAP in, SMTP submission out) and what every email
//! provider shares: parsing a raw email into the message model ([`parse`]), separating quotes
//! and signatures ([`quote`]), recognising machine-written mail ([`automated`]) and building
//! outbound email that threads ([`compose`]).

pub mod automated;
pub mod compose;
pub mod imap;
pub mod parse;
pub mod quote;
pub mod settings;
pub mod smtp;
mod tls;

use async_trait::async_trait;
use switchboard_domain::Provider;
use switchboard_domain::email_thread::Automated;
use switchboard_domain::inbound::InboundEvent;

use crate::adapter::{
    ChannelAdapter, ChannelContext, OutboundRequest, ParseError, ParsedWebhook, SendError, SendReceipt, VerifyError,
    WebhookReply, WebhookRequest,
};
pub use compose::{EmailAttachment, OutboundEmail, build_email};
pub use parse::{EmailFile, EmailParseError, ParseOptions, ParsedEmail, parse_email};
pub use settings::{AfterImport, MailboxCredentials, MailboxSettings, Security, ServerSettings};

/// Where the server serves a kept file, before its id.
pub const MEDIA_PATH_PREFIX: &str = "/inbox/media/";
/// Files larger than this are noted on the message and not kept.
pub const MAX_ATTACHMENT_BYTES: usize = 25_000_000;

/// An email a provider delivered whole (an Inbound Parse post, an SES notification) as the
/// webhook's events and files; our own email coming back (a mail loop) makes none, and the
/// webhook log keeps it.
pub(crate) fn inbound_email(raw: &[u8], our_address: &str) -> Result<ParsedWebhook, ParseError> {
    let parsed =
        parse_email(raw, &ParseOptions::for_address(our_address)).map_err(|e| ParseError::Malformed(e.to_string()))?;
    if parsed.message.email.as_ref().is_some_and(|e| e.automated == Some(Automated::OwnMessage)) {
        return Ok(ParsedWebhook::default());
    }
    Ok(ParsedWebhook { events: vec![InboundEvent::Message(parsed.message)], files: parsed.files })
}

/// The subject and threading headers an email send needs, settled before it is sent.
pub(crate) fn outbound_email(message: &OutboundRequest) -> Result<&OutboundEmail, SendError> {
    message.email.as_deref().ok_or_else(|| SendError::permanent(None, "an email needs a subject and a Message-ID"))
}

/// The RFC 5322 message of an email send, for the providers that take it whole (SMTP, SES).
pub(crate) fn raw_email(channel: &ChannelContext, message: &OutboundRequest) -> Result<Vec<u8>, SendError> {
    build_email(&channel.address, &message.to, &message.body, outbound_email(message)?)
        .map_err(|e| SendError::permanent(None, format!("the email could not be built: {e}")))
}

/// The mailbox adapter: sends by SMTP. Its mail comes in by IMAP (the server's importer), never
/// by webhook.
#[derive(Default)]
pub struct MailboxAdapter {
    smtp: smtp::SmtpPool,
}

const NO_WEBHOOK: &str = "a mailbox channel receives its mail over IMAP and has no webhook";

#[async_trait]
impl ChannelAdapter for MailboxAdapter {
    fn provider(&self) -> Provider {
        Provider::Mailbox
    }

    fn verification(&self) -> &'static str {
        "none"
    }

    fn verify(&self, _: &ChannelContext, _: &WebhookRequest<'_>) -> Result<(), VerifyError> {
        Err(VerifyError::Credentials(NO_WEBHOOK.to_owned()))
    }

    fn parse(&self, _: &ChannelContext, _: &WebhookRequest<'_>) -> Result<Vec<InboundEvent>, ParseError> {
        Err(ParseError::Malformed(NO_WEBHOOK.to_owned()))
    }

    fn reply(&self) -> WebhookReply {
        WebhookReply { content_type: "text/plain", body: String::new() }
    }

    async fn send(&self, channel: &ChannelContext, message: &OutboundRequest) -> Result<SendReceipt, SendError> {
        let settings = MailboxSettings::from_json(&channel.settings).map_err(|e| SendError::permanent(None, e))?;
        let credentials =
            MailboxCredentials::from_json(&channel.credentials).map_err(|e| SendError::permanent(None, e))?;
        let raw = raw_email(channel, message)?;
        self.smtp.send(channel.channel_id, &settings, &credentials, &channel.address, &message.to, &raw).await?;
        Ok(SendReceipt::new(outbound_email(message)?.message_id.clone()))
    }
}
