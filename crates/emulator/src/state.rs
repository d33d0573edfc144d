//! The emulator's in-memory world (accounts, numbers, messages, opt-outs, injected
//! failures, and the Meta, SendGrid, SES and Telegram parts' own worlds) behind one lock,
//! plus an event counter that waiters watch so tests can await changes without polling.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::watch;

use crate::SentMessage;

/// One of our numbers (or WhatsApp senders) and where its incoming messages go.
#[derive(Clone, Debug)]
pub(crate) struct Number {
    pub account_sid: String,
    pub webhook_url: String,
}

/// A created message with the resource fields that [`SentMessage`] does not carry.
#[derive(Clone, Debug)]
pub(crate) struct MessageRecord {
    pub message: SentMessage,
    pub date_created: String,
    pub date_updated: String,
    pub date_sent: Option<String>,
    pub messaging_service_sid: Option<String>,
    pub error_message: Option<String>,
}

/// Failures injected with `fail_api` for one recipient.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ApiFailure {
    pub http_status: u16,
    pub code: u32,
    pub remaining: u32,
}

/// An inbound webhook exactly as it was first POSTed, kept for redelivery.
#[derive(Clone, Debug)]
pub(crate) struct RecordedDelivery {
    pub url: String,
    pub body: String,
    pub signature: String,
    pub idempotency_token: String,
}

/// One line of the customers' phones' history, in the order things happened.
#[derive(Clone, Debug)]
pub(crate) enum PhoneEvent {
    /// A customer sent this to one of our numbers.
    Sent { from: String, to: String, body: String },
    /// Our side sent the message with this sid to a customer (see `messages`).
    Received { sid: String },
}

/// Everything the emulator knows.
#[derive(Default)]
pub(crate) struct World {
    /// AccountSid → AuthToken.
    pub accounts: HashMap<String, String>,
    /// Address (`+1…` or `whatsapp:+1…`) → number.
    pub numbers: HashMap<String, Number>,
    /// Messages created through the API, in creation order.
    pub messages: Vec<MessageRecord>,
    /// Inbound webhooks delivered, by MessageSid.
    pub inbound: HashMap<String, RecordedDelivery>,
    /// What customers' phones sent and received, in order, for the phone page.
    pub phone_log: Vec<PhoneEvent>,
    /// Texts the phone page sent to Facebook Pages and Instagram accounts, in order.
    pub person_texts: Vec<crate::phone_texts::PersonText>,
    /// Recipient → injected API failure.
    pub api_failures: HashMap<String, ApiFailure>,
    /// Recipient → delivery error code.
    pub delivery_failures: HashMap<String, u32>,
    /// (customer, our number) pairs where the customer opted out with STOP.
    pub opted_out: HashSet<(String, String)>,
    /// (MessageSid, status) of status callbacks our server answered with 2xx.
    pub answered_callbacks: HashSet<(String, String)>,
    /// The Meta (WhatsApp Cloud API) part's world.
    pub meta: crate::meta::world::MetaWorld,
    pub sendgrid: crate::sendgrid::world::SendgridWorld,
    pub ses: crate::ses::world::SesWorld,
    pub telegram: crate::telegram::world::TelegramWorld,
}

impl World {
    pub fn message(&self, sid: &str) -> Option<&MessageRecord> {
        self.messages.iter().find(|m| m.message.sid == sid)
    }

    pub fn message_mut(&mut self, sid: &str) -> Option<&mut MessageRecord> {
        self.messages.iter_mut().find(|m| m.message.sid == sid)
    }
}

/// The world behind a lock, and a counter bumped on every change.
pub(crate) struct State {
    world: Mutex<World>,
    events: watch::Sender<u64>,
}

impl State {
    pub fn new() -> Self {
        Self { world: Mutex::new(World::default()), events: watch::Sender::new(0) }
    }

    /// Reads (or changes without waking anyone) the world. Never held across an await.
    pub fn read<R>(&self, f: impl FnOnce(&mut World) -> R) -> R {
        let mut world = self.world.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut world)
    }

    /// Changes the world and wakes every waiter.
    pub fn update<R>(&self, f: impl FnOnce(&mut World) -> R) -> R {
        let result = self.read(f);
        self.events.send_modify(|n| *n += 1);
        result
    }

    /// Waits until `ready` holds, re-checking after each change; false on timeout.
    pub async fn wait_until(&self, timeout: Duration, ready: impl Fn(&World) -> bool) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        // Subscribing before the first check means no change can slip in between.
        let mut changes = self.events.subscribe();
        loop {
            if self.read(|w| ready(w)) {
                return true;
            }
            match tokio::time::timeout_at(deadline, changes.changed()).await {
                Ok(Ok(())) => continue,
                _ => return self.read(|w| ready(w)),
            }
        }
    }
}
