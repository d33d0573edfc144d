//! `POST /v3/mail/send`: the reply as a plain-text and an HTML part, our Message-ID and the
//! threading headers as custom headers, the `reply+…@` address as `reply_to`, files base64 in
//! `attachments`. SendGrid answers
//! 202 with the message's id in `X-Message-Id`; its errors are `{"errors":[{"message",
//! "field"}]}`.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::adapter::{ChannelContext, FailureKind, OutboundRequest, SendError, SendReceipt};
use crate::email::compose::plain_text_with_signature;

/// The Mail Send request for `message` from the channel's address.
pub fn mail_send_body(channel: &ChannelContext, message: &OutboundRequest) -> Result<Value, SendError> {
    let email = crate::email::outbound_email(message)?;
    let mut from = json!({ "email": channel.address });
    if let Some(name) = &email.from_name {
        from["name"] = json!(name);
    }
    let mut headers = serde_json::Map::new();
    headers.insert("Message-ID".to_owned(), json!(format!("<{}>", email.message_id)));
    if let Some(parent) = &email.in_reply_to {
        headers.insert("In-Reply-To".to_owned(), json!(format!("<{parent}>")));
    }
    if !email.references.is_empty() {
        let references: Vec<String> = email.references.iter().map(|id| format!("<{id}>")).collect();
        headers.insert("References".to_owned(), json!(references.join(" ")));
    }
    let mut body = json!({
        "personalizations": [{ "to": [{ "email": message.to }] }],
        "from": from,
        "subject": email.subject,
        "content": [
            { "type": "text/plain", "value": plain_text_with_signature(&message.body, email.signature.as_deref()) },
            { "type": "text/html", "value": email.html_part(&message.body) },
        ],
        "headers": headers,
    });
    if let Some(reply_to) = &email.reply_to {
        body["reply_to"] = json!({ "email": reply_to });
    }
    if !email.attachments.is_empty() {
        let files: Vec<serde_json::Value> = email
            .attachments
            .iter()
            .map(|file| {
                json!({
                    "content": STANDARD.encode(&file.bytes),
                    "type": file.content_type,
                    "filename": file.filename,
                    "disposition": "attachment",
                })
            })
            .collect();
        body["attachments"] = json!(files);
    }
    Ok(body)
}

#[derive(Debug, Deserialize)]
struct ErrorBody {
    #[serde(default)]
    errors: Vec<ErrorItem>,
}

#[derive(Debug, Deserialize)]
struct ErrorItem {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    field: Option<String>,
}

pub(crate) async fn send(
    client: &reqwest::Client,
    base_url: &str,
    api_key: &str,
    channel: &ChannelContext,
    message: &OutboundRequest,
) -> Result<SendReceipt, SendError> {
    let body = mail_send_body(channel, message)?;
    let response = client
        .post(format!("{}/v3/mail/send", base_url.trim_end_matches('/')))
        .bearer_auth(api_key)
        .json(&body)
        .send()
        .await
        .map_err(|e| SendError::transient(format!("could not reach SendGrid: {}", e.without_url())))?;
    let status = response.status().as_u16();
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let message_id = header("x-message-id");
    let reset = header("x-ratelimit-reset").and_then(|v| v.trim().parse::<u64>().ok());
    let bytes = response.bytes().await.unwrap_or_default();
    if (200..300).contains(&status) {
        let provider_message_id = message_id
            .ok_or_else(|| SendError::transient(format!("SendGrid answered {status} without an X-Message-Id")))?;
        return Ok(SendReceipt::new(provider_message_id));
    }
    let errors = serde_json::from_slice::<ErrorBody>(&bytes).map(|b| b.errors).unwrap_or_default();
    let detail = errors
        .iter()
        .map(|e| match (&e.field, &e.message) {
            (Some(field), Some(message)) if field != "null" => format!("{field}: {message}"),
            (_, Some(message)) => message.clone(),
            _ => "no error message".to_owned(),
        })
        .collect::<Vec<_>>()
        .join("; ");
    Err(classify(status, &detail, reset))
}

/// Classifies an error answer of Mail Send.
fn classify(status: u16, detail: &str, ratelimit_reset: Option<u64>) -> SendError {
    let detail = if detail.is_empty() { "no error message" } else { detail };
    match status {
        429 => {
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
            let wait = ratelimit_reset.map_or(Duration::from_secs(1), |reset| {
                Duration::from_secs(reset.saturating_sub(now.as_secs()).clamp(1, 60))
            });
            SendError::rate_limited(
                Some("429".to_owned()),
                format!("SendGrid is rate limiting the account: {detail}"),
                wait,
            )
        }
        401 | 403 => SendError::permanent(
            Some(status.to_string()),
            format!(
                "SendGrid refused the channel's API key (HTTP {status}: {detail}); check that it has Mail Send permission"
            ),
        ),
        413 => SendError::permanent(Some("413".to_owned()), "the email is over SendGrid's 30 MB limit"),
        500.. => SendError {
            kind: FailureKind::Transient,
            code: Some(status.to_string()),
            reason: format!("SendGrid answered HTTP {status}: {detail}"),
            retry_after: None,
        },
        _ => SendError::permanent(
            Some(status.to_string()),
            format!("SendGrid refused the email (HTTP {status}): {detail}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_final_and_trouble_is_retried() {
        assert_eq!(classify(400, "from.email: does not contain a valid address", None).kind, FailureKind::Permanent);
        assert_eq!(classify(401, "", None).kind, FailureKind::Permanent);
        assert_eq!(classify(429, "", None).kind, FailureKind::RateLimited);
        assert_eq!(classify(503, "", None).kind, FailureKind::Transient);
        assert!(classify(401, "", None).reason.contains("Mail Send permission"));
    }
}
