//! Labels, saved replies and snoozing: how staff sort and pace their conversations.

use switchboard_domain::ConversationStatus;
use switchboard_store::StoreError;
use switchboard_store::testing::on_every_backend;
use switchboard_store::writes::InboxQuery;

use crate::fixtures::*;

#[tokio::test]
async fn a_label_sorts_conversations_of_its_own_workspace_only() {
    on_every_backend(|store, backend| async move {
        let a = workspace_with_sms_channel(&store, "A").await;
        let b = workspace_with_sms_channel(&store, "B").await;
        let (ws_a, ws_b) = (a.workspace.workspace_id, b.workspace.workspace_id);
        store.ingest_batch(&[inbound_sms(&a, "SM1", "+14155550123", "Refund please", NOW)]).await.unwrap();
        store.ingest_batch(&[inbound_sms(&a, "SM2", "+14155550199", "Booking", NOW + 10)]).await.unwrap();
        store.ingest_batch(&[inbound_sms(&b, "SM3", "+14155550123", "Hello", NOW + 20)]).await.unwrap();
        let inbox = store.list_inbox(ws_a, &InboxQuery::default(), 10).await.unwrap().items;
        let refund = inbox.iter().find(|e| e.last_body.as_deref() == Some("Refund please")).unwrap();
        let refund_id = refund.conversation.conversation_id;
        let other_id =
            store.list_inbox(ws_b, &InboxQuery::default(), 10).await.unwrap().items[0].conversation.conversation_id;

        let billing = store.create_label(ws_a, " Billing ", "#aa3300", NOW).await.unwrap();
        assert_eq!(billing.name, "Billing");
        let again = store.create_label(ws_a, "BILLING", "#000000", NOW).await;
        assert!(matches!(again, Err(StoreError::Conflict(_))), "names are unique in any case, {backend}");
        store.create_label(ws_b, "Billing", "#000000", NOW).await.expect("another workspace may use the name");

        assert!(store.label_conversation(ws_a, refund_id, billing.label_id, NOW + 30).await.unwrap());
        assert!(
            store.label_conversation(ws_a, refund_id, billing.label_id, NOW + 31).await.unwrap(),
            "again is a no-op"
        );
        assert!(!store.label_conversation(ws_b, other_id, billing.label_id, NOW).await.unwrap(), "{backend}");
        assert!(!store.label_conversation(ws_a, other_id, billing.label_id, NOW).await.unwrap(), "{backend}");

        let labelled = InboxQuery { label: Some(billing.label_id), ..Default::default() };
        let found = store.list_inbox(ws_a, &labelled, 10).await.unwrap().items;
        assert_eq!(found.len(), 1, "{backend}");
        assert_eq!(found[0].conversation.conversation_id, refund_id);
        assert_eq!(found[0].labels.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(), ["Billing"]);
        assert!(store.list_inbox(ws_b, &labelled, 10).await.unwrap().items.is_empty(), "{backend}");

        assert!(!store.delete_label(ws_b, billing.label_id).await.unwrap(), "another workspace cannot delete it");
        assert!(store.unlabel_conversation(ws_a, refund_id, billing.label_id).await.unwrap());
        assert!(!store.unlabel_conversation(ws_a, refund_id, billing.label_id).await.unwrap());
        store.label_conversation(ws_a, refund_id, billing.label_id, NOW + 40).await.unwrap();
        assert!(store.delete_label(ws_a, billing.label_id).await.unwrap());
        let after = store.list_inbox(ws_a, &InboxQuery::default(), 10).await.unwrap().items;
        assert!(after.iter().all(|e| e.labels.is_empty()), "a deleted label leaves every conversation, {backend}");
        assert_eq!(store.list_labels(ws_a).await.unwrap(), []);
    })
    .await;
}

