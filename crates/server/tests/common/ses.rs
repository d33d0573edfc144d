//! An Amazon SES email channel whose adapter talks to the emulator's SESv2 endpoint, with the
//! emulator's SNS topics (inbound mail, and deliveries, bounces and complaints) subscribed to
//! the app and confirmed by it.
#![allow(dead_code)] // each test binary uses only part of `common`

use switchboard_emulator::ses::SesEmulator;
use switchboard_server::admin::{self, SesInput};
use switchboard_server::secrets::SecretBox;
use switchboard_store::model::Channel;

use super::TestApp;

pub const ADDRESS: &str = "hello@clinic.test";
const ACCESS_KEY_ID: &str = "AKIAEMULATOR00000001";
const SECRET_ACCESS_KEY: &str = "emulator/secret/key/0123456789abcdefghij";

pub struct SesChannel {
    pub channel: Channel,
    pub ses: SesEmulator,
    pub inbound_topic: String,
    pub events_topic: String,
}

impl SesChannel {
    pub fn inbound_url(&self, app: &TestApp) -> String {
        format!("{}/webhooks/ses/{}", app.url, self.channel.channel_id)
    }

    pub fn events_url(&self, app: &TestApp) -> String {
        format!("{}/webhooks/ses/{}/status", app.url, self.channel.channel_id)
    }
}

/// Connects an SES sender and subscribes the app to its two topics; panics unless the app
/// confirmed both subscriptions.
pub async fn add_ses(app: &TestApp) -> SesChannel {
    let ses = app.emulator.ses();
    ses.add_access_key(ACCESS_KEY_ID, SECRET_ACCESS_KEY);
    ses.verify_identity("clinic.test");
    let inbound_topic = ses.create_topic("clinic-inbound");
    let events_topic = ses.create_topic("clinic-events");
    ses.add_receipt_rule("clinic.test", &inbound_topic);
    ses.set_notification_topic("clinic.test", &events_topic);
    let secrets = SecretBox::load(&super::test_config(app.database_url()).secret_key).unwrap();
    let input = SesInput {
        address: ADDRESS.into(),
        region: ses.region().into(),
        access_key_id: ACCESS_KEY_ID.into(),
        secret_access_key: SECRET_ACCESS_KEY.into(),
        topic_arns: vec![inbound_topic.clone(), events_topic.clone()],
        from_name: Some("Riverside Vet".into()),
        ..SesInput::default()
    };
    let channel = admin::add_ses_channel(&app.store, &secrets, &app.workspace, input).await.unwrap();
    let ses_channel = SesChannel { channel, ses, inbound_topic, events_topic };
    for (topic, url) in [
        (&ses_channel.inbound_topic, ses_channel.inbound_url(app)),
        (&ses_channel.events_topic, ses_channel.events_url(app)),
    ] {
        assert_eq!(ses_channel.ses.subscribe(topic, &url).await.unwrap(), 200, "{}", app.backend);
        assert!(ses_channel.ses.is_confirmed(topic, &url), "the app confirms its subscription to {topic}");
    }
    ses_channel
}
