//! The HTTP layer: provider webhooks, the REST API under `/api/v1`, the inbox pages and the
//! operations endpoints.
//! Each feature module has its own `router()`; this module puts them together with the body size
//! limit, request tracing and error logging.

pub mod api;
pub mod auth;
pub mod checks;
pub mod email_view;
pub mod extract;
pub mod inbox;
pub mod media;
pub mod meta_webhooks;
pub mod ops;
pub mod problem;
pub mod views;
pub mod webhooks;

use axum::Router;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;
use tower_http::trace::TraceLayer;

use crate::state::AppState;

/// The whole application's routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(webhooks::router())
        .merge(meta_webhooks::router())
        .merge(media::router())
        .merge(email_view::router())
        .merge(api::router())
        .merge(ops::router())
        .merge(inbox::router())
        .merge(crate::webchat::router())
        .layer(middleware::from_fn(log_server_errors))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Logs the cause of every 5xx answer; the client only sees an opaque message.
async fn log_server_errors(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let uri = request.uri().clone();
    let response = next.run(request).await;
    if let Some(problem::InternalCause(cause)) = response.extensions().get::<problem::InternalCause>() {
        let path = uri.path();
        tracing::error!(%method, %path, status = response.status().as_u16(), cause = %cause, "request failed");
    }
    response
}
