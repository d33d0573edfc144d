//! `POST /v3/mail/send`: Bearer API key, SendGrid's validation, `202 Accepted` with an empty
//! body and the message's id in `X-Message-Id`; then each recipient's email plays its life on
//! the Event Webhook: `processed`, then `delivered` (or `bounce` for a recipient set to bounce).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rand::RngExt;
use serde_json::{Value, json};

use super::event_webhook;
use super::mail_send_validate::{FieldError, validate};
use super::world::{SentEmail, SentFile};
use crate::server::Shared;

/// SendGrid's limit on a whole Mail Send request.
const MAX_REQUEST_BYTES: usize = 30 * 1024 * 1024;

fn errors(status: StatusCode, errors: Vec<FieldError>) -> Response {
    let errors: Vec<Value> =
        errors.into_iter().map(|e| json!({ "message": e.message, "field": e.field, "help": null })).collect();
    (status, Json(json!({ "errors": errors }))).into_response()
}

fn one_error(status: StatusCode, message: &str) -> Response {
    errors(status, vec![FieldError { field: None, message: message.to_owned() }])
}

pub(crate) async fn mail_send(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let authorization = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let Some(api_key) = authorization.and_then(|v| v.strip_prefix("Bearer ")).map(str::trim) else {
        return one_error(StatusCode::UNAUTHORIZED, "authorization required");
    };
    if !shared.state.read(|w| w.sendgrid.api_keys.contains_key(api_key)) {
        return one_error(StatusCode::UNAUTHORIZED, "The provided authorization grant is invalid, expired, or revoked");
    }
    if body.len() > MAX_REQUEST_BYTES {
        return one_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "The JSON payload you have included in your request is too large.",
        );
    }
    let request: Value = match serde_json::from_slice(&body) {
        Ok(value @ Value::Object(_)) => value,
        _ => return one_error(StatusCode::BAD_REQUEST, "Bad Request"),
    };
    let problems = validate(&request);
    if !problems.is_empty() {
        return errors(StatusCode::BAD_REQUEST, problems);
    }
    let x_message_id = URL_SAFE_NO_PAD.encode(rand::rng().random::<[u8; 16]>());
    let sent = sent_email(&x_message_id, api_key, &request);
    let recipients = sent.to.clone();
    let smtp_id = sent.headers.get("Message-ID").cloned();
    shared.state.update(|world| world.sendgrid.sent.push(sent));
    tokio::spawn(play_life(shared.clone(), api_key.to_owned(), x_message_id.clone(), recipients, smtp_id));
    (StatusCode::ACCEPTED, [("X-Message-Id", x_message_id)]).into_response()
}

fn sent_email(x_message_id: &str, api_key: &str, request: &Value) -> SentEmail {
    let text = |value: &Value| value.as_str().map(str::to_owned);
    let content = |kind: &str| {
        request["content"]
            .as_array()
            .and_then(|blocks| blocks.iter().find(|b| b["type"] == kind))
            .and_then(|b| text(&b["value"]))
    };
    let to = request["personalizations"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["to"].as_array().cloned().unwrap_or_default())
        .filter_map(|r| text(&r["email"]))
        .collect();
    let headers: HashMap<String, String> = request["headers"]
        .as_object()
        .map(|h| h.iter().filter_map(|(k, v)| Some((k.clone(), text(v)?))).collect())
        .unwrap_or_default();
    SentEmail {
        x_message_id: x_message_id.to_owned(),
        from: text(&request["from"]["email"]).unwrap_or_default(),
        from_name: text(&request["from"]["name"]),
        to,
        subject: text(&request["subject"])
            .or_else(|| text(&request["personalizations"][0]["subject"]))
            .unwrap_or_default(),
        text: content("text/plain"),
        html: content("text/html"),
        reply_to: text(&request["reply_to"]["email"]),
        headers,
        attachments: request["attachments"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|file| {
                let bytes = file["content"].as_str().and_then(|c| STANDARD.decode(c).ok()).unwrap_or_default();
                SentFile {
                    filename: text(&file["filename"]).unwrap_or_default(),
                    content_type: text(&file["type"]),
                    size_bytes: bytes.len(),
                    bytes,
                }
            })
            .collect(),
        status: "processed".to_owned(),
        api_key: api_key.to_owned(),
    }
}

/// `processed`, then `delivered` or `bounce`, one Event Webhook post each.
async fn play_life(
    shared: Arc<Shared>,
    api_key: String,
    x_message_id: String,
    recipients: Vec<String>,
    smtp_id: Option<String>,
) {
    let delay = shared.config.callback_delay;
    tokio::time::sleep(delay).await;
    let processed =
        recipients.iter().map(|to| event_webhook::event(&x_message_id, to, smtp_id.as_deref(), "processed"));
    if let Err(error) = event_webhook::post(&shared, &api_key, processed.collect()).await {
        tracing::warn!(%error, "sendgrid emulator: the processed event was not delivered");
    }
    tokio::time::sleep(delay).await;
    let mut outcome = "delivered";
    let mut events = Vec::new();
    for to in &recipients {
        let bounce = shared.state.read(|w| w.sendgrid.bounces.get(&to.to_ascii_lowercase()).cloned());
        let mut event = event_webhook::event(
            &x_message_id,
            to,
            smtp_id.as_deref(),
            if bounce.is_some() { "bounce" } else { "delivered" },
        );
        if let Some(reason) = bounce {
            outcome = "bounce";
            event["type"] = json!("bounce");
            event["status"] = json!("5.1.1");
            event["reason"] = json!(reason);
        }
        events.push(event);
    }
    shared.state.update(|world| {
        if let Some(sent) = world.sendgrid.sent.iter_mut().find(|s| s.x_message_id == x_message_id) {
            sent.status = outcome.to_owned();
        }
    });
    if let Err(error) = event_webhook::post(&shared, &api_key, events).await {
        tracing::warn!(%error, "sendgrid emulator: the delivery event was not delivered");
    }
}
