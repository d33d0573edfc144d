//! What the Telegram part knows: the bots (by token) with their webhook settings, the updates
//! they were sent, their private chats with customers and every message in them, the files
//! either side sent, the callback queries customers created, and the rate limits tests asked for.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use super::updates::Customer;

/// A message the bot sent through `sendMessage`, `sendPhoto` or `sendDocument`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SentBotMessage {
    /// `sendMessage`, `sendPhoto` or `sendDocument`.
    pub method: String,
    pub chat_id: i64,
    pub message_id: i64,
    /// The text as the customer sees it, markup taken out (`sendMessage`).
    pub text: Option<String>,
    /// The text (or caption) exactly as sent, when it was sent with `parse_mode=HTML`.
    pub html: Option<String>,
    /// The caption as the customer sees it, markup taken out (`sendPhoto`, `sendDocument`).
    pub caption: Option<String>,
    /// The photo or document as given: its URL, a file_id, or `upload:<file name>`.
    pub file: Option<String>,
    /// The message it replies to (`reply_parameters.message_id` or `reply_to_message_id`).
    pub reply_to_message_id: Option<i64>,
    /// `reply_markup` as sent (any kind of keyboard), parsed.
    pub reply_markup: Option<Value>,
    /// `parse_mode` as sent.
    pub parse_mode: Option<String>,
    /// When the emulator accepted it, in milliseconds since the Unix epoch.
    pub sent_at_ms: i64,
}

/// An `answerCallbackQuery` call the bot made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AnsweredCallback {
    pub callback_query_id: String,
    pub text: Option<String>,
    pub show_alert: bool,
}

/// A bot's webhook, as set with `setWebhook`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WebhookInfo {
    pub url: String,
    pub secret_token: Option<String>,
    /// The update types asked for; empty means Telegram's default (all but `chat_member`,
    /// `message_reaction` and `message_reaction_count`).
    pub allowed_updates: Vec<String>,
}

/// A file held for a bot, served by `getFile` and the download URL.
#[derive(Clone, Debug)]
pub(crate) struct StoredFile {
    pub file_id: String,
    pub file_unique_id: String,
    /// Path under `/file/bot<token>/`.
    pub file_path: String,
    pub mime_type: String,
    pub bytes: Arc<Vec<u8>>,
}

/// An update as it was built, kept for redelivery and `getUpdates`.
#[derive(Clone, Debug)]
pub(crate) struct RecordedUpdate {
    /// The body exactly as POSTed.
    pub body: Arc<Vec<u8>>,
}

/// Failures asked for with `throttle`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Throttle {
    pub retry_after: u32,
    pub remaining: u32,
}

/// A private chat between the bot and one customer (its id is the customer's user id).
#[derive(Clone, Debug)]
pub(crate) struct ChatState {
    /// The customer as last seen.
    pub customer: Customer,
    /// Message ids are shared by both sides of a chat and only grow.
    pub last_message_id: i64,
    /// Every message of the chat by id, as the Bot API shows it (edits applied).
    pub messages: BTreeMap<i64, Value>,
    /// Whether the customer blocked the bot.
    pub blocked: bool,
    /// The `chat_instance` of callback queries from this chat.
    pub chat_instance: String,
}

impl ChatState {
    pub fn new(customer: Customer) -> Self {
        let chat_instance = format!("{}", rand::random::<i64>());
        Self { customer, last_message_id: 0, messages: BTreeMap::new(), blocked: false, chat_instance }
    }

    pub fn next_message_id(&mut self) -> i64 {
        self.last_message_id += 1;
        self.last_message_id
    }
}

