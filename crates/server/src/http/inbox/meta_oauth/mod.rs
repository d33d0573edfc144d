//! Connecting WhatsApp numbers, Pages and Instagram accounts through Meta's login dialog instead
//! of pasting a token. The
//! administrator is sent to Meta with a `state` bound to their session (a MAC over a nonce and an
//! expiry, keyed by the session's secret CSRF token, so any node can check it and no other
//! session can use it); Meta sends them back with a code, which is exchanged for a long-lived
//! token; they pick one of the WhatsApp numbers, Pages (Messenger) or linked Instagram accounts
//! the token was granted; the app is subscribed to that account's or Page's webhooks and the
//! channel is created with the token (a Page's own token for Messenger and Instagram) sealed and
//! its expiry kept. Between the two steps the tokens travel only sealed, bound to the session.

mod connect;
mod state;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::{Deserialize, Serialize};
use switchboard_channels::meta::oauth::{self, BusinessNumber, MetaApp};
use switchboard_domain::ChannelKind;

use self::connect::{connect_number, connect_page};
use self::state::{new_state, state_is_valid};
use super::channel_settings::{ChannelNotice, channel_page};
use super::session::SignedIn;
use crate::clock::now_ms;
use crate::state::AppState;

const SCOPES: &str = "whatsapp_business_management,whatsapp_business_messaging,pages_show_list,pages_messaging,\
                      pages_manage_metadata,instagram_basic,instagram_manage_messages";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbox/settings/channels/meta/oauth", get(start))
        .route("/inbox/settings/channels/meta/oauth/callback", get(callback))
        .route("/inbox/settings/channels/meta/oauth/connect", post(connect))
}

fn redirect_uri(state: &AppState) -> String {
    format!("{}/inbox/settings/channels/meta/oauth/callback", state.public_url)
}

fn app(state: &AppState) -> Option<MetaApp<'_>> {
    let config = state.adapters.meta().config();
    Some(MetaApp { app_id: config.app_id.as_deref()?, app_secret: config.app_secret.as_deref()? })
}

fn page_error(status: StatusCode, message: &str) -> Response {
    let mut response = super::render("meta_numbers.html", minijinja::context! { error => message });
    *response.status_mut() = status;
    response
}

async fn start(State(state): State<AppState>, signed_in: SignedIn) -> Response {
    if let Some(refused) = signed_in.refuse_unless_admin() {
        return refused;
    }
    let Some(app) = app(&state) else {
        return page_error(
            StatusCode::CONFLICT,
            "Connecting through Meta's login needs the app's id and secret: start the server with --meta-app-id and --meta-app-secret.",
        );
    };
    let config = state.adapters.meta().config();
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", app.app_id)
        .append_pair("redirect_uri", &redirect_uri(&state))
        .append_pair("state", &new_state(&signed_in.session.csrf_token, now_ms()))
        .append_pair("response_type", "code")
        .append_pair("scope", SCOPES)
        .finish();
    let dialog = format!("{}/{}/dialog/oauth", config.dialog_base_url.trim_end_matches('/'), config.graph_version);
    Redirect::to(&format!("{dialog}?{query}")).into_response()
}

#[derive(Deserialize)]
struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
    error_description: Option<String>,
}

/// The token as it travels between the two steps, sealed and bound to the session, with the
/// tokens of the Pages it was granted.
#[derive(Serialize, Deserialize)]
struct PendingGrant {
    access_token: String,
    expires_at: Option<i64>,
    #[serde(default)]
    pages: Vec<oauth::GrantedPage>,
}

/// What the administrator may pick: a WhatsApp number, a Page's Messenger, or the Instagram
/// account linked to a Page. Carries no token.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Choice {
    Whatsapp(BusinessNumber),
    Messenger { page_id: String, name: String },
    Instagram { account_id: String, page_id: String, name: String },
}

impl Choice {
    fn label(&self) -> String {
        match self {
            Self::Whatsapp(n) => format!("WhatsApp {} · {}", n.display_phone_number, n.verified_name),
            Self::Messenger { name, page_id } => format!("Messenger · Page {name} ({page_id})"),
            Self::Instagram { name, account_id, .. } => format!("Instagram · account of {name} ({account_id})"),
        }
    }
}

