//! The inbound path: first contact, provider retries, keywords and status callbacks.

use switchboard_domain::inbound::InboundEvent;
use switchboard_domain::{ChannelKind, ConversationStatus, Identity, IdentityKind, MessageStatus};
use switchboard_store::ConversationFilter;
use switchboard_store::queue::{JobState, kinds};
use switchboard_store::testing::on_every_backend;
use switchboard_store::writes::{OptChange, SendResult};

use crate::fixtures::*;

#[tokio::test]
async fn a_first_message_creates_the_contact_the_conversation_and_the_message() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Shop").await;
        let out = store.ingest_batch(&[inbound_sms(&fx, "SM1", "+14155550123", "Hi there", NOW)]).await.unwrap();
        let outcome = out.into_iter().next().unwrap().unwrap();
        assert_eq!(outcome.new_messages.len(), 1, "{backend}");
        let stored = &outcome.new_messages[0];

        let phone = Identity::parse(IdentityKind::Phone, "+14155550123").unwrap();
        let contact = store.find_contact_by_identity(fx.workspace.workspace_id, &phone).await.unwrap().unwrap();
        assert_eq!(contact.contact_id, stored.contact_id);
        let conversations = store
            .list_conversations(fx.workspace.workspace_id, &ConversationFilter::default(), None, 10)
            .await
            .unwrap();
        assert_eq!(conversations.items.len(), 1);
        let conversation = &conversations.items[0];
        assert_eq!(conversation.unread_count, 1);
        assert_eq!(conversation.status, ConversationStatus::Open);
        let messages =
            store.list_messages(fx.workspace.workspace_id, conversation.conversation_id, None, 10).await.unwrap();
        assert_eq!(messages.items[0].body, "Hi there");
        assert_eq!(messages.items[0].status, MessageStatus::Received);
        assert_eq!(messages.items[0].times.received_at, Some(NOW));
        let events =
            store.list_webhook_events(fx.workspace.workspace_id, Some(fx.channel.channel_id), 10).await.unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].outcome, "message");
    })
    .await;
}

#[tokio::test]
async fn a_provider_retry_is_stored_as_an_event_but_never_as_a_second_message() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Shop").await;
        let write = inbound_sms(&fx, "SM1", "+14155550123", "Hi", NOW);
        let first = store.ingest_batch(&[write.clone(), write.clone()]).await.unwrap();
        let again = store.ingest_batch(&[write]).await.unwrap();
        let outcomes: Vec<_> = first.into_iter().chain(again).map(Result::unwrap).collect();
        assert_eq!(outcomes[0].new_messages.len(), 1, "{backend}");
        assert_eq!(outcomes[1].duplicates, vec!["SM1".to_string()], "{backend}: same batch");
        assert_eq!(outcomes[2].duplicates, vec!["SM1".to_string()], "{backend}: later batch");
        let conversations = store
            .list_conversations(fx.workspace.workspace_id, &ConversationFilter::default(), None, 10)
            .await
            .unwrap();
        assert_eq!(conversations.items[0].unread_count, 1, "{backend}");
        let messages = store
            .list_messages(fx.workspace.workspace_id, conversations.items[0].conversation_id, None, 10)
            .await
            .unwrap();
        assert_eq!(messages.items.len(), 1, "{backend}");
    })
    .await;
}

#[tokio::test]
async fn stop_opts_the_identity_out_of_the_channel_kind_and_start_opts_it_back_in() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Shop").await;
        let out = store.ingest_batch(&[inbound_sms(&fx, "SM1", "+14155550123", " stop ", NOW)]).await.unwrap();
        let stored = out[0].as_ref().unwrap().new_messages[0].clone();
        assert_eq!(stored.opt_change, Some(OptChange::OptedOut), "{backend}");
        let contact = store.get_contact(fx.workspace.workspace_id, stored.contact_id).await.unwrap().unwrap();
        let identity = &contact.identities[0];
        assert_eq!(identity.opted_out, vec![ChannelKind::Sms], "{backend}");
        assert!(store.is_opted_out(identity.identity_id, ChannelKind::Sms).await.unwrap());
        assert!(!store.is_opted_out(identity.identity_id, ChannelKind::Whatsapp).await.unwrap());

        store.ingest_batch(&[inbound_sms(&fx, "SM2", "+14155550123", "START", NOW + 1)]).await.unwrap();
        assert!(!store.is_opted_out(identity.identity_id, ChannelKind::Sms).await.unwrap(), "{backend}");
    })
    .await;
}

