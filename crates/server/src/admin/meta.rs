//! Connecting channels through Meta: a WhatsApp number on the Cloud API, a Facebook Page's
//! Messenger, an Instagram account. Each gets a verify token for Meta's webhook handshake.

use std::sync::Arc;

use anyhow::bail;
use switchboard_domain::{ChannelKind, PhoneE164, Provider};
use switchboard_store::Store;
use switchboard_store::model::{Channel, Workspace};

use super::{ChannelToSeal, create_sealed};
use crate::secrets::SecretBox;

/// What it takes to connect a WhatsApp number through Meta's Cloud API.
pub struct MetaWhatsappInput {
    pub name: Option<String>,
    /// The number customers write to, in E.164.
    pub number: String,
    /// Meta's id for the number (WhatsApp Manager → API setup).
    pub phone_number_id: String,
    /// The WhatsApp Business Account the number belongs to (its templates live there).
    pub business_account_id: Option<String>,
    /// A system user's access token with `whatsapp_business_messaging`.
    pub access_token: String,
    /// The secret of the app whose webhooks reach the channel's own URL.
    pub app_secret: String,
    /// What the channel URL's GET handshake must present; one is generated when none is given.
    pub verify_token: Option<String>,
    /// Overrides the Graph API base URL (the emulator, in tests and the demo).
    pub graph_base_url: Option<String>,
    /// The number's throughput as Meta grants it (80 by default, up to 1,000).
    pub messages_per_second: Option<u32>,
    /// When the access token lapses (a token from Meta's login; a system user's does not).
    pub token_expires_at: Option<i64>,
}

/// 32 random hex characters.
fn random_token() -> String {
    let bytes: [u8; 16] = rand::random();
    hex::encode(bytes)
}

/// Connects a WhatsApp number through Meta's Cloud API, credentials sealed. Returns the channel
/// and the verify token its URL's handshake expects (shown once, to paste into Meta's console).
pub async fn add_meta_whatsapp_channel(
    store: &Arc<dyn Store>,
    secrets: &SecretBox,
    workspace: &Workspace,
    input: MetaWhatsappInput,
) -> anyhow::Result<(Channel, String)> {
    let number = PhoneE164::parse(&input.number)?;
    let phone_number_id = input.phone_number_id.trim();
    if phone_number_id.is_empty() || !phone_number_id.chars().all(|c| c.is_ascii_digit()) {
        bail!(
            "the phone number id is Meta's numeric id for the number (WhatsApp Manager → API setup), not the number itself"
        );
    }
    if input.access_token.trim().is_empty() || input.app_secret.trim().is_empty() {
        bail!("the access token and the app secret are both needed");
    }
    let verify_token = input.verify_token.filter(|t| !t.trim().is_empty()).unwrap_or_else(random_token);
    let credentials = serde_json::json!({
        "access_token": input.access_token.trim(),
        "app_secret": input.app_secret.trim(),
        "verify_token": verify_token,
        "business_account_id": input.business_account_id.as_deref().map(str::trim).filter(|s| !s.is_empty()),
    });
    let mut settings = serde_json::json!({});
    if let Some(base) = input.graph_base_url {
        settings["graph_base_url"] = base.trim_end_matches('/').into();
    }
    if let Some(rate) = input.messages_per_second {
        let max = crate::outbound::throughput::MAX_RATE;
        if !(1..=max).contains(&rate) {
            bail!("a WhatsApp number sends 1 to {max} messages a second (80 unless Meta raised it)");
        }
        settings["messages_per_second"] = rate.into();
    }
    if let Some(expires_at) = input.token_expires_at {
        settings["token_expires_at"] = expires_at.into();
    }
    let channel = ChannelToSeal {
        kind: ChannelKind::Whatsapp,
        provider: Provider::Meta,
        name: input.name.unwrap_or_else(|| format!("WhatsApp {number}")),
        address: number.to_string(),
        external_id: Some(phone_number_id.to_owned()),
        credentials,
        settings,
    };
    let channel = create_sealed(store, secrets, workspace, channel).await?;
    Ok((channel, verify_token))
}

/// What it takes to connect a Facebook Page (Messenger) or an Instagram professional account.
pub struct MetaMessagingInput {
    /// Messenger or Instagram.
    pub kind: ChannelKind,
    pub name: Option<String>,
    /// The Page id (Messenger) or the Instagram account id.
    pub account_id: String,
    /// A Page access token with the messaging permissions.
    pub access_token: String,
    /// The secret of the app whose webhooks reach the channel's own URL.
    pub app_secret: String,
    /// What the channel URL's GET handshake must present; one is generated when none is given.
    pub verify_token: Option<String>,
    /// Overrides the Graph API base URL (the emulator, in tests and the demo).
    pub graph_base_url: Option<String>,
}

/// Connects a Page's Messenger or an Instagram account through Meta, credentials sealed. Returns
/// the channel and the verify token its URL's handshake expects.
pub async fn add_meta_messaging_channel(
    store: &Arc<dyn Store>,
    secrets: &SecretBox,
    workspace: &Workspace,
    input: MetaMessagingInput,
) -> anyhow::Result<(Channel, String)> {
    if !matches!(input.kind, ChannelKind::Messenger | ChannelKind::Instagram) {
        bail!("a Page or Instagram channel is messenger or instagram, not {}", input.kind);
    }
    let account_id = input.account_id.trim();
    if account_id.is_empty() || !account_id.chars().all(|c| c.is_ascii_digit()) {
        bail!("the account id is Meta's numeric id of the Page or the Instagram account");
    }
    if input.access_token.trim().is_empty() || input.app_secret.trim().is_empty() {
        bail!("the Page access token and the app secret are both needed");
    }
    let verify_token = input.verify_token.filter(|t| !t.trim().is_empty()).unwrap_or_else(random_token);
    let credentials = serde_json::json!({
        "access_token": input.access_token.trim(),
        "app_secret": input.app_secret.trim(),
        "verify_token": verify_token,
    });
    let mut settings = serde_json::json!({});
    if let Some(base) = input.graph_base_url {
        settings["graph_base_url"] = base.trim_end_matches('/').into();
    }
    let channel = ChannelToSeal {
        kind: input.kind,
        provider: Provider::Meta,
        name: input.name.unwrap_or_else(|| format!("{} {account_id}", input.kind)),
        address: account_id.to_owned(),
        external_id: Some(account_id.to_owned()),
        credentials,
        settings,
    };
    let channel = create_sealed(store, secrets, workspace, channel).await?;
    Ok((channel, verify_token))
}
