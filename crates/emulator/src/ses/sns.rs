//! SNS towards our server: messages written as SNS writes them, signed with SignatureVersion 2
//! (SHA256withRSA over SNS's string to sign) under the emulator's certificate, and posted to a
//! topic's HTTP subscriptions with SNS's headers. A subscription is confirmed first: its
//! confirmation carries a `SubscribeURL` on the emulator, and only confirmed subscriptions
//! receive notifications.

use std::sync::{Arc, LazyLock};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::header::{CONTENT_TYPE, USER_AGENT};
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use serde_json::{Value, json};

use super::REGION;
use crate::server::Shared;
use crate::webhooks::ensure_loopback;

/// The emulator's signing certificate, served at its `SigningCertURL`.
pub(crate) const CERTIFICATE_PEM: &str = include_str!("signing_certificate.pem");
const KEY_PEM: &str = include_str!("signing_key.pem");
pub(crate) const CERTIFICATE_PATH: &str = "/_emulator/sns/SimpleNotificationService-emulator.pem";

static KEY: LazyLock<RsaKeyPair> = LazyLock::new(|| {
    let body: String = KEY_PEM.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = STANDARD.decode(body).expect("the emulator's key is base64");
    RsaKeyPair::from_pkcs8(&der).expect("the emulator's key is an RSA PKCS#8 key")
});

pub(crate) fn new_id() -> String {
    let b: [u8; 16] = rand::random();
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}

fn timestamp() -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    crate::clock::iso8601_millis(now.as_millis() as u64)
}

/// SNS's string to sign for `message`.
fn string_to_sign(message: &Value) -> String {
    let kind = message["Type"].as_str().unwrap_or_default();
    let fields: &[&str] = if kind == "Notification" {
        &["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
    } else {
        &["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
    };
    fields.iter().filter_map(|name| message[*name].as_str().map(|value| format!("{name}\n{value}\n"))).collect()
}

fn sign(message: &mut Value, base_url: &str) {
    message["SignatureVersion"] = json!("2");
    message["SigningCertURL"] = json!(format!("{base_url}{CERTIFICATE_PATH}"));
    let mut signature = vec![0; KEY.public().modulus_len()];
    KEY.sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), string_to_sign(message).as_bytes(), &mut signature)
        .expect("RSA signing");
    message["Signature"] = json!(STANDARD.encode(signature));
}

/// A signed notification on `topic_arn`.
pub(crate) fn notification(shared: &Shared, topic_arn: &str, subject: Option<&str>, body: &Value) -> Value {
    let mut message = json!({
        "Type": "Notification",
        "MessageId": new_id(),
        "TopicArn": topic_arn,
        "Message": body.to_string(),
        "Timestamp": timestamp(),
        "UnsubscribeURL": format!("{}/_emulator/sns/unsubscribe?TopicArn={topic_arn}", shared.base_url),
    });
    if let Some(subject) = subject {
        message["Subject"] = json!(subject);
    }
    sign(&mut message, &shared.base_url);
    message
}

/// A signed subscription confirmation for `topic_arn`, confirmed by visiting its SubscribeURL.
pub(crate) fn confirmation(shared: &Shared, topic_arn: &str, token: &str) -> Value {
    let mut message = json!({
        "Type": "SubscriptionConfirmation",
        "MessageId": new_id(),
        "Token": token,
        "TopicArn": topic_arn,
        "Message": format!("You have chosen to subscribe to the topic {topic_arn}.\nTo confirm the subscription, visit the SubscribeURL included in this message."),
        "SubscribeURL": format!("{}/_emulator/sns/confirm?Action=ConfirmSubscription&TopicArn={topic_arn}&Token={token}", shared.base_url),
        "Timestamp": timestamp(),
    });
    sign(&mut message, &shared.base_url);
    message
}

/// Posts `message` to `url` as SNS does; returns our server's status.
pub(crate) async fn post(shared: &Arc<Shared>, url: &str, message: &Value) -> Result<u16, String> {
    ensure_loopback(url)?;
    let topic = message["TopicArn"].as_str().unwrap_or_default();
    let response = shared
        .http
        .post(url)
        .header(CONTENT_TYPE, "text/plain; charset=UTF-8")
        .header(USER_AGENT, "Amazon Simple Notification Service Agent")
        .header("x-amz-sns-message-type", message["Type"].as_str().unwrap_or_default())
        .header("x-amz-sns-message-id", message["MessageId"].as_str().unwrap_or_default())
        .header("x-amz-sns-topic-arn", topic)
        .body(message.to_string())
        .send()
        .await
        .map_err(|e| format!("POST {url}: {e}"))?;
    Ok(response.status().as_u16())
}

/// Publishes `body` on a topic to each confirmed subscription; records who answered 2xx with
/// `(what, about)`. Returns the statuses.
pub(crate) async fn publish(
    shared: &Arc<Shared>,
    topic_arn: &str,
    subject: Option<&str>,
    body: &Value,
    record: (&str, &str),
) -> Vec<u16> {
    let urls: Vec<String> = shared.state.read(|w| {
        let subscriptions = w.ses.topics.get(topic_arn).cloned().unwrap_or_default();
        subscriptions.into_iter().filter(|s| s.confirmed).map(|s| s.url).collect()
    });
    let mut statuses = Vec::new();
    for url in urls {
        let message = notification(shared, topic_arn, subject, body);
        match post(shared, &url, &message).await {
            Ok(status) => {
                if (200..300).contains(&status) {
                    shared.state.update(|w| w.ses.answered.insert((record.0.to_owned(), record.1.to_owned())));
                }
                statuses.push(status);
            }
            Err(error) => tracing::warn!(%error, "ses emulator: an SNS notification was not delivered"),
        }
    }
    statuses
}

/// The ARN of a topic of the emulated account.
pub(crate) fn topic_arn(name: &str) -> String {
    format!("arn:aws:sns:{REGION}:{}:{name}", super::ACCOUNT_ID)
}
