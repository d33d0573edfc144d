//! The demo's Telegram bot: a bot in the emulator's Bot API, connected the way an administrator
//! connects one (`getMe`, then `setWebhook` with a secret token). The emulator forgets its bots
//! when it stops, so at every start the bot is registered again under the stored token and its
//! webhook set again.

use anyhow::Context;
use switchboard_channels::telegram::{TelegramCredentials, bot_api};
use switchboard_domain::Provider;
use switchboard_emulator::EmulatorHandle;
use switchboard_server::Application;
use switchboard_server::admin::{self, TelegramInput};
use switchboard_store::model::Workspace;

pub const BOT_USERNAME: &str = "demo_clinic_bot";
const BOT_NAME: &str = "Demo Clinic";

/// A token shaped as @BotFather's: the bot's id, a colon, 35 characters.
fn new_token() -> String {
    let secret = switchboard_server::secrets::random_base62(33);
    format!("7{:09}:AA{secret}", rand::random_range(0..1_000_000_000u32))
}

/// Registers the demo's bot with the emulator and points it at the server, connecting it the
/// first time.
pub async fn ensure_bot(
    application: &Application,
    emulator: &EmulatorHandle,
    workspace: &Workspace,
) -> anyhow::Result<()> {
    let state = application.state();
    let telegram = emulator.telegram();
    let channels = state.store.list_channels(workspace.workspace_id).await?;
    if let Some(record) = channels.into_iter().find(|c| c.provider == Provider::Telegram) {
        let channel = state.channels.resolve(record)?;
        let credentials = TelegramCredentials::from_channel(&channel.context).map_err(anyhow::Error::msg)?;
        telegram.add_bot(&credentials.bot_token, &channel.record.address, BOT_NAME);
        let url = channel.context.webhook_url(Provider::Telegram);
        let adapter = state.adapters.telegram();
        bot_api::set_webhook(
            adapter.client(),
            adapter.default_api_base_url(),
            &credentials.bot_token,
            &url,
            &credentials.secret_token,
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("pointing the demo bot at the server")?;
        return Ok(());
    }
    let token = new_token();
    telegram.add_bot(&token, BOT_USERNAME, BOT_NAME);
    let input = TelegramInput {
        name: Some("Demo Telegram bot".into()),
        bot_token: token,
        public_url: state.public_url.to_string(),
        api_base_url: None,
    };
    admin::add_telegram_channel(&state.store, &state.secrets, state.adapters.telegram(), workspace, input).await?;
    Ok(())
}
