//! `POST /{version}/{phone_number_id}/messages`: authenticates, validates, matches templates,
//! applies injected failures, the throughput limit and the 24-hour customer-service window,
//! then accepts the message (its life goes on in [`super::statuses`]).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Json;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::auth::authenticate;
use super::graph_error::GraphError;
use super::ids::{Direction, new_wamid};
use super::statuses;
use super::types::WhatsappSent;
use super::validate::template::check_against;
use super::validate::{MessagesRequest, ValidSend, validate_request};
use super::world::{MetaWorld, PhoneEvent};
use crate::server::Shared;

/// What the endpoint accepted.
enum Accepted {
    /// A read receipt: nothing is sent.
    ReadReceipt,
    /// A message, with the API's answer.
    Message { wamid: String, answer: Value },
}

/// Consumes one failure injected with `fail_api` for `wa_id`, if any is left.
fn take_injected_failure(meta: &mut MetaWorld, wa_id: &str) -> Result<(), GraphError> {
    let Some(failure) = meta.api_failures.get_mut(wa_id) else {
        return Ok(());
    };
    let error = GraphError::whatsapp(failure.code);
    failure.remaining = failure.remaining.saturating_sub(1);
    if failure.remaining == 0 {
        meta.api_failures.remove(wa_id);
    }
    Err(error)
}

/// 130429 once the number accepted its limit of messages within the last second.
fn check_throughput(meta: &mut MetaWorld, phone_number_id: &str, now: Instant) -> Result<(), GraphError> {
    let Some(&limit) = meta.rate_limits.get(phone_number_id).filter(|limit| **limit > 0) else {
        return Ok(());
    };
    let recent = meta.recent_accepts.entry(phone_number_id.to_owned()).or_default();
    while recent.front().is_some_and(|at| now.duration_since(*at) >= Duration::from_secs(1)) {
        recent.pop_front();
    }
    if recent.len() >= limit as usize { Err(GraphError::whatsapp(130429)) } else { Ok(()) }
}

fn accept(
    meta: &mut MetaWorld,
    phone_number_id: &str,
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
) -> Result<Accepted, GraphError> {
    let waba_id = authenticate(meta, headers, query)?;
    let number = meta
        .numbers
        .get(phone_number_id)
        .filter(|number| number.waba_id == waba_id)
        .cloned()
        .ok_or_else(|| GraphError::unsupported_request("post", phone_number_id))?;
    let send: ValidSend = match validate_request(body)? {
        MessagesRequest::ReadReceipt => return Ok(Accepted::ReadReceipt),
        MessagesRequest::Send(send) => send,
    };
    if send.wa_id == number.display_phone_number {
        return Err(GraphError::whatsapp(131021));
    }
    let category = match &send.template {
        Some(template) => {
            let templates = meta.accounts.get(&waba_id).map(|a| a.templates.as_slice()).unwrap_or_default();
            check_against(templates, template)?
        }
        None => "service".to_owned(),
    };
    take_injected_failure(meta, &send.wa_id)?;
    let now = Instant::now();
    check_throughput(meta, phone_number_id, now)?;
    if send.needs_service_window() && !meta.window_open(phone_number_id, &send.wa_id, now) {
        return Err(GraphError::whatsapp(131047));
    }

    let wamid = new_wamid(&send.wa_id, Direction::Outbound);
    if meta.rate_limits.contains_key(phone_number_id) {
        meta.recent_accepts.entry(phone_number_id.to_owned()).or_default().push_back(now);
    }
    let request: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    meta.sent.push(WhatsappSent {
        wamid: wamid.clone(),
        phone_number_id: phone_number_id.to_owned(),
        to: send.wa_id.clone(),
        request,
        status: "accepted".to_owned(),
        accepted_at: now,
    });
    meta.categories.insert(wamid.clone(), category);
    meta.phone_log.push(PhoneEvent::Received { wamid: wamid.clone() });

    let mut message = json!({ "id": wamid });
    if send.template.is_some() {
        message["message_status"] = json!("accepted");
    }
    let answer = json!({
        "messaging_product": "whatsapp",
        "contacts": [{ "input": send.to_input, "wa_id": send.wa_id }],
        "messages": [message],
    });
    Ok(Accepted::Message { wamid, answer })
}

/// Handles `POST /{version}/{phone_number_id}/messages`.
pub(crate) fn send_message(
    shared: &Arc<Shared>,
    phone_number_id: &str,
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
) -> Response {
    match shared.state.update(|world| accept(&mut world.meta, phone_number_id, headers, query, body)) {
        Ok(Accepted::ReadReceipt) => Json(json!({ "success": true })).into_response(),
        Ok(Accepted::Message { wamid, answer }) => {
            statuses::spawn_lifecycle(shared.clone(), wamid);
            Json(answer).into_response()
        }
        Err(error) => error.into_response(),
    }
}
