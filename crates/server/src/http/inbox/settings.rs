//! The workspace settings an administrator manages from the inbox: labels and saved replies.
//! Agents can use both but not change them; every route here refuses a non-administrator.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use switchboard_domain::{CannedResponseId, LabelId};

use super::session::{CsrfForm, SignedIn};
use crate::clock::now_ms;
use crate::http::checks::{create_label_checked, parse_canned};
use crate::http::problem::Problem;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbox/settings", get(show))
        .route("/inbox/settings/labels", post(create_label))
        .route("/inbox/settings/labels/{label_id}/delete", post(delete_label))
        .route("/inbox/settings/canned-responses", post(create_canned))
        .route("/inbox/settings/canned-responses/{canned_response_id}/delete", post(delete_canned))
}

/// What the form being corrected held, to show it again with the error.
#[derive(Default)]
struct Draft {
    status: Option<StatusCode>,
    error: Option<String>,
    label_name: Option<String>,
    canned_shortcut: Option<String>,
    canned_body: Option<String>,
}

async fn render(state: &AppState, signed_in: &SignedIn, draft: Draft) -> Result<Response, Problem> {
    let workspace_id = signed_in.session.staff.workspace_id;
    let labels = state.store.list_labels(workspace_id).await?;
    let next_colour = switchboard_domain::labels::next_colour(labels.len());
    let mut response = super::render(
        "settings.html",
        minijinja::context! {
            staff => &signed_in.session.staff,
            csrf => &signed_in.session.csrf_token,
            labels => labels,
            next_colour => next_colour,
            canned_responses => state.store.list_canned_responses(workspace_id).await?,
            error => draft.error,
            label_name => draft.label_name,
            canned_shortcut => draft.canned_shortcut,
            canned_body => draft.canned_body,
        },
    );
    if let Some(status) = draft.status {
        *response.status_mut() = status;
    }
    Ok(response)
}

/// The settings page again with a refusal explained and the draft kept.
async fn refused(state: &AppState, signed_in: &SignedIn, problem: Problem, mut draft: Draft) -> Response {
    if problem.status.is_server_error() {
        return problem.into_response();
    }
    draft.status = Some(problem.status);
    draft.error = Some(problem.detail);
    render(state, signed_in, draft).await.unwrap_or_else(IntoResponse::into_response)
}

/// A form's CSRF check and the administrator check, in that order.
fn guard(signed_in: &SignedIn, csrf: &str) -> Option<Response> {
    signed_in.refuse_forged(csrf).or_else(|| signed_in.refuse_unless_admin())
}

fn back() -> Response {
    Redirect::to("/inbox/settings").into_response()
}

async fn show(State(state): State<AppState>, signed_in: SignedIn) -> Response {
    if let Some(refused) = signed_in.refuse_unless_admin() {
        return refused;
    }
    render(&state, &signed_in, Draft::default()).await.unwrap_or_else(IntoResponse::into_response)
}

#[derive(Deserialize)]
struct LabelForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    colour: Option<String>,
}

async fn create_label(State(state): State<AppState>, signed_in: SignedIn, Form(form): Form<LabelForm>) -> Response {
    if let Some(refused) = guard(&signed_in, &form.csrf) {
        return refused;
    }
    let workspace_id = signed_in.session.staff.workspace_id;
    match create_label_checked(&state, workspace_id, &form.name, form.colour.as_deref()).await {
        Ok(_) => back(),
        Err(problem) => {
            refused(&state, &signed_in, problem, Draft { label_name: Some(form.name), ..Default::default() }).await
        }
    }
}

async fn delete_label(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(label_id): Path<LabelId>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Some(refused) = guard(&signed_in, &form.csrf) {
        return refused;
    }
    match state.store.delete_label(signed_in.session.staff.workspace_id, label_id).await {
        // Already deleted (another tab) is what was asked for.
        Ok(_) => back(),
        Err(error) => Problem::from(error).into_response(),
    }
}

#[derive(Deserialize)]
struct CannedForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    shortcut: String,
    #[serde(default)]
    body: String,
}

async fn create_canned(State(state): State<AppState>, signed_in: SignedIn, Form(form): Form<CannedForm>) -> Response {
    if let Some(refused) = guard(&signed_in, &form.csrf) {
        return refused;
    }
    let workspace_id = signed_in.session.staff.workspace_id;
    let saved = match parse_canned(&form.shortcut, &form.body) {
        Ok((shortcut, body)) => {
            state.store.create_canned_response(workspace_id, &shortcut, &body, now_ms()).await.map_err(Problem::from)
        }
        Err(problem) => Err(problem),
    };
    match saved {
        Ok(_) => back(),
        Err(problem) => {
            let draft =
                Draft { canned_shortcut: Some(form.shortcut), canned_body: Some(form.body), ..Default::default() };
            refused(&state, &signed_in, problem, draft).await
        }
    }
}

async fn delete_canned(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(canned_response_id): Path<CannedResponseId>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Some(refused) = guard(&signed_in, &form.csrf) {
        return refused;
    }
    match state.store.delete_canned_response(signed_in.session.staff.workspace_id, canned_response_id).await {
        Ok(_) => back(),
        Err(error) => Problem::from(error).into_response(),
    }
}