#[tokio::test]
async fn the_inbox_filters_by_the_channel_a_conversation_spans() {
    on_every_backend(|store, backend| async move {
        let a = workspace_with_sms_channel(&store, "A").await;
        let ws = a.workspace.workspace_id;
        store.ingest_batch(&[inbound_sms(&a, "SM1", "+14155550123", "By SMS", NOW)]).await.unwrap();
        let on_channel = InboxQuery { channel: Some(a.channel.channel_id), ..Default::default() };
        assert_eq!(store.list_inbox(ws, &on_channel, 10).await.unwrap().items.len(), 1, "{backend}");
        let elsewhere = InboxQuery { channel: Some(switchboard_domain::ChannelId::new()), ..Default::default() };
        assert!(store.list_inbox(ws, &elsewhere, 10).await.unwrap().items.is_empty(), "{backend}");
    })
    .await;
}

#[tokio::test]
async fn a_shortcut_names_one_saved_reply_per_workspace() {
    on_every_backend(|store, backend| async move {
        let a = workspace_with_sms_channel(&store, "A").await;
        let b = workspace_with_sms_channel(&store, "B").await;
        let (ws_a, ws_b) = (a.workspace.workspace_id, b.workspace.workspace_id);
        let hours = store.create_canned_response(ws_a, "hours", "We open at 9.", NOW).await.unwrap();
        let clash = store.create_canned_response(ws_a, "HOURS", "Other", NOW).await;
        assert!(matches!(clash, Err(StoreError::Conflict(_))), "{backend}");
        store.create_canned_response(ws_b, "hours", "Elsewhere", NOW).await.unwrap();
        let thanks = store.create_canned_response(ws_a, "thanks", "Thank you!", NOW).await.unwrap();

        let renamed = store.update_canned_response(ws_a, hours.canned_response_id, "open", "We open at 8.", NOW + 1);
        let renamed = renamed.await.unwrap().unwrap();
        assert_eq!(
            (renamed.shortcut.as_str(), renamed.body.as_str(), renamed.updated_at),
            ("open", "We open at 8.", NOW + 1)
        );
        let taken = store.update_canned_response(ws_a, thanks.canned_response_id, "Open", "x", NOW + 2).await;
        assert!(matches!(taken, Err(StoreError::Conflict(_))), "{backend}");
        let foreign = store.update_canned_response(ws_b, thanks.canned_response_id, "x", "x", NOW).await.unwrap();
        assert!(foreign.is_none(), "another workspace cannot change it, {backend}");

        let shortcuts: Vec<_> =
            store.list_canned_responses(ws_a).await.unwrap().into_iter().map(|c| c.shortcut).collect();
        assert_eq!(shortcuts, ["open", "thanks"], "{backend}");
        assert!(!store.delete_canned_response(ws_b, thanks.canned_response_id).await.unwrap());
        assert!(store.delete_canned_response(ws_a, thanks.canned_response_id).await.unwrap());
        assert_eq!(store.list_canned_responses(ws_a).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_snoozed_conversation_wakes_at_its_time_or_when_the_customer_writes() {
    on_every_backend(|store, backend| async move {
        let a = workspace_with_sms_channel(&store, "A").await;
        let ws = a.workspace.workspace_id;
        store.ingest_batch(&[inbound_sms(&a, "SM1", "+14155550123", "Hi", NOW)]).await.unwrap();
        store.ingest_batch(&[inbound_sms(&a, "SM2", "+14155550199", "Hello", NOW)]).await.unwrap();
        let inbox = store.list_inbox(ws, &InboxQuery::default(), 10).await.unwrap().items;
        let of = |phone: &str| {
            inbox.iter().find(|e| e.contact_address.as_deref() == Some(phone)).unwrap().conversation.conversation_id
        };
        let (first, second) = (of("+14155550123"), of("+14155550199"));
        let other_workspace = switchboard_domain::WorkspaceId::new();
        assert!(store.snooze_conversation(other_workspace, first, NOW + 100, NOW).await.unwrap().is_none());

        let snoozed = store.snooze_conversation(ws, first, NOW + 100, NOW + 1).await.unwrap().unwrap();
        assert_eq!((snoozed.status, snoozed.snoozed_until), (ConversationStatus::Snoozed, Some(NOW + 100)));
        store.snooze_conversation(ws, second, NOW + 200, NOW + 1).await.unwrap().unwrap();
        assert_eq!(store.next_wake_at().await.unwrap(), Some(NOW + 100), "{backend}");

        assert!(store.wake_snoozed(NOW + 99).await.unwrap().is_empty(), "not yet, {backend}");
        let woken = store.wake_snoozed(NOW + 100).await.unwrap();
        assert_eq!(woken.iter().map(|c| c.conversation_id).collect::<Vec<_>>(), [first]);
        assert_eq!((woken[0].status, woken[0].snoozed_until), (ConversationStatus::Open, None));

        store.ingest_batch(&[inbound_sms(&a, "SM3", "+14155550199", "Any news?", NOW + 150)]).await.unwrap();
        let reopened = store.get_conversation(ws, second).await.unwrap().unwrap();
        assert_eq!((reopened.status, reopened.snoozed_until), (ConversationStatus::Open, None), "{backend}");
        assert_eq!(store.next_wake_at().await.unwrap(), None, "{backend}");
    })
    .await;
}

#[tokio::test]
async fn the_inbox_pages_by_cursor_newest_activity_first() {
    on_every_backend(|store, backend| async move {
        let a = workspace_with_sms_channel(&store, "A").await;
        let ws = a.workspace.workspace_id;
        for (i, phone) in ["+14155550101", "+14155550102", "+14155550103"].iter().enumerate() {
            store.ingest_batch(&[inbound_sms(&a, &format!("SM{i}"), phone, "hi", NOW + i as i64)]).await.unwrap();
        }
        let first = store.list_inbox(ws, &InboxQuery::default(), 2).await.unwrap();
        let addresses = |entries: &[switchboard_store::model::InboxEntry]| {
            entries.iter().map(|e| e.contact_address.clone().unwrap()).collect::<Vec<_>>()
        };
        assert_eq!(addresses(&first.items), ["+14155550103", "+14155550102"], "{backend}");
        let next = InboxQuery { after: first.next_cursor.clone(), ..Default::default() };
        let second = store.list_inbox(ws, &next, 2).await.unwrap();
        assert_eq!(addresses(&second.items), ["+14155550101"], "{backend}");
        assert_eq!(second.next_cursor, None);
        let garbage = InboxQuery { after: Some("not-a-cursor".into()), ..Default::default() };
        assert!(matches!(store.list_inbox(ws, &garbage, 2).await, Err(StoreError::InvalidCursor)), "{backend}");
    })
    .await;
}

#[tokio::test]
async fn generated_inbox_data_reads_like_data_switchboard_wrote() {
    for db in switchboard_store::testing::TestDatabase::all().await {
        let store = db.store().await;
        let a = workspace_with_sms_channel(&store, "A").await;
        let seed = switchboard_store::seed::InboxSeed {
            workspace_id: a.workspace.workspace_id,
            channel_id: a.channel.channel_id,
            conversations: 3,
            messages_per_conversation: 4,
            newest_at: NOW,
        };
        seed.write(&db).await.unwrap();
        let page = store.list_inbox(a.workspace.workspace_id, &InboxQuery::default(), 10).await.unwrap();
        let ids: Vec<_> = page.items.iter().map(|e| e.conversation.conversation_id).collect();
        assert_eq!(ids, [seed.conversation_id(2), seed.conversation_id(1), seed.conversation_id(0)], "{}", db.backend);
        assert_eq!(page.items[0].channel_kinds, [switchboard_domain::ChannelKind::Sms]);
        let messages = store.latest_messages(a.workspace.workspace_id, seed.conversation_id(2), 10).await.unwrap();
        assert_eq!(messages.len(), 4, "{}", db.backend);
        assert!(messages.windows(2).all(|w| w[0].created_at < w[1].created_at), "oldest first, {}", db.backend);
        assert_eq!(messages.last().unwrap().created_at, NOW);
        db.remove().await;
    }
}

#[tokio::test]
async fn merging_two_contacts_folds_their_conversations_into_one() {
    on_every_backend(|store, backend| async move {
        let a = workspace_with_sms_channel(&store, "A").await;
        let b = workspace_with_sms_channel(&store, "B").await;
        let ws = a.workspace.workspace_id;
        store.ingest_batch(&[inbound_sms(&a, "SM1", "+14155550101", "From my work phone", NOW)]).await.unwrap();
        store.ingest_batch(&[inbound_sms(&a, "SM2", "+14155550102", "From my own phone", NOW + 10)]).await.unwrap();
        let inbox = store.list_inbox(ws, &InboxQuery::default(), 10).await.unwrap().items;
        let of = |phone: &str| inbox.iter().find(|e| e.contact_address.as_deref() == Some(phone)).unwrap().clone();
        let (work, own) = (of("+14155550101"), of("+14155550102"));
        let label = store.create_label(ws, "VIP", "#000000", NOW).await.unwrap();
        store.label_conversation(ws, own.conversation.conversation_id, label.label_id, NOW).await.unwrap();
        store.add_note(ws, own.conversation.conversation_id, None, "Prefers mornings", NOW + 11).await.unwrap();
        store
            .set_opted_out(
                own_identity(&store, ws, own.conversation.contact_id).await,
                switchboard_domain::ChannelKind::Sms,
                true,
                "STOP",
                NOW,
            )
            .await
            .unwrap();
        let (keep, absorb) = (work.conversation.contact_id, own.conversation.contact_id);

        let foreign = store.merge_contacts(b.workspace.workspace_id, keep, absorb, NOW).await.unwrap();
        assert!(foreign.is_none(), "another workspace cannot merge them, {backend}");
        assert!(matches!(store.merge_contacts(ws, keep, keep, NOW).await, Err(StoreError::Conflict(_))));
        let merged = store.merge_contacts(ws, keep, absorb, NOW + 20).await.unwrap().unwrap();
        let values: Vec<_> = merged.identities.iter().map(|i| i.value.as_str()).collect();
        assert_eq!(values, ["+14155550101", "+14155550102"], "{backend}");
        let moved = merged.identities.iter().find(|i| i.value == "+14155550102").unwrap();
        assert_eq!(moved.opted_out, [switchboard_domain::ChannelKind::Sms], "opt-outs go with the identity");
        assert!(store.get_contact(ws, absorb).await.unwrap().is_none(), "{backend}");

        let inbox = store.list_inbox(ws, &InboxQuery::default(), 10).await.unwrap().items;
        assert_eq!(inbox.len(), 1, "one conversation, {backend}");
        let conversation = &inbox[0].conversation;
        assert_eq!(conversation.conversation_id, work.conversation.conversation_id);
        assert_eq!((conversation.unread_count, conversation.last_message_at), (2, Some(NOW + 10)));
        assert_eq!(inbox[0].labels.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(), ["VIP"]);
        let messages = store.latest_messages(ws, conversation.conversation_id, 10).await.unwrap();
        assert_eq!(messages.len(), 2);
        assert!(messages.iter().all(|m| m.contact_id == keep), "{backend}");
        assert_eq!(store.list_notes(ws, conversation.conversation_id).await.unwrap().len(), 1);
        let later = inbound_sms(&a, "SM3", "+14155550102", "Still me", NOW + 30);
        store.ingest_batch(&[later]).await.unwrap();
        assert_eq!(store.list_inbox(ws, &InboxQuery::default(), 10).await.unwrap().items.len(), 1, "{backend}");

        let renamed =
            store.update_contact(ws, keep, Some("Ana Lima"), Some(switchboard_domain::ChannelKind::Whatsapp), NOW + 40);
        let renamed = renamed.await.unwrap().unwrap();
        assert_eq!(renamed.display_name.as_deref(), Some("Ana Lima"));
        assert_eq!(renamed.preferred_channel_kind, Some(switchboard_domain::ChannelKind::Whatsapp));
        assert!(store.update_contact(b.workspace.workspace_id, keep, None, None, NOW).await.unwrap().is_none());
    })
    .await;
}

async fn own_identity(
    store: &std::sync::Arc<dyn switchboard_store::Store>,
    workspace_id: switchboard_domain::WorkspaceId,
    contact_id: switchboard_domain::ContactId,
) -> switchboard_domain::IdentityId {
    store.get_contact(workspace_id, contact_id).await.unwrap().unwrap().identities[0].identity_id
}
