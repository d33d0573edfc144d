//! The Event Webhook's JSON (an array of events) as status reports and opt-outs. `processed`
//! is sent, `delivered` delivered, `open` and `click` read; `bounce` and `dropped` fail the
//! message with SendGrid's reason; `spamreport` and `unsubscribe` opt the recipient out of
//! email (`group_resubscribe` back in). `deferred` changes nothing: SendGrid keeps trying.
//! An event names its message by `sg_message_id`, whose part before the first dot is the
//! `X-Message-Id` the Mail Send API answered with.

use serde::Deserialize;
use switchboard_domain::inbound::{ConsentReport, InboundEvent, StatusUpdate};
use switchboard_domain::{EmailAddress, Identity, MessageStatus};

use crate::adapter::ParseError;

#[derive(Debug, Deserialize)]
struct Event {
    event: String,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    sg_message_id: Option<String>,
    #[serde(default)]
    reason: Option<String>,
    /// The SMTP enhanced status code of a bounce (`5.1.1`).
    #[serde(default)]
    status: Option<serde_json::Value>,
    /// `bounce` or `blocked`, on a bounce.
    #[serde(default, rename = "type")]
    bounce_type: Option<String>,
}

/// Parses one Event Webhook delivery.
pub(crate) fn parse(body: &[u8]) -> Result<Vec<InboundEvent>, ParseError> {
    let events: Vec<Event> = serde_json::from_slice(body)
        .map_err(|e| ParseError::Malformed(format!("an Event Webhook body is a JSON array of events: {e}")))?;
    Ok(events.into_iter().filter_map(to_event).collect())
}

fn to_event(event: Event) -> Option<InboundEvent> {
    let consent = |opted_out: bool| {
        let address = EmailAddress::parse(event.email.as_deref()?).ok()?;
        Some(InboundEvent::Consent(ConsentReport {
            who: Identity::email(&address),
            opted_out,
            reason: event.event.clone(),
        }))
    };
    let (status, code, reason) = match event.event.as_str() {
        "spamreport" | "unsubscribe" | "group_unsubscribe" => return consent(true),
        "group_resubscribe" => return consent(false),
        "processed" => (MessageStatus::Sent, None, None),
        "delivered" => (MessageStatus::Delivered, None, None),
        "open" | "click" => (MessageStatus::Read, None, None),
        "bounce" => {
            let kind = event.bounce_type.as_deref().unwrap_or("bounce");
            let code = event.status.as_ref().map(status_text).unwrap_or_else(|| kind.to_owned());
            let reason = format!(
                "the recipient's mail server {} the email: {}",
                if kind == "blocked" { "blocked" } else { "bounced" },
                event.reason.as_deref().unwrap_or("no reason given")
            );
            (MessageStatus::Failed, Some(code), Some(reason))
        }
        "dropped" => {
            let reason = format!(
                "SendGrid dropped the email without sending it: {}",
                event.reason.as_deref().unwrap_or("no reason given")
            );
            (MessageStatus::Failed, Some("dropped".to_owned()), Some(reason))
        }
        _ => return None,
    };
    let provider_message_id = event.sg_message_id.as_deref()?.split('.').next()?.to_owned();
    Some(InboundEvent::Status(StatusUpdate {
        provider_message_id,
        status,
        error_code: code,
        error_reason: reason,
        details: None,
    }))
}

fn status_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status_of(events: &[InboundEvent]) -> Vec<(String, MessageStatus, Option<String>)> {
        events
            .iter()
            .filter_map(|e| match e {
                InboundEvent::Status(s) => Some((s.provider_message_id.clone(), s.status, s.error_code.clone())),
                _ => None,
            })
            .collect()
    }

    /// Events as SendGrid's documentation shows them, one of each kind.
    #[test]
    fn each_event_kind_maps_to_its_state() {
        let body = br#"[
          {"email":"ann@example.com","timestamp":1700000000,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"processed","category":"cat facts","sg_event_id":"rbtnWrG1DVDGGGFHFyun0A==","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.000000000000000000000"},
          {"email":"ann@example.com","timestamp":1700000001,"event":"deferred","response":"400 try again later","attempt":"5","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001"},
          {"email":"ann@example.com","timestamp":1700000002,"event":"delivered","response":"250 OK","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001"},
          {"email":"ann@example.com","timestamp":1700000003,"event":"open","sg_machine_open":false,"useragent":"Mozilla/4.0","ip":"255.255.255.255","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001"},
          {"email":"bob@example.com","timestamp":1700000004,"event":"bounce","type":"bounce","status":"5.1.1","reason":"550 5.1.1 The email account that you tried to reach does not exist","sg_message_id":"Xk2.filter0002"},
          {"email":"cy@example.com","timestamp":1700000005,"event":"dropped","reason":"Bounced Address","sg_message_id":"Yz3.filter0003"},
          {"email":"dee@example.com","timestamp":1700000006,"event":"spamreport","sg_message_id":"Zq4.filter0004"},
          {"email":"eve@example.com","timestamp":1700000007,"event":"unsubscribe","sg_message_id":"Zq5.filter0005"},
          {"email":"eve@example.com","timestamp":1700000008,"event":"some_future_event"}
        ]"#;
        let events = parse(body).unwrap();
        assert_eq!(
            status_of(&events),
            vec![
                ("14c5d75ce93".to_owned(), MessageStatus::Sent, None),
                ("14c5d75ce93".to_owned(), MessageStatus::Delivered, None),
                ("14c5d75ce93".to_owned(), MessageStatus::Read, None),
                ("Xk2".to_owned(), MessageStatus::Failed, Some("5.1.1".to_owned())),
                ("Yz3".to_owned(), MessageStatus::Failed, Some("dropped".to_owned())),
            ]
        );
        let opted_out: Vec<(&str, bool)> = events
            .iter()
            .filter_map(|e| match e {
                InboundEvent::Consent(c) => Some((c.who.value.as_str(), c.opted_out)),
                _ => None,
            })
            .collect();
        assert_eq!(opted_out, vec![("dee@example.com", true), ("eve@example.com", true)]);
        let bounce = events.iter().find_map(|e| match e {
            InboundEvent::Status(s) if s.status == MessageStatus::Failed => s.error_reason.clone(),
            _ => None,
        });
        assert!(bounce.unwrap().contains("does not exist"));
    }

    #[test]
    fn a_body_that_is_not_an_event_array_is_malformed() {
        assert!(matches!(parse(b"{\"event\":\"delivered\"}"), Err(ParseError::Malformed(_))));
        assert!(matches!(parse(b"[{\"email\":\"a@b.c\"}]"), Err(ParseError::Malformed(_))));
    }
}
