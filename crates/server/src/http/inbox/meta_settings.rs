//! Meta in the channel settings: connecting a WhatsApp number by pasting a system user's access
//! token, the number's phone number id and the app's secret, or a Facebook Page (Messenger) or an
//! Instagram account by pasting a Page access token and the app's secret (sealed, never shown
//! again; the verify token for Meta's console is shown once), and syncing a number's templates.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Router};
use serde::Deserialize;
use switchboard_domain::{ChannelId, ChannelKind};
use switchboard_store::model::Channel;

use super::channel_settings::{ChannelNotice, ConnectForm, channel_of, channel_page, list_page};
use super::session::{CsrfForm, SignedIn};
use crate::admin::{MetaMessagingInput, MetaWhatsappInput};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbox/settings/channels/meta", post(connect))
        .route("/inbox/settings/channels/meta-page", post(connect_page))
        .route("/inbox/settings/channels/{channel_id}/templates/sync", post(sync_templates))
}

#[derive(Debug, Default, Deserialize)]
struct MetaConnectForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    phone_number_id: String,
    #[serde(default)]
    business_account_id: String,
    /// Never rendered back.
    #[serde(default)]
    access_token: String,
    /// Never rendered back.
    #[serde(default)]
    app_secret: String,
    #[serde(default)]
    messages_per_second: String,
}

async fn connect(State(state): State<AppState>, signed_in: SignedIn, Form(form): Form<MetaConnectForm>) -> Response {
    if let Some(refused) = signed_in.refuse_forged(&form.csrf).or_else(|| signed_in.refuse_unless_admin()) {
        return refused;
    }
    let result = async {
        let messages_per_second = match form.messages_per_second.trim() {
            "" => None,
            rate => Some(rate.parse::<u32>().map_err(|_| format!("{rate:?} is not a number of messages a second"))?),
        };
        let workspace = signed_in.workspace(&state).await?;
        let non_empty = |value: &str| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        let input = MetaWhatsappInput {
            name: non_empty(&form.name),
            number: form.number.trim().to_owned(),
            phone_number_id: form.phone_number_id.trim().to_owned(),
            business_account_id: non_empty(&form.business_account_id),
            access_token: form.access_token.clone(),
            app_secret: form.app_secret.clone(),
            verify_token: None,
            graph_base_url: None,
            messages_per_second,
            token_expires_at: None,
        };
        crate::admin::add_meta_whatsapp_channel(&state.store, &state.secrets, &workspace, input)
            .await
            .map_err(|e| format!("{e:#}"))
    }
    .await;
    connected(&state, &signed_in, result).await
}

#[derive(Debug, Default, Deserialize)]
struct PageConnectForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    account_id: String,
    /// Never rendered back.
    #[serde(default)]
    access_token: String,
    /// Never rendered back.
    #[serde(default)]
    app_secret: String,
}

async fn connect_page(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<PageConnectForm>,
) -> Response {
    if let Some(refused) = signed_in.refuse_forged(&form.csrf).or_else(|| signed_in.refuse_unless_admin()) {
        return refused;
    }
    let result = async {
        let kind = match form.kind.as_str() {
            "messenger" => ChannelKind::Messenger,
            "instagram" => ChannelKind::Instagram,
            _ => return Err("Pick Messenger or Instagram.".to_owned()),
        };
        let workspace = signed_in.workspace(&state).await?;
        let input = MetaMessagingInput {
            kind,
            name: Some(form.name.trim().to_owned()).filter(|n| !n.is_empty()),
            account_id: form.account_id.trim().to_owned(),
            access_token: form.access_token.clone(),
            app_secret: form.app_secret.clone(),
            verify_token: None,
            graph_base_url: None,
        };
        crate::admin::add_meta_messaging_channel(&state.store, &state.secrets, &workspace, input)
            .await
            .map_err(|e| format!("{e:#}"))
    }
    .await;
    connected(&state, &signed_in, result).await
}

/// The channel page with the verify token to paste into Meta's console, shown once; or the
/// channels page again with why the channel could not be connected.
async fn connected(state: &AppState, signed_in: &SignedIn, result: Result<(Channel, String), String>) -> Response {
    let page = match result {
        Ok((channel, verify_token)) => {
            tracing::info!(channel_id = %channel.channel_id, kind = %channel.kind, "channel connected through Meta");
            let notice = ChannelNotice { verify_token: Some(verify_token), ..Default::default() };
            channel_page(state, signed_in, channel.channel_id, None, Some(notice)).await
        }
        Err(error) => {
            let draft = ConnectForm::default();
            list_page(state, signed_in, &draft, Some((StatusCode::UNPROCESSABLE_ENTITY, error))).await
        }
    };
    page.unwrap_or_else(IntoResponse::into_response)
}

async fn sync_templates(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(channel_id): Path<ChannelId>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Some(refused) = signed_in.refuse_forged(&form.csrf).or_else(|| signed_in.refuse_unless_admin()) {
        return refused;
    }
    let page = async {
        channel_of(&state, &signed_in, channel_id).await?;
        let channel = state.channels.get(channel_id).await.map_err(crate::http::problem::Problem::from)?;
        let outcome = match channel {
            Some(channel) => crate::templates::sync(&state, &channel).await.map_err(|e| e.to_string()),
            None => Err("the channel no longer exists".to_owned()),
        };
        let notice = match outcome {
            Ok(templates) => ChannelNotice {
                synced: Some(format!("{} templates read from the WhatsApp Business Account.", templates.len())),
                ..Default::default()
            },
            Err(error) => ChannelNotice {
                error: Some(format!("The templates could not be synced: {error}")),
                ..Default::default()
            },
        };
        channel_page(&state, &signed_in, channel_id, None, Some(notice)).await
    }
    .await;
    page.unwrap_or_else(IntoResponse::into_response)
}
