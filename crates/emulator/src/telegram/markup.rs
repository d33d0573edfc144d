//! `reply_markup`, checked as Telegram checks it: an inline keyboard (each button a `text` and one
//! action, `callback_data` of 1–64 bytes), a reply keyboard, `remove_keyboard` or `force_reply`.

use serde_json::Value;

use super::envelope::BotApiError;

/// The fields that give an inline button its action.
const INLINE_ACTIONS: &[&str] = &[
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
];

/// Longest `callback_data`, in bytes.
const MAX_CALLBACK_DATA: usize = 64;

fn unparsable() -> BotApiError {
    BotApiError::bad_request("can't parse reply keyboard markup JSON object")
}

/// The rows of a keyboard, each an array.
fn rows<'a>(keyboard: &'a Value, what: &str) -> Result<Vec<&'a Vec<Value>>, BotApiError> {
    let invalid = || BotApiError::bad_request(format!("field \"{what}\" must be an Array of Arrays"));
    keyboard.as_array().ok_or_else(invalid)?.iter().map(|row| row.as_array().ok_or_else(invalid)).collect()
}

fn inline_button(button: &Value) -> Result<(), BotApiError> {
    let bad = |detail: &str| BotApiError::bad_request(format!("can't parse inline keyboard button: {detail}"));
    if !button.is_object() {
        return Err(bad("InlineKeyboardButton must be an Object"));
    }
    if !button["text"].is_string() {
        return Err(bad("Field \"text\" must be of type String"));
    }
    if !INLINE_ACTIONS.iter().any(|action| button.get(*action).is_some_and(|v| !v.is_null())) {
        return Err(bad("Text buttons are unallowed in the inline keyboard"));
    }
    if let Some(data) = button.get("callback_data").filter(|v| !v.is_null()) {
        let length = data.as_str().map_or(0, str::len);
        if !(1..=MAX_CALLBACK_DATA).contains(&length) {
            return Err(BotApiError::bad_request("BUTTON_DATA_INVALID"));
        }
    }
    if let Some(url) = button.get("url").filter(|v| !v.is_null()) {
        let url = url.as_str().unwrap_or_default();
        if url.is_empty() || url.contains(char::is_whitespace) {
            return Err(BotApiError::bad_request("BUTTON_URL_INVALID"));
        }
    }
    Ok(())
}

/// Checks a `reply_markup` object.
pub(crate) fn validate(markup: &Value) -> Result<(), BotApiError> {
    if !markup.is_object() {
        return Err(unparsable());
    }
    if let Some(keyboard) = markup.get("inline_keyboard") {
        for row in rows(keyboard, "inline_keyboard")? {
            row.iter().try_for_each(inline_button)?;
        }
        return Ok(());
    }
    if let Some(keyboard) = markup.get("keyboard") {
        for row in rows(keyboard, "keyboard")? {
            for button in row {
                if !(button.is_string() || button["text"].is_string()) {
                    return Err(BotApiError::bad_request(
                        "can't parse keyboard button: Field \"text\" must be of type String",
                    ));
                }
            }
        }
        return Ok(());
    }
    match (markup.get("remove_keyboard"), markup.get("force_reply")) {
        (Some(Value::Bool(true)), _) | (_, Some(Value::Bool(true))) => Ok(()),
        _ => Err(unparsable()),
    }
}

/// Whether an inline keyboard has a button with this `callback_data`.
pub(crate) fn has_callback_button(markup: &Value, data: &str) -> bool {
    markup["inline_keyboard"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
        .any(|button| button["callback_data"].as_str() == Some(data))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn description(markup: Value) -> Option<String> {
        validate(&markup).err().map(|e| e.description)
    }

    #[test]
    fn keyboards_are_checked_like_telegram() {
        let good = json!({"inline_keyboard": [[{"text": "Yes", "callback_data": "yes"}, {"text": "Web", "url": "https://x.example"}]]});
        assert_eq!(description(good.clone()), None);
        assert!(has_callback_button(&good, "yes") && !has_callback_button(&good, "no"));
        assert_eq!(
            description(json!({"inline_keyboard": [[{"text": "x", "callback_data": "a".repeat(65)}]]})).as_deref(),
            Some("Bad Request: BUTTON_DATA_INVALID")
        );
        assert_eq!(
            description(json!({"inline_keyboard": [[{"text": "x"}]]})).as_deref(),
            Some("Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
        );
        assert_eq!(description(json!({"keyboard": [["A", {"text": "B"}]], "one_time_keyboard": true})), None);
        assert_eq!(description(json!({"inline_keyboard": [[{"text": "x", "url": null, "callback_data": "d"}]]})), None);
        assert_eq!(description(json!({"remove_keyboard": true})), None);
        assert_eq!(
            description(json!({"remove_keyboard": false})).as_deref(),
            Some("Bad Request: can't parse reply keyboard markup JSON object")
        );
    }
}
