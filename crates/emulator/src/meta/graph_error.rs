//! Graph API error responses: `{"error":{"message","type","code","error_subcode"?,
//! "error_data"?:{"messaging_product","details"},"fbtrace_id"}}` with the HTTP status Meta
//! uses, for authentication, unknown objects and paths, parameter validation, and the Cloud
//! API's own error codes.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::error_codes;
use super::ids::new_fbtrace_id;

/// An error the Graph API answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct GraphError {
    pub http_status: u16,
    pub code: u32,
    pub message: String,
    /// `OAuthException` for most, `GraphMethodException` for unknown objects.
    pub kind: &'static str,
    pub subcode: Option<u32>,
    /// `error_data.details`, which the Cloud API adds to its own codes.
    pub details: Option<String>,
}

pub(crate) const INVALID_TOKEN: &str = "Invalid OAuth access token - Cannot parse access token";

impl GraphError {
    /// 401 / 190: a missing, unknown or malformed access token.
    pub fn invalid_token() -> Self {
        Self {
            http_status: 401,
            code: 190,
            message: INVALID_TOKEN.to_owned(),
            kind: "OAuthException",
            subcode: None,
            details: None,
        }
    }

    /// 400 `OAuthException` with this code and optional subcode, as `/oauth/access_token` answers.
    pub fn oauth(code: u32, subcode: Option<u32>, message: &str) -> Self {
        Self { http_status: 400, code, message: message.to_owned(), kind: "OAuthException", subcode, details: None }
    }

    /// 400 / 104: the request carries no access token where Graph requires one.
    pub fn token_required() -> Self {
        Self::oauth(104, None, "An access token is required to request this resource.")
    }

    /// 400 / 100 / 33: the object does not exist or this token may not use it.
    pub fn unsupported_request(method: &str, object_id: &str) -> Self {
        let message = format!(
            "Unsupported {method} request. Object with ID '{object_id}' does not exist, cannot be loaded due to \
             missing permissions, or does not support this operation. Please read the Graph API documentation at \
             https://developers.facebook.com/docs/graph-api"
        );
        Self { http_status: 400, code: 100, message, kind: "GraphMethodException", subcode: Some(33), details: None }
    }

    /// 400 / 2500: an edge the Graph API does not have.
    pub fn unknown_path(components: &str) -> Self {
        let message = format!("Unknown path components: {components}");
        Self { http_status: 400, code: 2500, message, kind: "OAuthException", subcode: None, details: None }
    }

    /// 400 / 100 with Graph's own wording, e.g. "The parameter to is required.".
    pub fn param(message: impl std::fmt::Display) -> Self {
        let message = format!("(#100) {message}");
        Self { http_status: 400, code: 100, message, kind: "OAuthException", subcode: None, details: None }
    }

    /// A Cloud API error code with Meta's title, HTTP status and default details.
    pub fn whatsapp(code: u32) -> Self {
        let known = error_codes::lookup(code);
        Self {
            http_status: known.http_status,
            code,
            message: format!("(#{code}) {}", known.title),
            kind: "OAuthException",
            subcode: None,
            details: Some(known.details.to_owned()),
        }
    }

    /// 131009 "Parameter value is not valid" with these details.
    pub fn invalid_value(details: impl Into<String>) -> Self {
        Self::whatsapp(131009).with_details(details)
    }

    pub fn with_details(mut self, details: impl Into<String>) -> Self {
        self.details = Some(details.into());
        self
    }

    pub fn body(&self) -> Value {
        let mut error = json!({
            "message": self.message,
            "type": self.kind,
            "code": self.code,
            "fbtrace_id": new_fbtrace_id(),
        });
        if let Some(subcode) = self.subcode {
            error["error_subcode"] = json!(subcode);
        }
        if let Some(details) = &self.details {
            error["error_data"] = json!({ "messaging_product": "whatsapp", "details": details });
        }
        json!({ "error": error })
    }
}

impl IntoResponse for GraphError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.http_status).unwrap_or(StatusCode::BAD_REQUEST);
        let mut response = (status, Json(self.body())).into_response();
        if self.code == 190 {
            let challenge = format!("OAuth \"Facebook Platform\" \"invalid_token\" \"{}\"", self.message);
            if let Ok(value) = HeaderValue::from_str(&challenge) {
                response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
            }
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloud_api_errors_name_their_code_and_carry_details() {
        let body = GraphError::whatsapp(131047).body();
        assert_eq!(body["error"]["message"], "(#131047) Re-engagement message");
        assert_eq!(body["error"]["type"], "OAuthException");
        assert_eq!(body["error"]["code"], 131047);
        assert_eq!(body["error"]["error_data"]["messaging_product"], "whatsapp");
        assert!(body["error"]["fbtrace_id"].as_str().unwrap().starts_with('A'));
        assert!(body["error"].get("error_subcode").is_none());
    }

    #[test]
    fn graph_parameter_errors_have_no_error_data() {
        let body = GraphError::param("The parameter messaging_product is required.").body();
        assert_eq!(body["error"]["message"], "(#100) The parameter messaging_product is required.");
        assert!(body["error"].get("error_data").is_none());
        let unknown = GraphError::unsupported_request("get", "123").body();
        assert_eq!(unknown["error"]["type"], "GraphMethodException");
        assert_eq!(unknown["error"]["error_subcode"], 33);
    }
}
