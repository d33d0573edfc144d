//! Updates on their way to the bot: each gets the next `update_id` and is recorded byte for
//! byte, then is POSTed as JSON to the webhook (with `X-Telegram-Bot-Api-Secret-Token` when a
//! secret is set), queued for `getUpdates` when there is no webhook, or dropped when
//! `allowed_updates` leaves its type out. Non-2xx answers leave the update pending and become
//! the webhook's `last_error_*`; a new webhook gets the pending updates, in order.

use std::sync::Arc;

use reqwest::header::CONTENT_TYPE;
use serde_json::{Value, json};

use super::objects::now_unix;
use super::updates::{Built, Customer, CustomerAction, UpdateDelivery, build};
use super::world::{BotState, RecordedUpdate};
use crate::errors::EmulatorError;
use crate::server::Shared;
use crate::webhooks::ensure_loopback;

/// The header carrying the webhook's secret token.
pub(crate) const SECRET_HEADER: &str = "X-Telegram-Bot-Api-Secret-Token";

/// Where a recorded update goes.
enum Route {
    Post { url: String, secret: Option<String> },
    Queued,
    Filtered(String),
}

/// An update recorded and ready to go.
struct Prepared {
    update_id: i64,
    message_id: Option<i64>,
    update: Value,
    body: Arc<Vec<u8>>,
    route: Route,
}

fn unknown_bot(token: &str) -> EmulatorError {
    EmulatorError::UnknownAccount(format!("(no bot with token {token})"))
}

/// Records an update of the bot and decides where it goes.
fn record(bot: &mut BotState, update: Value, kind: &str, message_id: Option<i64>, filter: bool) -> Prepared {
    let update_id = update["update_id"].as_i64().unwrap_or_default();
    let body = Arc::new(serde_json::to_vec(&update).unwrap_or_default());
    bot.updates.insert(update_id, RecordedUpdate { body: body.clone() });
    let route = if filter && !bot.allows(kind) {
        Route::Filtered(kind.to_owned())
    } else {
        bot.pending.insert(update_id);
        match &bot.webhook {
            Some((url, secret)) => Route::Post { url: url.clone(), secret: secret.clone() },
            None => Route::Queued,
        }
    };
    Prepared { update_id, message_id, update, body, route }
}

/// The message an update is about: a (new or edited) message, or the one whose button was pressed.
fn message_id_of(update: &Value) -> Option<i64> {
    ["message", "edited_message", "channel_post", "edited_channel_post"]
        .iter()
        .find_map(|kind| update[kind]["message_id"].as_i64())
        .or_else(|| update["callback_query"]["message"]["message_id"].as_i64())
}

fn numbered(bot: &mut BotState, built: Built) -> Prepared {
    let update_id = bot.next_update_id();
    let mut update = json!({ "update_id": update_id });
    update[built.kind] = built.payload;
    record(bot, update, built.kind, built.message_id, true)
}

/// Posts an update's body to the webhook and notes the outcome on the bot.
async fn post(
    shared: &Shared,
    token: &str,
    update_id: i64,
    url: &str,
    secret: Option<&str>,
    body: &[u8],
) -> Result<(u16, String), EmulatorError> {
    ensure_loopback(url).map_err(EmulatorError::Http)?;
    let mut request = shared.http.post(url).header(CONTENT_TYPE, "application/json").body(body.to_vec());
    if let Some(secret) = secret {
        request = request.header(SECRET_HEADER, secret);
    }
    let outcome = match request.send().await {
        Ok(response) => {
            let status = response.status();
            let text = response.text().await.unwrap_or_default();
            Ok((status, text))
        }
        Err(error) => Err(error),
    };
    shared.state.update(|world| {
        let Some(bot) = world.telegram.bots.get_mut(token) else { return };
        let failure = match &outcome {
            Ok((status, _)) if status.is_success() => None,
            Ok((status, _)) => Some(format!(
                "Wrong response from the webhook: {} {}",
                status.as_u16(),
                status.canonical_reason().unwrap_or_default()
            )),
            Err(error) if error.is_connect() => Some("Connection refused".to_owned()),
            Err(error) if error.is_timeout() => Some("Read timeout expired".to_owned()),
            Err(error) => Some(error.to_string()),
        };
        match failure {
            None => {
                bot.pending.remove(&update_id);
            }
            Some(message) => {
                bot.pending.insert(update_id);
                bot.last_error = Some((now_unix(), message));
            }
        }
    });
    match outcome {
        Ok((status, text)) => Ok((status.as_u16(), text)),
        Err(error) => Err(EmulatorError::Http(format!("POST {url}: {error}"))),
    }
}

