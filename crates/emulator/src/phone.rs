//! The customer's phone, as a web page: type as the customer to one of our numbers (the message
//! reaches the server as a signed webhook, like any other), and see the business's replies
//! arrive with their delivery ticks. For the demo; tests use the control API.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::server::Shared;
use crate::state::PhoneEvent;

const PAGE: &str = include_str!("../assets/phone.html");

/// `GET /_emulator/phone`.
pub(crate) async fn page() -> Response {
    ([(header::CACHE_CONTROL, "no-store")], Html(PAGE)).into_response()
}

#[derive(Deserialize)]
pub(crate) struct ThreadQuery {
    /// The customer's number, `+1…`; their WhatsApp messages are included.
    customer: String,
}

#[derive(Serialize)]
struct ThreadMessage {
    /// `sent` by the customer or `received` from the business.
    direction: &'static str,
    /// Our number (or WhatsApp sender) on the other end.
    ours: String,
    body: String,
    /// For received messages, where delivery stands (`sent`, `delivered`, `read`, `failed`, …).
    status: Option<String>,
}

#[derive(Serialize)]
struct Thread {
    /// Our numbers the customer can write to.
    numbers: Vec<String>,
    messages: Vec<ThreadMessage>,
}

/// `GET /_emulator/phone/thread?customer=+1…`: the customer's side of every conversation.
pub(crate) async fn thread(State(shared): State<Arc<Shared>>, Query(query): Query<ThreadQuery>) -> Response {
    let customer = query.customer.trim().trim_start_matches("whatsapp:").to_owned();
    let is_customer = |address: &str| address.trim_start_matches("whatsapp:") == customer;
    let thread = shared.state.read(|world| {
        let mut numbers: Vec<String> = world.numbers.keys().cloned().collect();
        numbers.sort();
        let messages = world
            .phone_log
            .iter()
            .filter_map(|event| match event {
                PhoneEvent::Sent { from, to, body, .. } if is_customer(from) => {
                    Some(ThreadMessage { direction: "sent", ours: to.clone(), body: body.clone(), status: None })
                }
                PhoneEvent::Received { sid } => {
                    world.message(sid).filter(|r| is_customer(&r.message.to)).map(|r| ThreadMessage {
                        direction: "received",
                        ours: r.message.from.clone(),
                        body: r.message.body.clone(),
                        status: Some(r.message.status.clone()),
                    })
                }
                PhoneEvent::Sent { .. } => None,
            })
            .collect();
        Thread { numbers, messages }
    });
    Json(thread).into_response()
}
