//! The webhook Meta POSTs when one of our messages changes status: `value.statuses[0]` with
//! `id`, `status`, `timestamp`, `recipient_id`, the `conversation` and `pricing` objects on
//! `sent` and `delivered`, and `errors` on `failed`.

use serde::Serialize;

use super::error_codes;
use super::webhook_envelope::{Business, ErrorData, WebhookError, encode};

/// Where Meta's error-code reference lives, as status errors link to it.
const ERROR_CODES_HREF: &str = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/";

/// `statuses` of the webhook's `value`.
#[derive(Serialize)]
struct StatusBody<'a> {
    statuses: [Status<'a>; 1],
}

#[derive(Serialize)]
struct Status<'a> {
    id: &'a str,
    status: &'a str,
    timestamp: String,
    recipient_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    conversation: Option<ConversationJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pricing: Option<Pricing<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<[WebhookError; 1]>,
}

#[derive(Serialize)]
struct ConversationJson<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    expiration_timestamp: Option<String>,
    origin: Origin<'a>,
}

#[derive(Serialize)]
struct Origin<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
}

#[derive(Serialize)]
struct Pricing<'a> {
    billable: bool,
    pricing_model: &'static str,
    category: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
}

/// The pricing conversation and category of a sent message.
#[derive(Clone, Debug)]
pub(crate) struct Billing<'a> {
    pub conversation_id: &'a str,
    /// Unix seconds when the conversation closes.
    pub expires_at: u64,
    /// `service`, or a template's category in lowercase.
    pub category: &'a str,
}

/// One status update of a message our side sent.
#[derive(Clone, Debug)]
pub(crate) struct StatusUpdate<'a> {
    pub wamid: &'a str,
    pub status: &'a str,
    pub timestamp: u64,
    pub recipient_id: &'a str,
    pub billing: Option<Billing<'a>>,
    /// The error code of a `failed` status.
    pub error_code: Option<u32>,
}

/// The webhook body for a status update, encoded as Meta sends it. `sent` carries the
/// conversation with its expiration, `delivered` the conversation without it, both with
/// pricing (service messages are free in the customer-service window); `failed` carries errors.
pub(crate) fn status_body(business: Business<'_>, update: &StatusUpdate<'_>) -> String {
    let billed = update.billing.as_ref().filter(|_| matches!(update.status, "sent" | "delivered"));
    let conversation = billed.map(|billing| ConversationJson {
        id: billing.conversation_id,
        expiration_timestamp: (update.status == "sent").then(|| billing.expires_at.to_string()),
        origin: Origin { kind: billing.category },
    });
    let pricing = billed.map(|billing| {
        let service = billing.category == "service";
        Pricing {
            billable: !service,
            pricing_model: "PMP",
            category: billing.category,
            kind: if service { "free_customer_service" } else { "regular" },
        }
    });
    let errors = update.error_code.map(|code| {
        let known = error_codes::lookup(code);
        [WebhookError {
            code,
            title: known.title.to_owned(),
            message: known.title.to_owned(),
            error_data: ErrorData { details: known.details.to_owned() },
            href: Some(ERROR_CODES_HREF),
        }]
    });
    let status = Status {
        id: update.wamid,
        status: update.status,
        timestamp: update.timestamp.to_string(),
        recipient_id: update.recipient_id,
        conversation,
        pricing,
        errors,
    };
    encode(business, StatusBody { statuses: [status] })
}
