//! Errors: Twilio's REST error bodies (`{"code","message","more_info","status"}`) as the
//! API answers them, the texts Twilio uses for delivery error codes, and the
//! [`EmulatorError`] returned by the Rust API.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error the Messages API answers, in Twilio's JSON shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub status: u16,
    pub code: u32,
    pub message: String,
    /// Twilio adds a `detail` to some errors (authentication).
    pub detail: Option<String>,
}

impl ApiError {
    pub fn new(status: u16, code: u32, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), detail: None }
    }

    /// 401 / 20003, what Twilio answers to missing or wrong credentials.
    pub fn authenticate() -> Self {
        Self {
            detail: Some("Your AccountSid or AuthToken was incorrect.".to_owned()),
            ..Self::new(401, 20003, "Authenticate")
        }
    }

    /// 404 / 20404 for an unknown resource.
    pub fn not_found(path: &str) -> Self {
        Self::new(404, 20404, format!("The requested resource {path} was not found"))
    }

    /// An error injected with `fail_api`, with Twilio's text for well-known codes.
    pub fn injected(status: u16, code: u32) -> Self {
        let message = match code {
            20003 => "Authenticate",
            20429 => "Too Many Requests",
            20500 => "Internal Server Error",
            20503 => "Service Unavailable",
            21211 => "The 'To' number is not a valid phone number.",
            21408 => "Permission to send an SMS has not been enabled for the region indicated by the 'To' number",
            21610 => "Attempt to send to unsubscribed recipient",
            21614 => "'To' number is not a valid mobile number",
            30001 => "Queue overflow",
            _ => "Emulated failure",
        };
        Self::new(status, code, message)
    }

    pub fn body(&self) -> serde_json::Value {
        let mut body = json!({
            "code": self.code,
            "message": self.message,
            "more_info": format!("https://www.twilio.com/docs/errors/{}", self.code),
            "status": self.status,
        });
        if let Some(detail) = &self.detail {
            body["detail"] = json!(detail);
        }
        body
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        let mut response = (status, Json(self.body())).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"Twilio API\""));
        }
        response
    }
}

/// Twilio's `error_message` for a delivery error code.
pub(crate) fn delivery_error_message(code: u32) -> &'static str {
    match code {
        30001 => "Queue overflow",
        30002 => "Account suspended",
        30003 => "Unreachable destination handset",
        30004 => "Message blocked",
        30005 => "Unknown destination handset",
        30006 => "Landline or unreachable carrier",
        30007 => "Message filtered",
        30008 => "Unknown error",
        63016 => {
            "Failed to send freeform message because you are outside the allowed window. \
             If you are using WhatsApp, please use a Message Template."
        }
        _ => "Message delivery failed",
    }
}

/// Why a call on [`crate::EmulatorHandle`] failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EmulatorError {
    /// No number was registered with this address.
    UnknownNumber(String),
    /// No account was registered with this AccountSid.
    UnknownAccount(String),
    /// No message with this sid was delivered or created.
    UnknownMessage(String),
    /// The HTTP request to our server failed (or was refused, e.g. not loopback).
    Http(String),
    /// What was asked cannot happen (e.g. pressing a button a message does not have).
    Invalid(String),
    /// What a `wait_for_…` call waited for did not happen in time.
    Timeout(String),
}

impl std::fmt::Display for EmulatorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnknownNumber(n) => write!(f, "no number {n} is registered with the emulator"),
            Self::UnknownAccount(a) => write!(f, "no account {a} is registered with the emulator"),
            Self::UnknownMessage(m) => write!(f, "the emulator knows no message {m}"),
            Self::Http(e) => write!(f, "webhook request failed: {e}"),
            Self::Invalid(e) => write!(f, "invalid emulator request: {e}"),
            Self::Timeout(e) => write!(f, "timed out waiting: {e}"),
        }
    }
}

impl std::error::Error for EmulatorError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_have_twilios_shape() {
        let body = ApiError::new(400, 21211, "bad").body();
        assert_eq!(
            body,
            json!({"code": 21211, "message": "bad",
                   "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400})
        );
    }
}
