//! Telegram: one channel per bot, through the Bot API. Connecting a channel calls `getMe` (the
//! pasted token works, and the bot's name) and `setWebhook` with the channel's URL, a random
//! secret token and the update kinds we read. Every update carries the secret in
//! `X-Telegram-Bot-Api-Secret-Token`, checked in constant time. The channel's address is the
//! bot's username; a customer's identity is their Telegram user id, which is also the id of
//! their private chat with the bot.
//!
//! Telegram reports no delivery: a message is `sent` once the Bot API took it. A customer who
//! blocks the bot is reported by a `my_chat_member` update and by a 403 to the next send; both
//! mark the identity unreachable (opted out on Telegram) until they unblock it.

pub mod bot_api;
pub mod format;
pub mod outbound;
pub mod updates;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;
use switchboard_domain::Provider;
use switchboard_domain::inbound::InboundEvent;

use crate::adapter::*;
use crate::media::{is_kept_type, read_capped, too_large};
pub use bot_api::{ALLOWED_UPDATES, ApiError, BLOCKED, BotProfile};

/// The real Bot API. Tests and the demo point the adapter (or a channel) at the emulator.
pub const DEFAULT_API_BASE_URL: &str = "https://api.telegram.org";

/// The header every update carries the channel's secret in.
pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// Adapter-wide settings.
#[derive(Debug, Clone)]
pub struct TelegramConfig {
    /// Used when a channel's settings name no `api_base_url`.
    pub api_base_url: String,
}

impl Default for TelegramConfig {
    fn default() -> Self {
        Self { api_base_url: DEFAULT_API_BASE_URL.to_owned() }
    }
}

/// A Telegram channel's secrets, as stored (encrypted) with the channel.
#[derive(Clone, Serialize, Deserialize)]
pub struct TelegramCredentials {
    /// The token @BotFather gave (`123456:ABC…`).
    pub bot_token: String,
    /// What Telegram presents with every update (1–256 of `A-Za-z0-9_-`).
    pub secret_token: String,
}

impl std::fmt::Debug for TelegramCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TelegramCredentials").finish_non_exhaustive()
    }
}

impl TelegramCredentials {
    pub fn from_channel(channel: &ChannelContext) -> Result<Self, String> {
        serde_json::from_value(channel.credentials.clone())
            .map_err(|_| "expected bot_token and secret_token".to_owned())
    }
}

/// The Telegram adapter.
pub struct TelegramAdapter {
    config: TelegramConfig,
    client: reqwest::Client,
}

impl TelegramAdapter {
    pub fn new(config: TelegramConfig, client: reqwest::Client) -> Self {
        Self { config, client }
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// The Bot API base URL for a channel: its own setting (an emulator), else the adapter's.
    pub fn api_base_url<'a>(&'a self, channel: &'a ChannelContext) -> &'a str {
        channel.settings.get("api_base_url").and_then(|v| v.as_str()).unwrap_or(&self.config.api_base_url)
    }

    /// The adapter's Bot API base URL, for a channel not created yet.
    pub fn default_api_base_url(&self) -> &str {
        &self.config.api_base_url
    }
}

/// The callback query an update answers, if it is one.
fn callback_query_id(body: &[u8]) -> Option<String> {
    let update: serde_json::Value = serde_json::from_slice(body).ok()?;
    update["callback_query"]["id"].as_str().map(str::to_owned)
}

/// The type of a file Telegram keeps, from its path's extension (Telegram serves every file as
/// `application/octet-stream`).
fn type_of_path(path: &str) -> Option<&'static str> {
    let extension = path.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match extension.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "oga" | "ogg" | "opus" => "audio/ogg",
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "csv" => "text/csv",
        _ => return None,
    })
}

#[async_trait]
impl ChannelAdapter for TelegramAdapter {
    fn provider(&self) -> Provider {
        Provider::Telegram
    }

