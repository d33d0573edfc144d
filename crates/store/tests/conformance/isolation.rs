//! Tenant isolation: one workspace never sees another's rows, even with the right ids.

use switchboard_store::ConversationFilter;
use switchboard_store::queue::JobState;
use switchboard_store::testing::on_every_backend;

use crate::fixtures::*;

#[tokio::test]
async fn a_workspace_cannot_read_another_workspaces_data_by_id() {
    on_every_backend(|store, backend| async move {
        let a = workspace_with_sms_channel(&store, "A").await;
        let b = workspace_with_sms_channel(&store, "B").await;
        let out = store.ingest_batch(&[inbound_sms(&a, "SM1", "+14155550123", "HELP", NOW)]).await.unwrap();
        let stored = out[0].as_ref().unwrap().new_messages[0].clone();
        let conv = store
            .list_conversations(a.workspace.workspace_id, &ConversationFilter::default(), None, 10)
            .await
            .unwrap()
            .items
            .remove(0);
        let theirs = b.workspace.workspace_id;
        assert!(store.get_contact(theirs, stored.contact_id).await.unwrap().is_none(), "{backend}");
        assert!(store.get_message(theirs, stored.message_id).await.unwrap().is_none(), "{backend}");
        assert!(store.get_conversation(theirs, conv.conversation_id).await.unwrap().is_none(), "{backend}");
        assert!(store.list_messages(theirs, conv.conversation_id, None, 10).await.unwrap().items.is_empty());
        assert!(
            store
                .set_conversation_status(
                    theirs,
                    conv.conversation_id,
                    switchboard_domain::ConversationStatus::Resolved,
                    NOW
                )
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            store.list_conversations(theirs, &ConversationFilter::default(), None, 10).await.unwrap().items.is_empty()
        );
        assert!(store.list_webhook_events(theirs, None, 10).await.unwrap().is_empty());
        assert!(store.list_jobs(theirs, JobState::Queued, 10).await.unwrap().is_empty());
        let phone =
            switchboard_domain::Identity::parse(switchboard_domain::IdentityKind::Phone, "+14155550123").unwrap();
        assert!(store.find_contact_by_identity(theirs, &phone).await.unwrap().is_none());
        assert!(store.add_identity(theirs, stored.contact_id, &phone, NOW).await.is_err(), "{backend}");
    })
    .await;
}

#[tokio::test]
async fn the_same_phone_number_is_a_separate_contact_in_each_workspace() {
    on_every_backend(|store, backend| async move {
        let a = workspace_with_sms_channel(&store, "A").await;
        let b = workspace_with_sms_channel(&store, "B").await;
        let in_a = store.ingest_batch(&[inbound_sms(&a, "SM1", "+14155550123", "hi A", NOW)]).await.unwrap();
        let in_b = store.ingest_batch(&[inbound_sms(&b, "SM1", "+14155550123", "hi B", NOW)]).await.unwrap();
        let ca = in_a[0].as_ref().unwrap().new_messages[0].contact_id;
        let cb = in_b[0].as_ref().unwrap().new_messages[0].contact_id;
        assert_ne!(ca, cb, "{backend}");
    })
    .await;
}
