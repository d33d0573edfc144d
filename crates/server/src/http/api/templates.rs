//! A WhatsApp channel's message templates: the stored list, and a sync from the business account;
//! and the OpenAPI description of what WhatsApp through Meta added (rich content, kept files).

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};
use switchboard_domain::ChannelId;
use switchboard_store::model::MessageTemplate;

use super::openapi::{merge, ok, path_id, problem_responses};
use crate::channels::ResolvedChannel;
use crate::http::auth::ApiWorkspace;
use crate::http::extract::parse_id;
use crate::http::problem::Problem;
use crate::state::AppState;
use crate::templates::SyncError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/channels/{channel_id}/templates", get(list))
        .route("/api/v1/channels/{channel_id}/templates/sync", post(sync))
}

#[derive(serde::Serialize)]
struct TemplateList {
    data: Vec<MessageTemplate>,
}

async fn workspace_channel(
    state: &AppState,
    workspace_id: switchboard_domain::WorkspaceId,
    raw: &str,
) -> Result<std::sync::Arc<ResolvedChannel>, Problem> {
    let channel_id: ChannelId = parse_id("channel", raw)?;
    state
        .channels
        .get(channel_id)
        .await
        .map_err(Problem::from)?
        .filter(|c| c.record.workspace_id == workspace_id)
        .ok_or_else(|| Problem::not_found(format!("channel {raw} does not exist in this workspace")))
}

async fn list(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
    Path(raw): Path<String>,
) -> Result<Json<TemplateList>, Problem> {
    let channel = workspace_channel(&state, workspace_id, &raw).await?;
    Ok(Json(TemplateList { data: state.store.list_templates(channel.record.channel_id).await? }))
}

async fn sync(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
    Path(raw): Path<String>,
) -> Result<Json<TemplateList>, Problem> {
    let channel = workspace_channel(&state, workspace_id, &raw).await?;
    match crate::templates::sync(&state, &channel).await {
        Ok(data) => Ok(Json(TemplateList { data })),
        Err(SyncError::NotSupported) => {
            Err(Problem::unprocessable("templates-not-supported", SyncError::NotSupported.to_string()))
        }
        Err(SyncError::Provider(reason)) => Err(Problem::new(
            axum::http::StatusCode::BAD_GATEWAY,
            "provider-error",
            format!("the templates could not be read from Meta: {reason}"),
        )),
        Err(SyncError::Store(error)) => Err(error.into()),
    }
}

/// The OpenAPI description of these routes.
pub(super) fn paths() -> Value {
    json!({
        "/api/v1/channels/{channel_id}/templates": {
            "get": { "summary": "The channel's WhatsApp message templates, as last synced", "parameters": [path_id("channel_id")],
                     "responses": merge(ok(200, "TemplateList", "Templates"), problem_responses(&[401, 404])) }
        },
        "/api/v1/channels/{channel_id}/templates/sync": {
            "post": { "summary": "Read the templates from the WhatsApp Business Account and keep them", "parameters": [path_id("channel_id")],
                      "responses": merge(ok(200, "TemplateList", "The templates now stored"), problem_responses(&[401, 404, 422, 502])) }
        }
    })
}

/// The schemas these routes and rich messages use.
pub(super) fn schemas() -> Value {
    json!({
        "TemplateList": { "type": "object", "properties": { "data": { "type": "array", "items": { "type": "object", "properties": {
            "name": { "type": "string" }, "language": { "type": "string" }, "category": { "type": "string" },
            "status": { "type": "string", "description": "APPROVED, PENDING, REJECTED, PAUSED, ..." },
            "components": { "type": "array", "items": { "type": "object" } } } } } } },
        "Content": {
            "description": "Rich content beyond text, on WhatsApp channels connected through Meta. `kind` says which.",
            "type": "object", "required": ["kind"],
            "properties": {
                "kind": { "enum": ["link_preview", "location", "contacts", "choice", "reaction", "sticker", "template", "buttons", "list", "unsupported"] },
                "name": { "type": "string", "description": "template: its name; location: the place's name" },
                "language": { "type": "string", "description": "template: a language code such as en_US" },
                "body_parameters": { "type": "array", "items": { "type": "string" }, "description": "template: values for {{1}}, {{2}}, ..." },
                "header_parameter": { "type": "string", "description": "template: the header's text value or media link" },
                "button_parameters": { "type": "array", "items": { "type": "object", "properties": {
                    "index": { "type": "integer" }, "sub_type": { "enum": ["quick_reply", "url"] }, "value": { "type": "string" } } } },
                "buttons": { "type": "array", "maxItems": 3, "items": { "type": "object", "properties": { "id": { "type": "string" }, "title": { "type": "string", "maxLength": 20 } } } },
                "button": { "type": "string", "description": "list: the label of the button that opens it" },
                "sections": { "type": "array", "items": { "type": "object" } },
                "to": { "type": "string", "description": "reaction: the provider id of the message reacted to" },
                "emoji": { "type": "string", "description": "reaction: the emoji; absent to remove the reaction" },
                "latitude": { "type": "number" }, "longitude": { "type": "number" }, "address": { "type": "string" }
            }
        }
    })
}
