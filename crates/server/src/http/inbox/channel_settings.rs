//! The channels an administrator manages from the inbox: each with its status and the webhook
//! URLs to paste into the provider's console, a form to connect a Twilio number (credentials
//! sealed and never shown again), enable and disable, a test message, and the channel's recent
//! webhooks with their verification result beside the ones refused at the door, so that a
//! misconfigured provider is diagnosed from one page.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use switchboard_domain::{ChannelId, ChannelKind, MessageId, SenderKind};
use switchboard_store::model::Channel;

use super::session::SignedIn;
use crate::admin::TwilioChannelInput;
use crate::clock::now_ms;
use crate::http::problem::Problem;
use crate::http::views::ChannelView;
use crate::outbound::{Recipient, SendRequest};
use crate::state::AppState;

/// The text of a test message.
const TEST_MESSAGE: &str = "This is a test message from Switchboard.";
/// How long before a Meta token lapses the channel page warns.
const TOKEN_WARNING_MS: i64 = 7 * 24 * 60 * 60 * 1000;
/// Webhooks the channel page shows.
const RECENT_WEBHOOKS: u32 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbox/settings/channels", get(list).post(connect))
        .route("/inbox/settings/channels/{channel_id}", get(show))
        .route("/inbox/settings/channels/{channel_id}/enabled", post(set_enabled))
        .route("/inbox/settings/channels/{channel_id}/test", post(send_test))
}

/// The connect form as submitted, to show again with an error.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ConnectForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    account_sid: String,
    /// Never rendered back.
    #[serde(default)]
    auth_token: String,
}

pub(super) async fn list_page(
    state: &AppState,
    signed_in: &SignedIn,
    draft: &ConnectForm,
    error: Option<(StatusCode, String)>,
) -> Result<Response, Problem> {
    let channels = state.store.list_channels(signed_in.session.staff.workspace_id).await?;
    let views: Vec<ChannelView> = channels.into_iter().map(|c| ChannelView::new(c, &state.public_url)).collect();
    let mut response = super::render(
        "channels.html",
        minijinja::context! {
            staff => &signed_in.session.staff,
            csrf => &signed_in.session.csrf_token,
            channels => views,
            unrouted => state.rejections.unrouted(),
            app_level_refused => state.rejections.app_level(),
            app_level_url => format!("{}/webhooks/meta", state.public_url),
            draft => minijinja::context! {
                kind => &draft.kind, name => &draft.name, number => &draft.number, account_sid => &draft.account_sid,
            },
            error => error.as_ref().map(|(_, message)| message),
        },
    );
    if let Some((status, _)) = error {
        *response.status_mut() = status;
    }
    Ok(response)
}

async fn list(State(state): State<AppState>, signed_in: SignedIn) -> Response {
    if let Some(refused) = signed_in.refuse_unless_admin() {
        return refused;
    }
    list_page(&state, &signed_in, &ConnectForm::default(), None).await.unwrap_or_else(IntoResponse::into_response)
}

async fn connect(State(state): State<AppState>, signed_in: SignedIn, Form(form): Form<ConnectForm>) -> Response {
    if let Some(refused) = signed_in.refuse_forged(&form.csrf).or_else(|| signed_in.refuse_unless_admin()) {
        return refused;
    }
    let result = async {
        let kind = match form.kind.as_str() {
            "sms" => ChannelKind::Sms,
            "whatsapp" => ChannelKind::Whatsapp,
            _ => return Err("Pick SMS or WhatsApp.".to_owned()),
        };
        let workspace = signed_in.workspace(&state).await?;
        let input = TwilioChannelInput {
            kind,
            name: Some(form.name.trim().to_owned()).filter(|n| !n.is_empty()),
            number: form.number.trim().to_owned(),
            account_sid: form.account_sid.trim().to_owned(),
            auth_token: form.auth_token.clone(),
            api_base_url: None,
        };
        crate::admin::add_twilio_channel(&state.store, &state.secrets, &workspace, input)
            .await
            .map_err(|e| format!("{e:#}"))
    }
    .await;
    match result {
        Ok(channel) => Redirect::to(&format!("/inbox/settings/channels/{}", channel.channel_id)).into_response(),
        Err(error) => list_page(&state, &signed_in, &form, Some((StatusCode::UNPROCESSABLE_ENTITY, error)))
            .await
            .unwrap_or_else(IntoResponse::into_response),
    }
}

/// The workspace's channel with this id, or a 404.
pub(super) async fn channel_of(
    state: &AppState,
    signed_in: &SignedIn,
    channel_id: ChannelId,
) -> Result<Channel, Problem> {
    state
        .store
        .get_channel(channel_id)
        .await?
        .filter(|c| c.workspace_id == signed_in.session.staff.workspace_id)
        .ok_or_else(|| Problem::not_found(format!("there is no channel {channel_id} in your workspace")))
}

#[derive(Deserialize)]
struct ShowParams {
    /// A test message just queued, to show how it fares.
    test: Option<MessageId>,
}

async fn show(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(channel_id): Path<ChannelId>,
    Query(params): Query<ShowParams>,
) -> Response {
    if let Some(refused) = signed_in.refuse_unless_admin() {
        return refused;
    }
    channel_page(&state, &signed_in, channel_id, params.test, None).await.unwrap_or_else(IntoResponse::into_response)
}

