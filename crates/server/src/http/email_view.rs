//! `GET /inbox/messages/{id}/email`: an email's HTML for a signed-in staff member of its
//! workspace, made safe ([`crate::email_html`]) and served as a page of its own, framed by the
//! timeline in a sandboxed frame. Its content security policy lets nothing run, load or submit:
//! only inline styles, and pictures from this server (or, after "Show pictures" with
//! `?images=1`, from anywhere over HTTPS).

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use switchboard_domain::MessageId;

use super::extract::parse_id;
use super::inbox::session::SignedIn;
use super::problem::Problem;
use crate::email_html::sanitize;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/inbox/messages/{message_id}/email", get(email_page))
}

/// The page's content security policy: nothing runs, loads or submits; pictures come from this
/// server, and from anywhere over HTTPS once asked for.
fn policy(remote_images: bool) -> String {
    let pictures = if remote_images { "'self' data: https:" } else { "'self' data:" };
    format!(
        "default-src 'none'; style-src 'unsafe-inline'; img-src {pictures}; frame-ancestors 'self'; base-uri 'none'; \
         form-action 'none'; sandbox allow-same-origin allow-popups allow-popups-to-escape-sandbox"
    )
}

async fn email_page(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(raw): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, Problem> {
    let message_id: MessageId = parse_id("message", &raw)?;
    let workspace_id = signed_in.session.staff.workspace_id;
    let message = state
        .store
        .get_message(workspace_id, message_id)
        .await?
        .ok_or_else(|| Problem::not_found(format!("there is no message {raw} in this workspace")))?;
    let html = message
        .email
        .and_then(|email| email.html)
        .ok_or_else(|| Problem::not_found(format!("message {raw} has no HTML part")))?;
    let remote_images = query.get("images").is_some_and(|v| v == "1");
    let safe = sanitize(&html, remote_images);
    let banner = if safe.blocked_images > 0 {
        format!(
            "<p class=\"sb-banner\">{} picture{} from the internet {} hidden: loading {} tells the sender you opened \
             the email. <a href=\"?images=1\" target=\"_self\">Show pictures</a></p>",
            safe.blocked_images,
            if safe.blocked_images == 1 { "" } else { "s" },
            if safe.blocked_images == 1 { "is" } else { "are" },
            if safe.blocked_images == 1 { "it" } else { "them" },
        )
    } else {
        String::new()
    };
    let page = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta name=\"referrer\" content=\"no-referrer\">\
         <style>body{{font-family:system-ui,sans-serif;font-size:14px;margin:.5rem;color:#18181b;overflow-wrap:anywhere}}\
         img{{max-width:100%;height:auto}}.sb-banner{{background:#fffbeb;border:1px solid #fde68a;padding:.4rem .6rem;\
         border-radius:6px;font-size:13px}}</style></head><body>{banner}{}</body></html>",
        safe.html
    );
    let mut response = Html(page).into_response();
    let headers = response.headers_mut();
    let policy = HeaderValue::from_str(&policy(remote_images)).expect("an ASCII policy");
    headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(response)
}
