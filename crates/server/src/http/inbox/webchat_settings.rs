//! The website chat widget in the channel settings: the origins that may show it, its title,
//! greeting, colour and corner, and what the pre-chat form asks. The channel page then shows
//! the line to paste into the site.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Router};
use serde::Deserialize;

use super::channel_settings::{ConnectForm, list_page};
use super::session::SignedIn;
use crate::state::AppState;
use crate::webchat::settings::{Corner, Prechat, WidgetSettings};

pub fn router() -> Router<AppState> {
    Router::new().route("/inbox/settings/channels/webchat", post(add))
}

#[derive(Debug, Default, Deserialize)]
struct WidgetForm {
    #[serde(default)]
    csrf: String,
    /// One origin a line (or separated by commas or spaces).
    #[serde(default)]
    origins: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    greeting: String,
    #[serde(default)]
    color: String,
    #[serde(default)]
    position: String,
    #[serde(default)]
    ask_name: String,
    #[serde(default)]
    ask_email: String,
    #[serde(default)]
    ask_phone: String,
}

fn settings(form: &WidgetForm) -> Result<WidgetSettings, String> {
    let ask = |value: &str| if value.is_empty() { Ok(Default::default()) } else { value.parse() };
    Ok(WidgetSettings {
        allowed_origins: form
            .origins
            .split([',', ' ', '\n', '\r'])
            .filter(|o| !o.is_empty())
            .map(str::to_owned)
            .collect(),
        title: Some(form.title.trim()).filter(|t| !t.is_empty()).unwrap_or("Chat with us").to_owned(),
        greeting: form.greeting.trim().to_owned(),
        color: Some(form.color.trim()).filter(|c| !c.is_empty()).unwrap_or("#0d9488").to_owned(),
        position: if form.position == "left" { Corner::Left } else { Corner::Right },
        prechat: Prechat { name: ask(&form.ask_name)?, email: ask(&form.ask_email)?, phone: ask(&form.ask_phone)? },
    })
}

async fn add(State(state): State<AppState>, signed_in: SignedIn, Form(form): Form<WidgetForm>) -> Response {
    if let Some(refused) = signed_in.refuse_forged(&form.csrf).or_else(|| signed_in.refuse_unless_admin()) {
        return refused;
    }
    let result = async {
        let workspace = signed_in.workspace(&state).await?;
        let settings = settings(&form)?;
        crate::admin::add_webchat_channel(&state.store, &state.secrets, &workspace, None, settings)
            .await
            .map_err(|e| format!("{e:#}"))
    }
    .await;
    match result {
        Ok(channel) => Redirect::to(&format!("/inbox/settings/channels/{}", channel.channel_id)).into_response(),
        Err(error) => {
            list_page(&state, &signed_in, &ConnectForm::default(), Some((StatusCode::UNPROCESSABLE_ENTITY, error)))
                .await
                .unwrap_or_else(IntoResponse::into_response)
        }
    }
}
