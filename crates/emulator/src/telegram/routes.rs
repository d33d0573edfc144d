//! Routing of Bot API calls: `/bot<token>/<method>` (any HTTP verb, method names matched
//! without regard to case, as Telegram does). The server's fallback hands over every path whose
//! first segment starts with `bot`; other paths go on to the Graph API's routing. An unknown token
//! is `401 Unauthorized`, an unknown method `404 Not Found`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};

use super::envelope::{BotApiError, MethodResult};
use super::params::Params;
use super::send_api::{self, SendKind};
use super::world::BotState;
use super::{bot_methods, webhook_methods};
use crate::server::Shared;

/// The token in a `bot<token>` path segment (percent-decoded), if it looks like one.
pub(crate) fn token_of(segment: &str) -> Option<String> {
    let encoded = segment.strip_prefix("bot")?;
    let token: String = form_urlencoded::parse(format!("t={}", encoded.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())?;
    let (id, secret) = token.split_once(':')?;
    let well_formed = !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_digit())
        && !secret.is_empty()
        && secret.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    well_formed.then_some(token)
}

/// Runs `f` on the bot with this token (waking waiters afterwards); 401 when there is none.
pub(crate) fn with_bot<R>(
    shared: &Shared,
    token: &str,
    f: impl FnOnce(&mut BotState) -> Result<R, BotApiError>,
) -> Result<R, BotApiError> {
    shared.state.update(|world| match world.telegram.bots.get_mut(token) {
        Some(bot) => f(bot),
        None => Err(BotApiError::unauthorized()),
    })
}

/// The server's fallback: Bot API calls, else the Graph API's routing (and Twilio's 404).
pub(crate) async fn bot_api_or_graph(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let segments: Vec<&str> = uri.path().trim_start_matches('/').split('/').collect();
    if !segments.first().is_some_and(|first| first.starts_with("bot")) {
        return crate::meta::graph_or_not_found(State(shared), method, uri, headers, body).await;
    }
    call(&shared, &segments, uri.query(), &headers, &body).await.unwrap_or_else(IntoResponse::into_response)
}

async fn call(
    shared: &Arc<Shared>,
    segments: &[&str],
    query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> MethodResult {
    let [bot_segment, method] = segments else { return Err(BotApiError::not_found()) };
    let token = token_of(bot_segment).ok_or_else(BotApiError::not_found)?;
    if !shared.state.read(|world| world.telegram.bots.contains_key(&token)) {
        return Err(BotApiError::unauthorized());
    }
    let params = Params::read(query, headers, body)?;
    match method.to_ascii_lowercase().as_str() {
        "getme" => bot_methods::get_me(shared, &token),
        "sendmessage" => send_api::send(shared, &token, SendKind::Message, &params),
        "sendphoto" => send_api::send(shared, &token, SendKind::Photo, &params),
        "senddocument" => send_api::send(shared, &token, SendKind::Document, &params),
        "sendchataction" => bot_methods::send_chat_action(shared, &token, &params),
        "answercallbackquery" => bot_methods::answer_callback_query(shared, &token, &params),
        "getfile" => bot_methods::get_file(shared, &token, &params),
        "setmycommands" => bot_methods::set_my_commands(shared, &token, &params),
        "getmycommands" => bot_methods::get_my_commands(shared, &token),
        "deletemycommands" => bot_methods::delete_my_commands(shared, &token),
        "setwebhook" => webhook_methods::set_webhook(shared, &token, &params),
        "deletewebhook" => webhook_methods::delete_webhook(shared, &token, &params),
        "getwebhookinfo" => webhook_methods::get_webhook_info(shared, &token),
        "getupdates" => webhook_methods::get_updates(shared, &token, &params).await,
        _ => Err(BotApiError::not_found()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_come_from_the_bot_segment() {
        assert_eq!(token_of("bot123:AAH-x_y").as_deref(), Some("123:AAH-x_y"));
        assert_eq!(token_of("bot123%3AAAH").as_deref(), Some("123:AAH"));
        assert_eq!(token_of("bot"), None);
        assert_eq!(token_of("botabc:def"), None);
        assert_eq!(token_of("v23.0"), None);
    }
}
