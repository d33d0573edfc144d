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
use switchboard_domain::inbound::InboundEvent;

use crate::adapter::{
    ChannelAdapter, ChannelContext, OutboundRequest, ParseError, SendError, SendReceipt, VerifyError, WebhookReply,
    WebhookRequest,
};
pub use compose::{EmailAttachment, OutboundEmail, build_email};
pub use parse::{EmailFile, EmailParseError, ParseOptions, ParsedEmail, parse_email};
pub use settings::{AfterImport, MailboxCredentials, MailboxSettings, Security, ServerSettings};

/// Where the server serves a kept file, before its id.
pub const MEDIA_PATH_PREFIX: &str = "/inbox/media/";
/// Files larger than this are noted on the message and not kept.
pub const MAX_ATTACHMENT_BYTES: usize = 25_000_000;

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
        let email = message
            .email
            .as_deref()
            .ok_or_else(|| SendError::permanent(None, "an email needs a subject and a Message-ID"))?;
        let raw = build_email(&channel.address, &message.to, &message.body, email)
            .map_err(|e| SendError::permanent(None, format!("the email could not be built: {e}")))?;
        self.smtp.send(channel.channel_id, &settings, &credentials, &channel.address, &message.to, &raw).await?;
        Ok(SendReceipt::new(email.message_id.clone()))
    }
}
