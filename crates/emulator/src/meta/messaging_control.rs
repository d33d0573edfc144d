//! `POST /_emulator/meta/messaging/inbound`: a person writes a text to a Facebook Page or an
//! Instagram account, for the demo and humans (`{"account_id","sender_id","text"}`; the
//! platform is the account's).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::handle::MetaEmulator;
use super::messaging_types::MessagingInbound;
use crate::control::{error, parse};
use crate::errors::EmulatorError;
use crate::server::Shared;

#[derive(Deserialize)]
struct InboundJson {
    account_id: String,
    sender_id: String,
    text: String,
}

/// Plays the text and answers `{"mid","status","body"}` with what our server answered.
pub(crate) async fn inbound(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let request: InboundJson = match parse(&body) {
        Ok(request) => request,
        Err(message) => return error(StatusCode::BAD_REQUEST, message),
    };
    let platform =
        shared.state.read(|world| world.meta.messaging.accounts.get(&request.account_id).map(|a| a.platform));
    let Some(platform) = platform else {
        return error(StatusCode::NOT_FOUND, EmulatorError::UnknownAccount(request.account_id));
    };
    let inbound = MessagingInbound::text(platform, &request.account_id, &request.sender_id, &request.text);
    match MetaEmulator::from_shared(shared).send_messaging_inbound(inbound).await {
        Ok(delivery) => {
            Json(json!({ "mid": delivery.wamid, "status": delivery.status, "body": delivery.body })).into_response()
        }
        Err(e @ EmulatorError::UnknownAccount(_)) => error(StatusCode::NOT_FOUND, e),
        Err(e) => error(StatusCode::BAD_GATEWAY, e),
    }
}
