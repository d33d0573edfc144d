//! A Telegram channel whose bot lives in the emulator, connected as an administrator would:
//! `getMe`, then `setWebhook` pointing at the app.
#![allow(dead_code)] // each test binary uses only part of `common`

use switchboard_channels::telegram::{TelegramAdapter, TelegramConfig};
use switchboard_emulator::telegram::{Customer, CustomerAction, TelegramEmulator, UpdateDelivery};
use switchboard_server::admin::{self, TelegramInput};
use switchboard_server::secrets::SecretBox;
use switchboard_store::model::Channel;

use super::TestApp;

pub const BOT_TOKEN: &str = "7012345678:AAF3k9Qx-emulatorTestTokenForTheClinicBot";
pub const BOT_USERNAME: &str = "riverside_vet_bot";

/// The channel and the emulator's Telegram side.
pub struct TelegramChannel {
    pub channel: Channel,
    pub telegram: TelegramEmulator,
}

impl TelegramChannel {
    /// A customer does something in their chat with the bot; the update must be accepted.
    pub async fn customer(&self, customer: &Customer, action: CustomerAction) -> UpdateDelivery {
        let delivery = self.telegram.send_update(BOT_TOKEN, customer, action).await.expect("the emulator delivers");
        assert_eq!(delivery.status, 200, "{}", delivery.body);
        delivery
    }

    pub fn channel_id(&self) -> String {
        self.channel.channel_id.to_string()
    }
}

/// Registers the bot in the emulator and connects it to the app's workspace.
pub async fn add_telegram(app: &TestApp) -> TelegramChannel {
    let telegram = app.emulator.telegram();
    telegram.add_bot(BOT_TOKEN, BOT_USERNAME, "Riverside Vet");
    let secrets = SecretBox::load(&super::test_config(app.database_url()).secret_key).unwrap();
    let adapter = TelegramAdapter::new(
        TelegramConfig { api_base_url: telegram.api_base_url() },
        switchboard_channels::http::client(),
    );
    let input = TelegramInput {
        name: None,
        bot_token: BOT_TOKEN.into(),
        public_url: app.url.clone(),
        api_base_url: Some(telegram.api_base_url()),
    };
    let created = admin::add_telegram_channel(&app.store, &secrets, &adapter, &app.workspace, input).await.unwrap();
    TelegramChannel { channel: created.channel, telegram }
}