async fn callback(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<CallbackParams>,
) -> Response {
    if let Some(refused) = signed_in.refuse_unless_admin() {
        return refused;
    }
    let csrf = &signed_in.session.csrf_token;
    if !params.state.as_deref().is_some_and(|given| state_is_valid(csrf, given, now_ms())) {
        tracing::warn!("Meta OAuth callback with a state this session did not make");
        return page_error(
            StatusCode::FORBIDDEN,
            "This answer from Meta does not belong to your session (or took more than 15 minutes). Start again from the channels page.",
        );
    }
    let Some(code) = params.code else {
        let why = params.error_description.unwrap_or_else(|| "no code came back".into());
        return page_error(StatusCode::BAD_REQUEST, &format!("Meta did not grant access: {why}"));
    };
    let Some(app) = app(&state) else {
        return page_error(StatusCode::CONFLICT, "The server has no Meta app id and secret configured.");
    };
    let meta = state.adapters.meta();
    let (client, base, version) =
        (meta.client(), meta.config().graph_base_url.as_str(), meta.config().graph_version.as_str());
    let found = async {
        let short = oauth::exchange_code(client, base, version, &app, &redirect_uri(&state), &code).await?;
        let long = oauth::exchange_long_lived(client, base, version, &app, &short.access_token).await?;
        let mut choices = Vec::new();
        for account in oauth::granted_business_accounts(client, base, version, &app, &long.access_token).await? {
            let numbers = oauth::business_numbers(client, base, version, &long.access_token, &account).await?;
            choices.extend(numbers.into_iter().map(Choice::Whatsapp));
        }
        let pages = oauth::granted_pages(client, base, version, &long.access_token).await?;
        for page in &pages {
            let (page_id, name) = (page.page_id.clone(), page.name.clone());
            choices.push(Choice::Messenger { page_id: page_id.clone(), name: name.clone() });
            if let Some(account_id) = &page.instagram_account_id {
                choices.push(Choice::Instagram { account_id: account_id.clone(), page_id, name });
            }
        }
        Ok::<_, String>((long, choices, pages))
    }
    .await;
    let (token, choices, pages) = match found {
        Ok(found) => found,
        Err(error) => return page_error(StatusCode::BAD_GATEWAY, &format!("Connecting through Meta failed: {error}")),
    };
    let grant = PendingGrant {
        access_token: token.access_token,
        expires_at: token.expires_in.map(|seconds| now_ms() + seconds * 1000),
        pages,
    };
    let sealed = state.secrets.seal(&serde_json::to_vec(&grant).expect("JSON"), csrf.as_bytes());
    use base64::Engine as _;
    let sealed = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sealed);
    // Each choice comes back as JSON with the pick; no token is in it.
    let choices: Vec<(String, String)> =
        choices.iter().map(|c| (c.label(), serde_json::to_string(c).expect("JSON"))).collect();
    super::render(
        "meta_numbers.html",
        minijinja::context! {
            staff => &signed_in.session.staff,
            csrf => csrf,
            numbers => choices,
            grant => sealed,
            expires_at => grant.expires_at,
        },
    )
}

#[derive(Deserialize)]
struct ConnectForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    grant: String,
    #[serde(default)]
    number: String,
}

async fn connect(State(state): State<AppState>, signed_in: SignedIn, Form(form): Form<ConnectForm>) -> Response {
    if let Some(refused) = signed_in.refuse_forged(&form.csrf).or_else(|| signed_in.refuse_unless_admin()) {
        return refused;
    }
    let csrf = &signed_in.session.csrf_token;
    use base64::Engine as _;
    let grant = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(&form.grant)
        .ok()
        .and_then(|sealed| state.secrets.open(&sealed, csrf.as_bytes()).ok())
        .and_then(|plain| serde_json::from_slice::<PendingGrant>(&plain).ok());
    let Some(grant) = grant else {
        return page_error(
            StatusCode::FORBIDDEN,
            "This grant does not belong to your session. Start again from the channels page.",
        );
    };
    let Ok(choice) = serde_json::from_str::<Choice>(&form.number) else {
        return page_error(StatusCode::BAD_REQUEST, "Pick one of the numbers or accounts.");
    };
    let result = match &choice {
        Choice::Whatsapp(number) => connect_number(&state, &signed_in, &grant, number).await,
        Choice::Messenger { page_id, name } => {
            connect_page(&state, &signed_in, &grant, ChannelKind::Messenger, page_id, page_id, name).await
        }
        Choice::Instagram { account_id, page_id, name } => {
            connect_page(&state, &signed_in, &grant, ChannelKind::Instagram, account_id, page_id, name).await
        }
    };
    match result {
        Ok(channel_id) => {
            let notice = ChannelNotice {
                synced: Some("Connected through Meta; the app is subscribed to the account's webhooks.".into()),
                ..Default::default()
            };
            channel_page(&state, &signed_in, channel_id, None, Some(notice))
                .await
                .unwrap_or_else(IntoResponse::into_response)
        }
        Err(error) => page_error(StatusCode::UNPROCESSABLE_ENTITY, &error),
    }
}
