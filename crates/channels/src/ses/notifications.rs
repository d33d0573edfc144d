//! What SES says through SNS, as events: a received email (`Received`, with the raw message as
//! `content`, base64 or UTF-8 as the receipt rule's SNS action chose), and the fate of an email
//! we sent: `Delivery` (delivered), `Bounce` (failed, with the recipient server's status and
//! diagnostic), `Complaint` (the recipient reported it: opted out of email), and with event
//! publishing also `Send`, `Reject`, `Open` and `Click`. Event publishing names the kind
//! `eventType`, notifications `notificationType`; both are read.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use switchboard_domain::inbound::{ConsentReport, InboundEvent, StatusUpdate};
use switchboard_domain::{EmailAddress, Identity, MessageStatus};

use crate::adapter::{ParseError, ParsedWebhook};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Notification {
    #[serde(default, alias = "eventType")]
    notification_type: Option<String>,
    #[serde(default)]
    mail: Mail,
    #[serde(default)]
    bounce: Option<Bounce>,
    #[serde(default)]
    complaint: Option<Complaint>,
    #[serde(default)]
    receipt: Option<Receipt>,
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    reject: Option<Reject>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Mail {
    #[serde(default)]
    message_id: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bounce {
    #[serde(default)]
    bounce_type: String,
    #[serde(default)]
    bounced_recipients: Vec<BouncedRecipient>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BouncedRecipient {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    diagnostic_code: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Complaint {
    #[serde(default)]
    complained_recipients: Vec<Recipient>,
    #[serde(default)]
    complaint_feedback_type: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Recipient {
    email_address: String,
}

#[derive(Debug, Deserialize)]
struct Receipt {
    #[serde(default)]
    action: Option<ReceiptAction>,
}

#[derive(Debug, Deserialize)]
struct ReceiptAction {
    #[serde(default)]
    encoding: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Reject {
    #[serde(default)]
    reason: Option<String>,
}

/// The events of one SES notification (the `Message` of an SNS notification).
pub(crate) fn parse(message: &str, our_address: &str) -> Result<ParsedWebhook, ParseError> {
    let notification: Notification = serde_json::from_str(message)
        .map_err(|e| ParseError::Malformed(format!("the SNS message is not an SES notification: {e}")))?;
    let kind = notification.notification_type.clone().ok_or_else(|| {
        ParseError::Malformed("the SNS message is not an SES notification (no notificationType)".into())
    })?;
    let status = |status: MessageStatus, code: Option<String>, reason: Option<String>| {
        let update = StatusUpdate {
            provider_message_id: notification.mail.message_id.clone(),
            status,
            error_code: code,
            error_reason: reason,
            details: None,
        };
        Ok(ParsedWebhook { events: vec![InboundEvent::Status(update)], files: Vec::new() })
    };
    match kind.as_str() {
        "Received" => received(&notification, our_address),
        "Send" => status(MessageStatus::Sent, None, None),
        "Delivery" => status(MessageStatus::Delivered, None, None),
        "Open" | "Click" => status(MessageStatus::Read, None, None),
        "Bounce" => {
            let bounce = notification.bounce.as_ref();
            let recipient = bounce.and_then(|b| b.bounced_recipients.first());
            let bounce_type = bounce.map_or("", |b| b.bounce_type.as_str());
            let code = recipient.and_then(|r| r.status.clone()).unwrap_or_else(|| bounce_type.to_owned());
            let reason = format!(
                "the email bounced ({bounce_type}): {}",
                recipient.and_then(|r| r.diagnostic_code.as_deref()).unwrap_or("no diagnostic given")
            );
            status(MessageStatus::Failed, Some(code), Some(reason))
        }
        "Reject" => {
            let why = notification.reject.as_ref().and_then(|r| r.reason.as_deref()).unwrap_or("no reason given");
            status(MessageStatus::Failed, Some("Reject".into()), Some(format!("SES refused to send the email: {why}")))
        }
        "Complaint" => {
            let complaint = notification.complaint.as_ref();
            let reason =
                complaint.and_then(|c| c.complaint_feedback_type.clone()).unwrap_or_else(|| "complaint".into());
            let events = complaint
                .map(|c| c.complained_recipients.as_slice())
                .unwrap_or_default()
                .iter()
                .filter_map(|r| EmailAddress::parse(&r.email_address).ok())
                .map(|address| {
                    InboundEvent::Consent(ConsentReport {
                        who: Identity::email(&address),
                        opted_out: true,
                        reason: format!("complaint: {reason}"),
                    })
                })
                .collect();
            Ok(ParsedWebhook { events, files: Vec::new() })
        }
        // DeliveryDelay, Subscription, RenderingFailure, AmazonSnsSubscriptionSucceeded, ...
        _ => Ok(ParsedWebhook::default()),
    }
}

fn received(notification: &Notification, our_address: &str) -> Result<ParsedWebhook, ParseError> {
    let content = notification.content.as_deref().ok_or_else(|| {
        ParseError::Malformed(
            "the notification has no content: deliver mail to SNS with the receipt rule's SNS action (not S3)".into(),
        )
    })?;
    let encoding = notification.receipt.as_ref().and_then(|r| r.action.as_ref()).and_then(|a| a.encoding.as_deref());
    let raw = match encoding {
        Some("BASE64") => STANDARD
            .decode(content.trim())
            .map_err(|e| ParseError::Malformed(format!("the content is not base64: {e}")))?,
        _ => content.as_bytes().to_vec(),
    };
    crate::email::inbound_email(&raw, our_address)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_received_email_in_base64_or_utf8_becomes_a_message() {
        let raw = "From: Ann <ann@example.com>\r\nTo: hello@clinic.example\r\nSubject: Hours\r\n\
                   Message-ID: <ses-in-1@example.com>\r\n\r\nAre you open on Saturday?\r\n";
        for (encoding, content) in [("BASE64", STANDARD.encode(raw)), ("UTF8", raw.to_owned())] {
            let message = serde_json::json!({
                "notificationType": "Received",
                "mail": {"messageId": "o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1", "source": "ann@example.com"},
                "receipt": {"action": {"type": "SNS", "topicArn": "arn:aws:sns:us-east-1:1:in", "encoding": encoding}},
                "content": content,
            });
            let parsed = parse(&message.to_string(), "hello@clinic.example").unwrap();
            match parsed.events.as_slice() {
                [InboundEvent::Message(m)] => {
                    assert_eq!(m.text, "Are you open on Saturday?");
                    assert_eq!(m.provider_message_id, "ses-in-1@example.com");
                }
                other => panic!("{encoding}: {other:?}"),
            }
        }
    }

    #[test]
    fn bounces_fail_complaints_opt_out_and_deliveries_deliver() {
        let bounce = serde_json::json!({
            "notificationType": "Bounce",
            "bounce": {"bounceType": "Permanent", "bouncedRecipients": [{"emailAddress": "gone@example.com", "status": "5.1.1", "diagnosticCode": "smtp; 550 5.1.1 user unknown"}]},
            "mail": {"messageId": "0100-sent-1"},
        });
        match parse(&bounce.to_string(), "hello@clinic.example").unwrap().events.as_slice() {
            [InboundEvent::Status(s)] => {
                assert_eq!((s.provider_message_id.as_str(), s.status), ("0100-sent-1", MessageStatus::Failed));
                assert_eq!(s.error_code.as_deref(), Some("5.1.1"));
                assert!(s.error_reason.as_deref().unwrap().contains("user unknown"));
            }
            other => panic!("{other:?}"),
        }
        let complaint = serde_json::json!({
            "eventType": "Complaint",
            "complaint": {"complainedRecipients": [{"emailAddress": "Ann@Example.com"}], "complaintFeedbackType": "abuse"},
            "mail": {"messageId": "0100-sent-2"},
        });
        match parse(&complaint.to_string(), "hello@clinic.example").unwrap().events.as_slice() {
            [InboundEvent::Consent(c)] => assert!(c.opted_out && c.who.value == "ann@example.com", "{c:?}"),
            other => panic!("{other:?}"),
        }
        let delivery = serde_json::json!({"notificationType": "Delivery", "mail": {"messageId": "0100-sent-3"}});
        assert!(matches!(
            parse(&delivery.to_string(), "hello@clinic.example").unwrap().events.as_slice(),
            [InboundEvent::Status(s)] if s.status == MessageStatus::Delivered
        ));
        assert!(matches!(parse("[]", "hello@clinic.example"), Err(ParseError::Malformed(_))));
    }
}
