//! The channel directory: channels with their credentials decrypted, as adapters need them,
//! cached briefly so the webhook hot path does not read and decrypt the channel on every request.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use switchboard_channels::ChannelContext;
use switchboard_domain::{ChannelId, IdentityKind};
use switchboard_store::model::Channel;
use switchboard_store::{Store, StoreError};

use crate::secrets::{SecretBox, SecretError};

/// How long a channel stays cached; a change (new credentials) takes effect within this time.
const TTL: Duration = Duration::from_secs(10);

/// A channel record with the context its adapter works with.
#[derive(Debug, Clone)]
pub struct ResolvedChannel {
    pub record: Channel,
    pub context: ChannelContext,
    /// The kind of identity customers have on this channel in its workspace (a WhatsApp
    /// number is a phone identity unless the workspace keeps WhatsApp senders apart).
    pub identity_kind: IdentityKind,
}

#[derive(Debug, thiserror::Error)]
pub enum ChannelError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Secret(#[from] SecretError),
}

/// Resolved channels with the time they were cached.
type Cache = HashMap<ChannelId, (Instant, Arc<ResolvedChannel>)>;

#[derive(Clone)]
pub struct ChannelDirectory {
    store: Arc<dyn Store>,
    secrets: SecretBox,
    public_url: Arc<str>,
    cache: Arc<RwLock<Cache>>,
}

impl ChannelDirectory {
    pub fn new(store: Arc<dyn Store>, secrets: SecretBox, public_url: Arc<str>) -> Self {
        Self { store, secrets, public_url, cache: Arc::default() }
    }

    /// The channel with this id, in any workspace; `None` when there is none.
    pub async fn get(&self, channel_id: ChannelId) -> Result<Option<Arc<ResolvedChannel>>, ChannelError> {
        if let Some((at, channel)) = self.cache.read().expect("cache lock").get(&channel_id)
            && at.elapsed() < TTL
        {
            return Ok(Some(channel.clone()));
        }
        let Some(record) = self.store.get_channel(channel_id).await? else {
            return Ok(None);
        };
        let workspace = self.store.get_workspace(record.workspace_id).await?;
        let mut resolved = self.resolve(record)?;
        if let Some(workspace) = workspace {
            resolved.identity_kind = workspace.identity_kind(resolved.record.kind);
        }
        let resolved = Arc::new(resolved);
        self.cache.write().expect("cache lock").insert(channel_id, (Instant::now(), resolved.clone()));
        Ok(Some(resolved))
    }

    /// Drops a channel from the cache, so that a change made here (enabled, disabled) takes
    /// effect at once in this process; other nodes see it within the cache's lifetime.
    pub fn forget(&self, channel_id: ChannelId) {
        self.cache.write().expect("cache lock").remove(&channel_id);
    }

    /// Decrypts a channel's credentials into the adapter's context (with the channel kind's
    /// usual identity kind; [`Self::get`] applies the workspace's choice).
    pub fn resolve(&self, record: Channel) -> Result<ResolvedChannel, SecretError> {
        let plaintext = self.secrets.open(&record.sealed_credentials, record.channel_id.0.as_bytes())?;
        let credentials = serde_json::from_slice(&plaintext).map_err(|_| SecretError::Open)?;
        let context = ChannelContext {
            channel_id: record.channel_id,
            kind: record.kind,
            address: record.address.clone(),
            external_id: record.external_id.clone(),
            credentials,
            settings: record.settings.clone(),
            public_url: self.public_url.to_string(),
        };
        let identity_kind = record.kind.identity_kind();
        Ok(ResolvedChannel { record, context, identity_kind })
    }
}
