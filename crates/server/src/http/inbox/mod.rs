//! The inbox: the web pages staff work in. Server-rendered HTML from templates compiled into the
//! binary (auto-escaped, so text from customers is never markup), a little JavaScript for live
//! updates by server-sent events, and assets under versioned names that browsers keep for a year.

mod actions;
mod assets;
mod channel_settings;
mod contacts;
mod conversations;
mod events;
mod meta_oauth;
mod meta_settings;
mod organizing;
mod retry;
pub mod session;
mod settings;
mod sign_in;
mod staff_settings;
mod telegram_settings;
pub mod throttle;
mod views;
mod webchat_settings;

use std::sync::LazyLock;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use minijinja::Environment;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::state::AppState;

/// Only our own scripts, styles and connections; no framing; images also as data URLs.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; \
    script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(sign_in::router())
        .merge(conversations::router())
        .merge(actions::router())
        .merge(organizing::router())
        .merge(contacts::router())
        .merge(retry::router())
        .merge(settings::router())
        .merge(channel_settings::router())
        .merge(meta_settings::router())
        .merge(telegram_settings::router())
        .merge(webchat_settings::router())
        .merge(meta_oauth::router())
        .merge(staff_settings::router())
        .merge(events::router())
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .merge(assets::router())
}

static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    for (name, source) in [
        ("base.html", include_str!("../../../templates/base.html")),
        ("sign_in.html", include_str!("../../../templates/sign_in.html")),
        ("inbox.html", include_str!("../../../templates/inbox.html")),
        ("list.html", include_str!("../../../templates/list.html")),
        ("timeline.html", include_str!("../../../templates/timeline.html")),
        ("reply.html", include_str!("../../../templates/reply.html")),
        ("admin_top.html", include_str!("../../../templates/admin_top.html")),
        ("settings.html", include_str!("../../../templates/settings.html")),
        ("channels.html", include_str!("../../../templates/channels.html")),
        ("meta_numbers.html", include_str!("../../../templates/meta_numbers.html")),
        ("channel.html", include_str!("../../../templates/channel.html")),
        ("staff.html", include_str!("../../../templates/staff.html")),
        ("invitation.html", include_str!("../../../templates/invitation.html")),
    ] {
        env.add_template(name, source).expect("the inbox templates compile");
    }
    env.add_filter("iso_time", views::iso_time);
    env.add_global("assets", minijinja::Value::from_serialize(assets::names()));
    env
});

/// Renders a template; a rendering failure is a bug, answered as a 500 and logged.
pub(crate) fn render(name: &str, context: minijinja::Value) -> Response {
    match TEMPLATES.get_template(name).and_then(|template| template.render(context)) {
        Ok(html) => Html(html).into_response(),
        Err(error) => crate::http::problem::Problem::internal(format!("rendering {name}: {error:#}")).into_response(),
    }
}
