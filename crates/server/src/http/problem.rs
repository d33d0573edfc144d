//! Errors as `application/problem+json` (RFC 9457): a stable `type`, a `title`, the HTTP
//! `status` and a `detail` that tells a person what to fix. Server errors carry no detail; their
//! cause is attached to the response for the logging middleware.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use switchboard_store::StoreError;

use crate::outbound::SendRefusal;

/// An API error.
#[derive(Debug)]
pub struct Problem {
    pub status: StatusCode,
    /// A short slug naming the kind of problem (`opted-out`, `not-found`, ...).
    pub kind: &'static str,
    pub detail: String,
    cause: Option<String>,
}

/// The hidden cause of a 5xx, for the log.
#[derive(Debug, Clone)]
pub struct InternalCause(pub String);

impl Problem {
    pub fn new(status: StatusCode, kind: &'static str, detail: impl Into<String>) -> Self {
        Self { status, kind, detail: detail.into(), cause: None }
    }

    pub fn bad_request(kind: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, kind, detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", detail)
    }

    pub fn unprocessable(kind: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, kind, detail)
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
    }

    pub fn forbidden(kind: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, kind, detail)
    }

    pub fn too_large(limit: usize) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "body-too-large", format!("the request body exceeds {limit} bytes"))
    }

    /// A 500 whose cause is logged but not shown.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            kind: "internal",
            detail: "an internal error occurred; it has been logged".into(),
            cause: Some(cause.to_string()),
        }
    }

    pub fn unavailable(kind: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, kind, detail)
    }

    fn title(&self) -> &'static str {
        self.status.canonical_reason().unwrap_or("Error")
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = json!({
            "type": format!("/problems/{}", self.kind),
            "title": self.title(),
            "status": self.status.as_u16(),
            "detail": self.detail,
        });
        let mut response = (self.status, body.to_string()).into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(cause) = self.cause {
            response.extensions_mut().insert(InternalCause(cause));
        }
        response
    }
}

impl From<StoreError> for Problem {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(what) => Problem::not_found(format!("{what} not found")),
            StoreError::Conflict(detail) => Problem::new(StatusCode::CONFLICT, "conflict", detail),
            StoreError::InvalidCursor => Problem::bad_request("invalid-cursor", error.to_string()),
            other => Problem::internal(other),
        }
    }
}

impl From<SendRefusal> for Problem {
    fn from(refusal: SendRefusal) -> Self {
        let detail = refusal.to_string();
        match refusal {
            SendRefusal::ChannelNotFound(_) | SendRefusal::ContactNotFound(_) => Problem::not_found(detail),
            SendRefusal::ChannelDisabled(_) => Problem::new(StatusCode::CONFLICT, "channel-disabled", detail),
            SendRefusal::NoIdentity { .. } => Problem::unprocessable("no-identity-for-channel", detail),
            SendRefusal::InvalidAddress(_) => Problem::unprocessable("invalid-address", detail),
            SendRefusal::OptedOut { .. } => Problem::new(StatusCode::CONFLICT, "opted-out", detail),
            SendRefusal::Empty => Problem::unprocessable("empty-message", detail),
            SendRefusal::TooLong { .. } => Problem::unprocessable("message-too-long", detail),
            SendRefusal::OutsideWhatsappWindow { .. } => {
                Problem::new(StatusCode::CONFLICT, "outside-whatsapp-window", detail)
            }
            SendRefusal::OutsideMessagingWindow { .. } => {
                Problem::new(StatusCode::CONFLICT, "outside-messaging-window", detail)
            }
            SendRefusal::InvalidContent(_) => Problem::unprocessable("invalid-content", detail),
            SendRefusal::UnknownTemplate(_) => Problem::unprocessable("unknown-template", detail),
            SendRefusal::IdempotencyMismatch(_) => Problem::unprocessable("idempotency-key-reused", detail),
            SendRefusal::Credentials => Problem::internal(detail),
            SendRefusal::Store(error) => error.into(),
        }
    }
}

impl From<crate::channels::ChannelError> for Problem {
    fn from(error: crate::channels::ChannelError) -> Self {
        match error {
            crate::channels::ChannelError::Store(e) => e.into(),
            crate::channels::ChannelError::Secret(e) => Problem::internal(e),
        }
    }
}

impl From<anyhow::Error> for Problem {
    fn from(error: anyhow::Error) -> Self {
        Problem::internal(format!("{error:#}"))
    }
}
