//! The website chat widget: a channel Switchboard carries itself. Visitors write through the
//! widget's own endpoints (the server's `webchat` module), not through a provider's webhook, so
//! this adapter verifies and parses nothing. Sending hands nothing on: the reply is already
//! stored, and the visitor's widget reads it from there, live; the receipt names the message
//! for the delivered and read reports the widget makes.

use async_trait::async_trait;
use switchboard_domain::Provider;
use switchboard_domain::inbound::InboundEvent;

use crate::adapter::*;

/// The web chat adapter.
#[derive(Debug, Default)]
pub struct WebchatAdapter;

const NO_WEBHOOKS: &str = "a web chat channel takes no webhooks; its widget talks to /widget/api";

#[async_trait]
impl ChannelAdapter for WebchatAdapter {
    fn provider(&self) -> Provider {
        Provider::Webchat
    }

    fn verification(&self) -> &'static str {
        "webchat-visitor-token"
    }

    fn verify(&self, _channel: &ChannelContext, _request: &WebhookRequest<'_>) -> Result<(), VerifyError> {
        Err(VerifyError::Credentials(NO_WEBHOOKS.to_owned()))
    }

    fn parse(&self, _channel: &ChannelContext, _request: &WebhookRequest<'_>) -> Result<Vec<InboundEvent>, ParseError> {
        Err(ParseError::Malformed(NO_WEBHOOKS.to_owned()))
    }

    fn reply(&self) -> WebhookReply {
        WebhookReply { content_type: "text/plain; charset=utf-8", body: String::new() }
    }

    async fn send(&self, _channel: &ChannelContext, _message: &OutboundRequest) -> Result<SendReceipt, SendError> {
        Ok(SendReceipt::new(format!("wc-{}", uuid::Uuid::now_v7().simple())))
    }
}
