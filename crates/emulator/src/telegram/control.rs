//! The Telegram part of the `/_emulator` control API, for humans of the demo: a customer writes
//! to a bot (`POST /_emulator/telegram/{username}/send`), and what the bot sent
//! (`GET /_emulator/telegram/{username}/sent`).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::handle::TelegramEmulator;
use super::updates::{Customer, CustomerAction};
use crate::control::{error, parse};
use crate::server::Shared;

/// A customer's text, as the control API takes it.
#[derive(Deserialize)]
struct SendJson {
    user_id: i64,
    first_name: String,
    last_name: Option<String>,
    username: Option<String>,
    language_code: Option<String>,
    text: String,
}

fn token_of_bot(shared: &Shared, username: &str) -> Option<String> {
    shared.state.read(|w| w.telegram.bot_by_username(username).map(|bot| bot.token.clone()))
}

/// `POST /_emulator/telegram/{username}/send`: a customer sends the bot a text.
pub(crate) async fn send(State(shared): State<Arc<Shared>>, Path(username): Path<String>, body: Bytes) -> Response {
    let request: SendJson = match parse(&body) {
        Ok(request) => request,
        Err(message) => return error(StatusCode::BAD_REQUEST, message),
    };
    let Some(token) = token_of_bot(&shared, &username) else {
        return error(StatusCode::NOT_FOUND, format!("no bot @{username} is registered with the emulator"));
    };
    let customer = Customer {
        last_name: request.last_name,
        username: request.username,
        language_code: request.language_code.or_else(|| Some("en".to_owned())),
        ..Customer::new(request.user_id, &request.first_name)
    };
    let telegram = TelegramEmulator::from_shared(shared);
    match telegram.send_update(&token, &customer, CustomerAction::Text(request.text)).await {
        Ok(delivery) => Json(json!({
            "update_id": delivery.update_id,
            "message_id": delivery.message_id,
            "status": delivery.status,
            "body": delivery.body,
        }))
        .into_response(),
        Err(e) => error(StatusCode::BAD_GATEWAY, e),
    }
}

/// `GET /_emulator/telegram/{username}/sent`: what the bot sent, in order.
pub(crate) async fn sent(State(shared): State<Arc<Shared>>, Path(username): Path<String>) -> Response {
    match token_of_bot(&shared, &username) {
        Some(token) => Json(TelegramEmulator::from_shared(shared).sent_messages(&token)).into_response(),
        None => error(StatusCode::NOT_FOUND, format!("no bot @{username} is registered with the emulator")),
    }
}
