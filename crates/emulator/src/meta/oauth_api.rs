//! `/{version}/oauth/access_token`: exchanges an authorization code from the login dialog for a
//! short-lived user token (`client_id`, `client_secret`, `redirect_uri`, `code`), or a user token
//! for a long-lived one (`grant_type=fb_exchange_token`, `fb_exchange_token`). Parameters come
//! from the query string or, for `POST`, a form body; errors are Graph `OAuthException`s.

use std::collections::HashMap;

use axum::Json;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::graph_error::{GraphError, INVALID_TOKEN};
use super::ids::new_user_access_token;
use super::oauth_world::{DATA_ACCESS_SECS, LONG_LIVED_SECS, OAuthWorld, SHORT_LIVED_SECS, UserToken};
use crate::clock::now_unix;
use crate::server::Shared;

const INVALID_APP: &str = "Error validating application. Invalid application ID.";
const INVALID_SECRET: &str = "Error validating client secret.";
const INVALID_CODE: &str = "Invalid verification code format.";
const USED_CODE: &str = "This authorization code has been used.";
const REDIRECT_MISMATCH: &str = "Error validating verification code. Please make sure your redirect_uri is identical \
                                 to the one you used in the OAuth dialog request";

/// The request's parameters: the query string, then a form body (for `POST`).
pub(crate) fn params(query: Option<&str>, body: &[u8]) -> HashMap<String, String> {
    let mut params: HashMap<String, String> = form_urlencoded::parse(body).into_owned().collect();
    params.extend(form_urlencoded::parse(query.unwrap_or("").as_bytes()).into_owned());
    params
}

/// The answer for a newly issued token.
fn token_json(token: &str, grant: &UserToken) -> Value {
    json!({
        "access_token": token,
        "token_type": "bearer",
        "expires_in": grant.expires_at.saturating_sub(grant.issued_at),
    })
}

/// Checks `client_id` and `client_secret`; returns the app id.
fn check_app<'a>(oauth: &OAuthWorld, params: &'a HashMap<String, String>) -> Result<&'a str, GraphError> {
    let app_id = params.get("client_id").map(String::as_str).unwrap_or("");
    let secret = oauth.apps.get(app_id).ok_or_else(|| GraphError::oauth(101, None, INVALID_APP))?;
    if params.get("client_secret") != Some(secret) {
        return Err(GraphError::oauth(1, None, INVALID_SECRET));
    }
    Ok(app_id)
}

/// Redeems an authorization code (once) for a short-lived user token.
fn redeem_code(
    oauth: &mut OAuthWorld,
    app_id: &str,
    params: &HashMap<String, String>,
    now: u64,
) -> Result<Value, GraphError> {
    let code = params.get("code").map(String::as_str).unwrap_or("");
    let grant = oauth
        .codes
        .get_mut(code)
        .filter(|grant| grant.app_id == app_id)
        .ok_or_else(|| GraphError::oauth(100, None, INVALID_CODE))?;
    if grant.used {
        return Err(GraphError::oauth(100, Some(36009), USED_CODE));
    }
    if params.get("redirect_uri") != Some(&grant.redirect_uri) {
        return Err(GraphError::oauth(100, Some(36008), REDIRECT_MISMATCH));
    }
    grant.used = true;
    let token = UserToken {
        app_id: app_id.to_owned(),
        waba_id: grant.waba_id.clone(),
        page_ids: grant.page_ids.clone(),
        user_id: grant.user_id.clone(),
        issued_at: now,
        expires_at: now + SHORT_LIVED_SECS,
        data_access_expires_at: now + DATA_ACCESS_SECS,
        long_lived: false,
    };
    let access_token = new_user_access_token();
    let answer = token_json(&access_token, &token);
    oauth.tokens.insert(access_token, token);
    Ok(answer)
}

/// Exchanges a live user token of the app for a long-lived one.
fn extend_token(
    oauth: &mut OAuthWorld,
    app_id: &str,
    params: &HashMap<String, String>,
    now: u64,
) -> Result<Value, GraphError> {
    let presented = params.get("fb_exchange_token").map(String::as_str).unwrap_or("");
    let grant = oauth
        .live_token(presented, now)
        .filter(|grant| grant.app_id == app_id)
        .ok_or_else(|| GraphError::oauth(190, None, INVALID_TOKEN))?;
    let token = UserToken { issued_at: now, expires_at: now + LONG_LIVED_SECS, long_lived: true, ..grant.clone() };
    let access_token = new_user_access_token();
    let answer = token_json(&access_token, &token);
    oauth.tokens.insert(access_token, token);
    Ok(answer)
}

/// Handles `GET` and `POST /{version}/oauth/access_token`.
pub(crate) fn access_token(shared: &Shared, query: Option<&str>, body: &[u8]) -> Response {
    let params = params(query, body);
    let now = now_unix();
    let outcome = shared.state.update(|world| {
        let oauth = &mut world.meta.oauth;
        let app_id = check_app(oauth, &params)?.to_owned();
        match params.get("grant_type").map(String::as_str) {
            Some("fb_exchange_token") => extend_token(oauth, &app_id, &params, now),
            _ => redeem_code(oauth, &app_id, &params, now),
        }
    });
    match outcome {
        Ok(answer) => Json(answer).into_response(),
        Err(error) => error.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parameters_win_over_the_form_body() {
        let parsed = params(Some("code=a%2Bb&client_id=1"), b"client_id=2&client_secret=s");
        assert_eq!(parsed["code"], "a+b");
        assert_eq!(parsed["client_id"], "1");
        assert_eq!(parsed["client_secret"], "s");
    }
}
