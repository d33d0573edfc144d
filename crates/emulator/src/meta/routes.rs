//! Routing of Graph API requests. Every path whose first segment is a Graph version
//! (`v{N}.{M}`) is Meta's; the server hands over what its own routes did not match, and any
//! other path still gets Twilio's 404. The literal paths (`oauth/access_token`, `debug_token`,
//! `me/accounts`) are matched before the object-id ones; `subscribed_apps` of a registered
//! Facebook Page is the Page's, else a WhatsApp Business Account's. `POST /{id}/messages` is the Messenger Platform's
//! Send API for `me`, a Page or Instagram account, or a page access token; else WhatsApp's.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};

use super::graph_error::GraphError;
use super::messaging_send_api::{self, is_messaging_request};
use super::{debug_token_api, media_api, oauth_api, phone_numbers_api, send_api, subscriptions_api, templates_api};
use super::{page_accounts_api, page_subscriptions_api};
use crate::server::Shared;

/// The edges the emulator serves under an object id.
const KNOWN_EDGES: &[&str] = &["messages", "media", "message_templates", "subscribed_apps", "phone_numbers"];

/// Whether a path segment is a Graph API version such as `v23.0`.
pub(crate) fn is_graph_version(segment: &str) -> bool {
    let Some((major, minor)) = segment.strip_prefix('v').and_then(|v| v.split_once('.')) else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(major) && digits(minor)
}

/// The server's fallback: Graph API requests, else Twilio's 404.
pub(crate) async fn graph_or_not_found(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let segments: Vec<&str> = uri.path().trim_matches('/').split('/').collect();
    let Some((version, rest)) = segments.split_first().filter(|(version, _)| is_graph_version(version)) else {
        return crate::messages_api::not_found(uri).await;
    };
    let query = uri.query();
    let verb = method.as_str().to_ascii_lowercase();
    match (&method, rest) {
        (&Method::GET | &Method::POST, ["oauth", "access_token"]) => oauth_api::access_token(&shared, query, &body),
        (&Method::GET, ["debug_token"]) => debug_token_api::debug_token(&shared, &headers, query),
        (&Method::GET, ["me", "accounts"]) => page_accounts_api::me_accounts(&shared, &headers, query),
        (&Method::POST, [id, "messages"])
            if shared.state.read(|w| is_messaging_request(&w.meta, id, &headers, query)) =>
        {
            messaging_send_api::send_message(&shared, id, &headers, query, &body)
        }
        (&Method::POST, [id, "messages"]) => send_api::send_message(&shared, id, &headers, query, &body),
        (&Method::POST, [id, "media"]) => media_api::upload(&shared, id, &headers, query, &body),
        (&Method::GET, [id, "message_templates"]) => {
            templates_api::list_templates(&shared, version, id, &headers, query)
        }
        (&Method::GET, [id, "phone_numbers"]) => phone_numbers_api::list_phone_numbers(&shared, id, &headers, query),
        (&Method::GET | &Method::POST, [id, "subscribed_apps"])
            if shared.state.read(|w| w.meta.messaging.is_page(id)) =>
        {
            page_subscriptions_api::page_subscribed_apps(&shared, &method, id, &headers, query, &body)
        }
        (&Method::GET | &Method::POST, [id, "subscribed_apps"]) => {
            subscriptions_api::subscribed_apps(&shared, &method, id, &headers, query)
        }
        (&Method::GET, [id]) if !id.is_empty() => media_api::describe(&shared, id, &headers, query),
        (_, [id]) => GraphError::unsupported_request(&verb, id).into_response(),
        (_, [id, edge]) if KNOWN_EDGES.contains(edge) => GraphError::unsupported_request(&verb, id).into_response(),
        (_, [_, path @ ..]) => GraphError::unknown_path(&format!("/{}", path.join("/"))).into_response(),
        (_, []) => GraphError::unsupported_request(&verb, "").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_versions_are_v_major_dot_minor() {
        assert!(is_graph_version("v23.0"));
        assert!(is_graph_version("v9.12"));
        assert!(!is_graph_version("2010-04-01"));
        assert!(!is_graph_version("v23"));
        assert!(!is_graph_version("v.0"));
        assert!(!is_graph_version("_emulator"));
    }
}
