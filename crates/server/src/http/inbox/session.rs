//! Staff sessions in the browser: a random token in a `Secure` (behind HTTPS), `HttpOnly`,
//! `SameSite=Lax` cookie, stored only as its SHA-256; a CSRF token per session that every form
//! carries and every POST checks in constant time.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use rand::RngExt;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use switchboard_store::model::StaffSession;

use crate::clock::now_ms;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "sb_session";
/// How long a session lasts without signing in again.
pub const SESSION_MS: i64 = 12 * 60 * 60 * 1000;

/// A fresh random token, URL-safe.
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Whether a submitted CSRF token is the expected one.
pub fn csrf_matches(expected: &str, submitted: &str) -> bool {
    !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(submitted.as_bytes()))
}

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// A `Set-Cookie` value; `max_age_s` 0 removes the cookie.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age_s: i64) -> String {
    let secure = if state.public_url.starts_with("https://") { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_s}{secure}")
}

/// The signed-in staff member of a request. Pages without one redirect to the sign-in page.
pub struct SignedIn {
    pub session: StaffSession,
    pub token_hash: Vec<u8>,
}

/// A form that carries nothing but the session's CSRF token (sign out, delete, retry).
#[derive(serde::Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

impl SignedIn {
    /// The refusal of a form whose CSRF token is not this session's; `None` when it is.
    pub fn refuse_forged(&self, submitted: &str) -> Option<Response> {
        (!csrf_matches(&self.session.csrf_token, submitted)).then(|| {
            (
                axum::http::StatusCode::FORBIDDEN,
                "This form has expired or did not come from Switchboard. Go back, reload the page and try again.",
            )
                .into_response()
        })
    }
}

impl SignedIn {
    /// The refusal of a request only an administrator may make; `None` for an administrator.
    pub fn refuse_unless_admin(&self) -> Option<Response> {
        (!self.session.staff.role.can_administer()).then(|| {
            (
                axum::http::StatusCode::FORBIDDEN,
                "Only an administrator can change this. Ask an administrator of your workspace.",
            )
                .into_response()
        })
    }

    /// The staff member's workspace, for a form that creates something in it; the error is for
    /// the page.
    pub async fn workspace(&self, state: &AppState) -> Result<switchboard_store::model::Workspace, String> {
        state
            .store
            .get_workspace(self.session.staff.workspace_id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| "Your workspace no longer exists.".to_owned())
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let to_sign_in = || Redirect::to("/login").into_response();
        let Some(token) = cookie(parts, SESSION_COOKIE) else { return Err(to_sign_in()) };
        let token_hash = token_hash(token);
        match state.store.find_session(&token_hash, now_ms()).await {
            Ok(Some(session)) => Ok(Self { session, token_hash }),
            Ok(None) => Err(to_sign_in()),
            Err(error) => Err(crate::http::problem::Problem::internal(error).into_response()),
        }
    }
}
