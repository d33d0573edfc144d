//! Operations endpoints: `/healthz` (the process answers), `/readyz` (the database answers and
//! is migrated) and `/metrics` (Prometheus text, with queue depth and age read fresh).

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};

use super::problem::Problem;
use crate::clock::now_ms;
use crate::state::AppState;
use crate::telemetry;

pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz)).route("/metrics", get(metrics_text))
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(state): State<AppState>) -> Result<impl IntoResponse, Problem> {
    match state.store.check_ready().await {
        Ok(()) => Ok(Json(serde_json::json!({ "status": "ready", "database": state.store.backend() }))),
        Err(error) => Err(Problem::unavailable("not-ready", format!("the database is not ready: {error}"))),
    }
}

async fn metrics_text(State(state): State<AppState>) -> impl IntoResponse {
    if let Ok(stats) = state.store.queue_stats(now_ms()).await {
        metrics::gauge!(telemetry::QUEUE_READY).set(stats.ready as f64);
        metrics::gauge!(telemetry::QUEUE_RUNNING).set(stats.running as f64);
        metrics::gauge!(telemetry::QUEUE_SCHEDULED).set(stats.scheduled as f64);
        metrics::gauge!(telemetry::QUEUE_DEAD).set(stats.dead as f64);
        metrics::gauge!(telemetry::QUEUE_OLDEST_AGE).set(stats.oldest_ready_age_ms as f64 / 1000.0);
    }
    if let Ok(depth) = state.store.journal_depth().await {
        metrics::gauge!(telemetry::JOURNAL_DEPTH).set(depth.waiting as f64);
        metrics::gauge!(telemetry::JOURNAL_SET_ASIDE).set(depth.set_aside as f64);
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], telemetry::prometheus().render())
}
