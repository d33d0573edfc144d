//! [`MetaEmulator`]: the Rust API tests and the demo use to set up WhatsApp Business Accounts,
//! play the customer's side, inject failures and await what our server did.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::ids::new_object_id;
use super::types::{MetaDelivery, MetaTemplate, WhatsappInbound, WhatsappSent};
use super::webhook_delivery;
use super::world::{BusinessAccount, InjectedFailure, PhoneNumber, StoredMedia, StoredTemplate};
use crate::errors::EmulatorError;
use crate::server::Shared;

/// The Meta (WhatsApp Cloud API) side of a running emulator; cheap to clone, shares the
/// server's state. Its Graph base URL is the emulator's `base_url()`.
#[derive(Clone)]
pub struct MetaEmulator {
    pub(super) shared: Arc<Shared>,
}

impl std::fmt::Debug for MetaEmulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetaEmulator").field("base_url", &self.shared.base_url).finish()
    }
}

/// A WhatsApp id as the API keys recipients: digits, without a leading `+`.
fn wa_id(to: &str) -> String {
    to.trim().trim_start_matches('+').to_owned()
}

impl MetaEmulator {
    pub(crate) fn from_shared(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// Base URL to use instead of `https://graph.facebook.com`.
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// Registers a WhatsApp Business Account: the access token allowed to use it (Bearer) and
    /// the app secret its webhooks are signed with (X-Hub-Signature-256).
    pub fn add_business_account(&self, waba_id: &str, access_token: &str, app_secret: &str) {
        self.shared.state.update(|world| {
            let account = world.meta.accounts.entry(waba_id.to_owned()).or_insert_with(|| BusinessAccount {
                access_token: String::new(),
                app_secret: String::new(),
                templates: Vec::new(),
                subscribed: false,
            });
            account.access_token = access_token.to_owned();
            account.app_secret = app_secret.to_owned();
        });
    }

    /// Registers one of the account's phone numbers and the URL Meta POSTs its webhooks to.
    /// `display_phone_number` is E.164 without `+`, as Meta writes it in metadata.
    pub fn add_phone_number(
        &self,
        waba_id: &str,
        phone_number_id: &str,
        display_phone_number: &str,
        webhook_url: &str,
    ) {
        self.shared.state.update(|world| {
            let verified_name = world.meta.numbers.get(phone_number_id).and_then(|n| n.verified_name.clone());
            let number = PhoneNumber {
                waba_id: waba_id.to_owned(),
                display_phone_number: display_phone_number.trim_start_matches('+').to_owned(),
                webhook_url: webhook_url.to_owned(),
                verified_name,
            };
            world.meta.numbers.insert(phone_number_id.to_owned(), number)
        });
    }

    /// Sets the business name `GET /{waba_id}/phone_numbers` shows for a number registered with
    /// `add_phone_number` (`Test Business` until set). Does nothing for an unknown number.
    pub fn set_verified_name(&self, phone_number_id: &str, verified_name: &str) {
        self.shared.state.update(|world| {
            if let Some(number) = world.meta.numbers.get_mut(phone_number_id) {
                number.verified_name = Some(verified_name.to_owned());
            }
        });
    }

    /// Adds a message template to the account (listed by `GET /{waba_id}/message_templates`).
    /// Does nothing if the account is not registered.
    pub fn add_template(&self, waba_id: &str, template: MetaTemplate) {
        self.shared.state.update(|world| {
            if let Some(account) = world.meta.accounts.get_mut(waba_id) {
                account.templates.push(StoredTemplate { id: new_object_id(), template });
            }
        });
    }

    /// A customer's WhatsApp sends this to one of our numbers: builds Meta's webhook JSON,
    /// signs it, POSTs it to the number's webhook URL and returns what our server answered.
    /// Also opens the 24-hour customer-service window for (phone_number_id, from).
    pub async fn send_inbound(&self, inbound: WhatsappInbound) -> Result<MetaDelivery, EmulatorError> {
        webhook_delivery::send_inbound(&self.shared, inbound).await
    }

    /// Re-POSTs the last webhook about `wamid` (an inbound message, or the latest status of
    /// one of ours) byte for byte, same signature: what Meta does when we answered late.
    pub async fn redeliver(&self, wamid: &str) -> Result<MetaDelivery, EmulatorError> {
        webhook_delivery::redeliver(&self.shared, wamid).await
    }

    /// POSTs an arbitrary JSON body, signed with the app secret of the account owning
    /// `phone_number_id`, to that number's webhook URL.
    pub async fn post_signed(&self, phone_number_id: &str, body: Value) -> Result<MetaDelivery, EmulatorError> {
        webhook_delivery::post_signed(&self.shared, phone_number_id, body).await
    }

    /// Every message our side sent through `POST /{phone_number_id}/messages` and was accepted, in order.
    pub fn sent(&self) -> Vec<WhatsappSent> {
        self.shared.state.read(|world| world.meta.sent.clone())
    }

    /// Waits (event-driven) until at least `count` messages were accepted, or the timeout
    /// passes; then returns what there is.
    pub async fn wait_for_sent(&self, count: usize, timeout: Duration) -> Vec<WhatsappSent> {
        self.shared.state.wait_until(timeout, |world| world.meta.sent.len() >= count).await;
        self.sent()
    }

    /// Waits until the status webhook for `wamid` reporting `status` (`sent`, `delivered`,
    /// `read`, `failed`) was answered with a 2xx. Returns false on timeout.
    pub async fn wait_for_status(&self, wamid: &str, status: &str, timeout: Duration) -> bool {
        let key = (wamid.to_owned(), status.to_owned());
        self.shared.state.wait_until(timeout, |world| world.meta.answered_statuses.contains(&key)).await
    }

    /// Makes the next `times` sends to `to` (wa_id digits) fail at the API with this Graph
    /// error code, with Meta's HTTP status and error body; `times == 0` clears it.
    pub fn fail_api(&self, to: &str, code: u32, times: u32) {
        self.shared.state.update(|world| {
            if times == 0 {
                world.meta.api_failures.remove(&wa_id(to));
            } else {
                world.meta.api_failures.insert(wa_id(to), InjectedFailure { code, remaining: times });
            }
        });
    }

    /// Makes sends to `to` be accepted, then end with a `failed` status webhook carrying this
    /// error code (e.g. 131026, 131049).
    pub fn fail_delivery(&self, to: &str, code: u32) {
        self.shared.state.update(|world| world.meta.delivery_failures.insert(wa_id(to), code));
    }

    /// Stores media: what `GET /{media_id}` describes and its download URL serves.
    pub fn add_media(&self, media_id: &str, mime_type: &str, bytes: Vec<u8>) {
        let media = StoredMedia { mime_type: mime_type.to_owned(), bytes };
        self.shared.state.update(|world| world.meta.media.insert(media_id.to_owned(), media));
    }

    /// Limits the messages a phone number may have accepted per second; beyond it the API
    /// answers 130429. Zero removes the limit (the default).
    pub fn set_rate_limit(&self, phone_number_id: &str, per_second: u32) {
        self.shared.state.update(|world| {
            if per_second == 0 {
                world.meta.rate_limits.remove(phone_number_id);
                world.meta.recent_accepts.remove(phone_number_id);
            } else {
                world.meta.rate_limits.insert(phone_number_id.to_owned(), per_second);
            }
        });
    }

    /// Whether `POST /{waba_id}/subscribed_apps` was called for this account.
    pub fn is_subscribed(&self, waba_id: &str) -> bool {
        self.shared.state.read(|world| world.meta.accounts.get(waba_id).is_some_and(|a| a.subscribed))
    }
}
