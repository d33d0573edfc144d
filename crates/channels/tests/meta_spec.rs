//! Outbound WhatsApp Cloud API requests validate against Meta's official OpenAPI description
//! (`shared/specs/business-messaging-api_v23.0.yaml`), served by a Prism mock server that
//! rejects any request the spec does not allow. Where the spec is stricter than the live API
//! (a template button's `index` pattern rejects "0"), the request shape is checked by the
//! adapter's unit tests instead.

mod common;

use common::start_prism;
use switchboard_channels::meta::{MetaAdapter, MetaConfig};
use switchboard_channels::{ChannelAdapter, ChannelContext, OutboundRequest};
use switchboard_domain::content::{Content, ListRow, ListSection, ReplyButton, TemplateMessage};
use switchboard_domain::{Attachment, ChannelId, ChannelKind};

const SPEC: &str = "business-messaging-api_v23.0.yaml";

fn channel(base_url: &str) -> ChannelContext {
    ChannelContext {
        channel_id: ChannelId::new(),
        kind: ChannelKind::Whatsapp,
        address: "+14155550100".into(),
        external_id: Some("106540352242922".into()),
        credentials: serde_json::json!({ "access_token": "EAAG-test-token", "app_secret": "secret" }),
        settings: serde_json::json!({ "graph_base_url": base_url }),
        public_url: "https://hub.example.com".into(),
    }
}

fn every_kind() -> Vec<(&'static str, OutboundRequest)> {
    let to = |body: &str| OutboundRequest::text("+14152012671", body);
    vec![
        ("text", to("Your order shipped: https://example.com/track/42")),
        (
            "text with preview",
            OutboundRequest { content: Some(Content::LinkPreview), ..to("https://example.com/track/42") },
        ),
        ("reply", OutboundRequest { reply_to: Some("wamid.HBgLMTQxNTU1NTI2NzE".into()), ..to("Yes, that one") }),
        (
            "image by link",
            OutboundRequest {
                attachments: vec![Attachment::link("https://example.com/receipt.png", Some("image/png".into()))],
                ..to("Your receipt")
            },
        ),
        (
            "document by id",
            OutboundRequest {
                attachments: vec![Attachment {
                    provider_media_id: Some("1166846181421424".into()),
                    filename: Some("invoice.pdf".into()),
                    ..Attachment::link("", Some("application/pdf".into()))
                }],
                ..to("Invoice")
            },
        ),
        (
            "buttons",
            OutboundRequest {
                content: Some(Content::Buttons {
                    buttons: vec![
                        ReplyButton { id: "yes".into(), title: "Confirm".into() },
                        ReplyButton { id: "no".into(), title: "Reschedule".into() },
                    ],
                }),
                ..to("Tomorrow at 10:00?")
            },
        ),
        (
            "list",
            OutboundRequest {
                content: Some(Content::List {
                    button: "Pick a time".into(),
                    sections: vec![ListSection {
                        title: Some("Tuesday".into()),
                        rows: vec![ListRow { id: "t9".into(), title: "9:00".into(), description: None }],
                    }],
                }),
                ..to("When suits you?")
            },
        ),
        (
            "reaction",
            OutboundRequest {
                content: Some(Content::Reaction { to: "wamid.HBgLMTQxNTU1NTI2NzE".into(), emoji: Some("👍".into()) }),
                ..to("")
            },
        ),
        (
            "template",
            OutboundRequest {
                content: Some(Content::Template(TemplateMessage {
                    name: "appointment_reminder".into(),
                    language: "en_US".into(),
                    body_parameters: vec!["Ada".into(), "Tuesday 10:00".into()],
                    header_parameter: Some("City Clinic".into()),
                    button_parameters: vec![],
                })),
                ..to("")
            },
        ),
    ]
}

#[tokio::test]
async fn every_kind_of_whatsapp_send_is_a_valid_request_by_meta_s_own_spec() {
    let Some(prism) = start_prism(SPEC) else { return };
    let adapter = MetaAdapter::new(MetaConfig::default(), switchboard_channels::http::client());
    for (kind, message) in every_kind() {
        let receipt = adapter.send(&channel(&prism.url), &message).await;
        let receipt = receipt.unwrap_or_else(|e| panic!("{kind}: Prism refused the request: {e}"));
        assert!(!receipt.provider_message_id.is_empty(), "{kind}");
    }

    // The validator is real: a request without `messaging_product` is refused.
    let refused = reqwest::Client::new()
        .post(format!("{}/v23.0/106540352242922/messages", prism.url))
        .bearer_auth("EAAG-test-token")
        .json(&serde_json::json!({ "recipient_type": "individual", "to": "14152012671", "type": "text", "text": { "body": "hi" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
}