async fn deliver(shared: &Shared, token: &str, prepared: Prepared) -> Result<UpdateDelivery, EmulatorError> {
    let (status, body) = match &prepared.route {
        Route::Post { url, secret } => {
            post(shared, token, prepared.update_id, url, secret.as_deref(), &prepared.body).await?
        }
        Route::Queued => (0, "queued for getUpdates: the bot has no webhook".to_owned()),
        Route::Filtered(kind) => (0, format!("not delivered: allowed_updates leaves out {kind}")),
    };
    Ok(UpdateDelivery {
        update_id: prepared.update_id,
        message_id: prepared.message_id,
        status,
        body,
        update: prepared.update,
    })
}

/// A customer acts: builds the update(s), records them and delivers them in order; the answer
/// to the last one (the customer's own, after an implicit unblock) is returned.
pub(crate) async fn send_update(
    shared: &Shared,
    token: &str,
    customer: &Customer,
    action: CustomerAction,
) -> Result<UpdateDelivery, EmulatorError> {
    let prepared = shared.state.update(|world| {
        let bot = world.telegram.bots.get_mut(token).ok_or_else(|| unknown_bot(token))?;
        let built = build(bot, customer, action)?;
        Ok::<_, EmulatorError>(built.into_iter().map(|b| numbered(bot, b)).collect::<Vec<_>>())
    })?;
    let mut last = None;
    for update in prepared {
        last = Some(deliver(shared, token, update).await?);
    }
    last.ok_or_else(|| EmulatorError::Invalid("the action made no update".to_owned()))
}

/// Posts arbitrary JSON as an update (given the next `update_id` if it has none), whatever
/// `allowed_updates` says.
pub(crate) async fn send_raw_update(
    shared: &Shared,
    token: &str,
    mut update: Value,
) -> Result<UpdateDelivery, EmulatorError> {
    if !update.is_object() {
        return Err(EmulatorError::Invalid("an update is a JSON object".to_owned()));
    }
    let prepared = shared.state.update(|world| {
        let bot = world.telegram.bots.get_mut(token).ok_or_else(|| unknown_bot(token))?;
        match update["update_id"].as_i64() {
            Some(id) => bot.last_update_id = bot.last_update_id.max(id),
            None => update["update_id"] = json!(bot.next_update_id()),
        }
        let message_id = message_id_of(&update);
        Ok::<_, EmulatorError>(record(bot, update, "", message_id, false))
    })?;
    deliver(shared, token, prepared).await
}

/// Posts a recorded update again, byte for byte, to the current webhook.
pub(crate) async fn redeliver(shared: &Shared, token: &str, update_id: i64) -> Result<UpdateDelivery, EmulatorError> {
    let (recorded, webhook) = shared.state.read(|world| {
        let bot = world.telegram.bots.get(token).ok_or_else(|| unknown_bot(token))?;
        let recorded = bot.updates.get(&update_id).cloned();
        let recorded = recorded.ok_or_else(|| EmulatorError::UnknownMessage(format!("update {update_id}")))?;
        Ok::<_, EmulatorError>((recorded, bot.webhook.clone()))
    })?;
    let (url, secret) = webhook.ok_or_else(|| EmulatorError::Http("the bot has no webhook".to_owned()))?;
    let (status, body) = post(shared, token, update_id, &url, secret.as_deref(), &recorded.body).await?;
    let update: Value = serde_json::from_slice(&recorded.body).unwrap_or_default();
    let message_id = message_id_of(&update);
    Ok(UpdateDelivery { update_id, message_id, status, body, update })
}

/// After `setWebhook`: posts the pending updates in order, stopping at the first refused one.
pub(crate) async fn deliver_pending(shared: Arc<Shared>, token: String) {
    let pending = shared.state.read(|world| {
        let Some(bot) = world.telegram.bots.get(&token) else { return Vec::new() };
        let Some((url, secret)) = bot.webhook.clone() else { return Vec::new() };
        bot.pending
            .iter()
            .filter_map(|id| Some((*id, bot.updates.get(id)?.body.clone(), url.clone(), secret.clone())))
            .collect()
    });
    for (update_id, body, url, secret) in pending {
        match post(&shared, &token, update_id, &url, secret.as_deref(), &body).await {
            Ok((status, _)) if (200..300).contains(&status) => {}
            Ok((status, _)) => {
                tracing::debug!(update_id, status, "telegram emulator: a pending update was refused");
                return;
            }
            Err(error) => {
                tracing::debug!(update_id, %error, "telegram emulator: a pending update was not delivered");
                return;
            }
        }
    }
}
