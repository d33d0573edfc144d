//! [`SendgridEmulator`]: the Rust API tests and the demo use to set up API keys and parse
//! routes, play a customer's email and their reactions, make recipients bounce and await what
//! our server did.

use std::sync::Arc;
use std::time::Duration;

use super::event_webhook;
use super::inbound_parse::{self, InboundEmailDelivery};
use super::world::{ApiKey, ParseRoute, SentEmail};
use crate::customer_email::InboundEmail;
use crate::errors::EmulatorError;
use crate::server::Shared;

/// The SendGrid side of a running emulator; cheap to clone. Its API base URL is the
/// emulator's `base_url()`.
#[derive(Clone)]
pub struct SendgridEmulator {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for SendgridEmulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SendgridEmulator").field("base_url", &self.shared.base_url).finish()
    }
}

impl SendgridEmulator {
    pub(crate) fn from_shared(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// Base URL to use instead of `https://api.sendgrid.com`.
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// Registers an API key and where the account's signed Event Webhook posts (none: off).
    pub fn add_api_key(&self, api_key: &str, event_webhook_url: Option<&str>) {
        let key = ApiKey { event_webhook_url: event_webhook_url.map(str::to_owned) };
        self.shared.state.update(|w| w.sendgrid.api_keys.insert(api_key.to_owned(), key));
    }

    /// The Event Webhook's verification key, base64 DER, as SendGrid's settings show it.
    pub fn verification_key(&self) -> String {
        self.shared.state.read(|w| w.sendgrid.verification_key.clone())
    }

    /// Sets the Inbound Parse URL of a receiving domain; `raw` posts the full MIME message.
    pub fn add_parse_route(&self, domain: &str, url: &str, raw: bool) {
        let route = ParseRoute { url: url.to_owned(), raw };
        self.shared.state.update(|w| w.sendgrid.parse_routes.insert(domain.to_ascii_lowercase(), route));
    }

    /// A customer sends an email: posts it to the parse route of its domain.
    pub async fn send_inbound(&self, email: InboundEmail) -> Result<InboundEmailDelivery, EmulatorError> {
        inbound_parse::send(&self.shared, email).await
    }

    /// Makes the recipient's mail server bounce what is sent to them, with this reason.
    pub fn bounce(&self, recipient: &str, reason: &str) {
        self.shared.state.update(|w| w.sendgrid.bounces.insert(recipient.to_ascii_lowercase(), reason.to_owned()));
    }

    /// The recipient of a sent email does something SendGrid reports: `open`, `click`,
    /// `spamreport`, `unsubscribe`. Returns our server's HTTP status.
    pub async fn recipient_event(&self, x_message_id: &str, event: &str) -> Result<u16, EmulatorError> {
        let found = self.shared.state.read(|w| {
            let sent = w.sendgrid.sent.iter().find(|s| s.x_message_id == x_message_id)?;
            Some((sent.api_key.clone(), sent.to.first()?.clone(), sent.headers.get("Message-ID").cloned()))
        });
        let (api_key, to, smtp_id) = found.ok_or_else(|| EmulatorError::UnknownMessage(x_message_id.to_owned()))?;
        let events = vec![event_webhook::event(x_message_id, &to, smtp_id.as_deref(), event)];
        event_webhook::post(&self.shared, &api_key, events).await.map_err(EmulatorError::Http)
    }

    /// Every email our side sent through Mail Send, in order.
    pub fn sent_emails(&self) -> Vec<SentEmail> {
        self.shared.state.read(|w| w.sendgrid.sent.clone())
    }

    /// Waits (event-driven) until at least `count` emails were sent, or the timeout passes.
    pub async fn wait_for_sent(&self, count: usize, timeout: Duration) -> Vec<SentEmail> {
        self.shared.state.wait_until(timeout, |w| w.sendgrid.sent.len() >= count).await;
        self.sent_emails()
    }

    /// Waits until our server answered the Event Webhook's `event` for the email with a 2xx.
    pub async fn wait_for_event(&self, x_message_id: &str, event: &str, timeout: Duration) -> bool {
        let key = (x_message_id.to_owned(), event.to_owned());
        self.shared.state.wait_until(timeout, |w| w.sendgrid.answered_events.contains(&key)).await
    }
}
