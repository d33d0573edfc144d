//! Signing in and out. The sign-in form carries a token that must match a cookie set with it
//! (so another site cannot sign a browser in to an account of its choosing); failures are
//! throttled per email and address, and cost the same time whether or not the account exists.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::session::{self, CsrfForm, SESSION_COOKIE, SESSION_MS, SignedIn};
use crate::clock::now_ms;
use crate::http::problem::Problem;
use crate::passwords;
use crate::state::AppState;

const LOGIN_CSRF_COOKIE: &str = "sb_login";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/inbox") }))
        .route("/login", get(show).post(sign_in))
        .route("/logout", post(sign_out))
}

fn page(state: &AppState, status: StatusCode, email: &str, error: Option<&str>) -> Response {
    let csrf = session::random_token();
    let mut response =
        super::render("sign_in.html", minijinja::context! { csrf => &csrf, email => email, error => error });
    *response.status_mut() = status;
    if let Ok(cookie) = session::set_cookie(state, LOGIN_CSRF_COOKIE, &csrf, 3600).parse() {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

async fn show(State(state): State<AppState>) -> Response {
    page(&state, StatusCode::OK, "", None)
}

#[derive(Deserialize)]
struct SignInForm {
    email: String,
    password: String,
    #[serde(default)]
    csrf: String,
}

/// The cookie the sign-in form was served with.
pub struct LoginCookie(Option<String>);

impl axum::extract::FromRequestParts<AppState> for LoginCookie {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Self(session::cookie(parts, LOGIN_CSRF_COOKIE).map(str::to_owned)))
    }
}

#[tracing::instrument(skip_all)]
async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    LoginCookie(expected): LoginCookie,
    Form(form): Form<SignInForm>,
) -> Response {
    if !expected.as_deref().is_some_and(|expected| session::csrf_matches(expected, &form.csrf)) {
        return page(&state, StatusCode::FORBIDDEN, &form.email, Some("The sign-in form expired. Please try again."));
    }
    let from = peer.ip();
    if let Err(wait_s) = state.sign_in_throttle.check(&form.email, from) {
        let message = format!("Too many failed attempts. Try again in {} minutes.", wait_s.div_ceil(60));
        let mut response = page(&state, StatusCode::TOO_MANY_REQUESTS, &form.email, Some(&message));
        if let Ok(value) = wait_s.to_string().parse() {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return response;
    }
    let account = match state.store.find_staff_login(&form.email).await {
        Ok(account) => account,
        Err(error) => return Problem::internal(error).into_response(),
    };
    let password = form.password;
    let hash = account.as_ref().map(|(_, hash)| hash.clone()).unwrap_or_else(|| passwords::decoy_hash().to_owned());
    let matches =
        tokio::task::spawn_blocking(move || passwords::verify_password(&password, &hash)).await.unwrap_or(false);
    let staff = match account {
        Some((staff, _)) if matches && staff.active => staff,
        _ => {
            state.sign_in_throttle.failed(&form.email, from);
            tracing::warn!(%from, "sign-in failed");
            return page(&state, StatusCode::UNAUTHORIZED, &form.email, Some("That email and password do not match."));
        }
    };
    state.sign_in_throttle.succeeded(&form.email, from);
    let token = session::random_token();
    let now = now_ms();
    if let Err(error) = state
        .store
        .create_session(&session::token_hash(&token), staff.staff_id, &session::random_token(), now, now + SESSION_MS)
        .await
    {
        return Problem::internal(error).into_response();
    }
    tracing::info!(staff_id = %staff.staff_id, "signed in");
    let mut response = Redirect::to("/inbox").into_response();
    for cookie in [
        session::set_cookie(&state, SESSION_COOKIE, &token, SESSION_MS / 1000),
        session::set_cookie(&state, LOGIN_CSRF_COOKIE, "", 0),
    ] {
        if let Ok(value) = cookie.parse() {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

async fn sign_out(State(state): State<AppState>, signed_in: SignedIn, Form(form): Form<CsrfForm>) -> Response {
    if let Some(refused) = signed_in.refuse_forged(&form.csrf) {
        return refused;
    }
    if let Err(error) = state.store.delete_session(&signed_in.token_hash).await {
        return Problem::internal(error).into_response();
    }
    let mut response = Redirect::to("/login").into_response();
    if let Ok(value) = session::set_cookie(&state, SESSION_COOKIE, "", 0).parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}
