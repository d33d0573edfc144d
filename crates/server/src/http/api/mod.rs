//! The REST API under `/api/v1`: workspace API keys as Bearer tokens, JSON in and out, errors as
//! problem+json, cursor pagination, and the OpenAPI description at `/api/v1/openapi.json`.

mod contact_edits;
mod contact_links;
mod contacts;
mod conversations;
mod debug;
mod messages;
pub mod openapi;
mod organizing;
mod teamwork;
mod templates;

use axum::Router;

use crate::state::AppState;

/// Default and largest page sizes.
pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;

/// Every route of the API, as (method, path template). The OpenAPI test checks each is described.
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/api/v1/contacts"),
    ("post", "/api/v1/contacts"),
    ("get", "/api/v1/contacts/{contact_id}"),
    ("patch", "/api/v1/contacts/{contact_id}"),
    ("post", "/api/v1/contacts/{contact_id}/merge"),
    ("post", "/api/v1/contacts/{contact_id}/identities"),
    ("get", "/api/v1/contacts/{contact_id}/telegram-link"),
    ("get", "/api/v1/conversations"),
    ("get", "/api/v1/conversations/{conversation_id}"),
    ("patch", "/api/v1/conversations/{conversation_id}"),
    ("get", "/api/v1/conversations/{conversation_id}/messages"),
    ("get", "/api/v1/conversations/{conversation_id}/notes"),
    ("post", "/api/v1/conversations/{conversation_id}/notes"),
    ("put", "/api/v1/conversations/{conversation_id}/assignee"),
    ("post", "/api/v1/conversations/{conversation_id}/snooze"),
    ("put", "/api/v1/conversations/{conversation_id}/labels/{label_id}"),
    ("delete", "/api/v1/conversations/{conversation_id}/labels/{label_id}"),
    ("get", "/api/v1/labels"),
    ("post", "/api/v1/labels"),
    ("delete", "/api/v1/labels/{label_id}"),
    ("get", "/api/v1/canned-responses"),
    ("post", "/api/v1/canned-responses"),
    ("patch", "/api/v1/canned-responses/{canned_response_id}"),
    ("delete", "/api/v1/canned-responses/{canned_response_id}"),
    ("get", "/api/v1/staff"),
    ("post", "/api/v1/messages"),
    ("get", "/api/v1/messages/{message_id}"),
    ("post", "/api/v1/media"),
    ("get", "/api/v1/media/{media_id}"),
    ("get", "/api/v1/channels"),
    ("get", "/api/v1/channels/{channel_id}/templates"),
    ("post", "/api/v1/channels/{channel_id}/templates/sync"),
    ("get", "/api/v1/webhook-events"),
    ("get", "/api/v1/jobs"),
    ("get", "/api/v1/openapi.json"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(contacts::router())
        .merge(contact_edits::router())
        .merge(conversations::router())
        .merge(messages::router())
        .merge(teamwork::router())
        .merge(organizing::router())
        .merge(debug::router())
        .merge(templates::router())
        .merge(openapi::router())
}

/// Clamps a requested page size.
pub fn page_limit(limit: Option<u32>) -> u32 {
    limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
}
