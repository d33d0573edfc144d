//! `GET /widget/frame/{key}?origin=…`: the page inside the widget's iframe. It is served only
//! for an enabled web chat channel and an embedding origin the channel allows, with a content
//! security policy that lets it load nothing but its own files, talk to nothing but this server,
//! and be framed by nothing but the allowed origins.

use std::sync::LazyLock;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use minijinja::Environment;
use serde::Deserialize;

use super::assets::{ASSETS_PATH, names};
use super::settings::WidgetSettings;
use crate::state::AppState;

static TEMPLATE: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.add_template("widget_frame.html", include_str!("../../templates/widget_frame.html"))
        .expect("the widget frame template compiles");
    env
});

#[derive(Deserialize)]
pub struct FrameQuery {
    #[serde(default)]
    origin: String,
}

/// A plain refusal the frame shows in place of the chat (it has no script to show a problem).
fn refusal(status: StatusCode, text: &str) -> Response {
    let page = format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Chat unavailable</title><p>{}</p></html>",
        text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
    );
    let mut response = (status, Html(page)).into_response();
    response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'"));
    response
}

/// The policy of the frame page; the origins were checked when the channel was added.
fn policy(settings: &WidgetSettings) -> String {
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; \
         form-action 'none'; base-uri 'none'; frame-ancestors {}",
        settings.allowed_origins.join(" ")
    )
}

pub async fn frame(
    State(state): State<AppState>,
    Path(key): Path<String>,
    Query(query): Query<FrameQuery>,
) -> Response {
    let channel = match super::visitor::channel_by_key(&state, &key).await {
        Ok(channel) => channel,
        Err(problem) => return refusal(problem.status, &problem.detail),
    };
    let settings = WidgetSettings::of(&channel.record.settings);
    if !settings.allows(&query.origin) {
        return refusal(StatusCode::FORBIDDEN, &format!("This chat is not enabled on {}.", query.origin));
    }
    let context = minijinja::context! {
        title => settings.title,
        greeting => settings.greeting,
        color => settings.color,
        position => if settings.position == super::settings::Corner::Left { "left" } else { "right" },
        key => key,
        origin => query.origin.trim_end_matches('/').to_ascii_lowercase(),
        prechat_json => serde_json::to_string(&settings.prechat).unwrap_or_default(),
        script_url => format!("{ASSETS_PATH}{}", names().js),
        style_url => format!("{ASSETS_PATH}{}", names().css),
    };
    let html = match TEMPLATE.get_template("widget_frame.html").and_then(|t| t.render(context)) {
        Ok(html) => html,
        Err(error) => {
            return crate::http::problem::Problem::internal(format!("rendering the widget frame: {error:#}"))
                .into_response();
        }
    };
    let mut response = Html(html).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&policy(&settings)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}
