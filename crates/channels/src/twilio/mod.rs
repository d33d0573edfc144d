//! Twilio Programmable Messaging, for SMS and for WhatsApp (`whatsapp:+E164` addresses):
//! inbound webhooks signed with `X-Twilio-Signature`, status callbacks, TwiML answers, and
//! outbound sends through the Messages API.

mod errors;
mod inbound;
mod outbound;
pub mod signature;

use async_trait::async_trait;
use serde::Deserialize;
use switchboard_domain::inbound::InboundEvent;
use switchboard_domain::{ChannelKind, Provider};

use crate::adapter::*;

pub use errors::classify_error;
pub use outbound::form_body as create_message_form;

/// The real Twilio API. Tests and the demo point a channel (or the whole adapter) at the emulator.
pub const DEFAULT_API_BASE_URL: &str = "https://api.twilio.com";

/// Adapter-wide settings.
#[derive(Debug, Clone)]
pub struct TwilioConfig {
    /// Used when a channel's settings name no `api_base_url`.
    pub api_base_url: String,
}

impl Default for TwilioConfig {
    fn default() -> Self {
        Self { api_base_url: DEFAULT_API_BASE_URL.to_owned() }
    }
}

/// A channel's Twilio credentials, as stored (encrypted) with the channel.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct TwilioCredentials {
    pub account_sid: String,
    pub auth_token: String,
}

impl TwilioCredentials {
    pub fn from_channel(channel: &ChannelContext) -> Result<Self, String> {
        let credentials: Self = serde_json::from_value(channel.credentials.clone())
            .map_err(|_| "expected account_sid and auth_token".to_owned())?;
        if !credentials.account_sid.starts_with("AC") || credentials.auth_token.is_empty() {
            return Err("the account SID must start with AC and the auth token must not be empty".to_owned());
        }
        Ok(credentials)
    }
}

/// The Twilio adapter.
pub struct TwilioAdapter {
    config: TwilioConfig,
    client: reqwest::Client,
}

impl TwilioAdapter {
    pub fn new(config: TwilioConfig, client: reqwest::Client) -> Self {
        Self { config, client }
    }

    fn api_base_url<'a>(&'a self, channel: &'a ChannelContext) -> &'a str {
        channel.settings.get("api_base_url").and_then(|v| v.as_str()).unwrap_or(&self.config.api_base_url)
    }
}

/// How Twilio writes an address on a channel: WhatsApp numbers carry a `whatsapp:` prefix.
pub fn provider_address(kind: ChannelKind, e164: &str) -> String {
    match kind {
        ChannelKind::Whatsapp => format!("whatsapp:{e164}"),
        _ => e164.to_owned(),
    }
}

#[async_trait]
impl ChannelAdapter for TwilioAdapter {
    fn provider(&self) -> Provider {
        Provider::Twilio
    }

    fn verification(&self) -> &'static str {
        "x-twilio-signature"
    }

    fn verify(&self, channel: &ChannelContext, request: &WebhookRequest<'_>) -> Result<(), VerifyError> {
        let credentials = TwilioCredentials::from_channel(channel).map_err(VerifyError::Credentials)?;
        let header = request
            .headers
            .get(signature::HEADER)
            .and_then(|v| v.to_str().ok())
            .ok_or(VerifyError::MissingSignature(signature::HEADER))?;
        let url = format!("{}{}", channel.public_url, request.path_and_query);
        signature::verify(&credentials.auth_token, &url, request.headers, request.body, header)
    }

    fn parse(&self, channel: &ChannelContext, request: &WebhookRequest<'_>) -> Result<Vec<InboundEvent>, ParseError> {
        inbound::parse(channel, request.body)
    }

    fn reply(&self) -> WebhookReply {
        WebhookReply {
            content_type: "text/xml; charset=utf-8",
            body: "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>".to_owned(),
        }
    }

    async fn send(&self, channel: &ChannelContext, message: &OutboundRequest) -> Result<SendReceipt, SendError> {
        let credentials = TwilioCredentials::from_channel(channel)
            .map_err(|e| SendError::permanent(None, format!("the channel's Twilio credentials are unusable: {e}")))?;
        outbound::send(&self.client, self.api_base_url(channel), &credentials, channel, message).await
    }
}
