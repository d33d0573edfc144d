//! Telegram in the channel settings: the administrator pastes a bot's token; the bot is checked
//! with `getMe`, its updates are pointed at this server (`setWebhook`, with a fresh secret token),
//! and the channel page names the bot. Nothing is left to paste anywhere.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Router};
use serde::Deserialize;

use super::channel_settings::{ChannelNotice, ConnectForm, channel_page, list_page};
use super::session::SignedIn;
use crate::admin::TelegramInput;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/inbox/settings/channels/telegram", post(connect))
}

#[derive(Debug, Default, Deserialize)]
struct TelegramConnectForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    /// Never rendered back.
    #[serde(default)]
    bot_token: String,
}

async fn connect(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<TelegramConnectForm>,
) -> Response {
    if let Some(refused) = signed_in.refuse_forged(&form.csrf).or_else(|| signed_in.refuse_unless_admin()) {
        return refused;
    }
    let result = async {
        let workspace = signed_in.workspace(&state).await?;
        let input = TelegramInput {
            name: Some(form.name.trim().to_owned()).filter(|n| !n.is_empty()),
            bot_token: form.bot_token.clone(),
            public_url: state.public_url.to_string(),
            api_base_url: None,
        };
        crate::admin::add_telegram_channel(&state.store, &state.secrets, state.adapters.telegram(), &workspace, input)
            .await
            .map_err(|e| format!("{e:#}"))
    }
    .await;
    let page = match result {
        Ok(connected) => {
            tracing::info!(channel_id = %connected.channel.channel_id, bot = %connected.bot.username, "Telegram bot connected");
            let notice = ChannelNotice {
                connected: Some(format!(
                    "Connected the bot {} (@{}); its updates now come here.",
                    connected.bot.first_name, connected.bot.username
                )),
                ..Default::default()
            };
            channel_page(&state, &signed_in, connected.channel.channel_id, None, Some(notice)).await
        }
        Err(error) => {
            list_page(&state, &signed_in, &ConnectForm::default(), Some((StatusCode::UNPROCESSABLE_ENTITY, error)))
                .await
        }
    };
    page.unwrap_or_else(IntoResponse::into_response)
}
