//! [`SesEmulator`]: the Rust API tests and the demo use to set up access keys, identities,
//! topics, subscriptions and receipt rules, play a customer's email and complaint, make a
//! recipient bounce and await what our server did.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

use super::send_email::mail_object;
use super::sns::{self, CERTIFICATE_PATH, CERTIFICATE_PEM};
use super::world::{SesSentEmail, Subscription};
use crate::customer_email::{self, InboundEmail};
use crate::errors::EmulatorError;
use crate::server::Shared;

/// The SES and SNS side of a running emulator; cheap to clone. Its SESv2 endpoint and SNS
/// origin are the emulator's `base_url()`.
#[derive(Clone)]
pub struct SesEmulator {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for SesEmulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SesEmulator").field("base_url", &self.shared.base_url).finish()
    }
}

impl SesEmulator {
    pub(crate) fn from_shared(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// The endpoint to use instead of `https://email.<region>.amazonaws.com`, and the origin of
    /// SNS's certificates and subscription links.
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// The emulated region.
    pub fn region(&self) -> &'static str {
        super::REGION
    }

    /// Registers an access key and its secret.
    pub fn add_access_key(&self, access_key_id: &str, secret_access_key: &str) {
        self.shared.state.update(|w| w.ses.access_keys.insert(access_key_id.to_owned(), secret_access_key.to_owned()));
    }

    /// Verifies an address or a whole domain for sending.
    pub fn verify_identity(&self, identity: &str) {
        self.shared.state.update(|w| w.ses.identities.insert(identity.to_ascii_lowercase()));
    }

    /// Creates an SNS topic and returns its ARN.
    pub fn create_topic(&self, name: &str) -> String {
        let arn = sns::topic_arn(name);
        self.shared.state.update(|w| {
            w.ses.topics.entry(arn.clone()).or_default();
        });
        arn
    }

    /// Subscribes `url` to a topic: posts the signed confirmation and returns our status. The
    /// subscription receives notifications once our server visits the SubscribeURL.
    pub async fn subscribe(&self, topic_arn: &str, url: &str) -> Result<u16, EmulatorError> {
        let token: String = (0..4).map(|_| format!("{:016x}", rand::random::<u64>())).collect();
        self.shared.state.update(|w| {
            let subscription = Subscription { url: url.to_owned(), token: token.clone(), confirmed: false };
            w.ses.topics.entry(topic_arn.to_owned()).or_default().push(subscription);
        });
        let message = sns::confirmation(&self.shared, topic_arn, &token);
        sns::post(&self.shared, url, &message).await.map_err(EmulatorError::Http)
    }

    /// Whether `url` confirmed its subscription to the topic.
    pub fn is_confirmed(&self, topic_arn: &str, url: &str) -> bool {
        self.shared
            .state
            .read(|w| w.ses.topics.get(topic_arn).is_some_and(|subs| subs.iter().any(|s| s.url == url && s.confirmed)))
    }

    /// Sends the deliveries, bounces and complaints of an identity's mail to a topic.
    pub fn set_notification_topic(&self, identity: &str, topic_arn: &str) {
        self.shared
            .state
            .update(|w| w.ses.notification_topics.insert(identity.to_ascii_lowercase(), topic_arn.to_owned()));
    }

    /// A receipt rule: mail to the domain is published to the topic (SNS action, base64).
    pub fn add_receipt_rule(&self, domain: &str, topic_arn: &str) {
        self.shared.state.update(|w| w.ses.receipt_rules.insert(domain.to_ascii_lowercase(), topic_arn.to_owned()));
    }

    /// The certificate SNS messages are signed under, and the URL it is served at.
    pub fn signing_certificate(&self) -> (String, String) {
        (format!("{}{CERTIFICATE_PATH}", self.shared.base_url), CERTIFICATE_PEM.to_owned())
    }

