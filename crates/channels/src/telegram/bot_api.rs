//! Calls to the Bot API: `POST {base}/bot{token}/{method}` with a JSON body, answered with
//! Telegram's envelope `{"ok":true,"result":…}` or `{"ok":false,"error_code":…,"description":…,
//! "parameters":{"retry_after":…}}`. The URL holds the bot's token, so no error here ever
//! carries it.

use std::time::Duration;

use serde_json::{Value, json};

use crate::adapter::SendError;

/// The updates a channel asks Telegram for.
pub const ALLOWED_UPDATES: [&str; 4] = ["message", "edited_message", "callback_query", "my_chat_member"];

/// Why a call did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// Telegram answered with an error envelope.
    Refused { error_code: i64, description: String, retry_after: Option<u64> },
    /// No answer we could read: the network, a proxy, Telegram in trouble.
    Unreachable(String),
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Refused { error_code, description, .. } => write!(f, "Telegram answered {error_code}: {description}"),
            Self::Unreachable(reason) => write!(f, "could not reach Telegram: {reason}"),
        }
    }
}

impl ApiError {
    /// What a failed send means for the message: a rate limit waits as long as Telegram asks,
    /// a user who blocked the bot (403) or a request Telegram refuses (400, 401) is final,
    /// anything else is tried again.
    pub fn into_send_error(self) -> SendError {
        match self {
            Self::Refused { error_code: 429, description, retry_after } => SendError::rate_limited(
                Some("429".to_owned()),
                description,
                Duration::from_secs(retry_after.unwrap_or(1).max(1)),
            ),
            Self::Refused { error_code: 401, .. } => SendError::permanent(
                Some("401".to_owned()),
                "Telegram does not accept the bot's token (revoked in @BotFather?); paste the new token in the channel's settings",
            ),
            Self::Refused { error_code: 403, description, .. } => SendError::permanent(
                Some(BLOCKED.to_owned()),
                format!("{description}: the customer cannot be reached on Telegram until they write to the bot again"),
            ),
            Self::Refused { error_code, description, .. } if (400..500).contains(&error_code) => {
                SendError::permanent(Some(error_code.to_string()), description)
            }
            other => SendError::transient(other.to_string()),
        }
    }
}

/// The error code a send records when the customer blocked the bot.
pub const BLOCKED: &str = "403";

fn method_url(base_url: &str, token: &str, method: &str) -> String {
    format!("{}/bot{token}/{method}", base_url.trim_end_matches('/'))
}

/// Calls `method` with `body`; returns its `result`.
pub async fn call(
    client: &reqwest::Client,
    base_url: &str,
    token: &str,
    method: &str,
    body: &Value,
) -> Result<Value, ApiError> {
    let response = client
        .post(method_url(base_url, token, method))
        .json(body)
        .send()
        .await
        .map_err(|e| ApiError::Unreachable(e.without_url().to_string()))?;
    let status = response.status().as_u16();
    let envelope: Value = match response.json().await {
        Ok(envelope) => envelope,
        Err(_) => return Err(ApiError::Unreachable(format!("HTTP {status} without Telegram's answer"))),
    };
    if envelope["ok"].as_bool() == Some(true) {
        return Ok(envelope["result"].clone());
    }
    Err(ApiError::Refused {
        error_code: envelope["error_code"].as_i64().unwrap_or(i64::from(status)),
        description: envelope["description"].as_str().unwrap_or("no description").to_owned(),
        retry_after: envelope["parameters"]["retry_after"].as_u64(),
    })
}

/// The bot behind a token, as `getMe` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotProfile {
    pub id: i64,
    /// Without the `@`.
    pub username: String,
    pub first_name: String,
}

/// Asks Telegram who the bot is: the check that a pasted token works.
pub async fn get_me(client: &reqwest::Client, base_url: &str, token: &str) -> Result<BotProfile, ApiError> {
    let me = call(client, base_url, token, "getMe", &json!({})).await?;
    let missing = || ApiError::Unreachable("getMe described no bot".to_owned());
    Ok(BotProfile {
        id: me["id"].as_i64().ok_or_else(missing)?,
        username: me["username"].as_str().ok_or_else(missing)?.to_owned(),
        first_name: me["first_name"].as_str().unwrap_or_default().to_owned(),
    })
}

/// Points the bot's updates at `url`, signed with `secret_token`.
pub async fn set_webhook(
    client: &reqwest::Client,
    base_url: &str,
    token: &str,
    url: &str,
    secret_token: &str,
) -> Result<(), ApiError> {
    let body = json!({ "url": url, "secret_token": secret_token, "allowed_updates": ALLOWED_UPDATES });
    call(client, base_url, token, "setWebhook", &body).await.map(drop)
}

/// Stops the spinner on the button the customer pressed.
pub async fn answer_callback_query(
    client: &reqwest::Client,
    base_url: &str,
    token: &str,
    callback_query_id: &str,
) -> Result<(), ApiError> {
    call(client, base_url, token, "answerCallbackQuery", &json!({ "callback_query_id": callback_query_id }))
        .await
        .map(drop)
}

/// Where a file Telegram keeps can be downloaded, and its size when Telegram says.
pub async fn get_file(
    client: &reqwest::Client,
    base_url: &str,
    token: &str,
    file_id: &str,
) -> Result<(String, Option<u64>), ApiError> {
    let file = call(client, base_url, token, "getFile", &json!({ "file_id": file_id })).await?;
    let path = file["file_path"].as_str().ok_or_else(|| {
        ApiError::Unreachable("Telegram gave no file path (files over 20 MB cannot be fetched)".into())
    })?;
    Ok((format!("{}/file/bot{token}/{path}", base_url.trim_end_matches('/')), file["file_size"].as_u64()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapter::FailureKind;

    fn refused(error_code: i64, description: &str, retry_after: Option<u64>) -> SendError {
        ApiError::Refused { error_code, description: description.to_owned(), retry_after }.into_send_error()
    }

    #[test]
    fn a_rate_limit_waits_as_long_as_telegram_asks() {
        let error = refused(429, "Too Many Requests: retry after 7", Some(7));
        assert_eq!(error.kind, FailureKind::RateLimited);
        assert_eq!(error.retry_after, Some(Duration::from_secs(7)));
    }

    #[test]
    fn a_blocked_bot_and_a_bad_request_are_final_and_trouble_is_retried() {
        let blocked = refused(403, "Forbidden: bot was blocked by the user", None);
        assert_eq!((blocked.kind, blocked.code.as_deref()), (FailureKind::Permanent, Some(BLOCKED)));
        assert!(blocked.reason.contains("blocked"), "{}", blocked.reason);
        assert_eq!(refused(400, "Bad Request: chat not found", None).kind, FailureKind::Permanent);
        assert_eq!(refused(502, "Bad Gateway", None).kind, FailureKind::Transient);
        assert_eq!(ApiError::Unreachable("timed out".into()).into_send_error().kind, FailureKind::Transient);
    }

    #[test]
    fn a_revoked_token_says_what_to_do() {
        let error = refused(401, "Unauthorized", None);
        assert_eq!(error.kind, FailureKind::Permanent);
        assert!(error.reason.contains("paste the new token"), "{}", error.reason);
    }
}
