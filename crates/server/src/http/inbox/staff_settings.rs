//! The workspace's staff, managed by an administrator: invite someone (an account without a
//! password, and a link valid for a week where the invitee chooses one), change a role, and
//! deactivate or reactivate an account; the workspace always keeps one active administrator.
//! Switchboard does not send the invitation itself yet: the page shows the link once, to pass on.
//! The invitee's side (`/invite/{token}`) needs no session: the token in the link is the secret.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use switchboard_domain::{StaffId, StaffRole};
use switchboard_store::writes::NewStaff;

use super::session::{self, SignedIn};
use crate::clock::now_ms;
use crate::http::problem::Problem;
use crate::passwords;
use crate::state::AppState;

/// How long an invitation link works.
const INVITATION_MS: i64 = 7 * 24 * 3600 * 1000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbox/settings/staff", get(list).post(invite))
        .route("/inbox/settings/staff/{staff_id}", post(update))
        .route("/invite/{token}", get(invitation).post(accept))
}

/// What the staff page shows besides the list: a fresh invitation link, or an error.
#[derive(Default)]
struct Notice {
    status: Option<StatusCode>,
    error: Option<String>,
    invitation_link: Option<String>,
    draft_name: String,
    draft_email: String,
}

async fn page(state: &AppState, signed_in: &SignedIn, notice: Notice) -> Response {
    let staff = match state.store.list_staff(signed_in.session.staff.workspace_id).await {
        Ok(staff) => staff,
        Err(error) => return Problem::from(error).into_response(),
    };
    let mut response = super::render(
        "staff.html",
        minijinja::context! {
            staff => &signed_in.session.staff,
            csrf => &signed_in.session.csrf_token,
            members => staff,
            error => notice.error,
            invitation_link => notice.invitation_link,
            draft_name => notice.draft_name,
            draft_email => notice.draft_email,
        },
    );
    if let Some(status) = notice.status {
        *response.status_mut() = status;
    }
    response
}

async fn list(State(state): State<AppState>, signed_in: SignedIn) -> Response {
    if let Some(refused) = signed_in.refuse_unless_admin() {
        return refused;
    }
    page(&state, &signed_in, Notice::default()).await
}

#[derive(Deserialize)]
struct InviteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

async fn invite(State(state): State<AppState>, signed_in: SignedIn, Form(form): Form<InviteForm>) -> Response {
    if let Some(refused) = signed_in.refuse_forged(&form.csrf).or_else(|| signed_in.refuse_unless_admin()) {
        return refused;
    }
    let refused = |error: String| Notice {
        status: Some(StatusCode::UNPROCESSABLE_ENTITY),
        error: Some(error),
        draft_name: form.name.clone(),
        draft_email: form.email.clone(),
        ..Default::default()
    };
    let email = match switchboard_domain::EmailAddress::parse(form.email.trim()) {
        Ok(email) => email,
        Err(error) => return page(&state, &signed_in, refused(error.to_string())).await,
    };
    let name = form.name.trim();
    if name.is_empty() {
        return page(&state, &signed_in, refused("Give the person's name, as colleagues will see it.".into())).await;
    }
    let Ok(role) = form.role.parse::<StaffRole>() else {
        return page(&state, &signed_in, refused("Pick a role: agent or admin.".into())).await;
    };
    let token = session::random_token();
    let now = now_ms();
    let new = NewStaff {
        workspace_id: signed_in.session.staff.workspace_id,
        email: email.to_string(),
        name: name.to_owned(),
        role,
        password_hash: String::new(),
    };
    match state.store.invite_staff(new, &session::token_hash(&token), now, now + INVITATION_MS).await {
        Ok(member) => {
            tracing::info!(staff_id = %member.staff_id, "staff member invited");
            let notice =
                Notice { invitation_link: Some(format!("{}/invite/{token}", state.public_url)), ..Default::default() };
            page(&state, &signed_in, notice).await
        }
        Err(switchboard_store::StoreError::Conflict(detail)) => {
            page(&state, &signed_in, Notice { status: Some(StatusCode::CONFLICT), ..refused(detail) }).await
        }
        Err(error) => Problem::from(error).into_response(),
    }
}

