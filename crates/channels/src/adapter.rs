//! The adapter trait and the values that cross it.

use std::time::Duration;

use async_trait::async_trait;

pub use crate::media::{FetchedMedia, MediaError};
use switchboard_domain::inbound::InboundEvent;
use switchboard_domain::{Attachment, ChannelId, ChannelKind, Content, Provider};

/// What an adapter knows about the channel it works for. Credentials arrive decrypted and are
/// never logged.
#[derive(Clone)]
pub struct ChannelContext {
    pub channel_id: ChannelId,
    pub kind: ChannelKind,
    /// Our address on the provider, as stored (E.164 for phone channels).
    pub address: String,
    /// The provider's id for the channel, where one app-level webhook serves many (a WhatsApp
    /// phone number id).
    pub external_id: Option<String>,
    pub credentials: serde_json::Value,
    pub settings: serde_json::Value,
    /// The public URL this deployment is reached at, without a trailing slash.
    pub public_url: String,
}

impl std::fmt::Debug for ChannelContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChannelContext")
            .field("channel_id", &self.channel_id)
            .field("kind", &self.kind)
            .field("address", &self.address)
            .field("credentials", &"<redacted>")
            .finish()
    }
}

impl ChannelContext {
    /// Where providers POST this channel's inbound messages.
    pub fn webhook_url(&self, provider: Provider) -> String {
        format!("{}/webhooks/{}/{}", self.public_url, provider, self.channel_id)
    }

    /// Where providers POST delivery reports for this channel's messages.
    pub fn status_callback_url(&self, provider: Provider) -> String {
        format!("{}/webhooks/{}/{}/status", self.public_url, provider, self.channel_id)
    }
}

/// A webhook request exactly as it arrived.
#[derive(Debug, Clone, Copy)]
pub struct WebhookRequest<'a> {
    /// The path and query string as received (`/webhooks/twilio/...?...`).
    pub path_and_query: &'a str,
    pub headers: &'a http::HeaderMap,
    pub body: &'a [u8],
}

/// Why a webhook failed verification. Every variant answers 403 (401 when unsigned).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the request carries no {0} header")]
    MissingSignature(&'static str),
    #[error("the {0} header does not match the request; check the auth token and the public URL")]
    BadSignature(&'static str),
    #[error("the body does not match its bodySHA256 parameter")]
    BodyHashMismatch,
    /// A shared secret the provider presents (Telegram's secret token) is missing or wrong:
    /// answered 401.
    #[error("the {0} header is missing or does not match the channel's secret; set the webhook again")]
    BadSecret(&'static str),
    #[error("the channel has no usable credentials: {0}")]
    Credentials(String),
    /// Signed, perhaps, but by someone this channel does not listen to (another SNS topic).
    #[error("{0}")]
    ForeignSource(String),
}

/// Why a verified webhook could not be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("malformed webhook: {0}")]
    Malformed(String),
    #[error(
        "this webhook is for a {actual} channel but was sent to a {expected} channel; point the provider at that channel's webhook URL"
    )]
    WrongChannelKind { expected: ChannelKind, actual: ChannelKind },
}

/// What a verified webhook carried: its events, and the files that came inside it (an email's
/// attachments) to keep with its message.
#[derive(Debug, Clone, Default)]
pub struct ParsedWebhook {
    pub events: Vec<InboundEvent>,
    pub files: Vec<crate::email::EmailFile>,
}

/// The answer the provider expects once the webhook is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookReply {
    pub content_type: &'static str,
    pub body: String,
}

/// A message to hand to the provider.
#[derive(Debug, Clone)]
pub struct OutboundRequest {
    /// The customer's identity value (E.164 for phone channels).
    pub to: String,
    pub body: String,
    /// Files to send, by link (`url`) or by an id the provider keeps (`provider_media_id`).
    pub attachments: Vec<Attachment>,
    /// Rich content (a template, buttons, a reaction, ...), on channels that carry it.
    pub content: Option<Content>,
    /// The provider id of the customer's message this one answers.
    pub reply_to: Option<String>,
    /// A staff reply after the 24-hour window (Messenger and Instagram allow one for 7 days,
    /// tagged `HUMAN_AGENT`).
    pub human_agent: bool,
    /// The subject and threading headers, on email channels.
    pub email: Option<Box<crate::email::OutboundEmail>>,
    pub status_callback_url: Option<String>,
}

