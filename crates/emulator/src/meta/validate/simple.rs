//! The message objects with flat shapes: `text` (body up to 4096 characters, optional
//! `preview_url`), `location`, `contacts` and `reaction`.

use serde_json::Value;

use super::fields::{Object, as_array, as_object, as_str, item, missing, only_keys, required, required_str, sub};
use crate::meta::graph_error::GraphError;

/// Longest text body the Cloud API sends.
const TEXT_MAX: usize = 4096;

pub(super) fn text(object: &Object) -> Result<(), GraphError> {
    only_keys(object, "text", &["body", "preview_url"])?;
    let body = required_str(object, "text", "body")?;
    if body.chars().count() > TEXT_MAX {
        return Err(GraphError::param(format!("Param text['body'] must be at most {TEXT_MAX} characters long.")));
    }
    match object.get("preview_url") {
        None | Some(Value::Null | Value::Bool(_)) => Ok(()),
        Some(_) => Err(GraphError::param("Param text['preview_url'] must be a boolean.")),
    }
}

/// A coordinate as a number or a numeric string, within `-limit..=limit`.
fn coordinate(object: &Object, key: &str, limit: f64) -> Result<(), GraphError> {
    let path = sub("location", key);
    let value = required(object, "location", key)?;
    let number = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    match number {
        Some(n) if n.abs() <= limit => Ok(()),
        Some(_) => Err(GraphError::invalid_value(format!("{path} is out of range"))),
        None => Err(GraphError::param(format!("Param {path} must be a number."))),
    }
}

pub(super) fn location(object: &Object) -> Result<(), GraphError> {
    only_keys(object, "location", &["latitude", "longitude", "name", "address"])?;
    coordinate(object, "latitude", 90.0)?;
    coordinate(object, "longitude", 180.0)?;
    for key in ["name", "address"] {
        if let Some(value) = object.get(key).filter(|v| !v.is_null()) {
            as_str(value, &sub("location", key))?;
        }
    }
    Ok(())
}

pub(super) fn contacts(value: &Value) -> Result<(), GraphError> {
    let contacts = as_array(value, "contacts")?;
    if contacts.is_empty() {
        return Err(missing("contacts[0]"));
    }
    for (index, contact) in contacts.iter().enumerate() {
        let path = item("contacts", index);
        let name = as_object(required(as_object(contact, &path)?, &path, "name")?, &sub(&path, "name"))?;
        required_str(name, &sub(&path, "name"), "formatted_name")?;
    }
    Ok(())
}

pub(super) fn reaction(object: &Object) -> Result<(), GraphError> {
    only_keys(object, "reaction", &["message_id", "emoji"])?;
    required_str(object, "reaction", "message_id")?;
    // An empty emoji removes a reaction, so only its presence is required.
    let emoji = object.get("emoji").filter(|v| !v.is_null()).ok_or_else(|| missing("reaction['emoji']"))?;
    as_str(emoji, "reaction['emoji']")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Object {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn text_bodies_are_required_and_limited() {
        assert!(text(&object(json!({"body": "hi", "preview_url": true}))).is_ok());
        assert!(text(&object(json!({"body": "x".repeat(4096)}))).is_ok());
        assert!(text(&object(json!({"body": "x".repeat(4097)}))).is_err());
        assert!(text(&object(json!({"preview_url": true}))).is_err());
        assert!(text(&object(json!({"body": "x", "preview_url": "yes"}))).is_err());
        assert!(text(&object(json!({"body": "x", "font": "bold"}))).is_err());
    }

    #[test]
    fn locations_need_coordinates_in_range() {
        assert!(location(&object(json!({"latitude": 37.48, "longitude": "-122.14", "name": "HQ"}))).is_ok());
        assert!(location(&object(json!({"latitude": 91, "longitude": 0}))).is_err());
        assert!(location(&object(json!({"longitude": 0}))).is_err());
    }

    #[test]
    fn contacts_need_a_formatted_name_and_reactions_an_emoji_key() {
        assert!(contacts(&json!([{"name": {"formatted_name": "Ada", "first_name": "Ada"}}])).is_ok());
        assert!(contacts(&json!([])).is_err());
        assert!(contacts(&json!([{"name": {"first_name": "Ada"}}])).is_err());
        assert!(reaction(&object(json!({"message_id": "wamid.X", "emoji": ""}))).is_ok());
        assert!(reaction(&object(json!({"message_id": "wamid.X"}))).is_err());
    }
}
