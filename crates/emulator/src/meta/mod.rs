//! Emulator of Meta's WhatsApp Cloud API (the Graph API's WhatsApp endpoints), served by the
//! same HTTP server as the Twilio part: Graph paths start with a version segment (`/v23.0/…`),
//! Twilio's with `/2010-04-01`, so they never clash.
//!
//! It answers `POST /{version}/{phone_number_id}/messages` with Meta's validation and Graph
//! error bodies, lists message templates, serves and stores media, plays a message's life as
//! signed status webhooks, and plays the customer's side as signed message webhooks
//! (`X-Hub-Signature-256`), computed here without any other crate of the workspace. For
//! onboarding it plays Facebook Login for Business: authorization codes exchanged at
//! `/oauth/access_token`, `debug_token`, and the account's `phone_numbers`, or for Pages
//! `me/accounts` and the Page's `subscribed_apps`. It also plays the
//! Messenger Platform for Facebook Pages and Instagram accounts: the Send API
//! (`POST /{version}/{account_id|me}/messages`) and its signed webhooks (`object` `page` or
//! `instagram`).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use switchboard_emulator::meta::WhatsappInbound;
//! let emulator = switchboard_emulator::start(switchboard_emulator::EmulatorConfig::default()).await?;
//! let meta = emulator.meta();
//! meta.add_business_account("102290129340398", "EAAG-token", "app-secret");
//! meta.add_phone_number("102290129340398", "106540352242922", "15550001111", "http://127.0.0.1:8080/webhooks/meta");
//! let _ = meta.send_inbound(WhatsappInbound::text("106540352242922", "14155550100", "hello")).await;
//! # Ok(()) }
//! ```

mod auth;
mod control;
mod debug_token_api;
mod error_codes;
mod graph_error;
mod handle;
mod handle_messaging;
mod handle_oauth;
mod handle_pages;
mod hub_signature;
mod ids;
mod inbound_payload;
mod media_api;
mod messaging_clock;
mod messaging_control;
mod messaging_envelope;
mod messaging_errors;
mod messaging_ids;
mod messaging_inbound;
mod messaging_lifecycle;
mod messaging_payload;
mod messaging_send_api;
mod messaging_types;
mod messaging_validate;
mod messaging_world;
mod meta_json;
pub(crate) mod multipart;
mod oauth_api;
mod oauth_world;
mod page_accounts_api;
mod page_auth;
mod page_subscriptions_api;
mod page_world;
mod phone_numbers_api;
pub(crate) mod phone_view;
mod routes;
mod send_api;
mod status_payload;
mod statuses;
mod subscriptions_api;
mod summary;
mod templates_api;
mod types;
mod validate;
mod webhook_delivery;
mod webhook_envelope;
pub(crate) mod world;

pub use handle::MetaEmulator;
pub use messaging_types::{MessagingContent, MessagingInbound, MessagingPlatform, MessagingSent};
pub use types::{InboundContent, MetaDelivery, MetaTemplate, WhatsappInbound, WhatsappSent};

pub(crate) use control::{failures as control_failures, inbound as control_inbound};
pub(crate) use control::{phones as control_phones, sent as control_sent};
pub(crate) use media_api::download as media_download;
pub(crate) use messaging_control::inbound as control_messaging_inbound;
pub(crate) use routes::graph_or_not_found;

/// The Graph API version this emulator documents itself with; paths accept any `v{N}.{M}`.
pub const GRAPH_VERSION: &str = "v23.0";
