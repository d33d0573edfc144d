//! `/{version}/{page_id}/subscribed_apps` for a Facebook Page, with its page access token:
//! `POST` with `subscribed_fields` (comma-separated, in the query or a form body) subscribes the
//! app to the Page's webhooks (`{"success":true}`) and the emulator remembers the fields;
//! `GET` lists the subscription. Without `subscribed_fields` Graph answers `(#100)`.

use axum::Json;
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::auth::access_token;
use super::graph_error::GraphError;
use super::oauth_api::params;
use super::oauth_world::APP_NAME;
use super::page_auth::authorize_page;
use crate::server::Shared;

/// The fields of `subscribed_fields`, if there are any.
fn subscribed_fields(query: Option<&str>, body: &[u8]) -> Result<Vec<String>, GraphError> {
    let fields: Vec<String> = params(query, body)
        .get("subscribed_fields")
        .map(|list| list.split(',').map(str::trim).filter(|f| !f.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default();
    if fields.is_empty() {
        return Err(GraphError::param("The parameter subscribed_fields is required."));
    }
    Ok(fields)
}

fn handle(
    shared: &Shared,
    method: &Method,
    page_id: &str,
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
) -> Result<Value, GraphError> {
    let token = access_token(headers, query).ok_or_else(GraphError::invalid_token)?;
    shared.state.update(|world| {
        authorize_page(&world.meta, page_id, &token)?;
        let messaging = &mut world.meta.messaging;
        if method == Method::GET {
            let app_id = messaging.accounts.get(page_id).map(|page| page.app_id.to_string()).unwrap_or_default();
            let data = match messaging.pages.get(page_id).and_then(|page| page.subscribed_fields.as_ref()) {
                Some(fields) => json!([{ "name": APP_NAME, "id": app_id, "subscribed_fields": fields }]),
                None => json!([]),
            };
            return Ok(json!({ "data": data }));
        }
        let fields = subscribed_fields(query, body)?;
        messaging.pages.entry(page_id.to_owned()).or_default().subscribed_fields = Some(fields);
        Ok(json!({ "success": true }))
    })
}

/// Handles `GET` and `POST /{version}/{page_id}/subscribed_apps` for a registered Page.
pub(crate) fn page_subscribed_apps(
    shared: &Shared,
    method: &Method,
    page_id: &str,
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
) -> Response {
    match handle(shared, method, page_id, headers, query, body) {
        Ok(answer) => Json(answer).into_response(),
        Err(error) => error.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscribed_fields_are_a_required_comma_separated_list() {
        let fields = subscribed_fields(Some("subscribed_fields=messages,%20messaging_postbacks"), b"").unwrap();
        assert_eq!(fields, ["messages", "messaging_postbacks"]);
        assert_eq!(subscribed_fields(None, b"subscribed_fields=messages").unwrap(), ["messages"]);
        let missing = subscribed_fields(Some("access_token=x"), b"").unwrap_err();
        assert_eq!(missing.message, "(#100) The parameter subscribed_fields is required.");
    }
}
