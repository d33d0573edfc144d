//! The workspace's labels and saved replies ("canned responses"), managed through the API.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde::Deserialize;
use switchboard_domain::{CannedResponseId, LabelId};

use crate::clock::now_ms;
use crate::http::auth::ApiWorkspace;
use crate::http::checks::{create_label_checked, parse_canned};
use crate::http::extract::{ApiJson, parse_id};
use crate::http::problem::Problem;
use crate::http::views::{CannedResponseView, LabelView, ListView};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/labels", get(list_labels).post(create_label))
        .route("/api/v1/labels/{label_id}", delete(delete_label))
        .route("/api/v1/canned-responses", get(list_canned).post(create_canned))
        .route("/api/v1/canned-responses/{canned_response_id}", delete(delete_canned).patch(update_canned))
}

async fn list_labels(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
) -> Result<Json<ListView<LabelView>>, Problem> {
    Ok(Json(ListView::of(state.store.list_labels(workspace_id).await?, LabelView::from)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewLabel {
    name: String,
    /// `#rrggbb`; one of the palette's colours when left out.
    colour: Option<String>,
}

async fn create_label(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
    ApiJson(input): ApiJson<NewLabel>,
) -> Result<(StatusCode, Json<LabelView>), Problem> {
    let label = create_label_checked(&state, workspace_id, &input.name, input.colour.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(label.into())))
}

async fn delete_label(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
    Path(raw): Path<String>,
) -> Result<StatusCode, Problem> {
    let id: LabelId = parse_id("label", &raw)?;
    if !state.store.delete_label(workspace_id, id).await? {
        return Err(Problem::not_found(format!("label {raw} does not exist in this workspace")));
    }
    Ok(StatusCode::NO_CONTENT)
}

async fn list_canned(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
) -> Result<Json<ListView<CannedResponseView>>, Problem> {
    Ok(Json(ListView::of(state.store.list_canned_responses(workspace_id).await?, CannedResponseView::from)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CannedInput {
    shortcut: String,
    body: String,
}

impl CannedInput {
    /// The shortcut and body, checked.
    fn parse(&self) -> Result<(String, String), Problem> {
        parse_canned(&self.shortcut, &self.body)
    }
}

async fn create_canned(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
    ApiJson(input): ApiJson<CannedInput>,
) -> Result<(StatusCode, Json<CannedResponseView>), Problem> {
    let (shortcut, body) = input.parse()?;
    let saved = state.store.create_canned_response(workspace_id, &shortcut, &body, now_ms()).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

fn canned_not_found(raw: &str) -> Problem {
    Problem::not_found(format!("canned response {raw} does not exist in this workspace"))
}

async fn update_canned(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
    Path(raw): Path<String>,
    ApiJson(input): ApiJson<CannedInput>,
) -> Result<Json<CannedResponseView>, Problem> {
    let id: CannedResponseId = parse_id("canned response", &raw)?;
    let (shortcut, body) = input.parse()?;
    let saved = state
        .store
        .update_canned_response(workspace_id, id, &shortcut, &body, now_ms())
        .await?
        .ok_or_else(|| canned_not_found(&raw))?;
    Ok(Json(saved.into()))
}

async fn delete_canned(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
    Path(raw): Path<String>,
) -> Result<StatusCode, Problem> {
    let id: CannedResponseId = parse_id("canned response", &raw)?;
    if !state.store.delete_canned_response(workspace_id, id).await? {
        return Err(canned_not_found(&raw));
    }
    Ok(StatusCode::NO_CONTENT)
}
