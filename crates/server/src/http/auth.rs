//! API authentication: `Authorization: Bearer sb_...`, a workspace API key. The key is hashed
//! and looked up; the request then acts inside that key's workspace and no other.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use switchboard_domain::WorkspaceId;

use super::problem::Problem;
use crate::state::AppState;

/// The workspace the request's API key belongs to.
#[derive(Debug, Clone, Copy)]
pub struct ApiWorkspace(pub WorkspaceId);

impl FromRequestParts<AppState> for ApiWorkspace {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let header = parts.headers.get(AUTHORIZATION).ok_or_else(|| {
            Problem::unauthorized(
                "send an API key as `Authorization: Bearer sb_...`; create one with `switchboard api-key create`",
            )
        })?;
        let token = header
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| Problem::unauthorized("the Authorization header must be `Bearer <API key>`"))?;
        let key = state
            .store
            .find_api_key(&crate::api_keys::hash(token))
            .await?
            .ok_or_else(|| Problem::unauthorized("this API key is unknown or revoked"))?;
        Ok(Self(key.workspace_id))
    }
}
