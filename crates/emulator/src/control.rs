//! The `/_emulator` control API, for humans and the README: play an inbound message,
//! list the messages our side sent, and inject failures. Errors are `{"error": "..."}`.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::server::Shared;
use crate::{EmulatorError, EmulatorHandle, InboundRequest};

#[derive(Deserialize)]
struct MediaJson {
    url: String,
    content_type: String,
}

#[derive(Deserialize)]
struct InboundJson {
    from: String,
    to: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    media: Vec<MediaJson>,
    profile_name: Option<String>,
}

#[derive(Deserialize)]
struct FailureJson {
    to: String,
    http_status: Option<u16>,
    code: u32,
    times: Option<u32>,
    #[serde(default)]
    delivery: bool,
}

pub(crate) fn error(status: StatusCode, message: impl std::fmt::Display) -> Response {
    (status, Json(json!({ "error": message.to_string() }))).into_response()
}

pub(crate) fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    serde_json::from_slice(body).map_err(|e| format!("invalid JSON: {e}"))
}

/// `POST /_emulator/inbound`: a customer sends a message to one of our numbers.
pub(crate) async fn inbound(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let req: InboundJson = match parse(&body) {
        Ok(req) => req,
        Err(message) => return error(StatusCode::BAD_REQUEST, message),
    };
    let msg = InboundRequest {
        from: req.from,
        to: req.to,
        body: req.body,
        media: req.media.into_iter().map(|m| (m.url, m.content_type)).collect(),
        profile_name: req.profile_name,
    };
    match EmulatorHandle::from_shared(shared).send_inbound(msg).await {
        Ok(delivery) => Json(json!({
            "message_sid": delivery.message_sid,
            "status": delivery.status,
            "body": delivery.body,
        }))
        .into_response(),
        Err(e @ (EmulatorError::UnknownNumber(_) | EmulatorError::UnknownAccount(_))) => {
            error(StatusCode::NOT_FOUND, e)
        }
        Err(e) => error(StatusCode::BAD_GATEWAY, e),
    }
}

/// `GET /_emulator/messages`: every message our side sent, in order.
pub(crate) async fn messages(State(shared): State<Arc<Shared>>) -> Response {
    Json(EmulatorHandle::from_shared(shared).sent_messages()).into_response()
}

/// The HTTP status Twilio answers with a given API error code.
fn status_for_code(code: u32) -> u16 {
    match code {
        20003 => 401,
        20404 => 404,
        20429 => 429,
        20500 => 500,
        20503 => 503,
        _ => 400,
    }
}

/// `POST /_emulator/failures`: `fail_api` (`delivery: false`) or `fail_delivery`.
pub(crate) async fn failures(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let req: FailureJson = match parse(&body) {
        Ok(req) => req,
        Err(message) => return error(StatusCode::BAD_REQUEST, message),
    };
    let handle = EmulatorHandle::from_shared(shared);
    if req.delivery {
        handle.fail_delivery(&req.to, req.code);
        Json(json!({ "to": req.to, "delivery": true, "code": req.code })).into_response()
    } else {
        let http_status = req.http_status.unwrap_or_else(|| status_for_code(req.code));
        if StatusCode::from_u16(http_status).is_err() {
            return error(StatusCode::BAD_REQUEST, format!("invalid http_status {http_status}"));
        }
        let times = req.times.unwrap_or(1);
        handle.fail_api(&req.to, http_status, req.code, times);
        Json(json!({
            "to": req.to, "delivery": false, "http_status": http_status,
            "code": req.code, "times": times,
        }))
        .into_response()
    }
}
