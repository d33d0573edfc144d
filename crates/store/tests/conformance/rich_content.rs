//! Rich content and what Meta's channels need: content and reply context kept with a message,
//! status details kept with the status, channels found by the provider's id, templates per
//! channel.

use switchboard_domain::content::{Content, ReplyButton};
use switchboard_domain::inbound::{InboundEvent, StatusUpdate};
use switchboard_domain::{ChannelKind, MessageStatus, Provider};
use switchboard_store::StoreError;
use switchboard_store::model::MessageTemplate;
use switchboard_store::testing::on_every_backend;
use switchboard_store::writes::NewChannel;

use crate::fixtures::*;

fn meta_channel(fx: &Fixture, external_id: &str, address: &str) -> NewChannel {
    NewChannel {
        channel_id: switchboard_domain::ChannelId::new(),
        workspace_id: fx.workspace.workspace_id,
        kind: ChannelKind::Whatsapp,
        provider: Provider::Meta,
        name: "WhatsApp".into(),
        address: address.into(),
        external_id: Some(external_id.into()),
        sealed_credentials: vec![],
        settings: serde_json::json!({}),
        now: NOW,
    }
}

#[tokio::test]
async fn a_channel_is_found_by_the_provider_s_id_which_only_one_channel_may_have() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Clinic").await;
        let other = workspace_with_sms_channel(&store, "Cafe").await;
        let channel = store.create_channel(meta_channel(&fx, "106540352242922", "+14155550110")).await.unwrap();
        let found = store.find_channel_by_external_id(Provider::Meta, "106540352242922").await.unwrap();
        assert_eq!(found.map(|c| c.channel_id), Some(channel.channel_id), "{backend}");
        assert!(store.find_channel_by_external_id(Provider::Twilio, "106540352242922").await.unwrap().is_none());
        assert!(store.find_channel_by_external_id(Provider::Meta, "1").await.unwrap().is_none());
        let taken = store.create_channel(meta_channel(&other, "106540352242922", "+14155550111")).await.unwrap_err();
        let StoreError::Conflict(reason) = taken else { panic!("{backend}: {taken}") };
        assert!(reason.contains("already connected"), "{backend}: {reason}");
    })
    .await;
}

#[tokio::test]
async fn content_and_reply_context_are_kept_with_inbound_and_outbound_messages() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Clinic").await;
        let mut write = inbound_sms(&fx, "wamid.1", "+14155550123", "Confirm", NOW);
        let choice = Content::Choice { id: "confirm-42".into(), title: "Confirm".into(), description: None };
        if let InboundEvent::Message(message) = &mut write.events[0] {
            message.content = Some(choice.clone());
            message.reply_to = Some("wamid.OURS".into());
        }
        // Both ingest paths: the bulk one (a batch) and the single one.
        let mut single = inbound_sms(&fx, "wamid.2", "+14155550124", "", NOW);
        if let InboundEvent::Message(message) = &mut single.events[0] {
            message.content = Some(Content::Sticker);
        }
        let outcomes = store.ingest_batch(&[write, single]).await.unwrap();
        let first = outcomes[0].as_ref().unwrap().new_messages[0].message_id;
        let stored = store.get_message(fx.workspace.workspace_id, first).await.unwrap().expect(backend);
        assert_eq!(stored.content, Some(choice), "{backend}");
        assert_eq!(stored.reply_to.as_deref(), Some("wamid.OURS"));

        let buttons = Content::Buttons { buttons: vec![ReplyButton { id: "yes".into(), title: "Yes".into() }] };
        let mut out = outbound(&fx, stored.contact_id, "Still on?", None);
        out.content = Some(buttons.clone());
        out.reply_to = Some("wamid.1".into());
        let (message, _) = store.create_outbound(out).await.unwrap();
        assert_eq!(message.content, Some(buttons), "{backend}");
        assert_eq!(message.reply_to.as_deref(), Some("wamid.1"));
    })
    .await;
}

