//! Outbound SendGrid requests validate against SendGrid's official OpenAPI description of Mail
//! Send (`shared/specs/tsg_mail_v3.json`), served by a Prism mock server that rejects any
//! request the spec does not allow. Prism is installed by `.ci/run` (`tools/prism`); without it
//! the test is skipped loudly, and in CI that is a failure.

mod common;

use common::start_prism;
use switchboard_channels::email::OutboundEmail;
use switchboard_channels::sendgrid::mail_send_body;
use switchboard_channels::{ChannelContext, OutboundRequest};
use switchboard_domain::{ChannelId, ChannelKind};

const SPEC: &str = "tsg_mail_v3.json";

fn channel() -> ChannelContext {
    ChannelContext {
        channel_id: ChannelId::new(),
        kind: ChannelKind::Email,
        address: "hello@clinic.example".into(),
        external_id: None,
        credentials: serde_json::json!({ "api_key": "SG.key", "inbound_secret": "s3cretS3cretS3cret" }),
        settings: serde_json::json!({}),
        public_url: "https://hub.example.com".into(),
    }
}

fn reply() -> OutboundRequest {
    let mut message =
        OutboundRequest::text("renee@example.com", "Très bien, see you at 10:00.\n\nhttps://clinic.example/map");
    message.email = Some(Box::new(OutboundEmail {
        subject: "Re: Your appointment".into(),
        message_id: "0193a1b2c3d4e5f60718293a4b5c6d7e@clinic.example".into(),
        in_reply_to: Some("CAF=abc@mail.gmail.com".into()),
        references: vec!["0190aa@clinic.example".into(), "CAF=abc@mail.gmail.com".into()],
        reply_to: Some("reply+0193a1b2c3d4e5f60718293a4b5c6d7e@clinic.example".into()),
        from_name: Some("Bright Dental".into()),
        signature: Some("Bright Dental\n+1 415 555 0100".into()),
        html: None,
        attachments: vec![switchboard_channels::email::EmailAttachment {
            filename: "invoice.pdf".into(),
            content_type: "application/pdf".into(),
            bytes: b"%PDF-1.4 invoice".to_vec(),
        }],
    }));
    message
}

#[tokio::test]
async fn a_threaded_reply_is_a_valid_mail_send_request_by_sendgrids_own_spec() {
    let Some(prism) = start_prism(SPEC) else { return };
    let body = mail_send_body(&channel(), &reply()).unwrap();
    let client = reqwest::Client::new();
    let post = |body: serde_json::Value| {
        client.post(format!("{}/v3/mail/send", prism.url)).bearer_auth("SG.key").json(&body).send()
    };
    let answer = post(body.clone()).await.unwrap();
    let status = answer.status();
    assert_eq!(status, 202, "Prism refused the request: {}", answer.text().await.unwrap_or_default());

    // What threads the reply travels in the request.
    assert_eq!(body["headers"]["In-Reply-To"], "<CAF=abc@mail.gmail.com>");
    assert_eq!(body["reply_to"]["email"], "reply+0193a1b2c3d4e5f60718293a4b5c6d7e@clinic.example");
    assert!(body["content"][1]["value"].as_str().unwrap().contains("<a href=\"https://clinic.example/map\">"));

    // The validator is real: a request without `from` is refused (with the 400 the spec
    // declares for an invalid request).
    let mut without_from = body;
    without_from.as_object_mut().unwrap().remove("from");
    assert_eq!(post(without_from).await.unwrap().status(), 400);
}