/// What is said once on the channel page, right after an action.
#[derive(Debug, Default, serde::Serialize)]
pub(super) struct ChannelNotice {
    /// The verify token of a channel just connected through Meta (it is not shown again).
    pub verify_token: Option<String>,
    /// What a template sync did.
    pub synced: Option<String>,
    /// What connecting the channel did (the Telegram bot it reaches).
    pub connected: Option<String>,
    pub error: Option<String>,
}

/// The channel page: status and URLs, a test message, templates (WhatsApp through Meta), and the
/// recent webhooks.
pub(super) async fn channel_page(
    state: &AppState,
    signed_in: &SignedIn,
    channel_id: ChannelId,
    test: Option<MessageId>,
    notice: Option<ChannelNotice>,
) -> Result<Response, Problem> {
    let channel = channel_of(state, signed_in, channel_id).await?;
    let workspace_id = signed_in.session.staff.workspace_id;
    let events = state.store.list_webhook_events(workspace_id, Some(channel_id), RECENT_WEBHOOKS).await?;
    let test = match test {
        Some(id) => state.store.get_message(workspace_id, id).await?.filter(|m| m.channel_id == channel_id),
        None => None,
    };
    let token_expires_at = channel.settings.get("token_expires_at").and_then(|v| v.as_i64());
    let token_lapses_soon = token_expires_at.is_some_and(|at| at - now_ms() < TOKEN_WARNING_MS);
    let templates = match channel.provider {
        switchboard_domain::Provider::Meta => Some(state.store.list_templates(channel_id).await?),
        _ => None,
    };
    let widget = (channel.provider == switchboard_domain::Provider::Webchat).then(|| {
        let settings = crate::webchat::settings::WidgetSettings::of(&channel.settings);
        minijinja::context! {
            snippet => crate::admin::webchat_snippet(&state.public_url, &channel.address),
            origins => settings.allowed_origins,
        }
    });
    Ok(super::render(
        "channel.html",
        minijinja::context! {
            staff => &signed_in.session.staff,
            csrf => &signed_in.session.csrf_token,
            channel => ChannelView::new(channel, &state.public_url),
            app_level_url => format!("{}/webhooks/meta", state.public_url),
            events => events,
            rejections => state.rejections.of(channel_id),
            test => test,
            templates => templates,
            widget => widget,
            notice => notice,
            token_expires_at => token_expires_at,
            token_lapses_soon => token_lapses_soon,
        },
    ))
}

#[derive(Deserialize)]
struct EnabledForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    enabled: String,
}

async fn set_enabled(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(channel_id): Path<ChannelId>,
    Form(form): Form<EnabledForm>,
) -> Response {
    if let Some(refused) = signed_in.refuse_forged(&form.csrf).or_else(|| signed_in.refuse_unless_admin()) {
        return refused;
    }
    let enabled = form.enabled == "true";
    let workspace_id = signed_in.session.staff.workspace_id;
    match state.store.set_channel_enabled(workspace_id, channel_id, enabled, now_ms()).await {
        Ok(Some(_)) => {
            state.channels.forget(channel_id);
            tracing::info!(%channel_id, enabled, "channel switched");
            Redirect::to(&format!("/inbox/settings/channels/{channel_id}")).into_response()
        }
        Ok(None) => Problem::not_found(format!("there is no channel {channel_id} in your workspace")).into_response(),
        Err(error) => Problem::from(error).into_response(),
    }
}

#[derive(Deserialize)]
struct TestForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    to: String,
    /// An approved template to send instead of the test text, as `name|language` (WhatsApp
    /// delivers only a template to someone who has not written in the last 24 hours).
    #[serde(default)]
    template: String,
}

/// The template a test message uses, its placeholders filled with "test".
async fn test_template(
    state: &AppState,
    channel_id: ChannelId,
    chosen: &str,
) -> Result<Option<switchboard_domain::Content>, Problem> {
    let Some((name, language)) = chosen.split_once('|') else { return Ok(None) };
    let templates = state.store.list_templates(channel_id).await?;
    let template = templates.iter().find(|t| t.name == name && t.language == language).ok_or_else(|| {
        Problem::unprocessable("unknown-template", format!("the channel has no template {name} in {language}"))
    })?;
    Ok(Some(switchboard_domain::Content::Template(switchboard_domain::content::TemplateMessage {
        name: template.name.clone(),
        language: template.language.clone(),
        body_parameters: vec!["test".to_owned(); template.body_parameter_count()],
        header_parameter: None,
        button_parameters: Vec::new(),
    })))
}

async fn send_test(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(channel_id): Path<ChannelId>,
    Form(form): Form<TestForm>,
) -> Response {
    if let Some(refused) = signed_in.refuse_forged(&form.csrf).or_else(|| signed_in.refuse_unless_admin()) {
        return refused;
    }
    let content = match test_template(&state, channel_id, &form.template).await {
        Ok(content) => content,
        Err(problem) => return problem.into_response(),
    };
    let request = SendRequest {
        workspace_id: signed_in.session.staff.workspace_id,
        channel_id,
        recipient: Recipient::Address(form.to.trim().to_owned()),
        body: if content.is_some() { String::new() } else { TEST_MESSAGE.to_owned() },
        media_urls: Vec::new(),
        content,
        reply_to: None,
        sender_kind: SenderKind::System,
        idempotency_key: None,
    };
    match crate::outbound::queue_send(&state, request).await {
        Ok((message, _)) => {
            state.dispatch_wakeup.notify_one();
            Redirect::to(&format!("/inbox/settings/channels/{channel_id}?test={}", message.message_id)).into_response()
        }
        Err(refusal) => Problem::from(refusal).into_response(),
    }
}
