//! WhatsApp through Meta's Cloud API in the harness: a channel connected with the emulator's
//! Graph API, and a business account on the emulator whose webhooks reach our server.

use switchboard_emulator::meta::MetaEmulator;
use switchboard_server::admin::{self, MetaWhatsappInput};
use switchboard_server::secrets::SecretBox;
use switchboard_store::model::{Channel, Workspace};

use super::TestApp;

/// The secret of the app-level webhook (`/webhooks/meta`), configured for every test app.
pub const APP_SECRET: &str = "meta-app-secret-for-tests";
/// The verify token of the app-level webhook's handshake.
pub const APP_VERIFY_TOKEN: &str = "app-level-verify-token";
/// The verify token each test channel's own handshake expects.
pub const CHANNEL_VERIFY_TOKEN: &str = "channel-verify-token";

/// One WhatsApp number connected through Meta.
pub struct MetaNumber {
    pub channel: Channel,
    pub phone_number_id: String,
    pub business_account_id: String,
    pub access_token: String,
}

impl TestApp {
    pub fn meta(&self) -> MetaEmulator {
        self.emulator.meta()
    }

    /// Connects `number` (E.164) as a WhatsApp channel of `workspace` through Meta, with an
    /// account of its own on the emulator whose webhooks go to the app-level URL when
    /// `app_level`, else to the channel's own URL.
    pub async fn connect_meta_whatsapp(
        &self,
        workspace: &Workspace,
        number: &str,
        phone_number_id: &str,
        app_level: bool,
    ) -> MetaNumber {
        let business_account_id = format!("9{phone_number_id}");
        let access_token = format!("EAAG-token-{phone_number_id}");
        let secrets = SecretBox::load(&super::test_config("sqlite://unused").secret_key).unwrap();
        let input = MetaWhatsappInput {
            name: None,
            number: number.into(),
            phone_number_id: phone_number_id.into(),
            business_account_id: Some(business_account_id.clone()),
            access_token: access_token.clone(),
            app_secret: APP_SECRET.into(),
            verify_token: Some(CHANNEL_VERIFY_TOKEN.into()),
            graph_base_url: None,
            messages_per_second: None,
            token_expires_at: None,
        };
        let (channel, _) = admin::add_meta_whatsapp_channel(&self.store, &secrets, workspace, input).await.unwrap();
        let webhook = if app_level {
            format!("{}/webhooks/meta", self.url)
        } else {
            format!("{}/webhooks/meta/{}", self.url, channel.channel_id)
        };
        let meta = self.meta();
        meta.add_business_account(&business_account_id, &access_token, APP_SECRET);
        meta.add_phone_number(&business_account_id, phone_number_id, number, &webhook);
        MetaNumber { channel, phone_number_id: phone_number_id.into(), business_account_id, access_token }
    }
}

/// A Facebook Page (Messenger) or an Instagram account connected through Meta.
pub struct MetaAccount {
    pub channel: Channel,
    pub account_id: String,
}

impl TestApp {
    /// Connects a Page (Messenger) or an Instagram account of `workspace` through Meta, with an
    /// account on the emulator whose webhooks go to the app-level URL when `app_level`.
    pub async fn connect_meta_account(
        &self,
        workspace: &Workspace,
        kind: switchboard_domain::ChannelKind,
        account_id: &str,
        app_level: bool,
    ) -> MetaAccount {
        use switchboard_emulator::meta::MessagingPlatform;
        let secrets = SecretBox::load(&super::test_config("sqlite://unused").secret_key).unwrap();
        let token = format!("EAAG-page-{account_id}");
        let input = admin::MetaMessagingInput {
            kind,
            name: None,
            account_id: account_id.into(),
            access_token: token.clone(),
            app_secret: APP_SECRET.into(),
            verify_token: Some(CHANNEL_VERIFY_TOKEN.into()),
            graph_base_url: None,
        };
        let (channel, _) = admin::add_meta_messaging_channel(&self.store, &secrets, workspace, input).await.unwrap();
        let webhook = if app_level {
            format!("{}/webhooks/meta", self.url)
        } else {
            format!("{}/webhooks/meta/{}", self.url, channel.channel_id)
        };
        let platform = match kind {
            switchboard_domain::ChannelKind::Instagram => MessagingPlatform::Instagram,
            _ => MessagingPlatform::Messenger,
        };
        self.meta().add_messaging_account(platform, account_id, &token, APP_SECRET, &webhook);
        MetaAccount { channel, account_id: account_id.into() }
    }
}
