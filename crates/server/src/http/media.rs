//! Kept files: those customers sent, at `GET /inbox/media/{id}` for signed-in staff and
//! `GET /api/v1/media/{id}` with an API key, both within the workspace only, and those uploaded
//! with `POST /api/v1/media` to attach to an email. A file is served as what it is, never as a
//! page: pictures, sound and video inline, anything else as a download, with `nosniff` and a
//! sandboxing content security policy so that nothing in it can run.

use axum::body::{Body, to_bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use switchboard_domain::{MediaId, WorkspaceId};
use switchboard_store::model::NewMedia;

use super::auth::ApiWorkspace;
use super::extract::parse_id;
use super::inbox::session::SignedIn;
use super::problem::Problem;
use crate::clock::now_ms;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbox/media/{media_id}", get(for_staff))
        .route("/api/v1/media/{media_id}", get(for_api))
        .route("/api/v1/media", post(upload))
}

#[derive(Deserialize)]
struct UploadQuery {
    filename: Option<String>,
}

/// What an upload answers: where the file is, to name in a message's `media_urls`.
#[derive(Serialize)]
struct Uploaded {
    id: String,
    url: String,
    content_type: String,
    size_bytes: usize,
    sha256: String,
    filename: Option<String>,
}

/// `POST /api/v1/media?filename=invoice.pdf`: the body is the file, `Content-Type` its type.
async fn upload(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
    Query(query): Query<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Uploaded>), Problem> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or(v).trim().to_ascii_lowercase())
        .filter(|v| v.contains('/') && !v.starts_with("multipart/"))
        .ok_or_else(|| {
            Problem::bad_request("missing-content-type", "send the file itself as the body, with its Content-Type")
        })?;
    let limit = usize::try_from(state.config.max_media_bytes).unwrap_or(usize::MAX);
    let bytes = to_bytes(body, limit).await.map_err(|_| Problem::too_large(limit))?;
    if bytes.is_empty() {
        return Err(Problem::bad_request("empty-file", "the file is empty"));
    }
    let filename = query
        .filename
        .map(|name| name.replace(['/', '\\', '"', '\r', '\n'], "_").trim().to_owned())
        .filter(|name| !name.is_empty());
    let media_id = MediaId::new();
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let file = NewMedia { media_id, content_type: content_type.clone(), sha256: sha256.clone(), bytes: bytes.to_vec() };
    state.store.save_upload(workspace_id, &file, filename.as_deref(), now_ms()).await?;
    let uploaded = Uploaded {
        id: media_id.to_string(),
        url: format!("/api/v1/media/{media_id}"),
        content_type,
        size_bytes: bytes.len(),
        sha256,
        filename,
    };
    Ok((StatusCode::CREATED, Json(uploaded)))
}

/// The OpenAPI description of these routes.
pub(crate) fn paths() -> serde_json::Value {
    use super::api::openapi::{merge, path_id, problem_responses};
    serde_json::json!({
        "/api/v1/media": {
            "post": {
                "summary": "Upload a file to attach to an email: the body is the file, its Content-Type its type",
                "parameters": [{ "name": "filename", "in": "query", "required": false,
                                 "description": "The name the recipient sees.", "schema": { "type": "string" } }],
                "requestBody": { "required": true, "content": { "*/*": { "schema": { "type": "string", "format": "binary" } } } },
                "responses": merge(serde_json::json!({ "201": { "description": "Kept; name its url in a message's media_urls",
                    "content": { "application/json": { "schema": { "type": "object", "properties": {
                        "id": { "type": "string", "format": "uuid" }, "url": { "type": "string" },
                        "content_type": { "type": "string" }, "size_bytes": { "type": "integer" },
                        "sha256": { "type": "string" }, "filename": { "type": "string" } } } } } } }),
                    problem_responses(&[400, 401, 413]))
            }
        },
        "/api/v1/media/{media_id}": {
            "get": { "summary": "A kept file: one a customer sent (a message's attachment url names it as /inbox/media/{media_id}) or one uploaded",
                     "parameters": [path_id("media_id")],
                     "responses": merge(serde_json::json!({ "200": { "description": "The file, with its content type" } }), problem_responses(&[401, 404])) }
        }
    })
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
    Ok(kept_file_response(media))
}

/// A kept file as an answer: shown inline when it is a picture, sound or video, downloaded
/// otherwise, never run or sniffed.
pub(crate) fn kept_file_response(media: switchboard_store::model::StoredMedia) -> Response {
    let media_id = media.media_id;
    let inline = ["image/", "audio/", "video/"].iter().any(|p| media.content_type.starts_with(p));
    let name = media.filename.clone().unwrap_or_else(|| media_id.to_string());
    let disposition = if inline { "inline".to_owned() } else { format!("attachment; filename=\"{name}\"") };
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
    response
}
