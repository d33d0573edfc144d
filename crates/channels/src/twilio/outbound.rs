//! Sending through the Messages API: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`,
//! form-encoded, HTTP Basic auth, with `StatusCallback` pointing back at us.

use std::time::Duration;

use serde::Deserialize;
use switchboard_domain::Provider;

use super::{TwilioCredentials, errors::classify_error, provider_address};
use crate::adapter::{ChannelContext, OutboundRequest, SendError, SendReceipt};

#[derive(Deserialize)]
struct CreatedMessage {
    sid: String,
}

#[derive(Deserialize)]
struct ErrorBody {
    code: Option<u32>,
    message: Option<String>,
}

/// The form body of a create-message request.
pub fn form_body(channel: &ChannelContext, message: &OutboundRequest) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("To", &provider_address(channel.kind, &message.to));
    form.append_pair("From", &provider_address(channel.kind, &channel.address));
    if !message.body.is_empty() {
        form.append_pair("Body", &message.body);
    }
    for attachment in &message.attachments {
        form.append_pair("MediaUrl", &attachment.url);
    }
    let callback = message.status_callback_url.clone().unwrap_or_else(|| channel.status_callback_url(Provider::Twilio));
    form.append_pair("StatusCallback", &callback);
    form.finish()
}

pub(crate) async fn send(
    client: &reqwest::Client,
    base_url: &str,
    credentials: &TwilioCredentials,
    channel: &ChannelContext,
    message: &OutboundRequest,
) -> Result<SendReceipt, SendError> {
    let url =
        format!("{}/2010-04-01/Accounts/{}/Messages.json", base_url.trim_end_matches('/'), credentials.account_sid);
    let response = client
        .post(&url)
        .basic_auth(&credentials.account_sid, Some(&credentials.auth_token))
        .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(reqwest::header::ACCEPT, "application/json")
        .body(form_body(channel, message))
        .send()
        .await
        .map_err(|e| SendError::transient(format!("could not reach Twilio: {}", without_url(&e))))?;
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let bytes = response
        .bytes()
        .await
        .map_err(|e| SendError::transient(format!("Twilio's answer was cut off: {}", without_url(&e))))?;
    if (200..300).contains(&status) {
        let created: CreatedMessage = serde_json::from_slice(&bytes)
            .map_err(|e| SendError::transient(format!("Twilio answered {status} with an unreadable body: {e}")))?;
        return Ok(SendReceipt::new(created.sid));
    }
    let error: Option<ErrorBody> = serde_json::from_slice(&bytes).ok();
    let (code, text) = error.map(|e| (e.code, e.message)).unwrap_or((None, None));
    Err(classify_error(status, code, text.as_deref(), retry_after))
}

/// A reqwest error without the request URL (it contains the account SID).
fn without_url(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    if let Some(url) = error.url() {
        text = text.replace(url.as_str(), "the Messages API");
    }
    text
}
