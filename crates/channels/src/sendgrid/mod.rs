//! SendGrid: email sent through the v3 Mail Send API, received through Inbound Parse (default
//! or raw mode), and followed through the Event Webhook (processed, delivered, deferred,
//! bounce, dropped, open, click, spamreport, unsubscribe).
//!
//! Inbound Parse signs nothing, so its URL carries a secret: as the last path segment
//! (`/webhooks/sendgrid/{channel}/{secret}`) or as the password of HTTP Basic auth in the URL
//! pasted into SendGrid. The Event Webhook is signed with ECDSA P-256 over the timestamp header
//! and the raw body; the channel keeps SendGrid's verification key.

mod events;
mod inbound_parse;
mod send;
pub mod signature;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use switchboard_domain::Provider;
use switchboard_domain::inbound::InboundEvent;

use crate::adapter::{
    ChannelAdapter, ChannelContext, OutboundRequest, ParseError, ParsedWebhook, SendError, SendReceipt, VerifyError,
    WebhookReply, WebhookRequest,
};
pub use send::mail_send_body;
pub use signature::{SIGNATURE_HEADER, TIMESTAMP_HEADER};

/// The real SendGrid API. Tests and the demo point a channel (or the whole adapter) at the
/// emulator.
pub const DEFAULT_API_BASE_URL: &str = "https://api.sendgrid.com";

/// Adapter-wide settings.
#[derive(Debug, Clone)]
pub struct SendgridConfig {
    /// Used when a channel's settings name no `api_base_url`.
    pub api_base_url: String,
}

impl Default for SendgridConfig {
    fn default() -> Self {
        Self { api_base_url: DEFAULT_API_BASE_URL.to_owned() }
    }
}

/// A SendGrid channel's secrets, as stored (encrypted) with the channel.
#[derive(Clone, Serialize, Deserialize)]
pub struct SendgridCredentials {
    /// An API key with Mail Send permission (`SG.…`).
    pub api_key: String,
    /// The Event Webhook's verification key, base64 DER, as SendGrid's settings page shows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_webhook_public_key: Option<String>,
    /// The secret of the Inbound Parse URL (path segment or Basic auth password).
    pub inbound_secret: String,
}

impl std::fmt::Debug for SendgridCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SendgridCredentials").finish_non_exhaustive()
    }
}

impl SendgridCredentials {
    pub fn from_channel(channel: &ChannelContext) -> Result<Self, String> {
        serde_json::from_value(channel.credentials.clone())
            .map_err(|_| "expected api_key and inbound_secret (and the Event Webhook's verification key)".to_owned())
    }
}

/// The SendGrid adapter.
pub struct SendgridAdapter {
    config: SendgridConfig,
    client: reqwest::Client,
}

impl SendgridAdapter {
    pub fn new(config: SendgridConfig, client: reqwest::Client) -> Self {
        Self { config, client }
    }

    fn api_base_url<'a>(&'a self, channel: &'a ChannelContext) -> &'a str {
        channel.settings.get("api_base_url").and_then(|v| v.as_str()).unwrap_or(&self.config.api_base_url)
    }
}

/// Whether a request is an Event Webhook delivery (posted to the channel's status URL).
fn is_event_webhook(request: &WebhookRequest<'_>) -> bool {
    request.path_and_query.split('?').next().is_some_and(|path| path.ends_with("/status"))
}

fn credentials(channel: &ChannelContext) -> Result<SendgridCredentials, VerifyError> {
    SendgridCredentials::from_channel(channel).map_err(VerifyError::Credentials)
}

#[async_trait]
impl ChannelAdapter for SendgridAdapter {
    fn provider(&self) -> Provider {
        Provider::Sendgrid
    }

    fn verification(&self) -> &'static str {
        "sendgrid-ecdsa-or-secret"
    }

    fn verify(&self, channel: &ChannelContext, request: &WebhookRequest<'_>) -> Result<(), VerifyError> {
        let credentials = credentials(channel)?;
        if is_event_webhook(request) {
            let key = credentials.event_webhook_public_key.as_deref().ok_or_else(|| {
                VerifyError::Credentials("the channel has no Event Webhook verification key".to_owned())
            })?;
            signature::verify_event_webhook(key, request.headers, request.body)
        } else {
            inbound_parse::verify_secret(&credentials.inbound_secret, request)
        }
    }

    fn parse(&self, channel: &ChannelContext, request: &WebhookRequest<'_>) -> Result<Vec<InboundEvent>, ParseError> {
        self.parse_with_files(channel, request).map(|parsed| parsed.events)
    }

    fn parse_with_files(
        &self,
        channel: &ChannelContext,
        request: &WebhookRequest<'_>,
    ) -> Result<ParsedWebhook, ParseError> {
        if is_event_webhook(request) {
            Ok(ParsedWebhook { events: events::parse(request.body)?, files: Vec::new() })
        } else {
            inbound_parse::parse(channel, request)
        }
    }

    fn reply(&self) -> WebhookReply {
        WebhookReply { content_type: "text/plain; charset=utf-8", body: String::new() }
    }

    async fn send(&self, channel: &ChannelContext, message: &OutboundRequest) -> Result<SendReceipt, SendError> {
        let credentials = SendgridCredentials::from_channel(channel)
            .map_err(|e| SendError::permanent(None, format!("the channel's SendGrid credentials are unusable: {e}")))?;
        send::send(&self.client, self.api_base_url(channel), &credentials.api_key, channel, message).await
    }
}
