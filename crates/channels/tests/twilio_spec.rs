//! Outbound Twilio requests validate against Twilio's official OpenAPI description
//! (`shared/specs/twilio_api_v2010.json`), served by a Prism mock server that rejects any request
//! the spec does not allow. Prism is installed by `.ci/run` (`tools/prism`); without it the test
//! is skipped loudly, and in CI that is a failure.

mod common;

use common::{skip_or_fail, spec_path, start_prism};
use switchboard_channels::twilio::{TwilioAdapter, TwilioConfig};
use switchboard_channels::{ChannelAdapter, ChannelContext, OutboundRequest};
use switchboard_domain::{Attachment, ChannelId, ChannelKind};

/// Twilio's OpenAPI description, in the shared specs folder.
const SPEC: &str = "twilio_api_v2010.json";
const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";

fn channel(kind: ChannelKind, base_url: &str) -> ChannelContext {
    ChannelContext {
        channel_id: ChannelId::new(),
        kind,
        address: "+14155550100".into(),
        external_id: None,
        credentials: serde_json::json!({ "account_sid": ACCOUNT_SID, "auth_token": "token" }),
        settings: serde_json::json!({ "api_base_url": base_url }),
        public_url: "https://hub.example.com".into(),
    }
}

#[tokio::test]
async fn sms_and_whatsapp_sends_are_valid_requests_by_twilios_own_spec() {
    let Some(prism) = start_prism(SPEC) else { return };
    let adapter = TwilioAdapter::new(TwilioConfig::default(), switchboard_channels::http::client());
    for kind in [ChannelKind::Sms, ChannelKind::Whatsapp] {
        let message = OutboundRequest::text(
            "+14155550123",
            "Your appointment is tomorrow at 10:00. Reply C to confirm. Ça va? 👍",
        );
        let receipt = adapter.send(&channel(kind, &prism.url), &message).await;
        let receipt = receipt.unwrap_or_else(|e| panic!("{kind}: Prism refused the request: {e}"));
        assert!(receipt.provider_message_id.starts_with("SM") || receipt.provider_message_id.starts_with("MM"));
    }

    // The validator is real: a request without `To` is refused.
    let refused = reqwest::Client::new()
        .post(format!("{}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json", prism.url))
        .basic_auth(ACCOUNT_SID, Some("token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("From=%2B14155550100&Body=hi")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
}

/// Prism cannot read repeated form keys as an array (it rejects even one `MediaUrl`), so media
/// sends are checked against the spec's schema directly: every parameter we send is one the
/// spec declares, with the declared shape, and what the spec requires is present.
#[test]
fn media_sends_use_only_parameters_the_spec_declares() {
    let path = spec_path(SPEC);
    let Ok(text) = std::fs::read_to_string(&path) else {
        skip_or_fail(&format!("the spec {} is missing", path.display()));
        return;
    };
    let spec: serde_json::Value = serde_json::from_str(&text).unwrap();
    let schema = &spec["paths"]["/2010-04-01/Accounts/{AccountSid}/Messages.json"]["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"]
        ["schema"];
    let form = switchboard_channels::twilio::create_message_form(
        &channel(ChannelKind::Whatsapp, "http://127.0.0.1:1"),
        &OutboundRequest {
            attachments: vec![
                Attachment::link("https://hub.example.com/a.pdf", None),
                Attachment::link("https://hub.example.com/b.jpg", None),
            ],
            ..OutboundRequest::text("+14155550123", "Here is your invoice")
        },
    );
    let pairs: Vec<(String, String)> = form_urlencoded::parse(form.as_bytes()).into_owned().collect();
    for required in schema["required"].as_array().unwrap() {
        assert!(pairs.iter().any(|(k, _)| k == required.as_str().unwrap()), "missing required {required}");
    }
    for (name, value) in &pairs {
        let property = &schema["properties"][name];
        assert!(property.is_object(), "{name} is not a parameter of the Messages API");
        let declared = if property["type"] == "array" { &property["items"] } else { property };
        if declared["format"] == "uri" {
            assert!(value.starts_with("https://") || value.starts_with("http://"), "{name}={value} is not a URI");
        }
    }
    assert_eq!(schema["properties"]["MediaUrl"]["type"], "array");
    assert_eq!(
        pairs.iter().filter(|(k, _)| k == "MediaUrl").count(),
        2,
        "one MediaUrl per attachment, as Twilio documents"
    );
}
