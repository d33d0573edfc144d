//! The Switchboard server: the HTTP layer (provider webhooks, the REST API, operations
//! endpoints), the workers (the send dispatcher), and the wiring that builds an
//! [`Application`] from a [`Config`]. The binary is a thin CLI over this crate.

#![recursion_limit = "256"]

pub mod admin;
pub mod api_keys;
pub mod app;
pub mod channels;
pub mod clock;
pub mod config;
pub mod email_html;
pub mod http;
pub mod ingest;
pub mod live;
pub mod outbound;
pub mod passwords;
pub mod referrals;
pub mod rejections;
pub mod secrets;
pub mod state;
pub mod telemetry;
pub mod templates;
pub mod webchat;
pub mod workers;

pub use app::Application;
pub use config::Config;