/// One bot and everything that happened to it.
#[derive(Clone, Debug)]
pub(crate) struct BotState {
    pub token: String,
    pub id: i64,
    pub username: String,
    pub first_name: String,
    /// URL and secret of the webhook, when one is set.
    pub webhook: Option<(String, Option<String>)>,
    /// `allowed_updates` as last set (kept when `setWebhook` does not give it).
    pub allowed_updates: Vec<String>,
    /// Unix time and text of the last failed webhook delivery.
    pub last_error: Option<(i64, String)>,
    pub last_update_id: i64,
    pub updates: BTreeMap<i64, RecordedUpdate>,
    /// Updates not (successfully) delivered yet: queued for `getUpdates`, or refused by our server.
    pub pending: BTreeSet<i64>,
    /// Private chats by chat id (= the customer's user id).
    pub chats: HashMap<i64, ChatState>,
    pub sent: Vec<SentBotMessage>,
    /// Callback queries created by customers: id → answered yet.
    pub callback_queries: HashMap<String, bool>,
    pub answered: Vec<AnsweredCallback>,
    /// How many answered callbacks `wait_for_answered_callback` already returned.
    pub answered_taken: usize,
    pub throttle: Option<Throttle>,
    pub files: HashMap<String, StoredFile>,
    pub last_file_number: u64,
    /// `setMyCommands`, as last set.
    pub commands: Value,
}

impl BotState {
    pub fn new(token: &str, username: &str, first_name: &str) -> Self {
        Self {
            token: token.to_owned(),
            id: bot_id(token),
            username: username.trim_start_matches('@').to_owned(),
            first_name: first_name.to_owned(),
            webhook: None,
            allowed_updates: Vec::new(),
            last_error: None,
            // Telegram's update ids start anywhere; a server must not assume 1.
            last_update_id: 100_000_000 + i64::from(rand::random::<u32>() % 800_000_000),
            updates: BTreeMap::new(),
            pending: BTreeSet::new(),
            chats: HashMap::new(),
            sent: Vec::new(),
            callback_queries: HashMap::new(),
            answered: Vec::new(),
            answered_taken: 0,
            throttle: None,
            files: HashMap::new(),
            last_file_number: 0,
            commands: Value::Array(Vec::new()),
        }
    }

    pub fn next_update_id(&mut self) -> i64 {
        self.last_update_id += 1;
        self.last_update_id
    }

    /// The chat with this customer, created on first contact, with the customer's details refreshed.
    pub fn chat_with(&mut self, customer: &Customer) -> &mut ChatState {
        let chat = self.chats.entry(customer.user_id).or_insert_with(|| ChatState::new(customer.clone()));
        chat.customer = customer.clone();
        chat
    }

    /// The webhook as the public API shows it.
    pub fn webhook_info(&self) -> Option<WebhookInfo> {
        self.webhook.as_ref().map(|(url, secret)| WebhookInfo {
            url: url.clone(),
            secret_token: secret.clone(),
            allowed_updates: self.allowed_updates.clone(),
        })
    }

    /// Whether an update of this type reaches the bot under its `allowed_updates`.
    pub fn allows(&self, kind: &str) -> bool {
        if self.allowed_updates.is_empty() {
            !matches!(kind, "chat_member" | "message_reaction" | "message_reaction_count")
        } else {
            self.allowed_updates.iter().any(|allowed| allowed == kind)
        }
    }
}

/// The bot's user id: the digits before the colon of its token.
fn bot_id(token: &str) -> i64 {
    match token.split_once(':').and_then(|(digits, _)| digits.parse::<i64>().ok()) {
        Some(id) if id > 0 => id,
        // Not a real token: a stable id all the same.
        _ => token.bytes().fold(7_000_000_000_i64, |id, b| (id * 31 + i64::from(b)) % 9_000_000_000 + 1_000_000_000),
    }
}

/// The Telegram world: bots by token.
#[derive(Default)]
pub(crate) struct TelegramWorld {
    pub bots: HashMap<String, BotState>,
}

impl TelegramWorld {
    pub fn bot_by_username(&self, username: &str) -> Option<&BotState> {
        let username = username.trim_start_matches('@');
        self.bots.values().find(|bot| bot.username.eq_ignore_ascii_case(username))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bot_id_is_the_tokens_number() {
        assert_eq!(bot_id("123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"), 123_456_789);
        let odd = bot_id("not-a-token");
        assert!(odd > 0);
        assert_eq!(odd, bot_id("not-a-token"));
    }

    #[test]
    fn default_allowed_updates_leave_out_member_and_reaction_updates() {
        let mut bot = BotState::new("1:x", "b", "B");
        assert!(bot.allows("message") && bot.allows("my_chat_member") && !bot.allows("chat_member"));
        assert!(!bot.allows("message_reaction"));
        bot.allowed_updates = vec!["message".into()];
        assert!(bot.allows("message") && !bot.allows("callback_query"));
    }
}
