//! [`MetaEmulator`]'s side of the Messenger Platform (Facebook Messenger and Instagram
//! messaging): registers Pages and Instagram accounts, plays the person's side of their
//! conversations, and shows what the Send API accepted.

use std::time::Duration;

use super::handle::MetaEmulator;
use super::messaging_clock::now_millis;
use super::messaging_ids::new_app_id;
use super::messaging_inbound;
use super::messaging_types::{MessagingInbound, MessagingPlatform, MessagingSent};
use super::messaging_world::MessagingAccount;
use super::types::MetaDelivery;
use crate::errors::EmulatorError;

impl MetaEmulator {
    /// A Facebook Page (Messenger) or an Instagram professional account: its id, the page access
    /// token that may send as it, the app secret its webhooks are signed with, and where they go.
    /// Registering an id again replaces all but the app id its echoes carry.
    pub fn add_messaging_account(
        &self,
        platform: MessagingPlatform,
        account_id: &str,
        page_access_token: &str,
        app_secret: &str,
        webhook_url: &str,
    ) {
        self.shared.state.update(|world| {
            let accounts = &mut world.meta.messaging.accounts;
            let app_id = accounts.get(account_id).map_or_else(new_app_id, |a| a.app_id);
            let account = MessagingAccount {
                platform,
                page_access_token: page_access_token.to_owned(),
                app_secret: app_secret.to_owned(),
                webhook_url: webhook_url.to_owned(),
                app_id,
            };
            accounts.insert(account_id.to_owned(), account);
        });
    }

    /// A person (PSID for Messenger, IGSID for Instagram) acts in a conversation with the
    /// account: builds the webhook as Meta documents it (`object` `page` or `instagram`,
    /// `entry[].messaging[]`), signs it with X-Hub-Signature-256 over the exact bytes, POSTs it
    /// and returns what our server answered, with `wamid` holding the message's mid (for
    /// reactions, echoes and reads, the mid they are about). Anything but a reaction, echo or
    /// read opens the 24-hour window for that person. The account must be registered on
    /// `inbound.platform`.
    pub async fn send_messaging_inbound(&self, inbound: MessagingInbound) -> Result<MetaDelivery, EmulatorError> {
        messaging_inbound::send(&self.shared, inbound).await
    }

    /// Every message sent through the Send API and accepted, in order.
    pub fn messaging_sent(&self) -> Vec<MessagingSent> {
        self.shared.state.read(|world| world.meta.messaging.sent.clone())
    }

    /// Waits (event-driven) until at least `count` messages were accepted, or the timeout
    /// passes; then returns what there is.
    pub async fn wait_for_messaging_sent(&self, count: usize, timeout: Duration) -> Vec<MessagingSent> {
        self.shared.state.wait_until(timeout, |world| world.meta.messaging.sent.len() >= count).await;
        self.messaging_sent()
    }

    /// Pretends the person last wrote to the account `hours_ago` hours ago, so the 24-hour
    /// window closed `hours_ago - 24` hours ago (for tests of the `HUMAN_AGENT` tag); 0 reopens
    /// it. Also makes the person known to the account.
    pub fn set_last_user_message_hours_ago(&self, account_id: &str, person_id: &str, hours_ago: u32) {
        let at = now_millis().saturating_sub(u64::from(hours_ago) * 60 * 60 * 1000);
        self.shared.state.update(|world| {
            let key = (account_id.to_owned(), person_id.to_owned());
            world.meta.messaging.last_user_message.insert(key, at);
        });
    }
}
