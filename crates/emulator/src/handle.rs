//! [`EmulatorHandle`]: the Rust API tests and the demo use to set the emulator up, play
//! the customer's side, inject failures and await what our server did (Twilio's side here,
//! Meta's through [`EmulatorHandle::meta`]).

use std::sync::Arc;
use std::time::Duration;

use crate::server::Shared;
use crate::state::{ApiFailure, Number};
use crate::{EmulatorError, InboundDelivery, InboundRequest, SentMessage, webhooks};

/// A running emulator; cheap to clone, all clones drive the same one.
#[derive(Clone)]
pub struct EmulatorHandle {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for EmulatorHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorHandle").field("base_url", &self.shared.base_url).finish()
    }
}

impl EmulatorHandle {
    pub(crate) fn from_shared(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// Base URL to use instead of `https://api.twilio.com`, e.g. `http://127.0.0.1:43125`.
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// The Meta (WhatsApp Cloud API) side of this emulator, on the same server and base URL.
    pub fn meta(&self) -> crate::meta::MetaEmulator {
        crate::meta::MetaEmulator::from_shared(self.shared.clone())
    }

    /// The SendGrid (email) side of this emulator, on the same server and base URL.
    pub fn sendgrid(&self) -> crate::sendgrid::SendgridEmulator {
        crate::sendgrid::SendgridEmulator::from_shared(self.shared.clone())
    }

    /// The Amazon SES (and SNS) side of this emulator, on the same server and base URL.
    pub fn ses(&self) -> crate::ses::SesEmulator {
        crate::ses::SesEmulator::from_shared(self.shared.clone())
    }

    /// The Telegram Bot API side of this emulator, on the same server and base URL.
    pub fn telegram(&self) -> crate::telegram::TelegramEmulator {
        crate::telegram::TelegramEmulator::from_shared(self.shared.clone())
    }

    /// Registers an account and its auth token (HTTP Basic password and signing key).
    pub fn add_account(&self, account_sid: &str, auth_token: &str) {
        self.shared.state.update(|w| w.accounts.insert(account_sid.to_owned(), auth_token.to_owned()));
    }

    /// Registers a phone number (or "whatsapp:+E164" address) owned by an account, and the
    /// URL Twilio would POST incoming messages to (the number's "A message comes in" webhook).
    pub fn add_number(&self, account_sid: &str, address: &str, incoming_webhook_url: &str) {
        let number = Number { account_sid: account_sid.to_owned(), webhook_url: incoming_webhook_url.to_owned() };
        self.shared.state.update(|w| w.numbers.insert(address.to_owned(), number));
    }

    /// A customer's phone sends a message to one of our numbers: builds Twilio's inbound
    /// webhook form, signs it with the account's auth token (X-Twilio-Signature), POSTs it
    /// to the number's webhook URL, and returns what our server answered.
    pub async fn send_inbound(&self, msg: InboundRequest) -> Result<InboundDelivery, EmulatorError> {
        webhooks::send_inbound(&self.shared, msg).await
    }

    /// Re-POSTs a previously delivered inbound webhook byte-for-byte (same MessageSid, same
    /// signature, same idempotency token): what Twilio does when our server did not answer in time.
    pub async fn redeliver(&self, message_sid: &str) -> Result<InboundDelivery, EmulatorError> {
        webhooks::redeliver(&self.shared, message_sid).await
    }

    /// Every message our side created through the Messages API, in order.
    pub fn sent_messages(&self) -> Vec<SentMessage> {
        self.shared.state.read(|w| w.messages.iter().map(|r| r.message.clone()).collect())
    }

    /// The message created with this sid, in its current state.
    pub fn sent_message(&self, sid: &str) -> Option<SentMessage> {
        self.shared.state.read(|w| w.message(sid).map(|r| r.message.clone()))
    }

    /// Waits (event-driven) until at least `count` messages were created through the API,
    /// or the timeout passes; then returns what there is.
    pub async fn wait_for_sent(&self, count: usize, timeout: Duration) -> Vec<SentMessage> {
        self.shared.state.wait_until(timeout, |w| w.messages.len() >= count).await;
        self.sent_messages()
    }

    /// Waits until the status callback for `message_sid` reporting `status` has been
    /// answered by our server with a 2xx. Returns false on timeout.
    pub async fn wait_for_callback(&self, message_sid: &str, status: &str, timeout: Duration) -> bool {
        let key = (message_sid.to_owned(), status.to_owned());
        self.shared.state.wait_until(timeout, |w| w.answered_callbacks.contains(&key)).await
    }

    /// Makes the next `times` sends to `to` fail at the API with this HTTP status and
    /// Twilio error code (e.g. 429/20429, 500/20500, 400/21211).
    pub fn fail_api(&self, to: &str, http_status: u16, code: u32, times: u32) {
        self.shared.state.update(|w| {
            if times == 0 {
                w.api_failures.remove(to);
            } else {
                let failure = ApiFailure { http_status, code, remaining: times };
                w.api_failures.insert(to.to_owned(), failure);
            }
        });
    }

    /// Makes sends to `to` be accepted but then end as "undelivered" (SMS) or "failed"
    /// (WhatsApp) with this error code (e.g. 30003, 30008, 63016).
    pub fn fail_delivery(&self, to: &str, error_code: u32) {
        self.shared.state.update(|w| w.delivery_failures.insert(to.to_owned(), error_code));
    }

    /// Stops serving (requests in flight are let finish).
    pub fn shutdown(&self) {
        self.shared.shutdown.send_replace(true);
    }

    /// Waits until the server stopped serving after [`Self::shutdown`]; false on timeout.
    pub async fn wait_stopped(&self, timeout: Duration) -> bool {
        let mut stopped = self.shared.stopped.subscribe();
        tokio::time::timeout(timeout, stopped.wait_for(|s| *s)).await.is_ok_and(|r| r.is_ok())
    }
}
