//! Validation of a `POST /{phone_number_id}/messages` body as the Cloud API does it: the
//! common fields (`messaging_product`, `to`, `recipient_type`, `type`, `context`), then the
//! object named by `type`. What needs the account (templates) is checked in [`template`].

mod fields;
mod interactive;
mod media;
mod simple;
pub(crate) mod template;

use serde_json::Value;

use self::fields::{as_object, missing, one_of, optional_str, required_str};
use self::template::TemplateRequest;
use crate::meta::graph_error::GraphError;

/// The message types the Cloud API sends.
const MESSAGE_TYPES: &[&str] = &[
    "audio",
    "contacts",
    "document",
    "image",
    "interactive",
    "location",
    "reaction",
    "sticker",
    "template",
    "text",
    "video",
];

/// A send request that passed validation.
#[derive(Clone, Debug)]
pub(crate) struct ValidSend {
    /// `to` as the request wrote it (answered back as `contacts[0].input`).
    pub to_input: String,
    /// `to` as a WhatsApp id: digits only.
    pub wa_id: String,
    /// The message `type`.
    pub kind: String,
    /// For `type: template`, what must match one of the account's templates.
    pub template: Option<TemplateRequest>,
}

impl ValidSend {
    /// Whether the message may only go out in the customer-service window.
    pub fn needs_service_window(&self) -> bool {
        !matches!(self.kind.as_str(), "template" | "reaction")
    }
}

/// What a valid request to the messages endpoint asks for.
#[derive(Clone, Debug)]
pub(crate) enum MessagesRequest {
    /// Send a message.
    Send(ValidSend),
    /// `{"status":"read","message_id":…}`: mark a received message as read.
    ReadReceipt,
}

fn check_messaging_product(body: &fields::Object) -> Result<(), GraphError> {
    let product = body.get("messaging_product").filter(|v| !v.is_null()).ok_or_else(|| missing("messaging_product"))?;
    if product.as_str().is_some_and(|p| p.eq_ignore_ascii_case("whatsapp")) {
        Ok(())
    } else {
        Err(one_of("messaging_product", &["whatsapp"], product))
    }
}

/// The WhatsApp id a `to` stands for: its digits, after an optional leading `+`.
fn wa_id_of(to: &str) -> Result<String, GraphError> {
    let digits = to.trim().strip_prefix('+').unwrap_or(to.trim());
    if (5..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(digits.to_owned())
    } else {
        Err(GraphError::whatsapp(131009).with_details(format!("Invalid WhatsApp user phone number: {to}")))
    }
}

/// Validates a request body; `Err` is what the API answers.
pub(crate) fn validate_request(raw: &[u8]) -> Result<MessagesRequest, GraphError> {
    let parsed: Value = serde_json::from_slice(raw).unwrap_or(Value::Null);
    let Some(body) = parsed.as_object() else {
        return Err(missing("messaging_product"));
    };
    check_messaging_product(body)?;
    if body.get("status").and_then(Value::as_str) == Some("read") {
        required_str(body, "", "message_id")?;
        return Ok(MessagesRequest::ReadReceipt);
    }

    let to_input = required_str(body, "", "to")?.to_owned();
    let wa_id = wa_id_of(&to_input)?;
    if let Some(recipient_type) = body.get("recipient_type").filter(|v| !v.is_null())
        && recipient_type.as_str() != Some("individual")
    {
        return Err(one_of("recipient_type", &["individual"], recipient_type));
    }
    let kind = match body.get("type").filter(|v| !v.is_null()) {
        None => "text".to_owned(),
        Some(kind) => match kind.as_str().filter(|k| MESSAGE_TYPES.contains(k)) {
            Some(kind) => kind.to_owned(),
            None => return Err(one_of("type", MESSAGE_TYPES, kind)),
        },
    };
    if let Some(context) = body.get("context").filter(|v| !v.is_null()) {
        required_str(as_object(context, "context")?, "context", "message_id")?;
    }
    optional_str(body, "", "biz_opaque_callback_data")?;

    let object = body.get(&kind).filter(|v| !v.is_null()).ok_or_else(|| missing(&kind))?;
    let mut template = None;
    match kind.as_str() {
        "text" => simple::text(as_object(object, &kind)?)?,
        "location" => simple::location(as_object(object, &kind)?)?,
        "contacts" => simple::contacts(object)?,
        "reaction" => simple::reaction(as_object(object, &kind)?)?,
        "interactive" => interactive::interactive(as_object(object, &kind)?)?,
        "template" => template = Some(template::parse(as_object(object, &kind)?)?),
        media_kind => media::media(as_object(object, media_kind)?, media_kind)?,
    }
    Ok(MessagesRequest::Send(ValidSend { to_input, wa_id, kind, template }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn send(body: Value) -> Result<ValidSend, GraphError> {
        match validate_request(body.to_string().as_bytes())? {
            MessagesRequest::Send(send) => Ok(send),
            MessagesRequest::ReadReceipt => panic!("not a send"),
        }
    }

    #[test]
    fn a_text_message_defaults_its_type_and_keeps_to_as_given() {
        let ok = send(json!({"messaging_product": "whatsapp", "to": "+14155550100", "text": {"body": "hi"}})).unwrap();
        assert_eq!(
            (ok.to_input.as_str(), ok.wa_id.as_str(), ok.kind.as_str()),
            ("+14155550100", "14155550100", "text")
        );
        assert!(ok.needs_service_window());
    }

    #[test]
    fn common_fields_are_checked_in_graphs_order() {
        let no_product = send(json!({"to": "1", "text": {"body": "x"}})).unwrap_err();
        assert_eq!(no_product.message, "(#100) The parameter messaging_product is required.");
        let bad_product = send(json!({"messaging_product": "sms", "to": "1"})).unwrap_err();
        assert_eq!(bad_product.message, "(#100) Param messaging_product must be one of {WHATSAPP} - got \"sms\".");
        let no_to = send(json!({"messaging_product": "whatsapp", "text": {"body": "x"}})).unwrap_err();
        assert_eq!(no_to.message, "(#100) The parameter to is required.");
        let bad_type = send(json!({"messaging_product": "whatsapp", "to": "14155550100", "type": "fax"})).unwrap_err();
        assert!(bad_type.message.starts_with("(#100) Param type must be one of {AUDIO"), "{}", bad_type.message);
        let no_object = send(json!({"messaging_product": "whatsapp", "to": "14155550100", "type": "image"}));
        assert_eq!(no_object.unwrap_err().message, "(#100) The parameter image is required.");
        let bad_to = send(json!({"messaging_product": "whatsapp", "to": "call me", "text": {"body": "x"}}));
        assert_eq!(bad_to.unwrap_err().code, 131009);
        assert!(validate_request(b"not json").is_err());
    }

    #[test]
    fn read_receipts_are_their_own_request() {
        let read = json!({"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.X"});
        assert!(matches!(validate_request(read.to_string().as_bytes()), Ok(MessagesRequest::ReadReceipt)));
    }
}
