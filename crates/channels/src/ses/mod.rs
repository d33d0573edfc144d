//! Amazon SES: email sent with SESv2 `SendEmail` (SigV4-signed), received through a receipt
//! rule's SNS action, and followed through SNS notifications of deliveries, bounces and
//! complaints. Every SNS message is checked before anything else: it must come from one of the
//! channel's topics, and its signature (SignatureVersion 1 or 2) must verify with a certificate
//! from an SNS host. A subscription confirmation is answered by visiting its SubscribeURL once
//! the message is stored.

pub mod notifications;
mod send;
pub mod sigv4;
pub mod sns;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use switchboard_domain::Provider;
use switchboard_domain::inbound::InboundEvent;

use self::sns::{CertificateCache, SnsMessage, SnsOrigins};
use crate::adapter::{
    ChannelAdapter, ChannelContext, OutboundRequest, ParseError, ParsedWebhook, SendError, SendReceipt, VerifyError,
    WebhookReply, WebhookRequest,
};
pub use send::send_email_body;

/// Adapter-wide settings.
#[derive(Debug, Clone, Default)]
pub struct SesConfig {
    /// Used instead of `https://email.<region>.amazonaws.com` when a channel names none (the
    /// emulator's base URL).
    pub api_base_url: Option<String>,
    /// An origin trusted for SNS certificates and subscription links besides AWS's SNS hosts
    /// (the emulator's).
    pub sns_origin: Option<String>,
    /// Certificates known before any message arrives, as (SigningCertURL, PEM).
    pub certificates: Vec<(String, String)>,
}

/// An SES channel's access key, as stored (encrypted) with the channel.
#[derive(Clone, Serialize, Deserialize)]
pub struct SesCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_token: Option<String>,
}

impl std::fmt::Debug for SesCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SesCredentials").field("access_key_id", &self.access_key_id).finish_non_exhaustive()
    }
}

/// An SES channel's settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SesSettings {
    /// The AWS region the identity is verified in (`eu-west-1`).
    pub region: String,
    /// The SNS topics whose messages this channel accepts (inbound mail, bounces, complaints).
    pub topic_arns: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration_set: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_base_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html_template: Option<String>,
}

impl SesSettings {
    pub fn from_channel(channel: &ChannelContext) -> Result<Self, String> {
        serde_json::from_value(channel.settings.clone())
            .map_err(|e| format!("the SES settings are incomplete (region and topic_arns): {e}"))
    }
}

/// The SES adapter.
pub struct SesAdapter {
    config: SesConfig,
    client: reqwest::Client,
    origins: SnsOrigins,
    certificates: CertificateCache,
}

impl SesAdapter {
    pub fn new(config: SesConfig, client: reqwest::Client) -> Self {
        let certificates = CertificateCache::default();
        for (url, pem) in &config.certificates {
            if let Err(error) = certificates.insert_pem(url, pem) {
                tracing::warn!(%url, %error, "a configured SNS certificate was not kept");
            }
        }
        let origins = SnsOrigins { extra: config.sns_origin.clone() };
        Self { config, client, origins, certificates }
    }
}

fn sns_message(request: &WebhookRequest<'_>) -> Result<SnsMessage, VerifyError> {
    SnsMessage::parse(request.body).map_err(|_| VerifyError::MissingSignature("SNS message signature"))
}

fn check_topic(channel: &ChannelContext, message: &SnsMessage) -> Result<(), VerifyError> {
    let settings = SesSettings::from_channel(channel).map_err(VerifyError::Credentials)?;
    if settings.topic_arns.contains(&message.topic_arn) {
        Ok(())
    } else {
        Err(VerifyError::ForeignSource(format!(
            "the message comes from the SNS topic {}, which is not one of this channel's topics",
            message.topic_arn
        )))
    }
}

#[async_trait]
impl ChannelAdapter for SesAdapter {
    fn provider(&self) -> Provider {
        Provider::Ses
    }

    fn verification(&self) -> &'static str {
        "sns-signature"
    }

    async fn prepare_verification(
        &self,
        channel: &ChannelContext,
        request: &WebhookRequest<'_>,
    ) -> Result<(), VerifyError> {
        let message = sns_message(request)?;
        check_topic(channel, &message)?;
        sns::fetch_certificate(&self.client, &message, &self.origins, &self.certificates).await
    }

    fn verify(&self, channel: &ChannelContext, request: &WebhookRequest<'_>) -> Result<(), VerifyError> {
        let message = sns_message(request)?;
        check_topic(channel, &message)?;
        sns::verify(&message, &self.origins, &self.certificates)
    }

    fn parse(&self, channel: &ChannelContext, request: &WebhookRequest<'_>) -> Result<Vec<InboundEvent>, ParseError> {
        self.parse_with_files(channel, request).map(|parsed| parsed.events)
    }

    fn parse_with_files(
        &self,
        channel: &ChannelContext,
        request: &WebhookRequest<'_>,
    ) -> Result<ParsedWebhook, ParseError> {
        let message = SnsMessage::parse(request.body).map_err(ParseError::Malformed)?;
        if message.kind != "Notification" {
            return Ok(ParsedWebhook::default());
        }
        notifications::parse(&message.message, &channel.address)
    }

    async fn after_commit(&self, _channel: &ChannelContext, request: &WebhookRequest<'_>) -> Result<(), String> {
        let message = SnsMessage::parse(request.body)?;
        if message.kind != "SubscriptionConfirmation" {
            return Ok(());
        }
        let url = message.subscribe_url.as_deref().ok_or("the confirmation has no SubscribeURL")?;
        if !self.origins.allows(url) {
            return Err(format!("the SubscribeURL {url} is not on an SNS host; the subscription was not confirmed"));
        }
        let response = self
            .client
            .get(url)
            .send()
            .await
            .map_err(|e| format!("confirming the subscription: {}", e.without_url()))?;
        if !response.status().is_success() {
            return Err(format!("SNS answered HTTP {} to the subscription confirmation", response.status()));
        }
        tracing::info!(topic = %message.topic_arn, "SNS subscription confirmed");
        Ok(())
    }

    fn reply(&self) -> WebhookReply {
        WebhookReply { content_type: "text/plain; charset=utf-8", body: String::new() }
    }

    async fn send(&self, channel: &ChannelContext, message: &OutboundRequest) -> Result<SendReceipt, SendError> {
        let unusable = |e: String| SendError::permanent(None, format!("the channel's SES settings are unusable: {e}"));
        let settings = SesSettings::from_channel(channel).map_err(unusable)?;
        let credentials: SesCredentials = serde_json::from_value(channel.credentials.clone())
            .map_err(|_| unusable("expected access_key_id and secret_access_key".into()))?;
        let endpoint = settings
            .api_base_url
            .clone()
            .or_else(|| self.config.api_base_url.clone())
            .unwrap_or_else(|| format!("https://email.{}.amazonaws.com", settings.region));
        let body = send_email_body(channel, message, settings.configuration_set.as_deref())?;
        send::send(&self.client, &endpoint, &settings.region, &credentials, body).await
    }
}
