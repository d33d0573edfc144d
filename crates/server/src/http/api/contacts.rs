//! Contacts: create, read, list, and add identities.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use switchboard_domain::{ContactId, Identity, IdentityKind};
use switchboard_store::writes::NewContact;

use super::page_limit;
use crate::clock::now_ms;
use crate::http::auth::ApiWorkspace;
use crate::http::extract::{ApiJson, ApiQuery, parse_id};
use crate::http::problem::Problem;
use crate::http::views::{ContactView, PageView};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/contacts", get(list).post(create))
        .route("/api/v1/contacts/{contact_id}", get(show))
        .route("/api/v1/contacts/{contact_id}/identities", post(add_identity))
        .route("/api/v1/contacts/{contact_id}/telegram-link", get(super::contact_links::telegram_link))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IdentityInput {
    kind: String,
    value: String,
}

impl IdentityInput {
    fn parse(&self) -> Result<Identity, Problem> {
        let kind: IdentityKind = self.kind.parse().map_err(|e: switchboard_domain::channel::UnknownName| {
            Problem::unprocessable("invalid-identity", e.to_string())
        })?;
        Identity::parse(kind, &self.value).map_err(|e| Problem::unprocessable("invalid-identity", e.to_string()))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateContact {
    display_name: Option<String>,
    #[serde(default)]
    identities: Vec<IdentityInput>,
}

#[derive(Deserialize)]
struct ListQuery {
    cursor: Option<String>,
    limit: Option<u32>,
}

async fn create(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
    ApiJson(input): ApiJson<CreateContact>,
) -> Result<(StatusCode, Json<ContactView>), Problem> {
    let identities = input.identities.iter().map(IdentityInput::parse).collect::<Result<Vec<_>, _>>()?;
    let display_name = input.display_name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    let contact =
        state.store.create_contact(NewContact { workspace_id, display_name, identities, now: now_ms() }).await?;
    Ok((StatusCode::CREATED, Json(contact.into())))
}

async fn show(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
    Path(raw): Path<String>,
) -> Result<Json<ContactView>, Problem> {
    let contact_id: ContactId = parse_id("contact", &raw)?;
    let contact = state
        .store
        .get_contact(workspace_id, contact_id)
        .await?
        .ok_or_else(|| Problem::not_found(format!("contact {raw} does not exist in this workspace")))?;
    Ok(Json(contact.into()))
}

async fn list(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<PageView<ContactView>>, Problem> {
    let page = state.store.list_contacts(workspace_id, query.cursor.as_deref(), page_limit(query.limit)).await?;
    Ok(Json(PageView::from_page(page, ContactView::from)))
}

async fn add_identity(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
    Path(raw): Path<String>,
    ApiJson(input): ApiJson<IdentityInput>,
) -> Result<(StatusCode, Json<ContactView>), Problem> {
    let contact_id: ContactId = parse_id("contact", &raw)?;
    let identity = input.parse()?;
    let contact = state.store.add_identity(workspace_id, contact_id, &identity, now_ms()).await?;
    Ok((StatusCode::CREATED, Json(contact.into())))
}
