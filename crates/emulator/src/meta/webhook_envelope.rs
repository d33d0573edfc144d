//! The envelope of every `messages` webhook Meta POSTs:
//! `{"object":"whatsapp_business_account","entry":[{"id","changes":[{"value":{"messaging_product",
//! "metadata",…},"field":"messages"}]}]}`, fields in the order Meta's reference documents them,
//! encoded as Meta encodes webhook bodies; and the `errors` entries some payloads carry.

use serde::Serialize;

use super::meta_json::to_meta_json;

/// The business side of a webhook: which account and number it is about.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Business<'a> {
    pub waba_id: &'a str,
    pub phone_number_id: &'a str,
    pub display_phone_number: &'a str,
}

#[derive(Serialize)]
struct Notification<'a, B> {
    object: &'static str,
    entry: [Entry<'a, B>; 1],
}

#[derive(Serialize)]
struct Entry<'a, B> {
    id: &'a str,
    changes: [Change<'a, B>; 1],
}

#[derive(Serialize)]
struct Change<'a, B> {
    value: ChangeValue<'a, B>,
    field: &'static str,
}

#[derive(Serialize)]
struct ChangeValue<'a, B> {
    messaging_product: &'static str,
    metadata: Metadata<'a>,
    /// `contacts` and `messages`, or `statuses`.
    #[serde(flatten)]
    body: B,
}

#[derive(Serialize)]
struct Metadata<'a> {
    display_phone_number: &'a str,
    phone_number_id: &'a str,
}

/// An entry of an `errors` array (unsupported messages, failed statuses).
#[derive(Serialize)]
pub(crate) struct WebhookError {
    pub code: u32,
    pub title: String,
    pub message: String,
    pub error_data: ErrorData,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<&'static str>,
}

#[derive(Serialize)]
pub(crate) struct ErrorData {
    pub details: String,
}

/// The full webhook body around `body` (the rest of `value`), encoded as Meta sends it.
pub(crate) fn encode<B: Serialize>(business: Business<'_>, body: B) -> String {
    let value = ChangeValue {
        messaging_product: "whatsapp",
        metadata: Metadata {
            display_phone_number: business.display_phone_number,
            phone_number_id: business.phone_number_id,
        },
        body,
    };
    let notification = Notification {
        object: "whatsapp_business_account",
        entry: [Entry { id: business.waba_id, changes: [Change { value, field: "messages" }] }],
    };
    to_meta_json(&notification)
}
