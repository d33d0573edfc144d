//! [`TelegramEmulator`]: the Rust API tests and the demo use to register bots, play customers
//! (their messages, files, edits, button presses, blocking), redeliver updates, make the Bot
//! API throttle, and await what our server sent or answered.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::delivery;
use super::updates::{Customer, CustomerAction, UpdateDelivery};
use super::world::{AnsweredCallback, BotState, SentBotMessage, Throttle, WebhookInfo};
use crate::errors::EmulatorError;
use crate::server::Shared;

/// The Telegram side of a running emulator; cheap to clone.
#[derive(Clone)]
pub struct TelegramEmulator {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for TelegramEmulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TelegramEmulator").field("api_base_url", &self.shared.base_url).finish()
    }
}

impl TelegramEmulator {
    pub(crate) fn from_shared(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// What replaces `https://api.telegram.org`: calls go to `{api_base_url}/bot<token>/<method>`
    /// and downloads to `{api_base_url}/file/bot<token>/<file_path>`.
    pub fn api_base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// Registers a bot as BotFather would make it. Its token is `<digits>:<secret>` and its user
    /// id the digits; registering a token again starts that bot afresh.
    pub fn add_bot(&self, token: &str, username: &str, first_name: &str) {
        let bot = BotState::new(token, username, first_name);
        self.shared.state.update(|w| w.telegram.bots.insert(token.to_owned(), bot));
    }

    /// The bot's webhook, if one is set.
    pub fn webhook(&self, token: &str) -> Option<WebhookInfo> {
        self.shared.state.read(|w| w.telegram.bots.get(token).and_then(BotState::webhook_info))
    }

    /// A customer acts; the update is built, recorded and POSTed to the bot's webhook (see
    /// [`UpdateDelivery::status`] for when nothing is posted).
    pub async fn send_update(
        &self,
        token: &str,
        customer: &Customer,
        action: CustomerAction,
    ) -> Result<UpdateDelivery, EmulatorError> {
        delivery::send_update(&self.shared, token, customer, action).await
    }

    /// POSTs an already delivered update again, byte for byte (Telegram's retry).
    pub async fn redeliver(&self, token: &str, update_id: i64) -> Result<UpdateDelivery, EmulatorError> {
        delivery::redeliver(&self.shared, token, update_id).await
    }

    /// POSTs arbitrary JSON as an update with the right secret header (for update types the
    /// emulator does not build). It gets the next `update_id` when it has none; `allowed_updates`
    /// does not apply.
    pub async fn send_raw_update(&self, token: &str, update: Value) -> Result<UpdateDelivery, EmulatorError> {
        delivery::send_raw_update(&self.shared, token, update).await
    }

    /// Every message the bot sent, in order.
    pub fn sent_messages(&self, token: &str) -> Vec<SentBotMessage> {
        self.shared.state.read(|w| w.telegram.bots.get(token).map(|bot| bot.sent.clone()).unwrap_or_default())
    }

    /// Waits (event-driven) until the bot sent at least `count` messages; all of them, or
    /// [`EmulatorError::Timeout`].
    pub async fn wait_for_sent(
        &self,
        token: &str,
        count: usize,
        timeout: Duration,
    ) -> Result<Vec<SentBotMessage>, EmulatorError> {
        let sent = |w: &crate::state::World| w.telegram.bots.get(token).map_or(0, |bot| bot.sent.len());
        if self.shared.state.wait_until(timeout, |w| sent(w) >= count).await {
            Ok(self.sent_messages(token))
        } else {
            let had = self.shared.state.read(|w| sent(w));
            Err(EmulatorError::Timeout(format!("the bot sent {had} of {count} messages within {timeout:?}")))
        }
    }

    /// Every `answerCallbackQuery` the bot made, in order.
    pub fn answered_callbacks(&self, token: &str) -> Vec<AnsweredCallback> {
        self.shared.state.read(|w| w.telegram.bots.get(token).map(|bot| bot.answered.clone()).unwrap_or_default())
    }

    /// Waits for the next answered callback query this method has not returned yet.
    pub async fn wait_for_answered_callback(
        &self,
        token: &str,
        timeout: Duration,
    ) -> Result<AnsweredCallback, EmulatorError> {
        let ready =
            |w: &crate::state::World| w.telegram.bots.get(token).is_some_and(|b| b.answered.len() > b.answered_taken);
        self.shared.state.wait_until(timeout, ready).await;
        let next = self.shared.state.read(|w| {
            let bot = w.telegram.bots.get_mut(token)?;
            let next = bot.answered.get(bot.answered_taken).cloned()?;
            bot.answered_taken += 1;
            Some(next)
        });
        next.ok_or_else(|| EmulatorError::Timeout(format!("no callback query was answered within {timeout:?}")))
    }

    /// Makes the bot's next `times` send calls answer 429 `Too Many Requests: retry after N`
    /// with `parameters.retry_after`; `times` 0 lifts it.
    pub fn throttle(&self, token: &str, retry_after_secs: u32, times: u32) {
        self.shared.state.update(|w| {
            if let Some(bot) = w.telegram.bots.get_mut(token) {
                bot.throttle = (times > 0).then_some(Throttle { retry_after: retry_after_secs, remaining: times });
            }
        });
    }

    /// Whether the customer of this private chat blocked the bot.
    pub fn is_blocked(&self, token: &str, chat_id: i64) -> bool {
        self.shared.state.read(|w| {
            w.telegram.bots.get(token).and_then(|bot| bot.chats.get(&chat_id)).is_some_and(|chat| chat.blocked)
        })
    }

    /// The chat's messages (both sides) by id, as the Bot API shows them.
    pub fn chat_messages(&self, token: &str, chat_id: i64) -> Vec<Value> {
        self.shared.state.read(|w| {
            let chat = w.telegram.bots.get(token).and_then(|bot| bot.chats.get(&chat_id));
            chat.map(|chat| chat.messages.values().cloned().collect()).unwrap_or_default()
        })
    }
}
