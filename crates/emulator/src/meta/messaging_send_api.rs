//! The Send API: `POST /{version}/{account_id}/messages` and `POST /{version}/me/messages` with a
//! page access token (a user token from Facebook Login is refused with `(#210)`). Authenticates, validates, applies the standard messaging window (24 hours
//! since the person's last message; 7 days with the `HUMAN_AGENT` tag; Messenger's other tags
//! at any time), then accepts the message (its echo and receipts follow in
//! [`super::messaging_lifecycle`]).

use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::auth::access_token;
use super::graph_error::GraphError;
use super::messaging_clock::now_millis;
use super::messaging_errors::{no_matching_user, outside_window};
use super::messaging_ids::new_mid;
use super::messaging_lifecycle;
use super::messaging_types::{MessagingPlatform, MessagingSent};
use super::messaging_validate::validate;
use super::messaging_world::{HUMAN_AGENT_WINDOW_MS, MessagingWorld, STANDARD_WINDOW_MS};
use super::page_auth::{is_user_token, page_token_required};
use super::world::MetaWorld;
use crate::server::Shared;

/// What the API answers: `{"recipient_id","message_id"}`, without `message_id` for sender actions.
#[derive(Serialize)]
struct Answer {
    recipient_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    message_id: Option<String>,
}

/// Whether a `POST /{id}/messages` is for the Send API rather than the WhatsApp Cloud API: the
/// id is `me` or a messaging account, or the token is a page access token.
pub(crate) fn is_messaging_request(meta: &MetaWorld, id: &str, headers: &HeaderMap, query: Option<&str>) -> bool {
    id == "me"
        || meta.messaging.accounts.contains_key(id)
        || access_token(headers, query).is_some_and(|token| meta.messaging.account_for_token(&token).is_some())
}

/// Whether a message with this tag may go out `since` ms after the person's last message.
fn window_allows(platform: MessagingPlatform, tag: Option<&str>, since: u64) -> bool {
    match tag {
        _ if since < STANDARD_WINDOW_MS => true,
        Some("HUMAN_AGENT") => since < HUMAN_AGENT_WINDOW_MS,
        Some(_) => platform == MessagingPlatform::Messenger,
        None => false,
    }
}

fn accept(
    messaging: &mut MessagingWorld,
    id: &str,
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
) -> Result<Answer, GraphError> {
    let token = access_token(headers, query).ok_or_else(GraphError::invalid_token)?;
    let (account_id, account) = if id == "me" {
        messaging.account_for_token(&token).ok_or_else(GraphError::invalid_token)?
    } else {
        messaging.account_for_token(&token).ok_or_else(GraphError::invalid_token)?;
        messaging.account_with_token(id, &token).ok_or_else(|| GraphError::unsupported_request("post", id))?
    };
    let (account_id, platform) = (account_id.to_owned(), account.platform);
    let valid = validate(platform, body)?;
    let now = now_millis();
    let since =
        messaging.since_last_user_message(&account_id, &valid.recipient_id, now).ok_or_else(no_matching_user)?;
    let tag = valid.tag.as_deref().filter(|_| valid.is_message);
    if !window_allows(platform, tag, since) {
        return Err(outside_window());
    }
    if !valid.is_message {
        return Ok(Answer { recipient_id: valid.recipient_id, message_id: None });
    }
    let mid = new_mid(platform, &account_id);
    messaging.sent.push(MessagingSent {
        mid: mid.clone(),
        account_id,
        recipient_id: valid.recipient_id.clone(),
        request: valid.request,
        accepted_at: Instant::now(),
    });
    Ok(Answer { recipient_id: valid.recipient_id, message_id: Some(mid) })
}

/// Handles `POST /{version}/{account_id|me}/messages` for a messaging account.
pub(crate) fn send_message(
    shared: &Arc<Shared>,
    id: &str,
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
) -> Response {
    let outcome = shared.state.update(|world| {
        if access_token(headers, query).is_some_and(|token| is_user_token(&world.meta, &token)) {
            return Err(page_token_required());
        }
        accept(&mut world.meta.messaging, id, headers, query, body)
    });
    match outcome {
        Ok(answer) => {
            if let Some(mid) = &answer.message_id {
                messaging_lifecycle::spawn(shared.clone(), mid.clone());
            }
            Json(answer).into_response()
        }
        Err(error) => error.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_a_day_a_week_for_human_agents_and_any_time_for_messenger_tags() {
        let (messenger, instagram) = (MessagingPlatform::Messenger, MessagingPlatform::Instagram);
        let day = STANDARD_WINDOW_MS;
        assert!(window_allows(messenger, None, day - 1));
        assert!(!window_allows(messenger, None, day));
        assert!(window_allows(instagram, Some("HUMAN_AGENT"), 6 * day));
        assert!(!window_allows(instagram, Some("HUMAN_AGENT"), 7 * day));
        assert!(window_allows(messenger, Some("ACCOUNT_UPDATE"), 30 * day));
        assert!(!window_allows(instagram, Some("ACCOUNT_UPDATE"), 2 * day));
    }
}
