//! What the Messenger Platform part knows: Facebook Pages and Instagram accounts, when each
//! person last wrote to each (the 24-hour standard messaging window and the 7-day window of
//! the `HUMAN_AGENT` tag), and what the Send API accepted.

use std::collections::HashMap;

use super::messaging_types::{MessagingPlatform, MessagingSent};
use super::page_world::PageProfile;

/// The standard messaging window, in milliseconds.
pub(crate) const STANDARD_WINDOW_MS: u64 = 24 * 60 * 60 * 1000;
/// How long after the person's last message the `HUMAN_AGENT` tag still lets a message out.
pub(crate) const HUMAN_AGENT_WINDOW_MS: u64 = 7 * STANDARD_WINDOW_MS;

/// A Facebook Page or Instagram professional account.
#[derive(Clone, Debug)]
pub(crate) struct MessagingAccount {
    pub platform: MessagingPlatform,
    pub page_access_token: String,
    pub app_secret: String,
    pub webhook_url: String,
    /// The Meta app whose sends are echoed with this `app_id`.
    pub app_id: u64,
}

/// Everything the Messenger Platform part knows.
#[derive(Default)]
pub(crate) struct MessagingWorld {
    /// Page id or Instagram account id → account.
    pub accounts: HashMap<String, MessagingAccount>,
    /// (account id, PSID/IGSID) → Unix milliseconds of the person's last message.
    pub last_user_message: HashMap<(String, String), u64>,
    /// Messages the Send API accepted, in order.
    pub sent: Vec<MessagingSent>,
    /// Page id → what Facebook Login shows of the Page (name, linked Instagram account, webhook fields).
    pub pages: HashMap<String, PageProfile>,
}

impl MessagingWorld {
    /// The account a page access token sends as when the request says `me`: the Page itself,
    /// though the same token also sends as the Page's linked Instagram account.
    pub fn account_for_token(&self, token: &str) -> Option<(&str, &MessagingAccount)> {
        let mut owned: Vec<(&String, &MessagingAccount)> =
            self.accounts.iter().filter(|(_, account)| account.page_access_token == token).collect();
        owned.sort_by_key(|(id, account)| (account.platform != MessagingPlatform::Messenger, id.as_str()));
        owned.first().map(|(id, account)| (id.as_str(), *account))
    }

    /// The account named in the path, when the token may send as it.
    pub fn account_with_token(&self, account_id: &str, token: &str) -> Option<(&str, &MessagingAccount)> {
        self.accounts
            .get_key_value(account_id)
            .filter(|(_, account)| account.page_access_token == token)
            .map(|(id, account)| (id.as_str(), account))
    }

    /// How long ago (ms) the person last wrote to the account, if they ever did.
    pub fn since_last_user_message(&self, account_id: &str, person_id: &str, now_ms: u64) -> Option<u64> {
        let key = (account_id.to_owned(), person_id.to_owned());
        self.last_user_message.get(&key).map(|at| now_ms.saturating_sub(*at))
    }
}
