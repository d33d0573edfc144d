//! A person's side of a Messenger or Instagram conversation: builds the webhook for what they
//! did, signs it with the account's app secret, POSTs it to the account's webhook URL, and
//! opens the standard messaging window for them when they wrote (not for reactions, reads or
//! echoes).

use super::messaging_clock::now_millis;
use super::messaging_envelope::encode;
use super::messaging_ids::new_mid;
use super::messaging_payload::{event_mid, person_event};
use super::messaging_types::{MessagingContent, MessagingInbound};
use super::types::MetaDelivery;
use super::webhook_delivery::{post, record};
use crate::errors::EmulatorError;
use crate::server::Shared;

/// Whether the content is the person writing (which opens the window) and has a new mid.
fn is_new_message(content: &MessagingContent) -> bool {
    !matches!(
        content,
        MessagingContent::Reaction { .. } | MessagingContent::Echo { .. } | MessagingContent::Read { .. }
    )
}

/// See `MetaEmulator::send_messaging_inbound`.
pub(crate) async fn send(shared: &Shared, inbound: MessagingInbound) -> Result<MetaDelivery, EmulatorError> {
    let (mid, webhook) = shared.state.update(|world| {
        let meta = &mut world.meta;
        let account = meta
            .messaging
            .accounts
            .get(&inbound.account_id)
            .filter(|account| account.platform == inbound.platform)
            .ok_or_else(|| EmulatorError::UnknownAccount(inbound.account_id.clone()))?;
        let now = now_millis();
        let fresh = new_mid(inbound.platform, &inbound.account_id);
        let event = person_event(
            inbound.platform,
            &inbound.account_id,
            &inbound.sender_id,
            &inbound.content,
            &fresh,
            account.app_id,
            now,
        );
        let body = encode(inbound.platform, &inbound.account_id, now, event);
        let webhook = record(&account.webhook_url, body, &account.app_secret);
        let mid = event_mid(&inbound.content, &fresh);
        if is_new_message(&inbound.content) {
            let key = (inbound.account_id.clone(), inbound.sender_id.clone());
            meta.messaging.last_user_message.insert(key, now);
            meta.webhooks.insert(mid.clone(), webhook.clone());
        }
        Ok::<_, EmulatorError>((mid, webhook))
    })?;
    let answer = post(&shared.http, &webhook).await.map_err(EmulatorError::Http)?;
    Ok(MetaDelivery { wamid: Some(mid), status: answer.status, body: answer.body })
}
