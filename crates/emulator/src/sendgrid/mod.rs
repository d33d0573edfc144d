//! Emulator of SendGrid for email: the v3 Mail Send API (`POST /v3/mail/send`, Bearer API
//! keys, SendGrid's validation and `{"errors":[…]}` bodies, `202` with `X-Message-Id`), the
//! Event Webhook (each message's `processed` then `delivered` or `bounce`, and the customer's
//! `open`, `click`, `spamreport` or `unsubscribe` on request), signed with ECDSA P-256 over the
//! timestamp and body as SendGrid signs it, and Inbound Parse: a customer's email, written as a
//! mail client writes it, posted to the parse URL of its domain as `multipart/form-data`, in
//! the default mode (taken apart, with `attachment-info`) or the raw mode.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use switchboard_emulator::sendgrid::InboundEmail;
//! let emulator = switchboard_emulator::start(switchboard_emulator::EmulatorConfig::default()).await?;
//! let sendgrid = emulator.sendgrid();
//! sendgrid.add_api_key("SG.key", Some("http://127.0.0.1:8080/webhooks/sendgrid/CHANNEL/status"));
//! sendgrid.add_parse_route("clinic.example", "http://127.0.0.1:8080/webhooks/sendgrid/CHANNEL/SECRET", false);
//! let _ = sendgrid.send_inbound(InboundEmail::text("ann@example.com", "hello@clinic.example", "Hi", "Hello!")).await;
//! # Ok(()) }
//! ```

mod control;
mod event_webhook;
mod form_data;
mod handle;
mod inbound_parse;
mod mail_send;
mod mail_send_validate;
pub(crate) mod world;

pub use crate::customer_email::{InboundEmail, InboundFile};
pub use handle::SendgridEmulator;
pub use inbound_parse::InboundEmailDelivery;
pub use world::{SentEmail, SentFile};

pub(crate) use control::{inbound as control_inbound, sent as control_sent};
pub(crate) use mail_send::mail_send;
