//! Syncing a WhatsApp channel's message templates from its business account, so that a send
//! outside the 24-hour window can name the templates on offer and a template send is checked
//! before it reaches Meta.

use switchboard_channels::meta::{MetaCredentials, fetch_templates};
use switchboard_domain::{ChannelKind, Provider};
use switchboard_store::StoreError;
use switchboard_store::model::MessageTemplate;

use crate::channels::ResolvedChannel;
use crate::clock::now_ms;
use crate::state::AppState;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("only WhatsApp channels connected through Meta have templates to sync")]
    NotSupported,
    #[error("{0}")]
    Provider(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Reads the channel's templates from Meta and replaces the stored ones with them.
pub async fn sync(state: &AppState, channel: &ResolvedChannel) -> Result<Vec<MessageTemplate>, SyncError> {
    if channel.record.provider != Provider::Meta || channel.record.kind != ChannelKind::Whatsapp {
        return Err(SyncError::NotSupported);
    }
    let meta = state.adapters.meta();
    let credentials = MetaCredentials::from_channel(&channel.context).map_err(SyncError::Provider)?;
    let base_url = meta.graph_base_url(&channel.context);
    let fetched = fetch_templates(meta.client(), base_url, &meta.config().graph_version, &credentials)
        .await
        .map_err(SyncError::Provider)?;
    let templates: Vec<MessageTemplate> = fetched
        .into_iter()
        .map(|t| MessageTemplate {
            name: t.name,
            language: t.language,
            category: t.category,
            status: t.status,
            components: t.components,
        })
        .collect();
    state.store.replace_templates(channel.record.channel_id, &templates, now_ms()).await?;
    tracing::info!(channel_id = %channel.record.channel_id, templates = templates.len(), "templates synced");
    Ok(templates)
}
