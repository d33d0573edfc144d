//! Twilio's error codes, classified: rate limits and server trouble are worth a retry; a refusal
//! about the recipient, the sender or the content is final and reported with Twilio's reason.

use std::time::Duration;

use crate::adapter::{FailureKind, SendError};

/// Codes whose meaning we spell out for the person reading the failure.
fn explain(code: u32) -> Option<&'static str> {
    Some(match code {
        20003 => "Twilio rejected the channel's credentials; update the account SID and auth token",
        20429 => "Twilio is rate limiting this account",
        21211 => "the recipient's number is not a valid phone number",
        21408 => "sending to this region is not enabled on the Twilio account",
        21606 => "the channel's number cannot send messages on this Twilio account",
        21610 => "the recipient has opted out (replied STOP) and Twilio refuses to message them",
        21612 => "Twilio cannot route a message from this number to the recipient",
        21614 => "the recipient's number is not a mobile number",
        21617 => "the message body exceeds 1,600 characters",
        21910 => "the From and To addresses are on different channels (SMS and WhatsApp)",
        63016 => "WhatsApp: the 24-hour customer service window is closed; send an approved template",
        _ => return None,
    })
}

/// Classifies an error answer of the Messages API.
pub fn classify_error(
    http_status: u16,
    code: Option<u32>,
    message: Option<&str>,
    retry_after: Option<Duration>,
) -> SendError {
    let kind = if http_status == 429 || code == Some(20429) {
        FailureKind::RateLimited
    } else if http_status >= 500 {
        FailureKind::Transient
    } else {
        FailureKind::Permanent
    };
    let detail = message.unwrap_or("no error message");
    let reason = match code.and_then(explain) {
        Some(explained) => format!("{explained} (Twilio {}: {detail})", code.unwrap_or_default()),
        None => match code {
            Some(code) => format!("Twilio error {code} (HTTP {http_status}): {detail}"),
            None => format!("Twilio answered HTTP {http_status}: {detail}"),
        },
    };
    // Without a Retry-After, a rate limit is waited out for a second.
    let retry_after = retry_after.or((kind == FailureKind::RateLimited).then_some(Duration::from_secs(1)));
    SendError { kind, code: code.map(|c| c.to_string()), reason, retry_after }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limits_and_server_errors_are_retried() {
        assert_eq!(classify_error(429, Some(20429), None, None).kind, FailureKind::RateLimited);
        assert_eq!(classify_error(503, None, None, None).kind, FailureKind::Transient);
        assert_eq!(classify_error(500, Some(20500), Some("Internal"), None).kind, FailureKind::Transient);
    }

    #[test]
    fn opt_outs_and_invalid_numbers_are_final_and_explained() {
        let opted_out = classify_error(400, Some(21610), Some("Attempt to send to unsubscribed recipient"), None);
        assert_eq!(opted_out.kind, FailureKind::Permanent);
        assert_eq!(opted_out.code.as_deref(), Some("21610"));
        assert!(opted_out.reason.contains("opted out"));
        let invalid = classify_error(400, Some(21211), Some("The 'To' number 123 is not a valid phone number."), None);
        assert_eq!(invalid.kind, FailureKind::Permanent);
        assert!(invalid.reason.contains("not a valid phone number"));
    }
}
