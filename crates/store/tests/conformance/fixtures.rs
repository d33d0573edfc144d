//! Shared setup: a workspace with an SMS channel, and inbound webhooks to feed it.

use std::sync::Arc;

use switchboard_domain::inbound::{InboundEvent, StatusUpdate};
use switchboard_domain::{ChannelKind, MessageStatus, Provider, SenderKind};
use switchboard_store::Store;
use switchboard_store::model::{Channel, Workspace};
use switchboard_store::writes::{InboundWrite, NewChannel, OutboundWrite};

pub const NOW: i64 = 1_800_000_000_000;

pub struct Fixture {
    pub workspace: Workspace,
    pub channel: Channel,
}

pub async fn workspace_with_sms_channel(store: &Arc<dyn Store>, name: &str) -> Fixture {
    let workspace = store.create_workspace(name, "Reply STOP to opt out.", NOW).await.unwrap();
    let channel = store
        .create_channel(NewChannel {
            channel_id: switchboard_domain::ChannelId::new(),
            workspace_id: workspace.workspace_id,
            kind: ChannelKind::Sms,
            provider: Provider::Twilio,
            name: "Front desk".into(),
            address: "+14155550100".into(),
            external_id: None,
            sealed_credentials: vec![1, 2, 3],
            settings: serde_json::json!({ "base_url": "http://127.0.0.1:1" }),
            now: NOW,
        })
        .await
        .unwrap();
    Fixture { workspace, channel }
}

pub fn inbound_sms(fixture: &Fixture, sid: &str, from: &str, text: &str, at: i64) -> InboundWrite {
    let (workspace, channel) = (&fixture.workspace, &fixture.channel);
    switchboard_store::testing::inbound_sms(
        workspace.workspace_id,
        channel.channel_id,
        &channel.address,
        (sid, from, text),
        at,
    )
}

/// Three webhooks, the middle one (SM2) for a channel that does not exist; SM1 and SM3 are fine.
pub fn batch_with_a_webhook_for_no_channel(fixture: &Fixture) -> [InboundWrite; 3] {
    let mut orphan = inbound_sms(fixture, "SM2", "+14155550124", "lost channel", NOW);
    orphan.channel_id = switchboard_domain::ChannelId::new();
    [
        inbound_sms(fixture, "SM1", "+14155550123", "fine", NOW),
        orphan,
        inbound_sms(fixture, "SM3", "+14155550125", "fine too", NOW),
    ]
}

pub fn status_callback(fixture: &Fixture, sid: &str, status: MessageStatus, at: i64) -> InboundWrite {
    InboundWrite {
        events: vec![InboundEvent::Status(StatusUpdate {
            provider_message_id: sid.into(),
            status,
            error_code: (status == MessageStatus::Failed).then(|| "30003".into()),
            error_reason: (status == MessageStatus::Failed).then(|| "Unreachable destination handset".into()),
            details: None,
        })],
        payload: format!("MessageSid={sid}&MessageStatus={status}"),
        ..inbound_sms(fixture, sid, "+14155550199", "", at)
    }
}

pub fn outbound(
    fixture: &Fixture,
    contact_id: switchboard_domain::ContactId,
    body: &str,
    key: Option<&str>,
) -> OutboundWrite {
    OutboundWrite {
        workspace_id: fixture.workspace.workspace_id,
        contact_id,
        channel_id: fixture.channel.channel_id,
        sender_kind: SenderKind::Staff,
        body: body.into(),
        attachments: vec![],
        content: None,
        reply_to: None,
        email: None,
        from_address: fixture.channel.address.clone(),
        to_address: "+14155550123".into(),
        segments: Some(1),
        encoding: Some("gsm7".into()),
        idempotency_key: key.map(str::to_owned),
        request_fingerprint: key.map(|k| format!("fp-{k}")),
        max_attempts: 4,
        send_interval_us: None,
        now: NOW,
    }
}
