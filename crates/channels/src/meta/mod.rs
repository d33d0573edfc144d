//! Meta's Graph API, for WhatsApp through the Cloud API and for Messenger and Instagram through
//! the Messenger Platform: webhooks signed with `X-Hub-Signature-256` (per channel, or one
//! app-level endpoint routed by phone number id, Page id or Instagram account id), the GET
//! verification handshake, sends, the templates of a WhatsApp Business Account, media, and the
//! OAuth onboarding.

mod errors;
mod media;
mod messaging_inbound;
mod messaging_outbound;
pub mod oauth;
mod payload;
pub mod signature;
mod templates;
mod whatsapp_inbound;
mod whatsapp_outbound;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;
use switchboard_domain::inbound::InboundEvent;
use switchboard_domain::{ChannelKind, Provider};

use crate::adapter::*;

pub use errors::{OUTSIDE_WINDOW, classify_error};
pub use media::fetch_media;
pub use payload::{ChannelPart, split_by_channel};
pub use templates::fetch_templates;

/// The real Graph API. Tests and the demo point the adapter (or a channel) at the emulator.
pub const DEFAULT_GRAPH_BASE_URL: &str = "https://graph.facebook.com";
/// Where Meta's login dialog is.
pub const DEFAULT_DIALOG_BASE_URL: &str = "https://www.facebook.com";
/// The Graph API version requests are made with.
pub const DEFAULT_GRAPH_VERSION: &str = "v23.0";

/// Adapter-wide settings: where the Graph API is, and the app's own secret and verify token for
/// the app-level webhook (a Meta app has one callback URL for every channel it serves).
#[derive(Debug, Clone)]
pub struct MetaConfig {
    pub graph_base_url: String,
    pub graph_version: String,
    /// Signs the app-level webhook; channels connected with their own app keep their own.
    pub app_secret: Option<String>,
    /// What the app-level webhook's GET handshake must present.
    pub verify_token: Option<String>,
    /// The app's id, for the OAuth onboarding (with `app_secret`).
    pub app_id: Option<String>,
    /// Where Meta's login dialog is.
    pub dialog_base_url: String,
}

impl Default for MetaConfig {
    fn default() -> Self {
        Self {
            graph_base_url: DEFAULT_GRAPH_BASE_URL.to_owned(),
            graph_version: DEFAULT_GRAPH_VERSION.to_owned(),
            app_secret: None,
            verify_token: None,
            app_id: None,
            dialog_base_url: DEFAULT_DIALOG_BASE_URL.to_owned(),
        }
    }
}

/// A channel's Meta credentials, as stored (encrypted) with the channel.
#[derive(Clone, Deserialize, Serialize)]
pub struct MetaCredentials {
    /// A system user's (or the OAuth flow's long-lived) access token.
    pub access_token: String,
    /// The secret of the app whose webhooks reach this channel's own endpoint.
    pub app_secret: String,
    /// What the channel endpoint's GET handshake must present.
    #[serde(default)]
    pub verify_token: Option<String>,
    /// The WhatsApp Business Account the number belongs to (its templates live there).
    #[serde(default)]
    pub business_account_id: Option<String>,
}

impl std::fmt::Debug for MetaCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetaCredentials").field("business_account_id", &self.business_account_id).finish()
    }
}

impl MetaCredentials {
    pub fn from_channel(channel: &ChannelContext) -> Result<Self, String> {
        let credentials: Self = serde_json::from_value(channel.credentials.clone())
            .map_err(|_| "expected access_token and app_secret".to_owned())?;
        if credentials.access_token.trim().is_empty() || credentials.app_secret.trim().is_empty() {
            return Err("the access token and the app secret must not be empty".to_owned());
        }
        Ok(credentials)
    }
}

/// `{base}/{version}/{path}`.
pub(crate) fn graph_url(base_url: &str, version: &str, path: &str) -> String {
    format!("{}/{version}/{path}", base_url.trim_end_matches('/'))
}