#[tokio::test]
async fn help_enqueues_exactly_one_help_reply_job() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Shop").await;
        let write = inbound_sms(&fx, "SM1", "+14155550123", "HELP", NOW);
        let out = store.ingest_batch(&[write.clone(), write]).await.unwrap();
        assert!(out[0].as_ref().unwrap().new_messages[0].help_requested, "{backend}");
        let jobs = store.claim_jobs("w1", 10, 30_000, NOW).await.unwrap();
        assert_eq!(jobs.len(), 1, "{backend}");
        assert_eq!(jobs[0].kind, kinds::HELP_REPLY);
    })
    .await;
}

#[tokio::test]
async fn status_callbacks_only_move_a_message_forward() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Shop").await;
        let out = store.ingest_batch(&[inbound_sms(&fx, "SM1", "+14155550123", "Hi", NOW)]).await.unwrap();
        let contact_id = out[0].as_ref().unwrap().new_messages[0].contact_id;
        let (message, _) = store.create_outbound(outbound(&fx, contact_id, "Hello!", None)).await.unwrap();
        let job = store.claim_jobs("w1", 1, 30_000, NOW).await.unwrap().remove(0);
        store
            .record_send_result(
                job.job_id,
                message.message_id,
                &SendResult::Sent { provider_message_id: "SMout".into() },
                NOW + 10,
            )
            .await
            .unwrap();

        let steps = [
            (MessageStatus::Read, true),
            (MessageStatus::Delivered, false),
            (MessageStatus::Sent, false),
            (MessageStatus::Failed, false),
        ];
        for (i, (status, applies)) in steps.into_iter().enumerate() {
            let out = store.ingest_batch(&[status_callback(&fx, "SMout", status, NOW + 20 + i as i64)]).await.unwrap();
            let outcome = out[0].as_ref().unwrap();
            assert_eq!(outcome.statuses_applied == 1, applies, "{backend}: {status}");
        }
        let message = store.get_message(fx.workspace.workspace_id, message.message_id).await.unwrap().unwrap();
        assert_eq!(message.status, MessageStatus::Read, "{backend}");
        let history: Vec<MessageStatus> = message.times.history().into_iter().map(|(s, _)| s).collect();
        assert_eq!(history, vec![MessageStatus::Queued, MessageStatus::Sent, MessageStatus::Read], "{backend}");
        assert_eq!(store.list_jobs(fx.workspace.workspace_id, JobState::Done, 10).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_status_that_arrives_before_the_send_is_recorded_is_applied_when_it_is() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Shop").await;
        let out = store.ingest_batch(&[inbound_sms(&fx, "SM1", "+14155550123", "Hi", NOW)]).await.unwrap();
        let contact_id = out[0].as_ref().unwrap().new_messages[0].contact_id;
        let (message, _) = store.create_outbound(outbound(&fx, contact_id, "Hello!", None)).await.unwrap();
        let job = store.claim_jobs("w1", 1, 30_000, NOW).await.unwrap().remove(0);
        store.ingest_batch(&[status_callback(&fx, "SMfast", MessageStatus::Delivered, NOW + 5)]).await.unwrap();
        store
            .record_send_result(
                job.job_id,
                message.message_id,
                &SendResult::Sent { provider_message_id: "SMfast".into() },
                NOW + 10,
            )
            .await
            .unwrap();
        let message = store.get_message(fx.workspace.workspace_id, message.message_id).await.unwrap().unwrap();
        assert_eq!(message.status, MessageStatus::Delivered, "{backend}");
        assert_eq!(message.times.delivered_at, Some(NOW + 5));
    })
    .await;
}

#[tokio::test]
async fn a_new_inbound_message_reopens_a_resolved_conversation() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Shop").await;
        store.ingest_batch(&[inbound_sms(&fx, "SM1", "+14155550123", "Hi", NOW)]).await.unwrap();
        let filter = ConversationFilter::default();
        let conv = store.list_conversations(fx.workspace.workspace_id, &filter, None, 1).await.unwrap().items.remove(0);
        store
            .set_conversation_status(
                fx.workspace.workspace_id,
                conv.conversation_id,
                ConversationStatus::Resolved,
                NOW + 1,
            )
            .await
            .unwrap();
        let resolved = ConversationFilter { status: Some(ConversationStatus::Resolved), ..Default::default() };
        assert_eq!(
            store.list_conversations(fx.workspace.workspace_id, &resolved, None, 10).await.unwrap().items.len(),
            1
        );
        store.ingest_batch(&[inbound_sms(&fx, "SM2", "+14155550123", "One more thing", NOW + 2)]).await.unwrap();
        let conv = store.get_conversation(fx.workspace.workspace_id, conv.conversation_id).await.unwrap().unwrap();
        assert_eq!(conv.status, ConversationStatus::Open, "{backend}");
        assert_eq!(conv.unread_count, 2, "{backend}");
    })
    .await;
}

