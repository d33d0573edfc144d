//! What follows a message the Send API accepted, each step after `callback_delay`: its echo
//! (`is_echo`, sent by the account, with the app's `app_id`), then on Messenger a delivery
//! receipt and on both platforms a read receipt, all signed with the account's app secret.

use std::sync::Arc;

use super::messaging_clock::now_millis;
use super::messaging_envelope::encode;
use super::messaging_payload::{delivery_event, read_event, send_echo};
use super::messaging_types::MessagingPlatform;
use super::webhook_delivery::{post, record};
use super::world::{MetaWorld, RecordedWebhook};
use crate::server::Shared;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Echo,
    Delivery,
    Read,
}

fn steps(platform: MessagingPlatform) -> &'static [Step] {
    match platform {
        MessagingPlatform::Messenger => &[Step::Echo, Step::Delivery, Step::Read],
        MessagingPlatform::Instagram => &[Step::Echo, Step::Read],
    }
}

/// Plays what follows the acceptance of `mid`, in the background.
pub(crate) fn spawn(shared: Arc<Shared>, mid: String) {
    tokio::spawn(async move { run(&shared, &mid).await });
}

async fn run(shared: &Shared, mid: &str) {
    let platform = shared.state.read(|world| {
        let sent = world.meta.messaging.sent.iter().find(|s| s.mid == mid)?;
        world.meta.messaging.accounts.get(&sent.account_id).map(|a| a.platform)
    });
    let Some(platform) = platform else { return };
    for &step in steps(platform) {
        tokio::time::sleep(shared.config.callback_delay).await;
        let Some(webhook) = shared.state.read(|world| webhook(&world.meta, mid, step)) else { continue };
        match post(&shared.http, &webhook).await {
            Ok(answer) if (200..300).contains(&answer.status) => {}
            Ok(answer) => tracing::debug!(mid, ?step, answer = answer.status, "messaging webhook not accepted"),
            Err(error) => tracing::warn!(mid, ?step, %error, "messaging webhook failed"),
        }
    }
}

fn webhook(meta: &MetaWorld, mid: &str, step: Step) -> Option<RecordedWebhook> {
    let sent = meta.messaging.sent.iter().find(|s| s.mid == mid)?;
    let account = meta.messaging.accounts.get(&sent.account_id)?;
    let (account_id, person) = (sent.account_id.as_str(), sent.recipient_id.as_str());
    let now = now_millis();
    let event = match step {
        Step::Echo => send_echo(account_id, person, mid, &sent.request, account.app_id, now),
        Step::Delivery => delivery_event(account_id, person, mid, now),
        Step::Read => read_event(account.platform, account_id, person, mid, now),
    };
    let body = encode(account.platform, account_id, now, event);
    Some(record(&account.webhook_url, body, &account.app_secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_messenger_reports_deliveries() {
        assert_eq!(steps(MessagingPlatform::Messenger), [Step::Echo, Step::Delivery, Step::Read]);
        assert_eq!(steps(MessagingPlatform::Instagram), [Step::Echo, Step::Read]);
    }
}