/// Whether a GET handshake's token is the expected one, compared in constant time.
pub fn verify_token_matches(expected: &str, presented: &str) -> bool {
    !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(presented.as_bytes()))
}

/// The Meta adapter.
pub struct MetaAdapter {
    config: MetaConfig,
    client: reqwest::Client,
}

impl MetaAdapter {
    pub fn new(config: MetaConfig, client: reqwest::Client) -> Self {
        Self { config, client }
    }

    pub fn config(&self) -> &MetaConfig {
        &self.config
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// The Graph base URL for a channel: its own setting (an emulator), else the adapter's.
    pub fn graph_base_url<'a>(&'a self, channel: &'a ChannelContext) -> &'a str {
        channel.settings.get("graph_base_url").and_then(|v| v.as_str()).unwrap_or(&self.config.graph_base_url)
    }

    /// Checks an app-level webhook against the app's secret.
    pub fn verify_app(&self, request: &WebhookRequest<'_>) -> Result<(), VerifyError> {
        let secret = self.config.app_secret.as_deref().ok_or_else(|| {
            VerifyError::Credentials("no app secret is configured for the app-level Meta webhook".into())
        })?;
        signature::verify(secret, request.body, header(request))
    }
}

fn header<'a>(request: &WebhookRequest<'a>) -> Option<&'a str> {
    request.headers.get(signature::HEADER).and_then(|v| v.to_str().ok())
}

#[async_trait]
impl ChannelAdapter for MetaAdapter {
    fn provider(&self) -> Provider {
        Provider::Meta
    }

    fn verification(&self) -> &'static str {
        "x-hub-signature-256"
    }

    fn verify(&self, channel: &ChannelContext, request: &WebhookRequest<'_>) -> Result<(), VerifyError> {
        let credentials = MetaCredentials::from_channel(channel).map_err(VerifyError::Credentials)?;
        signature::verify(&credentials.app_secret, request.body, header(request))
    }

    fn parse(&self, channel: &ChannelContext, request: &WebhookRequest<'_>) -> Result<Vec<InboundEvent>, ParseError> {
        match channel.kind {
            ChannelKind::Whatsapp => whatsapp_inbound::parse(channel, request.body),
            ChannelKind::Messenger | ChannelKind::Instagram => messaging_inbound::parse(channel, request.body),
            other => Err(ParseError::WrongChannelKind { expected: other, actual: ChannelKind::Whatsapp }),
        }
    }

    fn reply(&self) -> WebhookReply {
        WebhookReply { content_type: "text/plain; charset=utf-8", body: "EVENT_RECEIVED".to_owned() }
    }

    async fn fetch_media(
        &self,
        channel: &ChannelContext,
        media_id: &str,
        max_bytes: u64,
    ) -> Result<FetchedMedia, MediaError> {
        let credentials = MetaCredentials::from_channel(channel).map_err(MediaError::Permanent)?;
        let (base, version) = (self.graph_base_url(channel), self.config.graph_version.as_str());
        fetch_media(&self.client, base, version, &credentials, media_id, max_bytes).await
    }

    async fn send(&self, channel: &ChannelContext, message: &OutboundRequest) -> Result<SendReceipt, SendError> {
        let credentials = MetaCredentials::from_channel(channel)
            .map_err(|e| SendError::permanent(None, format!("the channel's Meta credentials are unusable: {e}")))?;
        let account_id = channel.external_id.as_deref().ok_or_else(|| {
            SendError::permanent(None, "the channel has no Meta id (phone number id, Page or account id)")
        })?;
        let (base, version) = (self.graph_base_url(channel), self.config.graph_version.as_str());
        match channel.kind {
            ChannelKind::Messenger | ChannelKind::Instagram => {
                messaging_outbound::send(&self.client, base, version, &credentials, account_id, message).await
            }
            _ => whatsapp_outbound::send(&self.client, base, version, &credentials, account_id, message).await,
        }
    }
}