#[tokio::test]
async fn a_webhook_that_cannot_be_stored_fails_alone_and_the_rest_of_its_batch_commits() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Shop").await;
        let batch = batch_with_a_webhook_for_no_channel(&fx);
        let outcomes = store.ingest_batch(&batch).await.unwrap();
        assert!(outcomes[0].is_ok() && outcomes[2].is_ok(), "{backend}");
        assert!(outcomes[1].is_err(), "{backend}: a message for a channel that does not exist");
        for sid in ["SM1", "SM3"] {
            assert!(
                store.find_message_by_provider_id(fx.channel.channel_id, sid).await.unwrap().is_some(),
                "{backend}: {sid}"
            );
        }
        let conversations = store
            .list_conversations(fx.workspace.workspace_id, &ConversationFilter::default(), None, 10)
            .await
            .unwrap();
        assert_eq!(conversations.items.len(), 2, "{backend}: the failed webhook left no half-written rows");
    })
    .await;
}

#[tokio::test]
async fn concurrent_batches_with_the_same_new_sender_and_retry_store_one_contact_and_one_message() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Shop").await;
        let first =
            [inbound_sms(&fx, "SM1", "+14155550123", "hi", NOW), inbound_sms(&fx, "SM2", "+14155550199", "a", NOW)];
        let second =
            [inbound_sms(&fx, "SM1", "+14155550123", "hi", NOW), inbound_sms(&fx, "SM3", "+14155550123", "again", NOW)];
        let (a, b) = tokio::join!(store.ingest_batch(&first), store.ingest_batch(&second));
        let outcomes: Vec<_> = a.unwrap().into_iter().chain(b.unwrap()).map(|o| o.expect(backend)).collect();
        let new: usize = outcomes.iter().map(|o| o.new_messages.len()).sum();
        let duplicates: usize = outcomes.iter().map(|o| o.duplicates.len()).sum();
        assert_eq!((new, duplicates), (3, 1), "{backend}");
        let phone = Identity::parse(IdentityKind::Phone, "+14155550123").unwrap();
        let contact = store.find_contact_by_identity(fx.workspace.workspace_id, &phone).await.unwrap().unwrap();
        let filter = ConversationFilter { contact_id: Some(contact.contact_id), ..Default::default() };
        let conversation =
            store.list_conversations(fx.workspace.workspace_id, &filter, None, 10).await.unwrap().items.remove(0);
        assert_eq!(conversation.unread_count, 2, "{backend}");
        let messages =
            store.list_messages(fx.workspace.workspace_id, conversation.conversation_id, None, 10).await.unwrap();
        assert_eq!(messages.items.len(), 2, "{backend}");
    })
    .await;
}

#[tokio::test]
async fn a_profile_name_names_a_nameless_contact_once_and_never_renames_it() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Shop").await;
        let named = |sid: &str, name: Option<&str>, at: i64| {
            let mut write = inbound_sms(&fx, sid, "+14155550123", "hi", at);
            if let InboundEvent::Message(message) = &mut write.events[0] {
                message.profile_name = name.map(Into::into);
            }
            write
        };
        store.ingest_batch(&[named("SM1", None, NOW)]).await.unwrap();
        let phone = Identity::parse(IdentityKind::Phone, "+14155550123").unwrap();
        let contact =
            || async { store.find_contact_by_identity(fx.workspace.workspace_id, &phone).await.unwrap().unwrap() };
        assert_eq!(contact().await.display_name, None, "{backend}");
        store
            .ingest_batch(&[named("SM2", Some("Ana Lima"), NOW + 1), named("SM3", Some("Ana L."), NOW + 2)])
            .await
            .unwrap();
        assert_eq!(contact().await.display_name.as_deref(), Some("Ana Lima"), "{backend}: the first name that came");
        store.ingest_batch(&[named("SM4", Some("Someone else"), NOW + 3)]).await.unwrap();
        assert_eq!(contact().await.display_name.as_deref(), Some("Ana Lima"), "{backend}: a name is never replaced");
    })
    .await;
}
