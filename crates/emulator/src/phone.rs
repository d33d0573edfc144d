//! The customer's phone, as a web page: type as the customer to one of our Twilio numbers,
//! WhatsApp Cloud numbers, Facebook Pages or Instagram accounts (the message reaches the server
//! as a signed webhook, like any other), and see the business's replies arrive with their
//! delivery ticks. For the demo; tests use the control API.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::meta::phone_view::{destinations, messaging_thread, whatsapp_thread};
use crate::phone_view::{Destination, ThreadMessage, escaped_json, options_html};
use crate::server::Shared;
use crate::state::{PhoneEvent, World};

const PAGE: &str = include_str!("../assets/phone.html");

/// Where the page's list of destinations goes; the page's script keeps it up to date.
const DESTINATIONS: &str = "<!--destinations-->";

/// Every destination the customer can write to: our Twilio numbers, then Meta's.
fn all_destinations(world: &World) -> Vec<Destination> {
    let mut numbers: Vec<&String> = world.numbers.keys().collect();
    numbers.sort();
    let twilio = numbers.into_iter().map(|n| Destination { id: n.clone(), label: n.clone() });
    twilio.chain(destinations(&world.meta)).collect()
}

/// `GET /_emulator/phone`: the page, with the destinations already listed.
pub(crate) async fn page(State(shared): State<Arc<Shared>>) -> Response {
    let options = shared.state.read(|world| options_html(&all_destinations(world)));
    ([(header::CACHE_CONTROL, "no-store")], Html(PAGE.replace(DESTINATIONS, &options))).into_response()
}

#[derive(Deserialize)]
pub(crate) struct ThreadQuery {
    /// The customer's number, `+1…`: their SMS, Twilio WhatsApp and WhatsApp Cloud messages.
    customer: String,
    /// The customer's PSID/IGSID: their Messenger and Instagram messages.
    sender: Option<String>,
}

#[derive(Serialize)]
struct Thread {
    /// Our Twilio numbers the customer can write to.
    numbers: Vec<String>,
    /// Every destination the customer can write to: the Twilio numbers, then Meta's.
    destinations: Vec<Destination>,
    /// Twilio's conversations, then WhatsApp Cloud's, then Messenger's and Instagram's.
    messages: Vec<ThreadMessage>,
}

fn twilio_channel(address: &str) -> &'static str {
    if address.starts_with("whatsapp:") { "WhatsApp" } else { "SMS" }
}

fn twilio_thread(world: &World, customer: &str) -> Vec<ThreadMessage> {
    let is_customer = |address: &str| address.trim_start_matches("whatsapp:") == customer;
    let line = |direction, ours: &str, body: &str, status: Option<&str>| ThreadMessage {
        direction,
        channel: twilio_channel(ours),
        ours: ours.trim_start_matches("whatsapp:").to_owned(),
        body: body.to_owned(),
        status: status.map(str::to_owned),
    };
    world
        .phone_log
        .iter()
        .filter_map(|event| match event {
            PhoneEvent::Sent { from, to, body, .. } if is_customer(from) => Some(line("sent", to, body, None)),
            PhoneEvent::Received { sid } => world
                .message(sid)
                .filter(|r| is_customer(&r.message.to))
                .map(|r| line("received", &r.message.from, &r.message.body, Some(&r.message.status))),
            PhoneEvent::Sent { .. } => None,
        })
        .collect()
}

/// `GET /_emulator/phone/thread?customer=+1…&sender=678…`: the customer's side of every conversation.
pub(crate) async fn thread(State(shared): State<Arc<Shared>>, Query(query): Query<ThreadQuery>) -> Response {
    let customer = query.customer.trim().trim_start_matches("whatsapp:").to_owned();
    let wa_id: String = customer.chars().filter(char::is_ascii_digit).collect();
    let sender = query.sender.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let thread = shared.state.read(|world| {
        let mut numbers: Vec<String> = world.numbers.keys().cloned().collect();
        numbers.sort();
        let destinations = all_destinations(world);
        let mut messages = twilio_thread(world, &customer);
        if !wa_id.is_empty() {
            messages.extend(whatsapp_thread(&world.meta, &wa_id));
        }
        if let Some(sender) = &sender {
            messages.extend(messaging_thread(&world.meta, &world.person_texts, sender));
        }
        Thread { numbers, destinations, messages }
    });
    escaped_json(&thread)
}
