//! Emulator of Amazon SES with SNS: SESv2 `SendEmail` (`POST /v2/email/outbound-emails`) with
//! SigV4 checked against the emulated access keys and SES's error bodies (`x-amzn-ErrorType`
//! and `{"message"}`), verified identities, and each sent email's fate (`Delivery` or
//! `Bounce`, a `Complaint` on request) published to the identity's SNS topic; receipt rules
//! that publish a customer's email (`Received`, the raw message base64 in `content`); and SNS
//! itself: HTTP subscriptions confirmed through a `SubscribeURL`, messages signed with
//! SignatureVersion 2 (SHA256withRSA) under a certificate the emulator serves at its
//! `SigningCertURL`. The signing key is the emulator's own and public by design.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use switchboard_emulator::ses::InboundEmail;
//! let emulator = switchboard_emulator::start(switchboard_emulator::EmulatorConfig::default()).await?;
//! let ses = emulator.ses();
//! ses.add_access_key("AKIAEMULATOR", "secret");
//! ses.verify_identity("clinic.example");
//! let topic = ses.create_topic("ses-inbound");
//! let _ = ses.subscribe(&topic, "http://127.0.0.1:8080/webhooks/ses/CHANNEL").await;
//! ses.add_receipt_rule("clinic.example", &topic);
//! let _ = ses.send_inbound(InboundEmail::text("ann@example.com", "hello@clinic.example", "Hi", "Hello!")).await;
//! # Ok(()) }
//! ```

mod control;
mod handle;
mod send_email;
mod sigv4_check;
mod sns;
pub(crate) mod world;

pub use crate::customer_email::{InboundEmail, InboundFile};
pub use handle::SesEmulator;
pub use world::SesSentEmail;

pub(crate) use control::{certificate as control_certificate, confirm as control_confirm};
pub(crate) use control::{inbound as control_inbound, sent as control_sent};
pub(crate) use send_email::send_email;

/// The emulated account and region.
pub(crate) const ACCOUNT_ID: &str = "123456789012";
pub(crate) const REGION: &str = "us-east-1";
