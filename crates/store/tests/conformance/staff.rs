//! Staff accounts, sessions and the inbox list.

use switchboard_domain::StaffRole;
use switchboard_store::StoreError;
use switchboard_store::testing::on_every_backend;
use switchboard_store::writes::{InboxQuery, NewStaff};

use crate::fixtures::*;

fn new_staff(fixture: &Fixture, email: &str) -> NewStaff {
    NewStaff {
        workspace_id: fixture.workspace.workspace_id,
        email: email.to_owned(),
        name: "Ana".to_owned(),
        role: StaffRole::Admin,
        password_hash: "$argon2id$stand-in".to_owned(),
    }
}

#[tokio::test]
async fn an_email_names_one_account_whatever_its_case_and_a_session_ends_when_it_expires() {
    on_every_backend(|store, backend| async move {
        let a = workspace_with_sms_channel(&store, "A").await;
        let staff = store.create_staff(new_staff(&a, "Ana@Clinic.example"), NOW).await.unwrap();
        assert_eq!(staff.email, "ana@clinic.example");
        let again = store.create_staff(new_staff(&a, "ana@clinic.EXAMPLE"), NOW).await;
        assert!(matches!(again, Err(StoreError::Conflict(_))), "{backend}");
        let (found, hash) = store.find_staff_login("ANA@clinic.example").await.unwrap().unwrap();
        assert_eq!((found.staff_id, hash.as_str()), (staff.staff_id, "$argon2id$stand-in"));

        store.create_session(b"token-hash", staff.staff_id, "csrf", NOW, NOW + 1000).await.unwrap();
        let session = store.find_session(b"token-hash", NOW + 999).await.unwrap().unwrap();
        assert_eq!((session.staff.staff_id, session.csrf_token.as_str()), (staff.staff_id, "csrf"));
        assert!(store.find_session(b"token-hash", NOW + 1000).await.unwrap().is_none(), "expired, {backend}");
        assert!(store.find_session(b"other-hash", NOW).await.unwrap().is_none());
        store.delete_session(b"token-hash").await.unwrap();
        assert!(store.find_session(b"token-hash", NOW).await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn the_inbox_lists_newest_first_and_finds_by_words_number_and_only_in_its_workspace() {
    on_every_backend(|store, backend| async move {
        let a = workspace_with_sms_channel(&store, "A").await;
        let b = workspace_with_sms_channel(&store, "B").await;
        store.ingest_batch(&[inbound_sms(&a, "SM1", "+14155550123", "Is 50% off_today?", NOW)]).await.unwrap();
        store.ingest_batch(&[inbound_sms(&a, "SM2", "+14155550199", "Booking for Rex", NOW + 10)]).await.unwrap();
        store.ingest_batch(&[inbound_sms(&b, "SM3", "+14155550123", "Rex again", NOW + 20)]).await.unwrap();

        let all = store.list_inbox(a.workspace.workspace_id, &InboxQuery::default(), 10).await.unwrap().items;
        let previews: Vec<_> = all.iter().map(|e| e.last_body.as_deref().unwrap()).collect();
        assert_eq!(previews, ["Booking for Rex", "Is 50% off_today?"], "{backend}");
        assert_eq!(all[0].contact_address.as_deref(), Some("+14155550199"));
        assert_eq!(all[0].channel_kinds, [switchboard_domain::ChannelKind::Sms]);
        assert_eq!(all[0].conversation.unread_count, 1);

        let search = |term: &str| InboxQuery { search: Some(term.to_owned()), ..Default::default() };
        let rex = store.list_inbox(a.workspace.workspace_id, &search("REX"), 10).await.unwrap().items;
        assert_eq!(rex.len(), 1, "words match in any case and only in this workspace, {backend}");
        let number = store.list_inbox(a.workspace.workspace_id, &search("550123"), 10).await.unwrap().items;
        assert_eq!(number[0].last_body.as_deref(), Some("Is 50% off_today?"));
        let whole = store.list_inbox(a.workspace.workspace_id, &search("+1 (415) 555-0123"), 10).await.unwrap().items;
        assert_eq!(whole.len(), 1, "a whole number however typed, only in this workspace, {backend}");
        assert_eq!(whole[0].last_body.as_deref(), Some("Is 50% off_today?"));
        let words = store.list_inbox(a.workspace.workspace_id, &search("50% OFF to"), 10).await.unwrap().items;
        assert_eq!(words.len(), 1, "every word, punctuation aside, the last one begun, {backend}");
        assert_eq!(words[0].last_body.as_deref(), Some("Is 50% off_today?"));
        let missing = store.list_inbox(a.workspace.workspace_id, &search("rex today"), 10).await.unwrap().items;
        assert!(missing.is_empty(), "every word must be in one message, {backend}");
        let no_wildcard = store.list_inbox(a.workspace.workspace_id, &search("_%"), 10).await.unwrap().items;
        assert!(no_wildcard.is_empty(), "wildcards in a search are literal, {backend}");

        // The same answers once the background indexer has taken the new messages into the index
        // (SQLite queues them, and reads a queued message's text directly, where part of a word
        // matches too; PostgreSQL's index follows each write). Indexed, words match from their start.
        let mut indexed = 0;
        loop {
            let batch = store.index_message_words(2).await.unwrap();
            indexed += batch;
            if batch == 0 {
                break;
            }
        }
        assert_eq!(indexed, if backend == "sqlite" { 3 } else { 0 }, "{backend}");
        for (term, expected) in [("REX", 1), ("50% OFF to", 1), ("ooking", 0), ("rex today", 0), ("booking rex", 1)] {
            let found = store.list_inbox(a.workspace.workspace_id, &search(term), 10).await.unwrap().items;
            assert_eq!(found.len(), expected, "{term:?} once indexed, {backend}");
        }

        store.mark_read(a.workspace.workspace_id, all[0].conversation.conversation_id, NOW).await.unwrap();
        let after = store.list_inbox(a.workspace.workspace_id, &InboxQuery::default(), 10).await.unwrap().items;
        assert_eq!(after[0].conversation.unread_count, 0);
    })
    .await;
}

#[tokio::test]
async fn a_note_is_kept_with_its_author_and_never_lands_in_another_workspace() {
    on_every_backend(|store, backend| async move {
        let a = workspace_with_sms_channel(&store, "A").await;
        let b = workspace_with_sms_channel(&store, "B").await;
        let ana = store.create_staff(new_staff(&a, "ana@a.example"), NOW).await.unwrap();
        let bo = store.create_staff(new_staff(&b, "bo@b.example"), NOW).await.unwrap();
        store.ingest_batch(&[inbound_sms(&a, "SM1", "+14155550123", "hi", NOW)]).await.unwrap();
        let conversation = store.list_inbox(a.workspace.workspace_id, &InboxQuery::default(), 1).await.unwrap().items
            [0]
        .conversation
        .conversation_id;

        let note = store.add_note(a.workspace.workspace_id, conversation, Some(ana.staff_id), "call back", NOW).await;
        let note = note.unwrap().expect("a note on the workspace's own conversation");
        assert_eq!((note.author.as_deref(), note.body.as_str()), (Some("Ana"), "call back"), "{backend}");
        assert_eq!(store.list_notes(a.workspace.workspace_id, conversation).await.unwrap(), [note]);

        let foreign =
            store.add_note(b.workspace.workspace_id, conversation, Some(bo.staff_id), "x", NOW).await.unwrap();
        assert!(foreign.is_none(), "another workspace's conversation is not found, {backend}");
        let outsider =
            store.add_note(a.workspace.workspace_id, conversation, Some(bo.staff_id), "x", NOW).await.unwrap();
        assert!(outsider.is_none(), "a staff member of another workspace cannot write here, {backend}");
        assert_eq!(store.list_notes(a.workspace.workspace_id, conversation).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn an_invitation_is_used_once_before_it_expires() {
    on_every_backend(|store, backend| async move {
        let a = workspace_with_sms_channel(&store, "A").await;
        let invited = store.invite_staff(new_staff(&a, "New@A.example"), b"invite", NOW, NOW + 100).await.unwrap();
        assert_eq!(invited.email, "new@a.example");
        let (_, hash) = store.find_staff_login("new@a.example").await.unwrap().unwrap();
        assert_eq!(hash, "", "no password until the invitation is used, {backend}");
        let again = store.invite_staff(new_staff(&a, "new@a.example"), b"other", NOW, NOW + 100).await;
        assert!(matches!(again, Err(StoreError::Conflict(_))), "{backend}");
        assert!(store.find_invitation(b"other", NOW).await.unwrap().is_none(), "a refused invitation leaves nothing");

        assert_eq!(
            store.find_invitation(b"invite", NOW + 99).await.unwrap().map(|s| s.staff_id),
            Some(invited.staff_id)
        );
        assert!(store.find_invitation(b"invite", NOW + 100).await.unwrap().is_none(), "expired, {backend}");
        assert!(store.accept_invitation(b"invite", "$argon2id$x", NOW + 100).await.unwrap().is_none());
        let accepted = store.accept_invitation(b"invite", "$argon2id$x", NOW + 50).await.unwrap().unwrap();
        assert_eq!(accepted.staff_id, invited.staff_id);
        assert_eq!(store.find_staff_login("new@a.example").await.unwrap().unwrap().1, "$argon2id$x");
        assert!(store.accept_invitation(b"invite", "$argon2id$y", NOW + 51).await.unwrap().is_none(), "used up");
    })
    .await;
}

#[tokio::test]
async fn the_last_active_administrator_stays_and_a_deactivated_one_loses_their_sessions() {
    on_every_backend(|store, backend| async move {
        let a = workspace_with_sms_channel(&store, "A").await;
        let b = workspace_with_sms_channel(&store, "B").await;
        let ws = a.workspace.workspace_id;
        let ana = store.create_staff(new_staff(&a, "ana@a.example"), NOW).await.unwrap();
        let bo = store.create_staff(new_staff(&a, "bo@a.example"), NOW).await.unwrap();
        store.create_session(b"bo-session", bo.staff_id, "csrf", NOW, NOW + 1000).await.unwrap();

        let foreign = store.update_staff(b.workspace.workspace_id, bo.staff_id, StaffRole::Agent, true, NOW).await;
        assert!(foreign.unwrap().is_none(), "{backend}");
        let agent = store.update_staff(ws, bo.staff_id, StaffRole::Agent, true, NOW).await.unwrap().unwrap();
        assert_eq!(agent.role, StaffRole::Agent);
        let alone = store.update_staff(ws, ana.staff_id, StaffRole::Agent, true, NOW).await;
        assert!(matches!(alone, Err(StoreError::Conflict(_))), "the last administrator cannot step down, {backend}");
        let gone = store.update_staff(ws, ana.staff_id, StaffRole::Admin, false, NOW).await;
        assert!(matches!(gone, Err(StoreError::Conflict(_))), "nor be deactivated, {backend}");
        assert!(store.list_staff(ws).await.unwrap().iter().any(|s| s.staff_id == ana.staff_id && s.active));

        let off = store.update_staff(ws, bo.staff_id, StaffRole::Agent, false, NOW).await.unwrap().unwrap();
        assert!(!off.active);
        assert!(store.find_session(b"bo-session", NOW).await.unwrap().is_none(), "sessions end, {backend}");
    })
    .await;
}
