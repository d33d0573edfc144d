//! Reading a send request's JSON the way the Graph API checks parameters: required keys,
//! types, enums and unknown keys answer 100 with Graph's wording and the parameter's path
//! (`text['body']`); length and count limits answer 131009 with a `details` text.

use serde_json::{Map, Value};

use crate::meta::graph_error::GraphError;

pub(crate) type Object = Map<String, Value>;

/// The path of `key` inside `path` (`interactive['action']`), or `key` at the top level.
pub(crate) fn sub(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_owned() } else { format!("{path}['{key}']") }
}

/// The path of element `index` of the array at `path`.
pub(crate) fn item(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

pub(crate) fn missing(path: &str) -> GraphError {
    GraphError::param(format!("The parameter {path} is required."))
}

pub(crate) fn one_of(path: &str, allowed: &[&str], got: &Value) -> GraphError {
    let allowed = allowed.iter().map(|a| a.to_uppercase()).collect::<Vec<_>>().join(", ");
    let got = got.as_str().map_or_else(|| got.to_string(), |s| format!("\"{s}\""));
    GraphError::param(format!("Param {path} must be one of {{{allowed}}} - got {got}."))
}

/// `value` as an object, or 100 naming its path.
pub(crate) fn as_object<'a>(value: &'a Value, path: &str) -> Result<&'a Object, GraphError> {
    value.as_object().ok_or_else(|| GraphError::param(format!("Param {path} must be a JSON object.")))
}

/// `value` as an array, or 100 naming its path.
pub(crate) fn as_array<'a>(value: &'a Value, path: &str) -> Result<&'a Vec<Value>, GraphError> {
    value.as_array().ok_or_else(|| GraphError::param(format!("Param {path} must be an array.")))
}

/// `value` as a string, or 100 naming its path.
pub(crate) fn as_str<'a>(value: &'a Value, path: &str) -> Result<&'a str, GraphError> {
    value.as_str().ok_or_else(|| GraphError::param(format!("Param {path} must be a string.")))
}

/// The value of a key that must be there.
pub(crate) fn required<'a>(object: &'a Object, path: &str, key: &str) -> Result<&'a Value, GraphError> {
    object.get(key).filter(|v| !v.is_null()).ok_or_else(|| missing(&sub(path, key)))
}

/// A string that must be there and not be empty.
pub(crate) fn required_str<'a>(object: &'a Object, path: &str, key: &str) -> Result<&'a str, GraphError> {
    let text = as_str(required(object, path, key)?, &sub(path, key))?;
    if text.is_empty() { Err(missing(&sub(path, key))) } else { Ok(text) }
}

/// A string that may be absent.
pub(crate) fn optional_str<'a>(object: &'a Object, path: &str, key: &str) -> Result<Option<&'a str>, GraphError> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => as_str(value, &sub(path, key)).map(Some),
    }
}

/// Refuses keys the object at `path` does not have.
pub(crate) fn only_keys(object: &Object, path: &str, allowed: &[&str]) -> Result<(), GraphError> {
    match object.keys().find(|key| !allowed.contains(&key.as_str())) {
        Some(key) => Err(GraphError::param(format!("Unexpected key \"{key}\" on param \"{path}\"."))),
        None => Ok(()),
    }
}

/// 131009 unless `text` has between `min` and `max` characters.
pub(crate) fn length(text: &str, min: usize, max: usize, what: &str) -> Result<(), GraphError> {
    let count = text.chars().count();
    if (min..=max).contains(&count) {
        Ok(())
    } else {
        Err(GraphError::invalid_value(format!("{what} length invalid. Min length: {min}, Max length: {max}")))
    }
}

/// 131009 unless the list has between `min` and `max` elements.
pub(crate) fn count(items: usize, min: usize, max: usize, what: &str) -> Result<(), GraphError> {
    if (min..=max).contains(&items) {
        Ok(())
    } else {
        Err(GraphError::invalid_value(format!("{what} count invalid. Min count: {min}, Max count: {max}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn errors_name_the_parameter_path() {
        let object = json!({"body": 3});
        let object = object.as_object().unwrap();
        assert_eq!(required(object, "text", "x").unwrap_err().message, "(#100) The parameter text['x'] is required.");
        assert_eq!(
            required_str(object, "text", "body").unwrap_err().message,
            "(#100) Param text['body'] must be a string."
        );
        assert_eq!(
            one_of("type", &["text", "image"], &json!("fax")).message,
            "(#100) Param type must be one of {TEXT, IMAGE} - got \"fax\"."
        );
        assert_eq!(sub("", "to"), "to");
        assert_eq!(item(&sub("interactive", "buttons"), 2), "interactive['buttons'][2]");
    }

    #[test]
    fn limits_count_characters_not_bytes() {
        assert!(length(&"é".repeat(20), 1, 20, "Button title").is_ok());
        let error = length(&"é".repeat(21), 1, 20, "Button title").unwrap_err();
        assert_eq!(error.code, 131009);
        assert_eq!(error.details.as_deref(), Some("Button title length invalid. Min length: 1, Max length: 20"));
    }
}
