//! Emulator of Twilio's Programmable Messaging API, Meta's WhatsApp Cloud API, SendGrid's and
//! Amazon SES's email APIs, and Telegram's Bot API, for tests and `switchboard demo`, all on one
//! HTTP server.
//!
//! It serves the Messages REST API (`/2010-04-01/Accounts/{AccountSid}/Messages.json`)
//! with Twilio's request validation and error bodies, plays the part of Twilio towards
//! our server (signed inbound-message webhooks and status callbacks), and exposes a small
//! control API under `/_emulator` for humans. The [`meta`] module does the same for the
//! Graph API's WhatsApp endpoints (`/v23.0/{phone_number_id}/messages`, …), and the
//! [`sendgrid`] and [`ses`] modules for email (SendGrid's Mail Send, Event Webhook and Inbound
//! Parse; Amazon SES's SendEmail and its SNS notifications), and the [`telegram`] module for
//! Telegram bots (the Bot API at `/bot<token>/<method>`, and customers' updates posted to the
//! bot's webhook).
//!
//! By design it depends on no other crate of the workspace: it computes the providers'
//! signatures and payloads on its own, so that a bug shared with our adapters cannot
//! hide. It only ever sends traffic to loopback addresses.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use switchboard_emulator::{EmulatorConfig, InboundRequest};
//! let twilio = switchboard_emulator::start(EmulatorConfig::default()).await?;
//! twilio.add_account("AC00000000000000000000000000000001", "token");
//! twilio.add_number("AC00000000000000000000000000000001", "+14155550199", "http://127.0.0.1:8080/webhooks/twilio");
//! let _ = twilio.send_inbound(InboundRequest::text("+14155550100", "+14155550199", "hello")).await;
//! # Ok(()) }
//! ```

mod callbacks;
mod clock;
mod control;
mod customer_email;
mod encoding;
mod errors;
mod handle;
mod inbound_form;
mod messages_api;
pub mod meta;
mod phone;
mod phone_send;
mod phone_texts;
mod phone_view;
mod resource;
pub mod sendgrid;
mod server;
pub mod ses;
pub mod signature;
mod state;
pub mod telegram;
mod validation;
mod webhooks;

use std::net::SocketAddr;
use std::time::Duration;

pub use errors::EmulatorError;
pub use handle::EmulatorHandle;

/// Where the emulator listens and how fast it plays a message's life.
#[derive(Clone, Debug)]
pub struct EmulatorConfig {
    /// Address to bind; `127.0.0.1:0` picks a free port.
    pub bind: SocketAddr,
    /// Delay before each status callback step (`sent`, `delivered`, ...).
    pub callback_delay: Duration,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self { bind: SocketAddr::from(([127, 0, 0, 1], 0)), callback_delay: Duration::from_millis(20) }
    }
}

/// Entry point naming the emulated provider; `TwilioEmulator::start` is the same as [`start`].
#[derive(Clone, Copy, Debug, Default)]
pub struct TwilioEmulator;

impl TwilioEmulator {
    /// Binds, spawns the server, and returns its handle at once.
    pub async fn start(config: EmulatorConfig) -> std::io::Result<EmulatorHandle> {
        start(config).await
    }
}

/// Binds `config.bind`, spawns the HTTP server on the current tokio runtime and returns
/// immediately with a handle to drive the emulator.
pub async fn start(config: EmulatorConfig) -> std::io::Result<EmulatorHandle> {
    server::start(config).await
}

/// A message a customer's phone sends to one of our numbers (see [`EmulatorHandle::send_inbound`]).
#[derive(Clone, Debug, Default)]
pub struct InboundRequest {
    /// The customer: `"+14155550100"` or `"whatsapp:+14155550100"`.
    pub from: String,
    /// Our number, in the same form as `from`.
    pub to: String,
    /// The text of the message.
    pub body: String,
    /// Attached media as (url, content type).
    pub media: Vec<(String, String)>,
    /// WhatsApp profile name of the sender (`ProfileName`).
    pub profile_name: Option<String>,
}

impl InboundRequest {
    /// A text-only message from `from` to `to`.
    pub fn text(from: &str, to: &str, body: &str) -> Self {
        Self { from: from.to_owned(), to: to.to_owned(), body: body.to_owned(), ..Self::default() }
    }
}

/// What our server answered to an inbound webhook.
#[derive(Clone, Debug)]
pub struct InboundDelivery {
    /// The `MessageSid` of the delivered message.
    pub message_sid: String,
    /// HTTP status our server answered.
    pub status: u16,
    /// Body of the answer (TwiML, usually).
    pub body: String,
    /// `Content-Type` of the answer, if any.
    pub content_type: Option<String>,
}

/// A message our side created through the Messages API.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SentMessage {
    /// `SM…` or `MM…` (with media).
    pub sid: String,
    /// Account that created it.
    pub account_sid: String,
    /// Sending address (ours).
    pub from: String,
    /// Recipient address.
    pub to: String,
    /// Text of the message.
    pub body: String,
    /// `MediaUrl` values, in order.
    pub media_urls: Vec<String>,
    /// `StatusCallback` URL, if one was given.
    pub status_callback: Option<String>,
    /// Current status, updated as the message moves through its life.
    pub status: String,
    /// Error code once the message failed or was undelivered.
    pub error_code: Option<u32>,
    /// Number of segments Twilio would bill.
    pub num_segments: u32,
}
