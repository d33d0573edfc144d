//! The shared state every handler and worker holds.

use std::sync::Arc;

use switchboard_channels::AdapterRegistry;
use switchboard_store::Store;
use tokio::sync::Notify;

use crate::channels::ChannelDirectory;
use crate::config::Config;
use crate::ingest::IngestHandle;
use crate::secrets::SecretBox;

/// Cheap to clone: one shared [`Shared`] behind one reference count, so that a request (axum
/// clones the state for every one) costs one atomic increment, not one per field.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What every handler and worker shares.
pub struct Shared {
    pub store: Arc<dyn Store>,
    pub adapters: AdapterRegistry,
    pub secrets: SecretBox,
    pub channels: ChannelDirectory,
    pub ingest: IngestHandle,
    /// Wakes the dispatcher when a send is queued.
    pub dispatch_wakeup: Arc<Notify>,
    /// Wakes the snooze worker when a conversation is snoozed.
    pub snooze_wakeup: Arc<Notify>,
    pub config: Arc<Config>,
    /// The public URL, resolved against the bound address.
    pub public_url: Arc<str>,
    /// Committed changes, for the inbox's live updates.
    pub live: crate::live::LiveUpdates,
    /// Becomes true when the server starts shutting down, so that endless responses (event
    /// streams) end and the graceful shutdown does not wait on them.
    pub shutting_down: tokio::sync::watch::Receiver<bool>,
    /// Webhooks refused per channel since the process started, for the channel page.
    pub rejections: Arc<crate::rejections::WebhookRejections>,
    /// When each paced channel may send next from this process.
    pub send_pacers: Arc<crate::workers::pacer::SendPacers>,
    /// WhatsApp's per-recipient pair rate, as this process's dispatcher has used it.
    pub pair_limits: Arc<crate::workers::pair_limit::PairLimits>,
    /// Failed sign-ins, to slow down password guessing.
    pub sign_in_throttle: Arc<crate::http::inbox::throttle::SignInThrottle>,
    /// How fast visitors and addresses may use the chat widget.
    pub widget_limits: Arc<crate::webchat::limits::WidgetLimits>,
}
