//! `POST /{version}/{waba_id}/subscribed_apps`: subscribes the app to the account's webhooks
//! (`{"success":true}`); the emulator remembers it, and `GET` lists the subscription.

use axum::Json;
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::auth::authenticate;
use super::graph_error::GraphError;
use crate::server::Shared;

/// Handles `GET` and `POST /{version}/{waba_id}/subscribed_apps`.
pub(crate) fn subscribed_apps(
    shared: &Shared,
    method: &Method,
    waba_id: &str,
    headers: &HeaderMap,
    query: Option<&str>,
) -> Response {
    let outcome: Result<_, GraphError> = shared.state.update(|world| {
        let caller = authenticate(&world.meta, headers, query)?;
        let verb = if method == Method::GET { "get" } else { "post" };
        let account = world
            .meta
            .accounts
            .get_mut(waba_id)
            .filter(|_| caller == waba_id)
            .ok_or_else(|| GraphError::unsupported_request(verb, waba_id))?;
        if method == Method::GET {
            let data = if account.subscribed {
                json!([{ "whatsapp_business_api_data": { "id": "emulated-app", "name": "Switchboard" } }])
            } else {
                json!([])
            };
            return Ok(json!({ "data": data }));
        }
        account.subscribed = true;
        Ok(json!({ "success": true }))
    });
    match outcome {
        Ok(answer) => Json(answer).into_response(),
        Err(error) => error.into_response(),
    }
}
