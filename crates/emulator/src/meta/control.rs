//! The Meta part of the `/_emulator` control API, for the demo's customer phone and humans:
//! play a customer's text (`POST /_emulator/meta/inbound`), see what each customer number
//! sent and received (`GET /_emulator/meta/phones`), list what our side sent
//! (`GET /_emulator/meta/sent`) and inject failures (`POST /_emulator/meta/failures`).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::handle::MetaEmulator;
use super::summary::outbound_summary;
use super::types::WhatsappInbound;
use super::world::{MetaWorld, PhoneEvent};
use crate::control::{error, parse};
use crate::errors::EmulatorError;
use crate::server::Shared;

#[derive(Deserialize)]
struct InboundJson {
    phone_number_id: String,
    from: String,
    profile_name: Option<String>,
    text: String,
}

#[derive(Deserialize)]
struct FailureJson {
    to: String,
    code: u32,
    times: Option<u32>,
    #[serde(default)]
    delivery: bool,
}

/// `POST /_emulator/meta/inbound`: a customer's WhatsApp sends a text to one of our numbers.
pub(crate) async fn inbound(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let request: InboundJson = match parse(&body) {
        Ok(request) => request,
        Err(message) => return error(StatusCode::BAD_REQUEST, message),
    };
    let mut inbound =
        WhatsappInbound::text(&request.phone_number_id, request.from.trim_start_matches('+'), &request.text);
    inbound.profile_name = request.profile_name;
    match MetaEmulator::from_shared(shared).send_inbound(inbound).await {
        Ok(delivery) => {
            Json(json!({ "wamid": delivery.wamid, "status": delivery.status, "body": delivery.body })).into_response()
        }
        Err(e @ (EmulatorError::UnknownNumber(_) | EmulatorError::UnknownAccount(_))) => {
            error(StatusCode::NOT_FOUND, e)
        }
        Err(e) => error(StatusCode::BAD_GATEWAY, e),
    }
}

/// `POST /_emulator/meta/failures`: `fail_api` (`delivery: false`) or `fail_delivery`.
pub(crate) async fn failures(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let request: FailureJson = match parse(&body) {
        Ok(request) => request,
        Err(message) => return error(StatusCode::BAD_REQUEST, message),
    };
    let meta = MetaEmulator::from_shared(shared);
    if request.delivery {
        meta.fail_delivery(&request.to, request.code);
        return Json(json!({ "to": request.to, "delivery": true, "code": request.code })).into_response();
    }
    let times = request.times.unwrap_or(1);
    meta.fail_api(&request.to, request.code, times);
    Json(json!({ "to": request.to, "delivery": false, "code": request.code, "times": times })).into_response()
}

/// `GET /_emulator/meta/sent`: every message our side sent, in order.
pub(crate) async fn sent(State(shared): State<Arc<Shared>>) -> Response {
    let sent: Vec<Value> = MetaEmulator::from_shared(shared)
        .sent()
        .into_iter()
        .map(|s| {
            json!({
                "wamid": s.wamid, "phone_number_id": s.phone_number_id, "to": s.to,
                "type": s.request["type"].as_str().unwrap_or("text"), "status": s.status, "request": s.request,
            })
        })
        .collect();
    Json(sent).into_response()
}

#[derive(Deserialize)]
pub(crate) struct PhonesQuery {
    /// Only this customer's WhatsApp id (digits, `+` allowed).
    customer: Option<String>,
}

#[derive(Serialize)]
struct PhoneMessage {
    /// `sent` by the customer or `received` from the business.
    direction: &'static str,
    phone_number_id: String,
    wamid: String,
    text: String,
    /// For received messages, where delivery stands (`accepted`, `sent`, `delivered`, `read`, `failed`).
    status: Option<String>,
}

#[derive(Serialize)]
struct OurNumber {
    phone_number_id: String,
    display_phone_number: String,
}

#[derive(Serialize)]
struct Phones {
    /// Our numbers a customer can write to.
    numbers: Vec<OurNumber>,
    /// Customer WhatsApp id → their messages, in order.
    customers: BTreeMap<String, Vec<PhoneMessage>>,
}

fn phones_view(meta: &MetaWorld, only: Option<&str>) -> Phones {
    let mut numbers: Vec<OurNumber> = meta
        .numbers
        .iter()
        .map(|(id, n)| OurNumber { phone_number_id: id.clone(), display_phone_number: n.display_phone_number.clone() })
        .collect();
    numbers.sort_by(|a, b| a.phone_number_id.cmp(&b.phone_number_id));
    let mut customers: BTreeMap<String, Vec<PhoneMessage>> = BTreeMap::new();
    for event in &meta.phone_log {
        let (wa_id, message) = match event {
            PhoneEvent::Sent { wa_id, phone_number_id, wamid, summary } => (
                wa_id.clone(),
                PhoneMessage {
                    direction: "sent",
                    phone_number_id: phone_number_id.clone(),
                    wamid: wamid.clone(),
                    text: summary.clone(),
                    status: None,
                },
            ),
            PhoneEvent::Received { wamid } => {
                let Some(sent) = meta.sent_message(wamid) else { continue };
                let message = PhoneMessage {
                    direction: "received",
                    phone_number_id: sent.phone_number_id.clone(),
                    wamid: wamid.clone(),
                    text: outbound_summary(&sent.request),
                    status: Some(sent.status.clone()),
                };
                (sent.to.clone(), message)
            }
        };
        if only.is_none_or(|customer| customer == wa_id) {
            customers.entry(wa_id).or_default().push(message);
        }
    }
    Phones { numbers, customers }
}

/// `GET /_emulator/meta/phones[?customer=14155550100]`: each customer's side of their conversations.
pub(crate) async fn phones(State(shared): State<Arc<Shared>>, Query(query): Query<PhonesQuery>) -> Response {
    let only = query.customer.map(|c| c.trim().trim_start_matches('+').to_owned());
    Json(shared.state.read(|world| phones_view(&world.meta, only.as_deref()))).into_response()
}