    /// A customer sends an email to a domain with a receipt rule: publishes the `Received`
    /// notification; returns its Message-ID and the statuses our server answered.
    pub async fn send_inbound(&self, email: InboundEmail) -> Result<(String, Vec<u16>), EmulatorError> {
        let domain = email.to.rsplit('@').next().unwrap_or_default().to_ascii_lowercase();
        let topic = self
            .shared
            .state
            .read(|w| w.ses.receipt_rules.get(&domain).cloned())
            .ok_or_else(|| EmulatorError::UnknownNumber(format!("(no SES receipt rule for {domain})")))?;
        let message_id = email.message_id.clone().unwrap_or_else(|| format!("{}@mail.customer.example", sns::new_id()));
        let written = customer_email::write(&email, &message_id);
        let ses_id: String = sns::new_id().replace('-', "");
        let body = json!({
            "notificationType": "Received",
            "receipt": {
                "timestamp": crate::clock::iso8601_millis(crate::clock::now_unix() * 1000),
                "processingTimeMillis": 420,
                "recipients": [email.to],
                "spamVerdict": {"status": "PASS"},
                "virusVerdict": {"status": "PASS"},
                "spfVerdict": {"status": "PASS"},
                "dkimVerdict": {"status": "GRAY"},
                "dmarcVerdict": {"status": "GRAY"},
                "action": {"type": "SNS", "topicArn": topic, "encoding": "BASE64"},
            },
            "mail": {
                "timestamp": crate::clock::iso8601_millis(crate::clock::now_unix() * 1000),
                "source": email.from,
                "messageId": ses_id,
                "destination": [email.to],
                "headersTruncated": false,
            },
            "content": STANDARD.encode(&written.raw),
        });
        let statuses = sns::publish(
            &self.shared,
            &topic,
            Some("Amazon SES Email Receipt Notification"),
            &body,
            (&message_id, "Received"),
        )
        .await;
        Ok((message_id, statuses))
    }

    /// Makes the recipient's mail server bounce what is sent to them, with this diagnostic.
    pub fn bounce(&self, recipient: &str, diagnostic: &str) {
        self.shared.state.update(|w| w.ses.bounces.insert(recipient.to_ascii_lowercase(), diagnostic.to_owned()));
    }

    /// The recipient of a sent email marks it as spam: publishes the `Complaint`.
    pub async fn complain(&self, message_id: &str) -> Result<Vec<u16>, EmulatorError> {
        let sent = self
            .shared
            .state
            .read(|w| w.ses.sent.iter().find(|s| s.message_id == message_id).cloned())
            .ok_or_else(|| EmulatorError::UnknownMessage(message_id.to_owned()))?;
        let topic = self
            .shared
            .state
            .read(|w| w.ses.notification_topic(&sent.from))
            .ok_or_else(|| EmulatorError::UnknownNumber(format!("(no notification topic for {})", sent.from)))?;
        let body = json!({
            "notificationType": "Complaint",
            "complaint": {
                "complainedRecipients": sent.to.iter().map(|r| json!({"emailAddress": r})).collect::<Vec<_>>(),
                "timestamp": crate::clock::iso8601_millis(crate::clock::now_unix() * 1000),
                "feedbackId": format!("0100{}-000000", sns::new_id()),
                "complaintFeedbackType": "abuse",
                "userAgent": "Yahoo!-Mail-Feedback/1.0",
            },
            "mail": mail_object(&sent.message_id, &sent.from, &sent.to),
        });
        Ok(sns::publish(&self.shared, &topic, None, &body, (message_id, "Complaint")).await)
    }

    /// Every email our side sent, in order.
    pub fn sent_emails(&self) -> Vec<SesSentEmail> {
        self.shared.state.read(|w| w.ses.sent.clone())
    }

    /// Waits (event-driven) until at least `count` emails were sent, or the timeout passes.
    pub async fn wait_for_sent(&self, count: usize, timeout: Duration) -> Vec<SesSentEmail> {
        self.shared.state.wait_until(timeout, |w| w.ses.sent.len() >= count).await;
        self.sent_emails()
    }

    /// Waits until our server answered the notification `kind` (`Delivery`, `Bounce`,
    /// `Complaint`, `Received`) about a message with a 2xx.
    pub async fn wait_for_notification(&self, message_id: &str, kind: &str, timeout: Duration) -> bool {
        let key = (message_id.to_owned(), kind.to_owned());
        self.shared.state.wait_until(timeout, |w| w.ses.answered.contains(&key)).await
    }
}
