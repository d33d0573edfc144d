//! Administrative operations behind the CLI verbs: workspaces, API keys, channels. They work on
//! the store directly, so they run with or without a server running.

mod mailbox;
mod meta;
mod sendgrid;
mod ses;
mod telegram;
mod webchat;

use std::sync::Arc;

use anyhow::{Context, bail};
use switchboard_domain::{ChannelKind, PhoneE164, Provider};
use switchboard_store::Store;
use switchboard_store::model::{Channel, Workspace};
use switchboard_store::writes::NewChannel;

pub use self::mailbox::{MailboxInput, add_mailbox_channel, security_of_port};
pub use self::meta::{MetaMessagingInput, MetaWhatsappInput, add_meta_messaging_channel, add_meta_whatsapp_channel};
pub use self::sendgrid::{SendgridChannel, SendgridInput, add_sendgrid_channel, set_sendgrid_event_webhook_key};
pub use self::ses::{SesInput, add_ses_channel};
pub use self::telegram::{TelegramChannel, TelegramInput, add_telegram_channel};
pub use self::webchat::{add_webchat_channel, snippet as webchat_snippet};
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
    let channel = ChannelToSeal {
        kind: input.kind,
        provider: Provider::Twilio,
        name: input.name.unwrap_or_else(|| format!("{} {}", input.kind, number)),
        address: number.to_string(),
        external_id: None,
        credentials,
        settings,
    };
    create_sealed(store, secrets, workspace, channel).await
}

/// Refuses an email channel's branding template that would not render.
fn check_branding(template: Option<&str>) -> anyhow::Result<()> {
    match template {
        Some(template) => crate::outbound::email_branding::check(template).map_err(anyhow::Error::msg),
        None => Ok(()),
    }
}

/// A channel to create, its credentials still in the clear.
struct ChannelToSeal {
    kind: ChannelKind,
    provider: Provider,
    name: String,
    address: String,
    external_id: Option<String>,
    credentials: serde_json::Value,
    settings: serde_json::Value,
}

/// Creates a channel with its credentials sealed, bound to the channel's id.
async fn create_sealed(
    store: &Arc<dyn Store>,
    secrets: &SecretBox,
    workspace: &Workspace,
    channel: ChannelToSeal,
) -> anyhow::Result<Channel> {
    // The channel id is bound into the sealed credentials, so pick it first.
    create_sealed_as(store, secrets, workspace, switchboard_domain::ChannelId::new(), channel).await
}

/// Stores a channel under an id picked before (one a provider was already told, in a URL).
async fn create_sealed_as(
    store: &Arc<dyn Store>,
    secrets: &SecretBox,
    workspace: &Workspace,
    channel_id: switchboard_domain::ChannelId,
    channel: ChannelToSeal,
) -> anyhow::Result<Channel> {
    let sealed = secrets.seal(channel.credentials.to_string().as_bytes(), channel_id.0.as_bytes());
    let created = store
        .create_channel(NewChannel {
            channel_id,
            workspace_id: workspace.workspace_id,
            kind: channel.kind,
            provider: channel.provider,
            name: channel.name,
            address: channel.address,
            external_id: channel.external_id,
            sealed_credentials: sealed,
            settings: channel.settings,
            now: now_ms(),
        })
        .await?;
    Ok(created)
}