    fn verification(&self) -> &'static str {
        "x-telegram-bot-api-secret-token"
    }

    fn verify(&self, channel: &ChannelContext, request: &WebhookRequest<'_>) -> Result<(), VerifyError> {
        let credentials = TelegramCredentials::from_channel(channel).map_err(VerifyError::Credentials)?;
        let presented = request.headers.get(SECRET_HEADER).map(|v| v.as_bytes()).unwrap_or_default();
        let expected = credentials.secret_token.as_bytes();
        if expected.is_empty() || !bool::from(expected.ct_eq(presented)) {
            return Err(VerifyError::BadSecret("X-Telegram-Bot-Api-Secret-Token"));
        }
        Ok(())
    }

    fn parse(&self, channel: &ChannelContext, request: &WebhookRequest<'_>) -> Result<Vec<InboundEvent>, ParseError> {
        updates::parse(channel, request.body)
    }

    fn reply(&self) -> WebhookReply {
        WebhookReply { content_type: "application/json", body: "{}".to_owned() }
    }

    /// Answers a pressed button's callback query, so the customer's app stops waiting.
    async fn after_commit(&self, channel: &ChannelContext, request: &WebhookRequest<'_>) -> Result<(), String> {
        let Some(query_id) = callback_query_id(request.body) else { return Ok(()) };
        let credentials = TelegramCredentials::from_channel(channel)?;
        match bot_api::answer_callback_query(
            &self.client,
            self.api_base_url(channel),
            &credentials.bot_token,
            &query_id,
        )
        .await
        {
            // Answered already (this is Telegram's retry) or too late to answer: nothing to redo.
            Err(ApiError::Refused { error_code: 400, .. }) | Ok(()) => Ok(()),
            Err(error) => Err(format!("answerCallbackQuery failed: {error}")),
        }
    }

    async fn fetch_media(
        &self,
        channel: &ChannelContext,
        media_id: &str,
        max_bytes: u64,
    ) -> Result<FetchedMedia, MediaError> {
        let credentials = TelegramCredentials::from_channel(channel).map_err(MediaError::Permanent)?;
        let base = self.api_base_url(channel);
        let (url, size) = bot_api::get_file(&self.client, base, &credentials.bot_token, media_id).await.map_err(
            |error| match error {
                ApiError::Refused { error_code: 400, description, .. } => MediaError::Permanent(description),
                other => MediaError::Transient(other.to_string()),
            },
        )?;
        if let Some(size) = size.filter(|size| *size > max_bytes) {
            return Err(too_large(size, max_bytes));
        }
        let download = self
            .client
            .get(&url)
            .send()
            .await
            .map_err(|e| MediaError::Transient(format!("the download failed: {}", e.without_url())))?;
        let served =
            download.headers().get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let content_type =
            type_of_path(&url).map(str::to_owned).or(served).unwrap_or_else(|| "application/octet-stream".to_owned());
        if !is_kept_type(&content_type) {
            return Err(MediaError::Permanent(format!("files of type {content_type} are not kept")));
        }
        let (bytes, sha256) = read_capped(download, max_bytes).await?;
        Ok(FetchedMedia { content_type, bytes, sha256 })
    }

    async fn send(&self, channel: &ChannelContext, message: &OutboundRequest) -> Result<SendReceipt, SendError> {
        let credentials = TelegramCredentials::from_channel(channel)
            .map_err(|e| SendError::permanent(None, format!("the channel's Telegram credentials are unusable: {e}")))?;
        outbound::send(&self.client, self.api_base_url(channel), &credentials.bot_token, message).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_type_comes_from_its_path() {
        assert_eq!(type_of_path("photos/file_3.jpg"), Some("image/jpeg"));
        assert_eq!(type_of_path("voice/file_9.oga"), Some("audio/ogg"));
        assert_eq!(type_of_path("documents/file_1"), None);
    }

    #[test]
    fn only_a_callback_query_is_answered() {
        assert_eq!(callback_query_id(br#"{"update_id":1,"callback_query":{"id":"77"}}"#).as_deref(), Some("77"));
        assert_eq!(callback_query_id(br#"{"update_id":1,"message":{"message_id":1}}"#), None);
    }
}
