//! Administrative operations behind the CLI verbs: workspaces, API keys, channels. They work on
//! the store directly, so they run with or without a server running.

use std::sync::Arc;

use anyhow::{Context, bail};
use switchboard_domain::{ChannelKind, PhoneE164, Provider};
use switchboard_store::Store;
use switchboard_store::model::{Channel, Workspace};
use switchboard_store::writes::NewChannel;

use crate::api_keys;
use crate::clock::now_ms;
use crate::secrets::SecretBox;

/// The HELP answer a new workspace starts with.
pub fn default_help_text(name: &str) -> String {
    format!("{name}: reply to this number to reach us. Reply STOP to opt out, START to opt back in.")
}

pub async fn create_workspace(
    store: &Arc<dyn Store>,
    name: &str,
    help_text: Option<&str>,
) -> anyhow::Result<Workspace> {
    let name = name.trim();
    if name.is_empty() {
        bail!("a workspace needs a name");
    }
    let help = help_text.map(str::to_owned).unwrap_or_else(|| default_help_text(name));
    Ok(store.create_workspace(name, &help, now_ms()).await?)
}

/// Finds a workspace by name or id.
pub async fn find_workspace(store: &Arc<dyn Store>, name_or_id: &str) -> anyhow::Result<Workspace> {
    if let Ok(id) = name_or_id.parse()
        && let Some(workspace) = store.get_workspace(id).await?
    {
        return Ok(workspace);
    }
    store
        .find_workspace_by_name(name_or_id)
        .await?
        .with_context(|| format!("no workspace named {name_or_id:?}; list them with `switchboard workspace list`"))
}

/// Creates an API key and returns it with its secret, which is shown only now.
pub async fn create_api_key(
    store: &Arc<dyn Store>,
    workspace: &Workspace,
    name: &str,
) -> anyhow::Result<(switchboard_store::model::ApiKey, String)> {
    let generated = api_keys::generate();
    let key = store.create_api_key(workspace.workspace_id, name, &generated.prefix, &generated.hash, now_ms()).await?;
    Ok((key, generated.secret))
}

/// Creates a staff account that signs in to the inbox with `password`.
pub async fn create_staff(
    store: &Arc<dyn Store>,
    workspace: &Workspace,
    email: &str,
    name: &str,
    role: switchboard_domain::StaffRole,
    password: &str,
) -> anyhow::Result<switchboard_store::model::StaffMember> {
    let email = switchboard_domain::EmailAddress::parse(email).map_err(|e| anyhow::anyhow!("{e}"))?;
    let password = password.to_owned();
    let password_hash = tokio::task::spawn_blocking(move || crate::passwords::hash_password(&password)).await??;
    let staff = switchboard_store::writes::NewStaff {
        workspace_id: workspace.workspace_id,
        email: email.as_str().to_owned(),
        name: name.to_owned(),
        role,
        password_hash,
    };
    Ok(store.create_staff(staff, now_ms()).await?)
}

/// What it takes to connect a Twilio number.
pub struct TwilioChannelInput {
    pub kind: ChannelKind,
    pub name: Option<String>,
    pub number: String,
    pub account_sid: String,
    pub auth_token: String,
    /// Overrides the Messages API base URL (the emulator, in tests and the demo).
    pub api_base_url: Option<String>,
}

/// Connects a Twilio number as an SMS or WhatsApp channel, credentials sealed.
pub async fn add_twilio_channel(
    store: &Arc<dyn Store>,
    secrets: &SecretBox,
    workspace: &Workspace,
    input: TwilioChannelInput,
) -> anyhow::Result<Channel> {
    if !matches!(input.kind, ChannelKind::Sms | ChannelKind::Whatsapp) {
        bail!("Twilio channels are sms or whatsapp, not {}", input.kind);
    }
    let number = PhoneE164::parse(input.number.trim_start_matches("whatsapp:"))?;
    if !input.account_sid.starts_with("AC") || input.account_sid.len() != 34 {
        bail!("the account SID is 34 characters starting with AC (find it on the Twilio console's dashboard)");
    }
    if input.auth_token.trim().is_empty() {
        bail!("the auth token is empty");
    }
    let credentials = serde_json::json!({ "account_sid": input.account_sid, "auth_token": input.auth_token.trim() });
    let mut settings = serde_json::json!({});
    if let Some(base) = input.api_base_url {
        settings["api_base_url"] = base.trim_end_matches('/').into();
    }
    // The channel id is bound into the sealed credentials, so pick it first.
    let channel_id = switchboard_domain::ChannelId::new();
    let sealed = secrets.seal(credentials.to_string().as_bytes(), channel_id.0.as_bytes());
    let channel = store
        .create_channel(NewChannel {
            channel_id,
            workspace_id: workspace.workspace_id,
            kind: input.kind,
            provider: Provider::Twilio,
            name: input.name.unwrap_or_else(|| format!("{} {}", input.kind, number)),
            address: number.to_string(),
            external_id: None,
            sealed_credentials: sealed,
            settings,
            now: now_ms(),
        })
        .await?;
    Ok(channel)
}

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
    let channel_id = switchboard_domain::ChannelId::new();
    let sealed = secrets.seal(credentials.to_string().as_bytes(), channel_id.0.as_bytes());
    let channel = store
        .create_channel(NewChannel {
            channel_id,
            workspace_id: workspace.workspace_id,
            kind: ChannelKind::Whatsapp,
            provider: Provider::Meta,
            name: input.name.unwrap_or_else(|| format!("WhatsApp {number}")),
            address: number.to_string(),
            external_id: Some(phone_number_id.to_owned()),
            sealed_credentials: sealed,
            settings,
            now: now_ms(),
        })
        .await?;
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
    let channel_id = switchboard_domain::ChannelId::new();
    let sealed = secrets.seal(credentials.to_string().as_bytes(), channel_id.0.as_bytes());
    let channel = store
        .create_channel(NewChannel {
            channel_id,
            workspace_id: workspace.workspace_id,
            kind: input.kind,
            provider: Provider::Meta,
            name: input.name.unwrap_or_else(|| format!("{} {account_id}", input.kind)),
            address: account_id.to_owned(),
            external_id: Some(account_id.to_owned()),
            sealed_credentials: sealed,
            settings,
            now: now_ms(),
        })
        .await?;
    Ok((channel, verify_token))
}
