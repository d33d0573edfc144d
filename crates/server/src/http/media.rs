//! Kept files customers sent: `GET /inbox/media/{id}` for signed-in staff and
//! `GET /api/v1/media/{id}` with an API key, both within the workspace only. A file is served as
//! what it is, never as a page: pictures, sound and video inline, anything else as a download,
//! with `nosniff` and a sandboxing content security policy so that nothing in it can run.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use switchboard_domain::{MediaId, WorkspaceId};

use super::auth::ApiWorkspace;
use super::extract::parse_id;
use super::inbox::session::SignedIn;
use super::problem::Problem;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/inbox/media/{media_id}", get(for_staff)).route("/api/v1/media/{media_id}", get(for_api))
}

async fn for_staff(State(state): State<AppState>, signed_in: SignedIn, Path(raw): Path<String>) -> Response {
    serve(&state, signed_in.session.staff.workspace_id, &raw).await.unwrap_or_else(IntoResponse::into_response)
}

async fn for_api(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
    Path(raw): Path<String>,
) -> Result<Response, Problem> {
    serve(&state, workspace_id, &raw).await
}

async fn serve(state: &AppState, workspace_id: WorkspaceId, raw: &str) -> Result<Response, Problem> {
    let media_id: MediaId = parse_id("media", raw)?;
    let media = state
        .store
        .get_media(workspace_id, media_id)
        .await?
        .ok_or_else(|| Problem::not_found(format!("there is no file {raw} in this workspace")))?;
    let inline = ["image/", "audio/", "video/"].iter().any(|p| media.content_type.starts_with(p));
    let disposition = if inline { "inline".to_owned() } else { format!("attachment; filename=\"{media_id}\"") };
    let mut response = media.bytes.into_response();
    let headers = response.headers_mut();
    let content_type = HeaderValue::from_str(&media.content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, content_type);
    headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&disposition).expect("an ASCII header value"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=86400, immutable"));
    headers.insert("x-content-sha256", HeaderValue::from_str(&media.sha256).expect("hex is ASCII"));
    Ok(response)
}
