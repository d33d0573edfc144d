//! The Bot API's answer envelope: `{"ok":true,"result":…}` (with a `description` for some
//! methods), or `{"ok":false,"error_code":N,"description":"…"}` with the same HTTP status, and
//! `"parameters":{"retry_after":N}` on flood control.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// An error the Bot API answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BotApiError {
    pub code: u16,
    pub description: String,
    pub retry_after: Option<u32>,
}

impl BotApiError {
    fn new(code: u16, description: String) -> Self {
        Self { code, description, retry_after: None }
    }

    /// 400 `Bad Request: {detail}`.
    pub fn bad_request(detail: impl std::fmt::Display) -> Self {
        Self::new(400, format!("Bad Request: {detail}"))
    }

    /// 401 `Unauthorized`: the token is not a bot's.
    pub fn unauthorized() -> Self {
        Self::new(401, "Unauthorized".to_owned())
    }

    /// 403 `Forbidden: {detail}`.
    pub fn forbidden(detail: impl std::fmt::Display) -> Self {
        Self::new(403, format!("Forbidden: {detail}"))
    }

    /// 404 `Not Found`: no such method (or path).
    pub fn not_found() -> Self {
        Self::new(404, "Not Found".to_owned())
    }

    /// 409 `Conflict: {detail}`.
    pub fn conflict(detail: impl std::fmt::Display) -> Self {
        Self::new(409, format!("Conflict: {detail}"))
    }

    /// 429 with `parameters.retry_after`.
    pub fn too_many_requests(retry_after: u32) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(429, format!("Too Many Requests: retry after {retry_after}"))
        }
    }

    pub fn body(&self) -> Value {
        let mut body = json!({ "ok": false, "error_code": self.code, "description": self.description });
        if let Some(retry_after) = self.retry_after {
            body["parameters"] = json!({ "retry_after": retry_after });
        }
        body
    }
}

impl IntoResponse for BotApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.code).unwrap_or(StatusCode::BAD_REQUEST);
        (status, Json(self.body())).into_response()
    }
}

/// A successful answer.
pub(crate) fn ok(result: Value) -> Response {
    Json(json!({ "ok": true, "result": result })).into_response()
}

/// A successful answer with Telegram's `description` (`setWebhook`, `deleteWebhook`).
pub(crate) fn ok_described(result: Value, description: &str) -> Response {
    Json(json!({ "ok": true, "result": result, "description": description })).into_response()
}

/// What a method handler returns: the `result`, or an error.
pub(crate) type MethodResult = Result<Response, BotApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_have_telegrams_shape() {
        assert_eq!(
            BotApiError::too_many_requests(7).body(),
            json!({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 7",
                   "parameters": {"retry_after": 7}})
        );
        assert_eq!(
            BotApiError::bad_request("chat not found").body(),
            json!({"ok": false, "error_code": 400, "description": "Bad Request: chat not found"})
        );
    }
}
