//! Graph API errors, classified. Throughput and pair-rate limits and Meta's own trouble are worth
//! a retry after a backoff; a refusal about the token, the recipient, the template or the
//! 24-hour window is final and reported in words a person can act on.

use std::time::Duration;

use serde_json::Value;

use crate::adapter::{FailureKind, SendError};

/// Meta's code for a free-form message outside the 24-hour customer-service window.
pub const OUTSIDE_WINDOW: u32 = 131047;

/// Codes worth trying again after a backoff, a limited number of times.
fn is_transient(code: u32) -> bool {
    matches!(code, 1 | 2 | 131000 | 131016 | 133004 | 131057)
}

/// Rate limits, and how long to wait before trying again: throughput (130429) frees up within a
/// second, a pair (131056) gets a message every six seconds, the app's and the account's call
/// budgets (4, 17, 80007) refill over minutes.
fn rate_limit_wait(code: u32) -> Option<Duration> {
    Some(match code {
        130429 => Duration::from_secs(1),
        131056 => Duration::from_secs(6),
        4 | 17 | 341 | 613 | 80007 => Duration::from_secs(60),
        _ => return None,
    })
}

/// Codes whose meaning we spell out.
fn explain(code: u32) -> Option<&'static str> {
    Some(match code {
        190 => "the channel's access token is invalid or expired; reconnect the channel",
        10 | 200 | 294 => "the access token lacks the whatsapp_business_messaging permission for this number",
        100 => "the Cloud API refused a parameter of the request",
        130429 => "the phone number's throughput limit was reached",
        131056 => "too many messages to this recipient in a short time (pair rate limit)",
        80007 => "the WhatsApp Business Account's rate limit was reached",
        131026 => {
            "the message could not be delivered: the number may not be on WhatsApp or may need to accept new terms"
        }
        131047 => "more than 24 hours have passed since the customer last wrote; only an approved template may be sent",
        131050 => "the customer has stopped marketing messages from this business",
        131051 => "WhatsApp does not support this message type",
        131052 | 131053 => "the media file could not be downloaded or uploaded",
        132000 => "the number of template parameters does not match the template",
        132001 => "the template does not exist in this language, or is not approved",
        132005 => "the template's text is too long once the parameters are filled in",
        132007 => "the template breaks WhatsApp's format rules",
        132015 | 132016 => "the template is paused or disabled for low quality",
        133010 => "the phone number is not registered with the Cloud API",
        _ => return None,
    })
}

/// Classifies a Graph error answer: the HTTP status and the body's `error` object.
pub fn classify_error(http_status: u16, error: &Value) -> SendError {
    let code = error["code"].as_u64().map(|c| c as u32);
    let wait = code.and_then(rate_limit_wait);
    let kind = match code {
        _ if wait.is_some() => FailureKind::RateLimited,
        Some(code) if is_transient(code) => FailureKind::Transient,
        _ if http_status == 429 || http_status >= 500 => FailureKind::Transient,
        _ => FailureKind::Permanent,
    };
    let message = error["message"].as_str().unwrap_or("no error message");
    let detail = match error["error_data"]["details"].as_str() {
        Some(details) if details != message => format!("{message}: {details}"),
        _ => message.to_owned(),
    };
    let explained = match error["error_subcode"].as_u64() {
        // The Messenger Platform's own reasons, under generic codes.
        Some(2018278) => Some(
            "the customer last wrote more than 24 hours ago (7 days for a staff reply tagged HUMAN_AGENT); Meta refuses the message",
        ),
        Some(2018001) => Some("the customer cannot be found on this Page or account"),
        _ => code.and_then(explain),
    };
    let reason = match code {
        Some(code) => match explained {
            Some(explained) => format!("{explained} (Meta {code}: {detail})"),
            None => format!("Meta error {code} (HTTP {http_status}): {detail}"),
        },
        None => format!("the Graph API answered HTTP {http_status}: {detail}"),
    };
    SendError { kind, code: code.map(|c| c.to_string()), reason, retry_after: wait }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn graph_error(code: u32, message: &str) -> Value {
        json!({ "message": message, "type": "OAuthException", "code": code,
                "error_data": { "messaging_product": "whatsapp", "details": "details here" }, "fbtrace_id": "Az8or" })
    }

    #[test]
    fn throughput_and_pair_rate_limits_are_waited_out() {
        for (code, wait) in [(130429, 1), (131056, 6), (80007, 60)] {
            let error = classify_error(400, &graph_error(code, "Rate limit hit"));
            assert_eq!(error.kind, FailureKind::RateLimited, "{code}");
            assert_eq!(error.code, Some(code.to_string()));
            assert_eq!(error.retry_after, Some(Duration::from_secs(wait)), "{code}");
        }
    }

    #[test]
    fn meta_s_own_trouble_is_retried() {
        assert_eq!(classify_error(500, &graph_error(131000, "Something went wrong")).kind, FailureKind::Transient);
        assert_eq!(classify_error(503, &Value::Null).kind, FailureKind::Transient);
    }

    #[test]
    fn the_window_an_expired_token_and_a_bad_template_are_final_and_explained() {
        let window = classify_error(400, &graph_error(131047, "Re-engagement message"));
        assert_eq!(window.kind, FailureKind::Permanent);
        assert!(window.reason.contains("24 hours") && window.reason.contains("131047"), "{}", window.reason);
        let token = classify_error(401, &graph_error(190, "Error validating access token"));
        assert_eq!(token.kind, FailureKind::Permanent);
        assert!(token.reason.contains("reconnect the channel"));
        let template = classify_error(404, &graph_error(132001, "Template name does not exist in the translation"));
        assert!(template.reason.contains("not approved") && template.reason.contains("details here"));
    }
}
