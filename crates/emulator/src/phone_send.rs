//! `POST /_emulator/phone/send`: the phone page's compose form (form-encoded `to`, `customer`,
//! `sender`, `body`). The message goes through the same typed inbound paths as the Rust API, so
//! our server gets the provider's signed webhook: Twilio's for a Twilio address, Meta's for a
//! `wa-cloud:`, `messenger:` or `instagram:` destination. Answers `{"status"}` with what our
//! server answered, or `{"error"}`.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use crate::control::error;
use crate::meta::phone_view::{INSTAGRAM, MESSENGER, WA_CLOUD};
use crate::meta::{MessagingInbound, MessagingPlatform, WhatsappInbound};
use crate::phone_texts::PersonText;
use crate::phone_view::escaped_json;
use crate::server::Shared;
use crate::{EmulatorError, EmulatorHandle, InboundRequest};

/// The person the page plays on Messenger and Instagram when none is given.
pub(crate) const DEFAULT_SENDER: &str = "6783456789012345";

/// The compose form.
#[derive(Debug, Default)]
struct ComposeForm {
    to: String,
    customer: String,
    sender: String,
    body: String,
}

fn parse(body: &[u8]) -> ComposeForm {
    let mut form = ComposeForm::default();
    for (name, value) in form_urlencoded::parse(body) {
        match name.as_ref() {
            "to" => form.to = value.trim().to_owned(),
            "customer" => form.customer = value.trim().to_owned(),
            "sender" => form.sender = value.trim().to_owned(),
            "body" => form.body = value.into_owned(),
            _ => {}
        }
    }
    if form.sender.is_empty() {
        form.sender = DEFAULT_SENDER.to_owned();
    }
    form
}

/// The customer's number as a WhatsApp id: its digits.
fn wa_id(customer: &str) -> String {
    customer.chars().filter(char::is_ascii_digit).collect()
}

fn answer(result: Result<u16, EmulatorError>) -> Response {
    match result {
        Ok(status) => escaped_json(&json!({ "status": status })),
        Err(e @ (EmulatorError::UnknownNumber(_) | EmulatorError::UnknownAccount(_))) => {
            error(StatusCode::NOT_FOUND, e)
        }
        Err(e) => error(StatusCode::BAD_GATEWAY, e),
    }
}

async fn to_messaging(
    shared: Arc<Shared>,
    platform: MessagingPlatform,
    account_id: &str,
    form: ComposeForm,
) -> Response {
    let inbound = MessagingInbound::text(platform, account_id, &form.sender, &form.body);
    let result = EmulatorHandle::from_shared(shared.clone()).meta().send_messaging_inbound(inbound).await;
    if result.is_ok() {
        let text = PersonText {
            account_id: account_id.to_owned(),
            sender_id: form.sender,
            text: form.body,
            at: Instant::now(),
        };
        shared.state.update(|world| world.person_texts.push(text));
    }
    answer(result.map(|delivery| delivery.status))
}

/// `POST /_emulator/phone/send`.
pub(crate) async fn send(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let form = parse(&body);
    if form.to.is_empty() || form.body.trim().is_empty() {
        return error(StatusCode::BAD_REQUEST, "both `to` and `body` are required");
    }
    let handle = EmulatorHandle::from_shared(shared.clone());
    if let Some(phone_number_id) = form.to.strip_prefix(WA_CLOUD) {
        if wa_id(&form.customer).is_empty() {
            return error(StatusCode::BAD_REQUEST, "`customer` must be a phone number");
        }
        let inbound = WhatsappInbound::text(phone_number_id, &wa_id(&form.customer), &form.body);
        return answer(handle.meta().send_inbound(inbound).await.map(|delivery| delivery.status));
    }
    if let Some(account_id) = form.to.strip_prefix(MESSENGER) {
        let account_id = account_id.to_owned();
        return to_messaging(shared, MessagingPlatform::Messenger, &account_id, form).await;
    }
    if let Some(account_id) = form.to.strip_prefix(INSTAGRAM) {
        let account_id = account_id.to_owned();
        return to_messaging(shared, MessagingPlatform::Instagram, &account_id, form).await;
    }
    let customer = form.customer.trim_start_matches("whatsapp:");
    let from = if form.to.starts_with("whatsapp:") { format!("whatsapp:{customer}") } else { customer.to_owned() };
    answer(handle.send_inbound(InboundRequest::text(&from, &form.to, &form.body)).await.map(|delivery| delivery.status))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_is_read_with_a_default_sender() {
        let form = parse(b"to=wa-cloud%3A1&customer=+%2B1+415+555+0123&body=hi+%3Cthere%3E&sender=");
        assert_eq!((form.to.as_str(), form.body.as_str()), ("wa-cloud:1", "hi <there>"));
        assert_eq!(wa_id(&form.customer), "14155550123");
        assert_eq!(form.sender, DEFAULT_SENDER);
    }
}
