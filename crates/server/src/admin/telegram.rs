//! Connecting a Telegram bot: the token @BotFather gave is checked with `getMe`, the bot's
//! updates are pointed at the channel's webhook URL with a random secret token (`setWebhook`),
//! and the channel is stored under the bot's username. One bot is one channel: Telegram sends a
//! bot's updates to one URL only.

use std::sync::Arc;

use anyhow::{Context, bail};
use switchboard_channels::telegram::{ApiError, BotProfile, TelegramAdapter, TelegramCredentials, bot_api};
use switchboard_domain::{ChannelId, ChannelKind, Provider};
use switchboard_store::Store;
use switchboard_store::model::{Channel, Workspace};

use super::{ChannelToSeal, create_sealed_as};
use crate::secrets::SecretBox;

/// A bot to connect.
#[derive(Debug, Clone, Default)]
pub struct TelegramInput {
    pub name: Option<String>,
    pub bot_token: String,
    /// Where this deployment is reached, without a trailing slash: Telegram posts updates there.
    pub public_url: String,
    /// Overrides the Bot API base URL (the emulator, in tests and the demo).
    pub api_base_url: Option<String>,
}

/// The stored channel and the bot behind it.
pub struct TelegramChannel {
    pub channel: Channel,
    pub bot: BotProfile,
}

fn explain(error: ApiError, what: &str) -> anyhow::Error {
    match error {
        ApiError::Refused { error_code: 401 | 404, .. } => anyhow::anyhow!(
            "Telegram does not know this bot token; copy it again from @BotFather (it looks like 123456789:AA…)"
        ),
        other => anyhow::anyhow!("{what}: {other}"),
    }
}

pub async fn add_telegram_channel(
    store: &Arc<dyn Store>,
    secrets: &SecretBox,
    adapter: &TelegramAdapter,
    workspace: &Workspace,
    input: TelegramInput,
) -> anyhow::Result<TelegramChannel> {
    let token = input.bot_token.trim();
    if token.is_empty() || !token.contains(':') || token.chars().any(char::is_whitespace) {
        bail!("a bot token looks like 123456789:AAE…; @BotFather gives it when the bot is created (/newbot or /token)");
    }
    if !input.public_url.starts_with("https://") && !input.public_url.starts_with("http://") {
        bail!("Telegram needs this deployment's public URL (serve --public-url) to send updates to");
    }
    let base = input.api_base_url.as_deref().map(|b| b.trim_end_matches('/')).unwrap_or(adapter.default_api_base_url());
    let client = adapter.client();
    let bot = bot_api::get_me(client, base, token).await.map_err(|e| explain(e, "getMe failed"))?;
    if let Some(existing) = store.find_channel_by_external_id(Provider::Telegram, &bot.id.to_string()).await? {
        bail!(
            "the bot @{} is already connected as channel {}; a bot's updates go to one place, so one bot is one channel",
            bot.username,
            existing.channel_id
        );
    }
    let channel_id = ChannelId::new();
    let secret_token = crate::secrets::random_base62(48);
    let webhook_url = format!("{}/webhooks/telegram/{channel_id}", input.public_url.trim_end_matches('/'));
    bot_api::set_webhook(client, base, token, &webhook_url, &secret_token)
        .await
        .map_err(|e| explain(e, "setWebhook failed (Telegram must reach the public URL over HTTPS)"))?;
    let credentials = TelegramCredentials { bot_token: token.to_owned(), secret_token };
    let mut settings = serde_json::json!({ "bot_name": bot.first_name });
    if let Some(base) = &input.api_base_url {
        settings["api_base_url"] = base.trim_end_matches('/').into();
    }
    let channel = ChannelToSeal {
        kind: ChannelKind::Telegram,
        provider: Provider::Telegram,
        name: input.name.unwrap_or_else(|| format!("{} (@{})", bot.first_name, bot.username)),
        address: bot.username.clone(),
        external_id: Some(bot.id.to_string()),
        credentials: serde_json::to_value(&credentials).context("the Telegram credentials")?,
        settings,
    };
    let channel = create_sealed_as(store, secrets, workspace, channel_id, channel).await?;
    Ok(TelegramChannel { channel, bot })
}
