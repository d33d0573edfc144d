//! `GET /{version}/{waba_id}/phone_numbers`: the account's registered numbers with the fields
//! Meta returns by default (or those named by `fields`; `id` always), display numbers written
//! the way Meta writes them (`+1 415-555-0110`).

use axum::Json;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::auth::authenticate;
use super::graph_error::GraphError;
use super::ids::cursor;
use super::world::PhoneNumber;
use crate::server::Shared;

/// The verified name of a number nobody named.
const DEFAULT_VERIFIED_NAME: &str = "Test Business";

/// An E.164 number (digits) as `display_phone_number` shows it: North American numbers as
/// `+1 NPA-NXX-XXXX`, others as `+` and the digits.
pub(crate) fn formatted_display_number(digits: &str) -> String {
    let digits: String = digits.chars().filter(char::is_ascii_digit).collect();
    match digits.strip_prefix('1') {
        Some(national) if national.len() == 10 => {
            format!("+1 {}-{}-{}", &national[..3], &national[3..6], &national[6..])
        }
        _ => format!("+{digits}"),
    }
}

fn number_json(id: &str, number: &PhoneNumber, fields: Option<&str>) -> Value {
    let all = json!({
        "verified_name": number.verified_name.as_deref().unwrap_or(DEFAULT_VERIFIED_NAME),
        "code_verification_status": "VERIFIED",
        "display_phone_number": formatted_display_number(&number.display_phone_number),
        "quality_rating": "GREEN",
        "platform_type": "CLOUD_API",
        "throughput": { "level": "STANDARD" },
        "id": id,
    });
    let Some(fields) = fields else { return all };
    let wanted: Vec<&str> = fields.split(',').map(str::trim).collect();
    let picked: Map<String, Value> = all
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(key, _)| key.as_str() == "id" || wanted.contains(&key.as_str()))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    Value::Object(picked)
}

fn list(shared: &Shared, waba_id: &str, headers: &HeaderMap, query: Option<&str>) -> Result<Value, GraphError> {
    let mut numbers = shared.state.read(|world| {
        let caller = authenticate(&world.meta, headers, query)?;
        if caller != waba_id || !world.meta.accounts.contains_key(waba_id) {
            return Err(GraphError::unsupported_request("get", waba_id));
        }
        let owned: Vec<(String, PhoneNumber)> = world
            .meta
            .numbers
            .iter()
            .filter(|(_, number)| number.waba_id == waba_id)
            .map(|(id, number)| (id.clone(), number.clone()))
            .collect();
        Ok(owned)
    })?;
    if numbers.is_empty() {
        return Ok(json!({ "data": [] }));
    }
    numbers.sort_by(|a, b| a.0.cmp(&b.0));
    let fields = form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(name, _)| name == "fields")
        .map(|(_, value)| value.into_owned());
    let data: Vec<Value> = numbers.iter().map(|(id, number)| number_json(id, number, fields.as_deref())).collect();
    let paging = json!({ "cursors": { "before": cursor(0), "after": cursor(data.len() - 1) } });
    Ok(json!({ "data": data, "paging": paging }))
}

/// Handles `GET /{version}/{waba_id}/phone_numbers`.
pub(crate) fn list_phone_numbers(shared: &Shared, waba_id: &str, headers: &HeaderMap, query: Option<&str>) -> Response {
    match list(shared, waba_id, headers, query) {
        Ok(page) => Json(page).into_response(),
        Err(error) => error.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_numbers_are_written_like_metas() {
        assert_eq!(formatted_display_number("14155550110"), "+1 415-555-0110");
        assert_eq!(formatted_display_number("+1 (415) 555-0110"), "+1 415-555-0110");
        assert_eq!(formatted_display_number("447700900123"), "+447700900123");
    }

    #[test]
    fn fields_pick_what_is_listed_and_the_id() {
        let number = PhoneNumber {
            waba_id: "1".into(),
            display_phone_number: "15550001111".into(),
            webhook_url: String::new(),
            verified_name: None,
        };
        let all = number_json("42", &number, None);
        assert_eq!(all["verified_name"], DEFAULT_VERIFIED_NAME);
        assert_eq!(all["display_phone_number"], "+1 555-000-1111");
        assert_eq!(number_json("42", &number, Some("quality_rating")), json!({"quality_rating": "GREEN", "id": "42"}));
    }
}
