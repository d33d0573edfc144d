//! The envelope of Meta's webhooks (`{"object", "entry": [{"id", "changes"|"messaging": [...]}]}`)
//! and how an app-level webhook is split into one part per channel: one app serves every
//! tenant's numbers, so a single POST can carry entries for several channels.

use serde_json::{Value, json};

use crate::adapter::ParseError;

/// The part of an app-level webhook that belongs to one channel (a WhatsApp change by its phone
/// number id; a Messenger or Instagram entry by its Page or account id).
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelPart {
    /// The provider's id of the channel: a WhatsApp phone number id, a Page id, an Instagram
    /// account id.
    pub external_id: String,
    /// A webhook body with only this channel's changes, in Meta's own envelope.
    pub body: Vec<u8>,
}

/// Reads the body as Meta's envelope.
pub fn envelope(body: &[u8]) -> Result<Value, ParseError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| ParseError::Malformed(format!("the body is not JSON: {e}")))?;
    if !value["entry"].is_array() {
        return Err(ParseError::Malformed("the body has no \"entry\" array".into()));
    }
    Ok(value)
}

/// The phone number id a WhatsApp change is for.
pub fn phone_number_id(change: &Value) -> Option<&str> {
    change["value"]["metadata"]["phone_number_id"].as_str()
}

/// Splits a verified app-level webhook by channel, keeping the order of the changes.
pub fn split_by_channel(body: &[u8]) -> Result<Vec<ChannelPart>, ParseError> {
    let value = envelope(body)?;
    let object = value["object"].clone();
    let mut parts: Vec<(String, Vec<Value>)> = Vec::new();
    let mut add = |id: &str, entry: Value| match parts.iter_mut().find(|(known, _)| known == id) {
        Some((_, entries)) => entries.push(entry),
        None => parts.push((id.to_owned(), vec![entry])),
    };
    for entry in value["entry"].as_array().into_iter().flatten() {
        // Messenger and Instagram: the entry is the Page's or the account's.
        if entry["messaging"].is_array()
            && let Some(id) = entry["id"].as_str()
        {
            add(id, entry.clone());
            continue;
        }
        for change in entry["changes"].as_array().into_iter().flatten() {
            let Some(id) = phone_number_id(change) else { continue };
            add(id, json!({ "id": entry["id"], "changes": [change] }));
        }
    }
    Ok(parts
        .into_iter()
        .map(|(external_id, entries)| ChannelPart {
            external_id,
            body: serde_json::to_vec(&json!({ "object": object, "entry": entries })).expect("JSON values serialise"),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(phone_number_id: &str, text: &str) -> Value {
        json!({
            "field": "messages",
            "value": {
                "messaging_product": "whatsapp",
                "metadata": { "display_phone_number": "14155550100", "phone_number_id": phone_number_id },
                "messages": [{ "from": "14155552671", "id": text, "timestamp": "1700000000", "type": "text", "text": { "body": text } }]
            }
        })
    }

    #[test]
    fn a_webhook_for_two_numbers_is_split_into_one_part_each_in_order() {
        let body = json!({
            "object": "whatsapp_business_account",
            "entry": [
                { "id": "WABA1", "changes": [change("111", "a"), change("222", "b")] },
                { "id": "WABA1", "changes": [change("111", "c")] }
            ]
        });
        let parts = split_by_channel(body.to_string().as_bytes()).unwrap();
        assert_eq!(parts.iter().map(|p| p.external_id.as_str()).collect::<Vec<_>>(), ["111", "222"]);
        let first: Value = serde_json::from_slice(&parts[0].body).unwrap();
        assert_eq!(first["object"], "whatsapp_business_account");
        let ids: Vec<&str> = first["entry"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["changes"][0]["value"]["messages"][0]["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["a", "c"]);
    }

    #[test]
    fn a_body_without_entries_is_malformed() {
        assert!(matches!(split_by_channel(b"{}"), Err(ParseError::Malformed(_))));
        assert!(matches!(split_by_channel(b"not json"), Err(ParseError::Malformed(_))));
    }
}