#[tokio::test]
async fn status_details_are_kept_and_a_later_status_without_them_keeps_them() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Clinic").await;
        let inbound = store.ingest_batch(&[inbound_sms(&fx, "in-1", "+14155550123", "hi", NOW)]).await.unwrap();
        let contact_id = inbound[0].as_ref().unwrap().new_messages[0].contact_id;
        let (message, _) = store.create_outbound(outbound(&fx, contact_id, "hello", None)).await.unwrap();
        let claimed = store.claim_jobs("w", 1, 60_000, NOW).await.unwrap();
        let sent = switchboard_store::writes::SendResult::Sent { provider_message_id: "wamid.OUT".into() };
        store.record_send_result(claimed[0].job_id, message.message_id, &sent, NOW).await.unwrap();

        let pricing = serde_json::json!({ "pricing": { "billable": false, "category": "service" } });
        let mut delivered = status_callback(&fx, "wamid.OUT", MessageStatus::Delivered, NOW + 1);
        if let InboundEvent::Status(StatusUpdate { details, .. }) = &mut delivered.events[0] {
            *details = Some(pricing.clone());
        }
        store.ingest_batch(&[delivered]).await.unwrap();
        store.ingest_batch(&[status_callback(&fx, "wamid.OUT", MessageStatus::Read, NOW + 2)]).await.unwrap();
        let read = store.get_message(fx.workspace.workspace_id, message.message_id).await.unwrap().expect(backend);
        assert_eq!(read.status, MessageStatus::Read, "{backend}");
        assert_eq!(read.provider_details, Some(pricing), "{backend}");
    })
    .await;
}

#[tokio::test]
async fn a_sync_replaces_a_channel_s_templates() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Clinic").await;
        let channel = store.create_channel(meta_channel(&fx, "106540352242922", "+14155550110")).await.unwrap();
        let template = |name: &str, status: &str| MessageTemplate {
            name: name.into(),
            language: "en_US".into(),
            category: "UTILITY".into(),
            status: status.into(),
            components: serde_json::json!([{ "type": "BODY", "text": "Hi {{1}}, see you {{2}}." }]),
        };
        let first = [template("reminder", "APPROVED"), template("promo", "PENDING")];
        store.replace_templates(channel.channel_id, &first, NOW).await.unwrap();
        assert_eq!(
            store.list_templates(channel.channel_id).await.unwrap(),
            vec![first[1].clone(), first[0].clone()],
            "{backend}"
        );
        let second = [template("reminder", "PAUSED")];
        store.replace_templates(channel.channel_id, &second, NOW + 1).await.unwrap();
        let now = store.list_templates(channel.channel_id).await.unwrap();
        assert_eq!(now, second.to_vec(), "{backend}: a template gone from the account is gone here");
        assert_eq!(now[0].body_parameter_count(), 2);
        assert!(!now[0].is_approved());
        assert!(store.list_templates(fx.channel.channel_id).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn paced_sends_take_the_channel_s_next_slots_and_a_postponed_job_keeps_its_attempts() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Clinic").await;
        let inbound = store.ingest_batch(&[inbound_sms(&fx, "in-1", "+14155550123", "hi", NOW)]).await.unwrap();
        let contact_id = inbound[0].as_ref().unwrap().new_messages[0].contact_id;
        // 50 messages a second: one slot every 20 ms.
        for body in ["one", "two", "three"] {
            let mut write = outbound(&fx, contact_id, body, None);
            write.send_interval_us = Some(20_000);
            store.create_outbound(write).await.unwrap();
        }
        let due_now = store.claim_jobs("w", 10, 60_000, NOW).await.unwrap();
        assert_eq!(due_now.len(), 1, "{backend}: only the first slot is due at once");
        assert_eq!(store.next_run_at().await.unwrap(), Some(NOW + 20), "{backend}");
        let next = store.claim_jobs("w", 10, 60_000, NOW + 20).await.unwrap();
        assert_eq!(next.len(), 1, "{backend}");
        assert_eq!(store.claim_jobs("w", 10, 60_000, NOW + 39).await.unwrap().len(), 0);
        assert_eq!(store.claim_jobs("w", 10, 60_000, NOW + 40).await.unwrap().len(), 1);

        // A slot long past is not reused: a send queued later starts from its own time.
        let mut late = outbound(&fx, contact_id, "later", None);
        late.send_interval_us = Some(20_000);
        late.now = NOW + 10_000;
        store.create_outbound(late).await.unwrap();
        assert_eq!(store.next_run_at().await.unwrap(), Some(NOW + 10_000), "{backend}");

        store.postpone_job(next[0].job_id, NOW + 6_000, NOW + 20).await.unwrap();
        let again = store.claim_jobs("w", 10, 60_000, NOW + 6_000).await.unwrap();
        assert_eq!(again.len(), 1, "{backend}");
        assert_eq!(again[0].job_id, next[0].job_id);
        assert_eq!(again[0].attempts, 1, "{backend}: postponing is not an attempt");
    })
    .await;
}

