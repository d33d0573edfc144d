//! SESv2 `SendEmail` (`POST /v2/email/outbound-emails`), signed with SigV4 for the `ses`
//! service: the reply built as a raw MIME message (plain and HTML parts, threading headers,
//! the reply address), base64 in `Content.Raw.Data`. SES answers `{"MessageId": …}`; its
//! errors are `{"message": …}` with the kind in `x-amzn-ErrorType`. SES replaces the
//! Message-ID header with its own, so replies find their thread by the reply address.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::json;

use super::SesCredentials;
use super::sigv4::{self, AwsKey, Request};
use crate::adapter::{ChannelContext, OutboundRequest, SendError, SendReceipt};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Sent {
    message_id: String,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default, alias = "Message")]
    message: Option<String>,
}

/// The `SendEmail` request body for `message`.
pub fn send_email_body(
    channel: &ChannelContext,
    message: &OutboundRequest,
    configuration_set: Option<&str>,
) -> Result<serde_json::Value, SendError> {
    let email = crate::email::outbound_email(message)?;
    let raw = crate::email::raw_email(channel, message)?;
    let mut body = json!({
        "FromEmailAddress": channel.address,
        "Destination": { "ToAddresses": [message.to] },
        "Content": { "Raw": { "Data": STANDARD.encode(raw) } },
    });
    if let Some(reply_to) = &email.reply_to {
        body["ReplyToAddresses"] = json!([reply_to]);
    }
    if let Some(set) = configuration_set {
        body["ConfigurationSetName"] = json!(set);
    }
    Ok(body)
}

pub(crate) async fn send(
    client: &reqwest::Client,
    endpoint: &str,
    region: &str,
    credentials: &SesCredentials,
    body: serde_json::Value,
) -> Result<SendReceipt, SendError> {
    let payload = serde_json::to_vec(&body).expect("JSON serialises");
    let url = reqwest::Url::parse(&format!("{}/v2/email/outbound-emails", endpoint.trim_end_matches('/')))
        .map_err(|e| SendError::permanent(None, format!("the SES endpoint {endpoint} is not a URL: {e}")))?;
    let host = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_owned(),
    };
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let amz_date = sigv4::amz_date(now.as_secs() as i64);
    let mut headers =
        vec![("content-type", "application/json"), ("host", host.as_str()), ("x-amz-date", amz_date.as_str())];
    if let Some(token) = &credentials.session_token {
        headers.push(("x-amz-security-token", token.as_str()));
    }
    let request = Request { method: "POST", path: url.path(), query: &[], headers: &headers, payload: &payload };
    let key = AwsKey { access_key_id: &credentials.access_key_id, secret_access_key: &credentials.secret_access_key };
    let authorization = sigv4::authorization(&key, region, "ses", &amz_date, &request);
    let mut builder = client.post(url.clone()).header("authorization", authorization);
    for (name, value) in &headers {
        if *name != "host" {
            builder = builder.header(*name, *value);
        }
    }
    let response = builder
        .body(payload)
        .send()
        .await
        .map_err(|e| SendError::transient(format!("could not reach SES: {}", e.without_url())))?;
    let status = response.status().as_u16();
    let kind = response.headers().get("x-amzn-errortype").and_then(|v| v.to_str().ok()).map(|v| {
        // `MessageRejected:http://internal.amazon.com/...` carries a suffix after a colon.
        v.split(':').next().unwrap_or(v).to_owned()
    });
    let bytes = response.bytes().await.unwrap_or_default();
    if (200..300).contains(&status) {
        let sent: Sent = serde_json::from_slice(&bytes)
            .map_err(|e| SendError::transient(format!("SES answered {status} with an unreadable body: {e}")))?;
        // SES writes its own Message-ID: `<id@email.amazonses.com>` in us-east-1, else
        // `<id@REGION.amazonses.com>`.
        let domain =
            if region == "us-east-1" { "email.amazonses.com".to_owned() } else { format!("{region}.amazonses.com") };
        let email_message_id = Some(format!("{}@{domain}", sent.message_id));
        return Ok(SendReceipt { provider_message_id: sent.message_id, email_message_id });
    }
    let message = serde_json::from_slice::<ErrorBody>(&bytes).ok().and_then(|b| b.message).unwrap_or_default();
    Err(classify(status, kind.as_deref(), &message))
}

/// Classifies an SES error answer.
fn classify(status: u16, kind: Option<&str>, message: &str) -> SendError {
    let kind_name = kind.unwrap_or("error");
    let code = Some(kind_name.to_owned());
    let detail = if message.is_empty() { "no message" } else { message };
    match (status, kind) {
        (429, _) | (_, Some("TooManyRequestsException" | "Throttling" | "ThrottlingException")) => {
            SendError::rate_limited(code, format!("SES is throttling the account: {detail}"), Duration::from_secs(1))
        }
        (403, _) | (_, Some("SignatureDoesNotMatch" | "UnrecognizedClientException" | "InvalidClientTokenId")) => {
            SendError::permanent(
                code,
                format!(
                    "SES refused the channel's access key ({kind_name}: {detail}); check the key, its secret and its ses:SendEmail permission"
                ),
            )
        }
        (_, Some("MessageRejected")) => SendError::permanent(code, format!("SES rejected the email: {detail}")),
        (_, Some("AccountSuspendedException" | "SendingPausedException")) => {
            SendError::permanent(code, format!("SES is not sending for this account ({kind_name}): {detail}"))
        }
        (500.., _) => SendError::transient(format!("SES answered HTTP {status} ({kind_name}): {detail}")),
        _ => SendError::permanent(code, format!("SES refused the email (HTTP {status}, {kind_name}): {detail}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapter::FailureKind;

    #[test]
    fn throttling_waits_trouble_retries_and_refusals_are_final() {
        assert_eq!(classify(429, Some("TooManyRequestsException"), "").kind, FailureKind::RateLimited);
        assert_eq!(classify(503, None, "").kind, FailureKind::Transient);
        let rejected = classify(400, Some("MessageRejected"), "Email address is not verified.");
        assert_eq!(rejected.kind, FailureKind::Permanent);
        assert!(rejected.reason.contains("not verified"));
        assert!(classify(403, Some("SignatureDoesNotMatch"), "").reason.contains("access key"));
    }
}
