//! What only Meta's webhooks need. A Meta app has one callback URL for every channel it serves,
//! so `POST /webhooks/meta` verifies the app's signature once, splits the webhook by phone
//! number id (WhatsApp) or Page or account id (Messenger, Instagram), and stores each part with
//! its channel (a part for an id no channel has is
//! acknowledged, so Meta stops retrying, and counted). Both that URL and each channel's own URL
//! answer Meta's GET handshake (`hub.mode`, `hub.verify_token`, `hub.challenge`), only for the
//! right token.

use std::collections::HashMap;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use switchboard_channels::meta::{MetaCredentials, split_by_channel, verify_token_matches};
use switchboard_channels::{ChannelAdapter, WebhookRequest};
use switchboard_domain::Provider;

use super::problem::Problem;
use super::webhooks::{accept, count, find_channel};
use crate::clock::now_ms;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/webhooks/meta", get(app_handshake).post(receive_app_level))
}

/// The handshake Meta performs when a callback URL is saved.
fn answer_handshake(expected: Option<&str>, query: &HashMap<String, String>) -> Result<Response, Problem> {
    let (Some(mode), Some(token), Some(challenge)) =
        (query.get("hub.mode"), query.get("hub.verify_token"), query.get("hub.challenge"))
    else {
        return Err(Problem::bad_request(
            "invalid-handshake",
            "a verification request carries hub.mode, hub.verify_token and hub.challenge",
        ));
    };
    if mode != "subscribe" {
        return Err(Problem::bad_request("invalid-handshake", format!("hub.mode is {mode:?}, not \"subscribe\"")));
    }
    if !expected.is_some_and(|expected| verify_token_matches(expected, token)) {
        return Err(Problem::forbidden(
            "wrong-verify-token",
            "hub.verify_token does not match the verify token configured for this webhook",
        ));
    }
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], challenge.clone()).into_response())
}

async fn app_handshake(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, Problem> {
    answer_handshake(state.adapters.meta().config().verify_token.as_deref(), &query)
}

/// `GET /webhooks/{provider}/{channel_id}`: the handshake for a channel's own URL.
pub(crate) async fn channel_handshake(
    State(state): State<AppState>,
    Path((provider, channel_raw)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, Problem> {
    if provider != Provider::Meta.as_str() {
        return Err(Problem::not_found(format!("{provider} webhooks have no verification handshake")));
    }
    let channel = find_channel(&state, Provider::Meta, &channel_raw).await?;
    let credentials = MetaCredentials::from_channel(&channel.context).ok();
    answer_handshake(credentials.as_ref().and_then(|c| c.verify_token.as_deref()), &query)
}

#[tracing::instrument(skip_all, fields(provider = "meta"))]
async fn receive_app_level(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Result<Response, Problem> {
    let limit = state.config.max_body_bytes;
    let body = to_bytes(body, limit).await.map_err(|_| {
        count(Provider::Meta, "too_large");
        state.rejections.record_app_level(now_ms(), &format!("body over the {limit}-byte limit"));
        Problem::too_large(limit)
    })?;
    let meta = state.adapters.meta();
    let request = WebhookRequest { path_and_query: "/webhooks/meta", headers: &headers, body: &body };
    if let Err(error) = meta.verify_app(&request) {
        count(Provider::Meta, "rejected");
        tracing::warn!(reason = %error, "app-level webhook rejected");
        state.rejections.record_app_level(now_ms(), &error.to_string());
        return Err(match error {
            switchboard_channels::VerifyError::Credentials(_) => Problem::not_found(error.to_string()),
            _ => Problem::forbidden("invalid-signature", error.to_string()),
        });
    }
    let parts = split_by_channel(&body).map_err(|error| {
        count(Provider::Meta, "malformed");
        state.rejections.record_app_level(now_ms(), &format!("malformed: {error}"));
        Problem::bad_request("malformed-webhook", error.to_string())
    })?;
    for part in parts {
        let channel = match state.store.find_channel_by_external_id(Provider::Meta, &part.external_id).await? {
            Some(record) if record.enabled => state.channels.get(record.channel_id).await.map_err(Problem::from)?,
            Some(_) => {
                unrouted(&state, &part.external_id, "the channel is disabled");
                continue;
            }
            None => None,
        };
        let Some(channel) = channel else {
            unrouted(&state, &part.external_id, "no channel has this phone number, Page or account id");
            continue;
        };
        let part_request = WebhookRequest { body: &part.body, ..request };
        let events = meta.parse(&channel.context, &part_request).map_err(|error| {
            count(Provider::Meta, "malformed");
            state.rejections.record(channel.record.channel_id, now_ms(), &format!("malformed: {error}"));
            Problem::bad_request("malformed-webhook", error.to_string())
        })?;
        let verification = "x-hub-signature-256 (app)";
        accept(&state, &channel, verification, "application/json", &part.body, events, Vec::new()).await?;
    }
    let reply = meta.reply();
    Ok(([(header::CONTENT_TYPE, reply.content_type)], reply.body).into_response())
}

/// A verified part for no channel: acknowledged (Meta would retry it for days), logged, counted.
fn unrouted(state: &AppState, external_id: &str, reason: &str) {
    count(Provider::Meta, "unrouted");
    tracing::warn!(external_id, reason, "webhook part for no channel acknowledged and dropped");
    state.rejections.record_unrouted(external_id, now_ms(), reason);
}
