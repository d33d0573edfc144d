//! Getting updates: `setWebhook` (a loopback URL, a `secret_token` of 1–256 characters from
//! `A-Z a-z 0-9 _ -`, `allowed_updates` kept until given again, `drop_pending_updates`),
//! `deleteWebhook`, `getWebhookInfo` (with the last delivery error) and `getUpdates` (long
//! polling, refused with 409 while a webhook is set).

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::delivery::deliver_pending;
use super::envelope::{BotApiError, MethodResult, ok, ok_described};
use super::params::Params;
use super::routes::with_bot;
use crate::server::Shared;
use crate::webhooks::ensure_loopback;

/// Longest `secret_token`.
const MAX_SECRET: usize = 256;
/// Longest wait of a `getUpdates` long poll here (Telegram allows 50 s too).
const MAX_POLL: Duration = Duration::from_secs(50);

fn check_secret(secret: &str) -> Result<(), BotApiError> {
    if secret.len() > MAX_SECRET {
        return Err(BotApiError::bad_request("secret token is too long"));
    }
    if !secret.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        return Err(BotApiError::bad_request("secret token contains unallowed characters"));
    }
    Ok(())
}

/// `allowed_updates` when given: a JSON array of update type names.
fn allowed_updates(params: &Params) -> Result<Option<Vec<String>>, BotApiError> {
    let invalid = || BotApiError::bad_request("can't parse allowed updates JSON array");
    match params.json("allowed_updates") {
        Ok(None) => Ok(None),
        Ok(Some(Value::Array(kinds))) => kinds
            .iter()
            .map(|kind| kind.as_str().map(str::to_owned).ok_or_else(invalid))
            .collect::<Result<_, _>>()
            .map(Some),
        _ => Err(invalid()),
    }
}

/// `setWebhook`: `true`, "Webhook was set"; an empty `url` deletes the webhook.
pub(crate) fn set_webhook(shared: &Arc<Shared>, token: &str, params: &Params) -> MethodResult {
    let url = params.str("url").unwrap_or_default().trim().to_owned();
    if url.is_empty() {
        return delete_webhook(shared, token, params);
    }
    ensure_loopback(&url).map_err(|e| BotApiError::bad_request(format!("bad webhook: {e}")))?;
    let secret = params.str("secret_token").filter(|secret| !secret.is_empty());
    if let Some(secret) = &secret {
        check_secret(secret)?;
    }
    let allowed = allowed_updates(params)?;
    let drop_pending = params.bool("drop_pending_updates");
    let (already, has_pending) = with_bot(shared, token, |bot| {
        let webhook = Some((url, secret));
        let already = bot.webhook == webhook && allowed.as_ref().is_none_or(|kinds| *kinds == bot.allowed_updates);
        bot.webhook = webhook;
        if let Some(kinds) = allowed {
            bot.allowed_updates = kinds;
        }
        if drop_pending {
            bot.pending.clear();
        }
        Ok((already, !bot.pending.is_empty()))
    })?;
    if has_pending {
        tokio::spawn(deliver_pending(shared.clone(), token.to_owned()));
    }
    let description = if already { "Webhook is already set" } else { "Webhook was set" };
    Ok(ok_described(json!(true), description))
}

/// `deleteWebhook`: `true`, "Webhook was deleted".
pub(crate) fn delete_webhook(shared: &Shared, token: &str, params: &Params) -> MethodResult {
    let drop_pending = params.bool("drop_pending_updates");
    let had_webhook = with_bot(shared, token, |bot| {
        if drop_pending {
            bot.pending.clear();
        }
        Ok(bot.webhook.take().is_some())
    })?;
    let description = if had_webhook { "Webhook was deleted" } else { "Webhook is already deleted" };
    Ok(ok_described(json!(true), description))
}

/// `getWebhookInfo`.
pub(crate) fn get_webhook_info(shared: &Shared, token: &str) -> MethodResult {
    with_bot(shared, token, |bot| {
        let mut info = json!({
            "url": bot.webhook.as_ref().map_or("", |(url, _)| url.as_str()),
            "has_custom_certificate": false,
            "pending_update_count": bot.pending.len(),
        });
        if bot.webhook.is_some() {
            info["max_connections"] = json!(40);
            info["ip_address"] = json!("127.0.0.1");
        }
        if !bot.allowed_updates.is_empty() {
            info["allowed_updates"] = json!(bot.allowed_updates);
        }
        if let Some((date, message)) = &bot.last_error {
            info["last_error_date"] = json!(date);
            info["last_error_message"] = json!(message);
        }
        Ok(ok(info))
    })
}

/// `getUpdates`: confirms the updates before `offset` and returns up to `limit` pending ones,
/// waiting up to `timeout` seconds for one to come.
pub(crate) async fn get_updates(shared: &Shared, token: &str, params: &Params) -> MethodResult {
    let offset = params.i64("offset");
    let limit = params.i64("limit").unwrap_or(100).clamp(1, 100) as usize;
    let timeout = Duration::from_secs(params.i64("timeout").unwrap_or(0).max(0) as u64).min(MAX_POLL);
    with_bot(shared, token, |bot| {
        if bot.webhook.is_some() {
            return Err(BotApiError::conflict(
                "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
            ));
        }
        if let Some(offset) = offset {
            bot.pending.retain(|id| *id >= offset);
        }
        Ok(())
    })?;
    if !timeout.is_zero() {
        shared
            .state
            .wait_until(timeout, |world| {
                world.telegram.bots.get(token).is_none_or(|bot| !bot.pending.is_empty() || bot.webhook.is_some())
            })
            .await;
    }
    with_bot(shared, token, |bot| {
        let updates: Vec<Value> = bot
            .pending
            .iter()
            .filter_map(|id| serde_json::from_slice(&bot.updates.get(id)?.body).ok())
            .take(limit)
            .collect();
        Ok(ok(Value::Array(updates)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_tokens_are_checked() {
        assert!(check_secret("abc-DEF_123").is_ok());
        assert_eq!(
            check_secret("a:b").unwrap_err().description,
            "Bad Request: secret token contains unallowed characters"
        );
        assert!(check_secret(&"a".repeat(257)).is_err());
    }
}
