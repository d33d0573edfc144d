//! The registry: which adapter serves which provider.

use std::sync::Arc;

use switchboard_domain::Provider;

use crate::adapter::ChannelAdapter;
use crate::email::MailboxAdapter;
use crate::meta::{MetaAdapter, MetaConfig};
use crate::sendgrid::{SendgridAdapter, SendgridConfig};
use crate::ses::{SesAdapter, SesConfig};
use crate::telegram::{TelegramAdapter, TelegramConfig};
use crate::twilio::{TwilioAdapter, TwilioConfig};
use crate::webchat::WebchatAdapter;

/// Every adapter of this build, by provider.
#[derive(Clone)]
pub struct AdapterRegistry {
    twilio: Arc<TwilioAdapter>,
    meta: Arc<MetaAdapter>,
    mailbox: Arc<MailboxAdapter>,
    sendgrid: Arc<SendgridAdapter>,
    ses: Arc<SesAdapter>,
    telegram: Arc<TelegramAdapter>,
    webchat: Arc<WebchatAdapter>,
}

/// Provider settings that are not per channel.
#[derive(Debug, Clone, Default)]
pub struct ProvidersConfig {
    pub twilio: TwilioConfig,
    pub meta: MetaConfig,
    pub sendgrid: SendgridConfig,
    pub ses: SesConfig,
    pub telegram: TelegramConfig,
}

impl AdapterRegistry {
    pub fn new(config: ProvidersConfig) -> Self {
        let client = crate::http::client();
        Self {
            twilio: Arc::new(TwilioAdapter::new(config.twilio, client.clone())),
            meta: Arc::new(MetaAdapter::new(config.meta, client.clone())),
            mailbox: Arc::new(MailboxAdapter::default()),
            sendgrid: Arc::new(SendgridAdapter::new(config.sendgrid, client.clone())),
            ses: Arc::new(SesAdapter::new(config.ses, client.clone())),
            telegram: Arc::new(TelegramAdapter::new(config.telegram, client)),
            webchat: Arc::new(WebchatAdapter),
        }
    }

    pub fn get(&self, provider: Provider) -> Arc<dyn ChannelAdapter> {
        match provider {
            Provider::Twilio => self.twilio.clone(),
            Provider::Meta => self.meta.clone(),
            Provider::Mailbox => self.mailbox.clone(),
            Provider::Sendgrid => self.sendgrid.clone(),
            Provider::Ses => self.ses.clone(),
            Provider::Telegram => self.telegram.clone(),
            Provider::Webchat => self.webchat.clone(),
        }
    }

    /// The Meta adapter itself, for what only Meta has: the app-level webhook and templates.
    pub fn meta(&self) -> &MetaAdapter {
        &self.meta
    }

    /// The Telegram adapter itself, for connecting a bot (`getMe`, `setWebhook`).
    pub fn telegram(&self) -> &TelegramAdapter {
        &self.telegram
    }
}
