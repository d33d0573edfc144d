//! Channel adapters: one per provider, behind one trait. An adapter verifies a provider's
//! webhook over the raw bytes, parses it into domain [`InboundEvent`]s, sends a message through
//! the provider's API and classifies a failure as transient or permanent. Adapters take their
//! provider's base URL from configuration, so tests and the demo point them at the emulator.
//!
//! [`InboundEvent`]: switchboard_domain::inbound::InboundEvent

pub mod adapter;
mod der;
pub mod email;
pub mod http;
pub mod media;
pub mod meta;
pub mod registry;
pub mod sendgrid;
pub mod ses;
pub mod telegram;
pub mod twilio;
pub mod webchat;

pub use adapter::*;
pub use registry::AdapterRegistry;
