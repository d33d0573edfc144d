//! A SendGrid email channel whose adapter talks to the emulator's Mail Send, with the
//! emulator's Event Webhook and Inbound Parse pointed at the app.
#![allow(dead_code)] // each test binary uses only part of `common`

use switchboard_emulator::sendgrid::SendgridEmulator;
use switchboard_server::admin::{self, SendgridInput};
use switchboard_server::secrets::SecretBox;
use switchboard_store::model::Channel;

use super::TestApp;

pub const ADDRESS: &str = "hello@riverside.test";
pub const API_KEY: &str = "SG.emulator-test-key.0123456789";
/// The channel's branding template.
pub const BRANDING: &str =
    "<div class=\"brand\" style=\"border-top:4px solid #0d9488\"><b>{{ from_name }}</b>{{ content }}</div>";

/// The channel, the secret of its Inbound Parse URL, and the emulator's SendGrid side.
pub struct SendgridChannel {
    pub channel: Channel,
    pub inbound_secret: String,
    pub sendgrid: SendgridEmulator,
}

impl SendgridChannel {
    /// The Inbound Parse URL with the secret as its last segment.
    pub fn parse_url(&self, app: &TestApp) -> String {
        format!("{}/webhooks/sendgrid/{}/{}", app.url, self.channel.channel_id, self.inbound_secret)
    }

    pub fn status_url(&self, app: &TestApp) -> String {
        format!("{}/webhooks/sendgrid/{}/status", app.url, self.channel.channel_id)
    }
}

/// Connects a SendGrid sender to the app's workspace; Inbound Parse posts in the default mode.
pub async fn add_sendgrid(app: &TestApp) -> SendgridChannel {
    let sendgrid = app.emulator.sendgrid();
    let secrets = SecretBox::load(&super::test_config(app.database_url()).secret_key).unwrap();
    let input = SendgridInput {
        address: ADDRESS.into(),
        api_key: API_KEY.into(),
        event_webhook_public_key: Some(sendgrid.verification_key()),
        from_name: Some("Riverside Vet".into()),
        html_template: Some(BRANDING.into()),
        api_base_url: Some(sendgrid.base_url()),
        ..SendgridInput::default()
    };
    let created = admin::add_sendgrid_channel(&app.store, &secrets, &app.workspace, input).await.unwrap();
    let channel = SendgridChannel { channel: created.channel, inbound_secret: created.inbound_secret, sendgrid };
    channel.sendgrid.add_api_key(API_KEY, Some(&channel.status_url(app)));
    channel.sendgrid.add_parse_route("riverside.test", &channel.parse_url(app), false);
    channel
}
