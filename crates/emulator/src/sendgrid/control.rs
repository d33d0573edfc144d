//! The SendGrid part of the `/_emulator` control API, for humans and the README: a customer
//! writes an email, and the list of emails our side sent.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::handle::SendgridEmulator;
use crate::control::{error, parse};
use crate::customer_email::InboundEmailJson;
use crate::server::Shared;

/// `POST /_emulator/sendgrid/inbound`: a customer emails one of our addresses.
pub(crate) async fn inbound(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let email = match parse::<InboundEmailJson>(&body) {
        Ok(request) => request.into_email(),
        Err(message) => return error(StatusCode::BAD_REQUEST, message),
    };
    match SendgridEmulator::from_shared(shared).send_inbound(email).await {
        Ok(delivery) => Json(json!({
            "message_id": delivery.message_id,
            "status": delivery.status,
            "body": delivery.body,
        }))
        .into_response(),
        Err(e) => error(StatusCode::BAD_GATEWAY, e),
    }
}

/// `GET /_emulator/sendgrid/sent`: the emails our side sent, in order.
pub(crate) async fn sent(State(shared): State<Arc<Shared>>) -> Response {
    Json(SendgridEmulator::from_shared(shared).sent_emails()).into_response()
}