impl OutboundRequest {
    /// A plain text message.
    pub fn text(to: impl Into<String>, body: impl Into<String>) -> Self {
        Self {
            to: to.into(),
            body: body.into(),
            attachments: Vec::new(),
            content: None,
            reply_to: None,
            human_agent: false,
            email: None,
            status_callback_url: None,
        }
    }
}

/// The provider accepted the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendReceipt {
    pub provider_message_id: String,
    /// The Message-ID the provider gave an email in place of ours (Amazon SES replaces it), so
    /// the customer's answers, which name it, still thread.
    pub email_message_id: Option<String>,
}

impl SendReceipt {
    pub fn new(provider_message_id: impl Into<String>) -> Self {
        Self { provider_message_id: provider_message_id.into(), email_message_id: None }
    }
}

/// Whether trying again can help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// Provider trouble, network trouble: retry with backoff, a limited number of times.
    Transient,
    /// The provider's rate limit (throughput, per-recipient pair): try again after a wait, as
    /// often as it takes; never a reason to give up on the message.
    RateLimited,
    /// The provider refused this message for good (opted out, invalid number, ...).
    Permanent,
}

/// A send that did not go through.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct SendError {
    pub kind: FailureKind,
    /// The provider's error code, when it gave one.
    pub code: Option<String>,
    /// What happened, in words a person can act on.
    pub reason: String,
    /// How long the provider asked us to wait, when it said.
    pub retry_after: Option<Duration>,
}

impl SendError {
    pub fn transient(reason: impl Into<String>) -> Self {
        Self { kind: FailureKind::Transient, code: None, reason: reason.into(), retry_after: None }
    }

    pub fn rate_limited(code: Option<String>, reason: impl Into<String>, retry_after: Duration) -> Self {
        Self { kind: FailureKind::RateLimited, code, reason: reason.into(), retry_after: Some(retry_after) }
    }

    pub fn permanent(code: Option<String>, reason: impl Into<String>) -> Self {
        Self { kind: FailureKind::Permanent, code, reason: reason.into(), retry_after: None }
    }
}

/// One provider's integration.
#[async_trait]
pub trait ChannelAdapter: Send + Sync {
    fn provider(&self) -> Provider;

    /// The name of the check `verify` performs, kept with each stored webhook.
    fn verification(&self) -> &'static str;

    /// Fetches what [`Self::verify`] needs and does not have yet (a provider's signing
    /// certificate, by a URL the request names and the adapter checks first).
    async fn prepare_verification(
        &self,
        _channel: &ChannelContext,
        _request: &WebhookRequest<'_>,
    ) -> Result<(), VerifyError> {
        Ok(())
    }

    /// Checks the provider's signature over the raw request, in constant time.
    fn verify(&self, channel: &ChannelContext, request: &WebhookRequest<'_>) -> Result<(), VerifyError>;

    /// Turns a verified request into events.
    fn parse(&self, channel: &ChannelContext, request: &WebhookRequest<'_>) -> Result<Vec<InboundEvent>, ParseError>;

    /// Turns a verified request into events and the files it carried. Only providers that post
    /// whole emails carry files; the others' events come from [`Self::parse`].
    fn parse_with_files(
        &self,
        channel: &ChannelContext,
        request: &WebhookRequest<'_>,
    ) -> Result<ParsedWebhook, ParseError> {
        Ok(ParsedWebhook { events: self.parse(channel, request)?, files: Vec::new() })
    }

    /// The answer to give the provider after the events are stored.
    fn reply(&self) -> WebhookReply;

    /// Does what the provider asks once the webhook is stored (confirming a subscription).
    async fn after_commit(&self, _channel: &ChannelContext, _request: &WebhookRequest<'_>) -> Result<(), String> {
        Ok(())
    }

    /// Downloads a file a customer sent that the provider keeps for us, by the provider's id for
    /// it (an attachment's `provider_media_id`), at most `max_bytes` long.
    async fn fetch_media(
        &self,
        _channel: &ChannelContext,
        _media_id: &str,
        _max_bytes: u64,
    ) -> Result<FetchedMedia, MediaError> {
        Err(MediaError::Permanent(format!("{} keeps no files to fetch", self.provider())))
    }

    /// Hands a message to the provider.
    async fn send(&self, channel: &ChannelContext, message: &OutboundRequest) -> Result<SendReceipt, SendError>;
}
