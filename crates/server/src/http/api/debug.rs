//! What helps debug an integration: the workspace's channels with their webhook URLs, the raw
//! webhooks received, and the jobs (dead ones by default) with their last error.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use switchboard_domain::ChannelId;
use switchboard_store::queue::JobState;

use super::page_limit;
use crate::http::auth::ApiWorkspace;
use crate::http::extract::ApiQuery;
use crate::http::problem::Problem;
use crate::http::views::{ChannelView, JobView, WebhookEventView};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/channels", get(channels))
        .route("/api/v1/webhook-events", get(webhook_events))
        .route("/api/v1/jobs", get(jobs))
}

async fn channels(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
) -> Result<Json<serde_json::Value>, Problem> {
    let channels = state.store.list_channels(workspace_id).await?;
    let data: Vec<ChannelView> = channels.into_iter().map(|c| ChannelView::new(c, &state.public_url)).collect();
    Ok(Json(serde_json::json!({ "data": data })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EventsQuery {
    channel_id: Option<String>,
    limit: Option<u32>,
}

async fn webhook_events(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
    ApiQuery(query): ApiQuery<EventsQuery>,
) -> Result<Json<serde_json::Value>, Problem> {
    let channel_id = query
        .channel_id
        .as_deref()
        .map(|c| {
            c.parse::<ChannelId>().map_err(|_| Problem::bad_request("invalid-query", "channel_id: not a channel id"))
        })
        .transpose()?;
    let events = state.store.list_webhook_events(workspace_id, channel_id, page_limit(query.limit)).await?;
    let data: Vec<WebhookEventView> = events.into_iter().map(Into::into).collect();
    Ok(Json(serde_json::json!({ "data": data })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JobsQuery {
    state: Option<String>,
    limit: Option<u32>,
}

async fn jobs(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
    ApiQuery(query): ApiQuery<JobsQuery>,
) -> Result<Json<serde_json::Value>, Problem> {
    let wanted = query.state.as_deref().unwrap_or("dead");
    let job_state = JobState::parse(wanted).ok_or_else(|| {
        Problem::bad_request("invalid-query", format!("state {wanted:?} is not one of queued, running, done, dead"))
    })?;
    let jobs = state.store.list_jobs(workspace_id, job_state, page_limit(query.limit)).await?;
    let data: Vec<JobView> = jobs.into_iter().map(Into::into).collect();
    Ok(Json(serde_json::json!({ "data": data })))
}
