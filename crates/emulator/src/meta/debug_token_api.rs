//! `GET /{version}/debug_token?input_token=…`: what a user token grants, authorised by the app
//! token `{app_id}|{app_secret}` (as the `access_token` parameter or a Bearer token) or by a
//! live user token of the same app. Page grants list their Pages under the `pages_*` scopes and
//! the Pages' linked Instagram accounts under the `instagram_*` ones. A token the emulator did
//! not issue, or that expired, is reported `is_valid: false` with an `error` object, as Meta does.

use axum::Json;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::auth::access_token;
use super::graph_error::{GraphError, INVALID_TOKEN};
use super::messaging_world::MessagingWorld;
use super::oauth_world::{APP_NAME, GRANTED_SCOPES, OAuthWorld, UserToken};
use super::page_world::PAGE_SCOPES;
use crate::clock::now_unix;
use crate::server::Shared;

/// The app the caller's token stands for.
fn caller_app(oauth: &OAuthWorld, token: &str, now: u64) -> Option<String> {
    oauth
        .app_of_app_token(token)
        .or_else(|| oauth.live_token(token, now).map(|grant| grant.app_id.as_str()))
        .map(str::to_owned)
}

/// The scopes a token grants and its `granular_scopes`: the WhatsApp ones on its business
/// account, the Page ones on its Pages or their linked Instagram accounts.
fn grants(grant: &UserToken, messaging: &MessagingWorld) -> (Vec<&'static str>, Vec<Value>) {
    let mut scopes = Vec::new();
    let mut granular = Vec::new();
    if let Some(waba_id) = &grant.waba_id {
        scopes.extend(GRANTED_SCOPES);
        granular.extend(GRANTED_SCOPES.iter().map(|scope| json!({ "scope": scope, "target_ids": [waba_id] })));
    }
    if !grant.page_ids.is_empty() {
        for (scope, target) in PAGE_SCOPES {
            scopes.push(scope);
            let target_ids = messaging.target_ids(&grant.page_ids, target);
            granular.push(if target_ids.is_empty() {
                json!({ "scope": scope })
            } else {
                json!({ "scope": scope, "target_ids": target_ids })
            });
        }
    }
    scopes.push("public_profile");
    (scopes, granular)
}

/// The `data` of a valid token.
fn valid_data(grant: &UserToken, messaging: &MessagingWorld) -> Value {
    let (scopes, granular) = grants(grant, messaging);
    let mut data = json!({
        "app_id": grant.app_id,
        "type": "USER",
        "application": APP_NAME,
        "data_access_expires_at": grant.data_access_expires_at,
        "expires_at": grant.expires_at,
        "is_valid": true,
        "scopes": scopes,
        "granular_scopes": granular,
        "user_id": grant.user_id,
    });
    if grant.long_lived {
        data["issued_at"] = json!(grant.issued_at);
    }
    data
}

/// The `data` of a token that cannot be used.
fn invalid_data() -> Value {
    json!({ "error": { "code": 190, "message": INVALID_TOKEN }, "is_valid": false, "scopes": [] })
}

fn debug(shared: &Shared, headers: &HeaderMap, query: Option<&str>) -> Result<Value, GraphError> {
    let caller = access_token(headers, query).ok_or_else(GraphError::token_required)?;
    let input = form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(name, _)| name == "input_token")
        .map(|(_, token)| token.into_owned())
        .filter(|token| !token.is_empty())
        .ok_or_else(|| GraphError::param("The parameter input_token is required"))?;
    let now = now_unix();
    shared.state.read(|world| {
        let oauth = &world.meta.oauth;
        let app_id = caller_app(oauth, &caller, now).ok_or_else(GraphError::invalid_token)?;
        let data = match oauth.live_token(&input, now).filter(|grant| grant.app_id == app_id) {
            Some(grant) => valid_data(grant, &world.meta.messaging),
            None => invalid_data(),
        };
        Ok(json!({ "data": data }))
    })
}

/// Handles `GET /{version}/debug_token`.
pub(crate) fn debug_token(shared: &Shared, headers: &HeaderMap, query: Option<&str>) -> Response {
    match debug(shared, headers, query) {
        Ok(answer) => Json(answer).into_response(),
        Err(error) => error.into_response(),
    }
}
