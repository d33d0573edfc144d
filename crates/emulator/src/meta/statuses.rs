//! The life of an accepted message: after `callback_delay` per step, a signed status webhook
//! `sent`, `delivered`, then `read` (reactions only get `sent`, as Meta documents), or a
//! single `failed` with the error code set by `fail_delivery`. Each step updates the sent
//! message and records whether our server answered 2xx.

use std::sync::Arc;

use super::ids::new_conversation_id;
use super::status_payload::{Billing, StatusUpdate, status_body};
use super::webhook_delivery::{post, record};
use super::webhook_envelope::Business;
use super::world::{Conversation, MetaWorld, RecordedWebhook, SERVICE_WINDOW};
use crate::clock::now_unix;
use crate::server::Shared;

/// Plays the life of message `wamid` in the background.
pub(crate) fn spawn_lifecycle(shared: Arc<Shared>, wamid: String) {
    tokio::spawn(async move { run(&shared, &wamid).await });
}

/// The statuses a message of this type goes through.
fn steps(message_type: &str, failure: Option<u32>) -> &'static [&'static str] {
    match (failure, message_type) {
        (Some(_), _) => &["failed"],
        (None, "reaction") => &["sent"],
        (None, _) => &["sent", "delivered", "read"],
    }
}

async fn run(shared: &Shared, wamid: &str) {
    let plan = shared.state.read(|world| {
        let sent = world.meta.sent_message(wamid)?;
        let message_type = sent.request["type"].as_str().unwrap_or("text").to_owned();
        Some((message_type, world.meta.delivery_failures.get(&sent.to).copied()))
    });
    let Some((message_type, failure)) = plan else { return };

    for &status in steps(&message_type, failure) {
        tokio::time::sleep(shared.config.callback_delay).await;
        let Some(webhook) = shared.state.update(|world| advance(&mut world.meta, wamid, status, failure)) else {
            continue;
        };
        match post(&shared.http, &webhook).await {
            Ok(answer) if (200..300).contains(&answer.status) => {
                shared.state.update(|world| world.meta.answered_statuses.insert((wamid.to_owned(), status.to_owned())));
            }
            Ok(answer) => tracing::debug!(wamid, status, answer = answer.status, "status webhook not accepted"),
            Err(error) => tracing::warn!(wamid, status, %error, "status webhook failed"),
        }
    }
}

/// The open conversation for this customer and category, opened now if there is none.
fn conversation(meta: &mut MetaWorld, phone_number_id: &str, wa_id: &str, category: &str, now: u64) -> Conversation {
    let key = (phone_number_id.to_owned(), wa_id.to_owned(), category.to_owned());
    let open = meta.conversations.get(&key).filter(|c| c.expires_at > now).cloned();
    open.unwrap_or_else(|| {
        let opened = Conversation { id: new_conversation_id(), expires_at: now + SERVICE_WINDOW.as_secs() };
        meta.conversations.insert(key, opened.clone());
        opened
    })
}

/// Moves message `wamid` to `status` and builds its signed status webhook.
fn advance(meta: &mut MetaWorld, wamid: &str, status: &str, failure: Option<u32>) -> Option<RecordedWebhook> {
    let sent = meta.sent_mut(wamid)?;
    sent.status = status.to_owned();
    let (phone_number_id, to) = (sent.phone_number_id.clone(), sent.to.clone());
    let number = meta.numbers.get(&phone_number_id)?.clone();
    let app_secret = meta.accounts.get(&number.waba_id)?.app_secret.clone();
    let category = meta.categories.get(wamid).cloned().unwrap_or_else(|| "service".to_owned());
    let now = now_unix();
    let open =
        matches!(status, "sent" | "delivered").then(|| conversation(meta, &phone_number_id, &to, &category, now));

    let update = StatusUpdate {
        wamid,
        status,
        timestamp: now,
        recipient_id: &to,
        billing: open.as_ref().map(|c| Billing {
            conversation_id: &c.id,
            expires_at: c.expires_at,
            category: &category,
        }),
        error_code: failure.filter(|_| status == "failed"),
    };
    let business = Business {
        waba_id: &number.waba_id,
        phone_number_id: &phone_number_id,
        display_phone_number: &number.display_phone_number,
    };
    let webhook = record(&number.webhook_url, status_body(business, &update), &app_secret);
    meta.webhooks.insert(wamid.to_owned(), webhook.clone());
    Some(webhook)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_read_reactions_only_sent_and_failures_fail_at_once() {
        assert_eq!(steps("text", None), ["sent", "delivered", "read"]);
        assert_eq!(steps("template", None), ["sent", "delivered", "read"]);
        assert_eq!(steps("reaction", None), ["sent"]);
        assert_eq!(steps("text", Some(131026)), ["failed"]);
    }
}
