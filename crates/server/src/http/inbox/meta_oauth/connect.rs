//! Connecting what the administrator picked: a WhatsApp number with the long-lived token, or a
//! Page's Messenger or its linked Instagram account with the Page's own token; the app is
//! subscribed to its webhooks first.

use switchboard_channels::meta::oauth::{self, BusinessNumber};
use switchboard_domain::{ChannelId, ChannelKind, PhoneE164};

use super::super::session::SignedIn;
use super::PendingGrant;
use crate::admin::{MetaMessagingInput, MetaWhatsappInput};
use crate::state::AppState;

/// Subscribes the app to the Page's messaging webhooks and connects the Page's Messenger, or the
/// Instagram account linked to it, with the Page's token.
pub(super) async fn connect_page(
    state: &AppState,
    signed_in: &SignedIn,
    grant: &PendingGrant,
    kind: ChannelKind,
    account_id: &str,
    page_id: &str,
    name: &str,
) -> Result<ChannelId, String> {
    let page = grant.pages.iter().find(|p| p.page_id == page_id).ok_or("Meta did not grant this Page")?;
    let meta = state.adapters.meta();
    let (client, base, version) =
        (meta.client(), meta.config().graph_base_url.as_str(), meta.config().graph_version.as_str());
    let app_secret = meta.config().app_secret.clone().ok_or("the server has no Meta app secret configured")?;
    oauth::subscribe_page(client, base, version, &page.page_token, page_id).await?;
    let workspace = signed_in.workspace(state).await?;
    let input = MetaMessagingInput {
        kind,
        name: Some(format!("{kind} {name}").trim().to_owned()),
        account_id: account_id.to_owned(),
        access_token: page.page_token.clone(),
        app_secret,
        verify_token: None,
        graph_base_url: None,
    };
    let (channel, _) = crate::admin::add_meta_messaging_channel(&state.store, &state.secrets, &workspace, input)
        .await
        .map_err(|e| format!("{e:#}"))?;
    tracing::info!(channel_id = %channel.channel_id, %kind, "connected through Meta's login");
    Ok(channel.channel_id)
}

pub(super) async fn connect_number(
    state: &AppState,
    signed_in: &SignedIn,
    grant: &PendingGrant,
    number: &BusinessNumber,
) -> Result<ChannelId, String> {
    let meta = state.adapters.meta();
    let (client, base, version) =
        (meta.client(), meta.config().graph_base_url.as_str(), meta.config().graph_version.as_str());
    let app_secret = meta.config().app_secret.clone().ok_or("the server has no Meta app secret configured")?;
    let e164 = PhoneE164::parse(&number.display_phone_number).map_err(|e| e.to_string())?;
    oauth::subscribe_app(client, base, version, &grant.access_token, &number.business_account_id).await?;
    let workspace = signed_in.workspace(state).await?;
    let input = MetaWhatsappInput {
        name: Some(format!("WhatsApp {}", number.verified_name).trim().to_owned()),
        number: e164.to_string(),
        phone_number_id: number.phone_number_id.clone(),
        business_account_id: Some(number.business_account_id.clone()),
        access_token: grant.access_token.clone(),
        app_secret,
        verify_token: None,
        graph_base_url: None,
        messages_per_second: None,
        token_expires_at: grant.expires_at,
    };
    let (channel, _) = crate::admin::add_meta_whatsapp_channel(&state.store, &state.secrets, &workspace, input)
        .await
        .map_err(|e| format!("{e:#}"))?;
    if let Ok(Some(resolved)) = state.channels.get(channel.channel_id).await
        && let Err(error) = crate::templates::sync(state, &resolved).await
    {
        tracing::warn!(%error, "templates not synced after connecting");
    }
    tracing::info!(channel_id = %channel.channel_id, "WhatsApp number connected through Meta's login");
    Ok(channel.channel_id)
}
