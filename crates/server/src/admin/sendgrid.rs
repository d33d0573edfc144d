//! Connecting a SendGrid sender: its address, an API key with Mail Send permission, the Event
//! Webhook's verification key, and the secret that ends the Inbound Parse URL (made here when
//! none is given).

use std::sync::Arc;

use anyhow::{Context, bail};
use switchboard_channels::sendgrid::SendgridCredentials;
use switchboard_domain::{ChannelKind, EmailAddress, Provider};
use switchboard_store::Store;
use switchboard_store::model::{Channel, Workspace};

use super::{ChannelToSeal, create_sealed};
use crate::secrets::SecretBox;

/// A SendGrid sender to connect.
#[derive(Debug, Clone, Default)]
pub struct SendgridInput {
    pub name: Option<String>,
    /// The verified sender address customers see and write back to.
    pub address: String,
    pub api_key: String,
    /// The Event Webhook's verification key, base64, from SendGrid's Mail Settings.
    pub event_webhook_public_key: Option<String>,
    /// The Inbound Parse URL's secret; a random one when `None`.
    pub inbound_secret: Option<String>,
    pub from_name: Option<String>,
    /// The signature under every reply.
    pub signature: Option<String>,
    /// The branding template the HTML part is wrapped in (see `outbound::email_branding`).
    pub html_template: Option<String>,
    /// Overrides the API base URL (the emulator, in tests and the demo).
    pub api_base_url: Option<String>,
}

/// The channel and the secret its Inbound Parse URL ends with.
pub struct SendgridChannel {
    pub channel: Channel,
    pub inbound_secret: String,
}

impl SendgridChannel {
    /// The URL to paste into SendGrid's Inbound Parse settings.
    pub fn inbound_parse_url(&self, public_url: &str) -> String {
        format!("{public_url}/webhooks/sendgrid/{}/{}", self.channel.channel_id, self.inbound_secret)
    }
}

pub async fn add_sendgrid_channel(
    store: &Arc<dyn Store>,
    secrets: &SecretBox,
    workspace: &Workspace,
    input: SendgridInput,
) -> anyhow::Result<SendgridChannel> {
    let address = EmailAddress::parse(&input.address)?;
    super::check_branding(input.html_template.as_deref())?;
    if input.api_key.trim().is_empty() {
        bail!("the API key is empty (create one with Mail Send permission in SendGrid's settings)");
    }
    let inbound_secret = input.inbound_secret.unwrap_or_else(|| crate::secrets::random_base62(32));
    if inbound_secret.len() < 16 || !inbound_secret.bytes().all(|b| b.is_ascii_alphanumeric()) {
        bail!("the inbound secret must be at least 16 letters and digits");
    }
    let credentials = SendgridCredentials {
        api_key: input.api_key.trim().to_owned(),
        event_webhook_public_key: input.event_webhook_public_key.map(|k| k.trim().to_owned()),
        inbound_secret: inbound_secret.clone(),
    };
    let mut settings = serde_json::json!({});
    if let Some(base) = input.api_base_url {
        settings["api_base_url"] = base.trim_end_matches('/').into();
    }
    if let Some(name) = input.from_name {
        settings["from_name"] = name.into();
    }
    if let Some(signature) = input.signature {
        settings["signature"] = signature.into();
    }
    if let Some(template) = input.html_template {
        settings["html_template"] = template.into();
    }
    let channel = ChannelToSeal {
        kind: ChannelKind::Email,
        provider: Provider::Sendgrid,
        name: input.name.unwrap_or_else(|| address.to_string()),
        address: address.to_string(),
        external_id: None,
        credentials: serde_json::to_value(&credentials).context("the SendGrid credentials")?,
        settings,
    };
    let channel = create_sealed(store, secrets, workspace, channel).await?;
    Ok(SendgridChannel { channel, inbound_secret })
}

/// Replaces the Event Webhook verification key of a SendGrid channel (SendGrid shows a new one
/// when signing is turned off and on again).
pub async fn set_sendgrid_event_webhook_key(
    store: &Arc<dyn Store>,
    secrets: &SecretBox,
    channel: &Channel,
    public_key: &str,
) -> anyhow::Result<()> {
    let opened = secrets
        .open(&channel.sealed_credentials, channel.channel_id.0.as_bytes())
        .context("the channel's credentials cannot be opened with this secret key")?;
    let mut credentials: SendgridCredentials =
        serde_json::from_slice(&opened).context("the channel's credentials are not SendGrid's")?;
    credentials.event_webhook_public_key = Some(public_key.trim().to_owned());
    let sealed = secrets.seal(&serde_json::to_vec(&credentials)?, channel.channel_id.0.as_bytes());
    anyhow::ensure!(
        store.set_channel_credentials(channel.channel_id, &sealed, crate::clock::now_ms()).await?,
        "the channel {} no longer exists",
        channel.channel_id
    );
    Ok(())
}