#[derive(Deserialize)]
struct UpdateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    active: String,
}

async fn update(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(staff_id): Path<StaffId>,
    Form(form): Form<UpdateForm>,
) -> Response {
    if let Some(refused) = signed_in.refuse_forged(&form.csrf).or_else(|| signed_in.refuse_unless_admin()) {
        return refused;
    }
    let Ok(role) = form.role.parse::<StaffRole>() else {
        return Problem::unprocessable("unknown-role", "pick a role: agent or admin").into_response();
    };
    let active = form.active == "true";
    let workspace_id = signed_in.session.staff.workspace_id;
    match state.store.update_staff(workspace_id, staff_id, role, active, now_ms()).await {
        Ok(Some(_)) => Redirect::to("/inbox/settings/staff").into_response(),
        Ok(None) => {
            Problem::not_found(format!("there is no staff member {staff_id} in your workspace")).into_response()
        }
        Err(switchboard_store::StoreError::Conflict(detail)) => {
            let notice = Notice { status: Some(StatusCode::CONFLICT), error: Some(detail), ..Default::default() };
            page(&state, &signed_in, notice).await
        }
        Err(error) => Problem::from(error).into_response(),
    }
}

fn invitation_page(
    status: StatusCode,
    invited: Option<&switchboard_store::model::StaffMember>,
    error: Option<&str>,
) -> Response {
    let mut response = super::render("invitation.html", minijinja::context! { invited => invited, error => error });
    *response.status_mut() = status;
    response
}

const UNKNOWN_INVITATION: &str =
    "This invitation link has expired or has been used. Ask an administrator of your workspace for a new one.";

async fn invitation(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match state.store.find_invitation(&session::token_hash(&token), now_ms()).await {
        Ok(Some(invited)) => invitation_page(StatusCode::OK, Some(&invited), None),
        Ok(None) => invitation_page(StatusCode::NOT_FOUND, None, Some(UNKNOWN_INVITATION)),
        Err(error) => Problem::from(error).into_response(),
    }
}

#[derive(Deserialize)]
struct AcceptForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
}

async fn accept(State(state): State<AppState>, Path(token): Path<String>, Form(form): Form<AcceptForm>) -> Response {
    let token_hash = session::token_hash(&token);
    let invited = match state.store.find_invitation(&token_hash, now_ms()).await {
        Ok(Some(invited)) => invited,
        Ok(None) => return invitation_page(StatusCode::NOT_FOUND, None, Some(UNKNOWN_INVITATION)),
        Err(error) => return Problem::from(error).into_response(),
    };
    if form.password != form.password_again {
        return invitation_page(StatusCode::UNPROCESSABLE_ENTITY, Some(&invited), Some("The two passwords differ."));
    }
    let password = form.password;
    let hashed = tokio::task::spawn_blocking(move || passwords::hash_password(&password)).await;
    let password_hash = match hashed {
        Ok(Ok(hash)) => hash,
        Ok(Err(error)) => {
            return invitation_page(StatusCode::UNPROCESSABLE_ENTITY, Some(&invited), Some(&error.to_string()));
        }
        Err(error) => return Problem::internal(error).into_response(),
    };
    match state.store.accept_invitation(&token_hash, &password_hash, now_ms()).await {
        Ok(Some(member)) => {
            tracing::info!(staff_id = %member.staff_id, "invitation accepted");
            Redirect::to("/login").into_response()
        }
        Ok(None) => invitation_page(StatusCode::NOT_FOUND, None, Some(UNKNOWN_INVITATION)),
        Err(error) => Problem::from(error).into_response(),
    }
}
