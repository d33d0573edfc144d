//! `POST /v2/email/outbound-emails` (SESv2 `SendEmail`): the SigV4 signature checked against the
//! access key's secret, the sender checked against the verified identities, the raw message
//! decoded; `200 {"MessageId"}`, then a `Delivery` (or, for a recipient set to bounce, a
//! `Bounce`) notification on the sender's notification topic. Errors carry SES's kind in
//! `x-amzn-ErrorType` and a `{"message"}` body.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::sigv4_check::{SignatureProblem, check};
use super::world::SesSentEmail;
use super::{REGION, sns};
use crate::server::Shared;

const PATH: &str = "/v2/email/outbound-emails";

fn error(status: StatusCode, kind: &str, message: &str) -> Response {
    let headers = [("x-amzn-ErrorType", kind.to_owned()), ("x-amzn-RequestId", sns::new_id())];
    (status, headers, Json(json!({ "message": message }))).into_response()
}

pub(crate) async fn send_email(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let signed = check("POST", PATH, &headers, &body, |key| shared.state.read(|w| w.ses.access_keys.get(key).cloned()));
    match signed {
        Ok(()) => {}
        Err(SignatureProblem::Missing) => {
            return error(StatusCode::FORBIDDEN, "MissingAuthenticationTokenException", "Missing Authentication Token");
        }
        Err(SignatureProblem::UnknownKey) => {
            return error(
                StatusCode::FORBIDDEN,
                "UnrecognizedClientException",
                "The security token included in the request is invalid.",
            );
        }
        Err(SignatureProblem::Mismatch) => {
            return error(
                StatusCode::FORBIDDEN,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your AWS \
                 Secret Access Key and signing method. Consult the service documentation for details.",
            );
        }
    }
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return error(StatusCode::BAD_REQUEST, "BadRequestException", "The request body is not valid JSON.");
    };
    let to: Vec<String> = request["Destination"]["ToAddresses"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    if to.is_empty() {
        return error(StatusCode::BAD_REQUEST, "BadRequestException", "Missing final '@domain'");
    }
    let raw = match request["Content"]["Raw"]["Data"].as_str().map(|d| STANDARD.decode(d)) {
        Some(Ok(raw)) => String::from_utf8_lossy(&raw).into_owned(),
        Some(Err(_)) => return error(StatusCode::BAD_REQUEST, "BadRequestException", "Raw.Data is not valid base64."),
        None => {
            return error(
                StatusCode::BAD_REQUEST,
                "BadRequestException",
                "Content is required: Simple, Raw or Template.",
            );
        }
    };
    let from = request["FromEmailAddress"].as_str().map(str::to_owned).unwrap_or_default();
    if !shared.state.read(|w| w.ses.is_verified(&from)) {
        let message = format!(
            "Email address is not verified. The following identities failed the check in region {}: {from}",
            REGION.to_ascii_uppercase()
        );
        return error(StatusCode::BAD_REQUEST, "MessageRejected", &message);
    }
    let message_id = format!("0100{:012x}-{}-000000", rand::random::<u64>() >> 16, sns::new_id());
    // SES gives every email a Message-ID of its own, whatever the sender wrote.
    let raw = with_message_id(&raw, &format!("<{message_id}@email.amazonses.com>"));
    let sent = SesSentEmail {
        message_id: message_id.clone(),
        from: from.clone(),
        to: to.clone(),
        reply_to: request["ReplyToAddresses"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        raw,
        status: "Sent".to_owned(),
    };
    shared.state.update(|w| w.ses.sent.push(sent));
    tokio::spawn(play_life(shared.clone(), message_id.clone(), from, to));
    Json(json!({ "MessageId": message_id })).into_response()
}

/// `raw` with its Message-ID header (folded lines too) replaced by `message_id`.
fn with_message_id(raw: &str, message_id: &str) -> String {
    let (headers, body) = raw.split_once("\r\n\r\n").unwrap_or((raw, ""));
    let mut kept = Vec::new();
    let mut skipping = false;
    for line in headers.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            if !skipping {
                kept.push(line);
            }
            continue;
        }
        skipping = line.to_ascii_lowercase().starts_with("message-id:");
        if !skipping {
            kept.push(line);
        }
    }
    format!("Message-ID: {message_id}\r\n{}\r\n\r\n{body}", kept.join("\r\n"))
}

/// The mail object every notification about a sent email carries.
pub(crate) fn mail_object(message_id: &str, from: &str, to: &[String]) -> Value {
    json!({
        "timestamp": crate::clock::iso8601_millis(crate::clock::now_unix() * 1000),
        "source": from,
        "sourceArn": format!("arn:aws:ses:{REGION}:{}:identity/{from}", super::ACCOUNT_ID),
        "sendingAccountId": super::ACCOUNT_ID,
        "messageId": message_id,
        "destination": to,
    })
}

async fn play_life(shared: Arc<Shared>, message_id: String, from: String, to: Vec<String>) {
    tokio::time::sleep(shared.config.callback_delay).await;
    let Some(topic) = shared.state.read(|w| w.ses.notification_topic(&from)) else { return };
    let bounce = shared.state.read(|w| to.iter().find_map(|r| w.ses.bounces.get(&r.to_ascii_lowercase()).cloned()));
    let (kind, body) = match bounce {
        Some(diagnostic) => (
            "Bounce",
            json!({
                "notificationType": "Bounce",
                "bounce": {
                    "bounceType": "Permanent",
                    "bounceSubType": "General",
                    "bouncedRecipients": to.iter().map(|r| json!({
                        "emailAddress": r, "action": "failed", "status": "5.1.1", "diagnosticCode": diagnostic,
                    })).collect::<Vec<_>>(),
                    "timestamp": crate::clock::iso8601_millis(crate::clock::now_unix() * 1000),
                    "feedbackId": format!("0100{}-000000", sns::new_id()),
                    "reportingMTA": "dsn; a8-70.smtp-out.amazonses.com",
                },
                "mail": mail_object(&message_id, &from, &to),
            }),
        ),
        None => (
            "Delivery",
            json!({
                "notificationType": "Delivery",
                "delivery": {
                    "timestamp": crate::clock::iso8601_millis(crate::clock::now_unix() * 1000),
                    "processingTimeMillis": 512,
                    "recipients": to,
                    "smtpResponse": "250 2.6.0 Message received",
                    "reportingMTA": "a8-70.smtp-out.amazonses.com",
                },
                "mail": mail_object(&message_id, &from, &to),
            }),
        ),
    };
    shared.state.update(|w| {
        if let Some(sent) = w.ses.sent.iter_mut().find(|s| s.message_id == message_id) {
            sent.status = kind.to_owned();
        }
    });
    sns::publish(&shared, &topic, None, &body, (&message_id, kind)).await;
}