#[tokio::test]
async fn a_read_watermark_marks_read_what_was_sent_to_the_reader_before_it() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Clinic").await;
        let inbound = store.ingest_batch(&[inbound_sms(&fx, "in-1", "+14155550123", "hi", NOW)]).await.unwrap();
        let contact_id = inbound[0].as_ref().unwrap().new_messages[0].contact_id;
        let mut sent_ids = Vec::new();
        for (i, at) in [NOW + 10, NOW + 20, NOW + 30].into_iter().enumerate() {
            let (message, _) =
                store.create_outbound(outbound(&fx, contact_id, &format!("reply {i}"), None)).await.unwrap();
            let job = store.claim_jobs("w", 1, 60_000, at).await.unwrap().remove(0);
            let sent = switchboard_store::writes::SendResult::Sent { provider_message_id: format!("m_{i}") };
            store.record_send_result(job.job_id, message.message_id, &sent, at).await.unwrap();
            sent_ids.push(message.message_id);
        }
        let reader =
            switchboard_domain::Identity::parse(switchboard_domain::IdentityKind::Phone, "+14155550123").unwrap();
        let mut read = status_callback(&fx, "unused", MessageStatus::Read, NOW + 40);
        read.events = vec![InboundEvent::ReadUpTo(switchboard_domain::inbound::ReadUpTo { reader, up_to: NOW + 25 })];
        let outcome = store.ingest_batch(&[read]).await.unwrap().remove(0).unwrap();
        assert_eq!(outcome.statuses_applied, 2, "{backend}: the two sent before the watermark");
        let statuses: Vec<MessageStatus> = {
            let mut all = Vec::new();
            for id in &sent_ids {
                all.push(store.get_message(fx.workspace.workspace_id, *id).await.unwrap().unwrap().status);
            }
            all
        };
        assert_eq!(statuses, [MessageStatus::Read, MessageStatus::Read, MessageStatus::Sent], "{backend}");
    })
    .await;
}

#[tokio::test]
async fn a_status_with_details_that_arrives_before_its_send_keeps_them() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Clinic").await;
        let inbound = store.ingest_batch(&[inbound_sms(&fx, "in-1", "+14155550123", "hi", NOW)]).await.unwrap();
        let contact_id = inbound[0].as_ref().unwrap().new_messages[0].contact_id;
        let (message, _) = store.create_outbound(outbound(&fx, contact_id, "hello", None)).await.unwrap();
        // The provider's report is faster than our record of the send.
        let pricing = serde_json::json!({ "pricing": { "billable": true, "category": "utility" } });
        let mut early = status_callback(&fx, "wamid.EARLY", MessageStatus::Delivered, NOW + 1);
        if let InboundEvent::Status(StatusUpdate { details, .. }) = &mut early.events[0] {
            *details = Some(pricing.clone());
        }
        store.ingest_batch(&[early]).await.unwrap();
        let job = store.claim_jobs("w", 1, 60_000, NOW).await.unwrap().remove(0);
        let sent = switchboard_store::writes::SendResult::Sent { provider_message_id: "wamid.EARLY".into() };
        store.record_send_result(job.job_id, message.message_id, &sent, NOW + 2).await.unwrap();
        let stored = store.get_message(fx.workspace.workspace_id, message.message_id).await.unwrap().expect(backend);
        assert_eq!(stored.status, MessageStatus::Delivered, "{backend}");
        assert_eq!(stored.provider_details, Some(pricing), "{backend}");
    })
    .await;
}
