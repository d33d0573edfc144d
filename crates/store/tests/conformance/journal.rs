//! The inbound journal: webhooks kept there are stored in full later, in the order they came,
//! each once, and the journal is emptied of them.

use switchboard_domain::{ChannelKind, Identity, IdentityKind};
use switchboard_store::testing::on_every_backend;
use switchboard_store::writes::OptChange;

use crate::fixtures::*;

#[tokio::test]
async fn journaled_webhooks_are_stored_in_full_oldest_first_and_leave_the_journal() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Shop").await;
        let customer = "+14155550123";
        let writes = [
            inbound_sms(&fx, "SM1", customer, "STOP", NOW),
            inbound_sms(&fx, "SM2", customer, "START", NOW + 1),
            inbound_sms(&fx, "SM3", customer, "Hello again", NOW + 2),
            inbound_sms(&fx, "SM3", customer, "Hello again", NOW + 3),
        ];
        store.journal_inbound(&writes[..2]).await.unwrap();
        store.journal_inbound(&writes[2..]).await.unwrap();
        assert_eq!(store.journal_depth().await.unwrap().waiting, 4, "{backend}");
        let phone = Identity::parse(IdentityKind::Phone, customer).unwrap();
        assert!(
            store.find_contact_by_identity(fx.workspace.workspace_id, &phone).await.unwrap().is_none(),
            "{backend}: nothing is stored in full before the worker's turn"
        );

        let first = store.work_off_journal(3).await.unwrap().expect("our turn");
        let stored: Vec<_> = first
            .iter()
            .map(|item| item.outcome.as_ref().unwrap().new_messages[0].provider_message_id.clone())
            .collect();
        assert_eq!(stored, ["SM1", "SM2", "SM3"], "{backend}: oldest first");
        let changes: Vec<_> =
            first.iter().map(|item| item.outcome.as_ref().unwrap().new_messages[0].opt_change).collect();
        assert_eq!(changes, [Some(OptChange::OptedOut), Some(OptChange::OptedIn), None], "{backend}");
        assert_eq!(store.journal_depth().await.unwrap().waiting, 1, "{backend}");
        let rest = store.work_off_journal(3).await.unwrap().expect("our turn");
        assert_eq!(rest.len(), 1, "{backend}");
        assert_eq!(rest[0].outcome.as_ref().unwrap().duplicates, vec!["SM3".to_string()], "{backend}: a retry");
        assert_eq!(store.journal_depth().await.unwrap().waiting, 0, "{backend}");
        assert!(store.work_off_journal(3).await.unwrap().expect("our turn").is_empty(), "{backend}");

        let contact = store.find_contact_by_identity(fx.workspace.workspace_id, &phone).await.unwrap().unwrap();
        let identity = &contact.identities[0];
        assert!(
            !store.is_opted_out(identity.identity_id, ChannelKind::Sms).await.unwrap(),
            "{backend}: START came after STOP and was stored after it"
        );
        assert_eq!(store.count_channel_messages(fx.workspace.workspace_id, fx.channel.channel_id).await.unwrap(), 3);
    })
    .await;
}

#[tokio::test]
async fn a_journaled_webhook_stored_again_after_a_crash_is_not_a_second_message() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Shop").await;
        let write = inbound_sms(&fx, "SM1", "+14155550123", "Hi", NOW);
        // Stored in full, then the process died before the entry was deleted: it is still there.
        store.journal_inbound(std::slice::from_ref(&write)).await.unwrap();
        store.work_off_journal(10).await.unwrap();
        store.journal_inbound(std::slice::from_ref(&write)).await.unwrap();
        let again = store.work_off_journal(10).await.unwrap().expect("our turn");
        assert_eq!(again[0].outcome.as_ref().unwrap().duplicates, vec!["SM1".to_string()], "{backend}");
        assert_eq!(store.count_channel_messages(fx.workspace.workspace_id, fx.channel.channel_id).await.unwrap(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_journaled_webhook_that_cannot_be_stored_is_set_aside_and_the_others_are_stored() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Shop").await;
        let batch = batch_with_a_webhook_for_no_channel(&fx);
        store.journal_inbound(&batch).await.unwrap();
        let worked = store.work_off_journal(10).await.unwrap().expect("our turn");
        assert!(worked[0].outcome.is_ok() && worked[2].outcome.is_ok(), "{backend}");
        assert!(worked[1].outcome.is_err(), "{backend}: a message for a channel that does not exist");
        assert_eq!(store.journal_depth().await.unwrap().waiting, 0, "{backend}: the failed entry waits apart");
        assert!(
            store.work_off_journal(10).await.unwrap().expect("our turn").is_empty(),
            "{backend}: it is not tried again and again"
        );
        assert_eq!(store.count_channel_messages(fx.workspace.workspace_id, fx.channel.channel_id).await.unwrap(), 2);
    })
    .await;
}

#[tokio::test]
async fn a_webhook_with_files_of_its_own_is_refused_by_the_journal_and_nothing_is_kept() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Shop").await;
        let mut write = inbound_sms(&fx, "SM1", "+14155550123", "see attached", NOW);
        write.media = vec![switchboard_store::model::NewMedia {
            media_id: switchboard_domain::MediaId::new(),
            content_type: "application/pdf".into(),
            sha256: "ab".repeat(32),
            bytes: b"%PDF-1.4".to_vec(),
        }];
        let plain = inbound_sms(&fx, "SM2", "+14155550124", "no files", NOW);
        assert!(store.journal_inbound(&[plain, write]).await.is_err(), "{backend}: its files would be lost");
        assert_eq!(store.journal_depth().await.unwrap().waiting, 0, "{backend}: the batch is refused whole");
    })
    .await;
}

#[tokio::test]
async fn a_set_aside_webhook_is_listed_with_its_reason_and_can_be_put_back_in_line() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Shop").await;
        store.journal_inbound(&batch_with_a_webhook_for_no_channel(&fx)).await.unwrap();
        store.work_off_journal(10).await.unwrap();
        let depth = store.journal_depth().await.unwrap();
        assert_eq!((depth.waiting, depth.set_aside), (0, 1), "{backend}");

        let set_aside = store.set_aside_journal_entries(10).await.unwrap();
        assert_eq!(set_aside.len(), 1, "{backend}");
        let entry = &set_aside[0];
        let webhook = entry.webhook.as_ref().expect("the entry can be read");
        assert_eq!(webhook.events[0].provider_message_id(), Some("SM2"), "{backend}: the one for no channel");
        assert!(!entry.failure.is_empty(), "{backend}: it says why");

        let unknown = entry.journal_id + 1000;
        assert_eq!(
            store.retry_set_aside_journal_entries(Some(&[unknown])).await.unwrap(),
            0,
            "{backend}: not set aside"
        );
        assert_eq!(store.retry_set_aside_journal_entries(Some(&[entry.journal_id])).await.unwrap(), 1, "{backend}");
        let depth = store.journal_depth().await.unwrap();
        assert_eq!((depth.waiting, depth.set_aside), (1, 0), "{backend}: back in line");
        let again = store.work_off_journal(10).await.unwrap().expect("our turn");
        assert!(again.len() == 1 && again[0].outcome.is_err(), "{backend}: tried again, and it fails again");
        assert_eq!(store.journal_depth().await.unwrap().set_aside, 1, "{backend}: set aside once more");
        assert_eq!(store.retry_set_aside_journal_entries(None).await.unwrap(), 1, "{backend}: --all");
    })
    .await;
}
