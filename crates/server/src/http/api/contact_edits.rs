//! Editing contacts through the API: the name and channel preference (`PATCH`), and merging a
//! contact that is the same person into another.

use axum::extract::{Path, State};
use axum::routing::{patch, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::Value;
use switchboard_domain::{ChannelKind, ContactId};

use crate::clock::now_ms;
use crate::http::auth::ApiWorkspace;
use crate::http::extract::{ApiJson, parse_id};
use crate::http::problem::Problem;
use crate::http::views::ContactView;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/contacts/{contact_id}", patch(update))
        .route("/api/v1/contacts/{contact_id}/merge", post(merge))
}

fn not_found(raw: &str) -> Problem {
    Problem::not_found(format!("contact {raw} does not exist in this workspace"))
}

/// Each field left out stays as it is; `null` clears it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContactUpdate {
    #[serde(default, deserialize_with = "present")]
    display_name: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    preferred_channel_kind: Option<Value>,
}

/// A field that is there, even as `null` (which plain `Option` would read as left out).
fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

/// A field of the update: left out (`None`), cleared (`Some(None)`) or set.
fn text_field(field: &str, value: Option<Value>) -> Result<Option<Option<String>>, Problem> {
    match value {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(text)) => Ok(Some(Some(text.trim().to_owned()).filter(|t| !t.is_empty()))),
        Some(_) => Err(Problem::unprocessable("invalid-contact", format!("{field} must be a string or null"))),
    }
}

async fn update(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
    Path(raw): Path<String>,
    ApiJson(input): ApiJson<ContactUpdate>,
) -> Result<Json<ContactView>, Problem> {
    let contact_id: ContactId = parse_id("contact", &raw)?;
    let current = state.store.get_contact(workspace_id, contact_id).await?.ok_or_else(|| not_found(&raw))?;
    let name = text_field("display_name", input.display_name)?.unwrap_or(current.display_name);
    if name.as_deref().is_some_and(|n| n.chars().count() > 200 || n.chars().any(char::is_control)) {
        return Err(Problem::unprocessable("invalid-contact", "display_name is at most 200 characters, on one line"));
    }
    let preferred = match text_field("preferred_channel_kind", input.preferred_channel_kind)? {
        None => current.preferred_channel_kind,
        Some(None) => None,
        Some(Some(kind)) => {
            Some(kind.parse::<ChannelKind>().map_err(|e| Problem::unprocessable("invalid-contact", e.to_string()))?)
        }
    };
    let contact = state
        .store
        .update_contact(workspace_id, contact_id, name.as_deref(), preferred, now_ms())
        .await?
        .ok_or_else(|| not_found(&raw))?;
    Ok(Json(contact.into()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Merge {
    /// The contact to merge into this one; it is deleted.
    other_contact_id: String,
}

async fn merge(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
    Path(raw): Path<String>,
    ApiJson(input): ApiJson<Merge>,
) -> Result<Json<ContactView>, Problem> {
    let keep: ContactId = parse_id("contact", &raw)?;
    let absorb: ContactId = parse_id("contact", &input.other_contact_id)?;
    let merged = state.store.merge_contacts(workspace_id, keep, absorb, now_ms()).await?.ok_or_else(|| {
        Problem::not_found(format!("contact {raw} or {} does not exist in this workspace", input.other_contact_id))
    })?;
    Ok(Json(merged.into()))
}
