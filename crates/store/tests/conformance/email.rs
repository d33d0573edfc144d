//! Email threading and the mailbox importer's records: an inbound email joins the conversation
//! its reply address, In-Reply-To or References lead to (in that order, within the workspace),
//! else the sender's own; its files are kept with it in the same transaction; the importer's
//! cursor survives.

use switchboard_domain::email_thread::{Automated, EmailDetails, our_message_id, reply_address, reply_token_of};
use switchboard_domain::inbound::{InboundEvent, InboundMessage};
use switchboard_domain::{Attachment, ChannelKind, EmailAddress, Identity, MediaId, Provider};
use switchboard_store::Store;
use switchboard_store::model::{MailboxCursor, NewMedia};
use switchboard_store::testing::on_every_backend;
use switchboard_store::writes::{InboundWrite, NewChannel};

use crate::fixtures::*;

async fn mailbox(store: &dyn Store, fx: &Fixture, address: &str) -> switchboard_store::model::Channel {
    store
        .create_channel(NewChannel {
            channel_id: switchboard_domain::ChannelId::new(),
            workspace_id: fx.workspace.workspace_id,
            kind: ChannelKind::Email,
            provider: Provider::Mailbox,
            name: "Mailbox".into(),
            address: address.into(),
            external_id: None,
            sealed_credentials: vec![],
            settings: serde_json::json!({}),
            now: NOW,
        })
        .await
        .unwrap()
}

fn email_from(
    channel: &switchboard_store::model::Channel,
    from: &str,
    id: &str,
    details: EmailDetails,
) -> InboundWrite {
    let address = EmailAddress::parse(from).unwrap();
    InboundWrite {
        workspace_id: channel.workspace_id,
        channel_id: channel.channel_id,
        channel_kind: ChannelKind::Email,
        provider: Provider::Mailbox,
        verification: "imap".into(),
        content_type: "message/rfc822".into(),
        payload: String::new(),
        events: vec![InboundEvent::Message(InboundMessage {
            channel_kind: ChannelKind::Email,
            provider_message_id: id.into(),
            from: Identity::email(&address),
            from_address: address.to_string(),
            to_address: channel.address.clone(),
            profile_name: None,
            text: "STOP".into(),
            attachments: vec![],
            content: None,
            reply_to: None,
            email: Some(Box::new(EmailDetails { message_id: Some(id.into()), ..details })),
            referral: None,
        })],
        media: vec![],
        received_at: NOW,
    }
}

async fn contact_of(store: &dyn Store, write: InboundWrite) -> switchboard_domain::ContactId {
    stored(store, write).await.contact_id
}

async fn stored(store: &dyn Store, write: InboundWrite) -> switchboard_store::model::Message {
    let workspace_id = write.workspace_id;
    let outcome = store.ingest_batch(&[write]).await.unwrap().remove(0).unwrap();
    store.get_message(workspace_id, outcome.new_messages[0].message_id).await.unwrap().unwrap()
}

#[tokio::test]
async fn replies_thread_by_reply_address_then_in_reply_to_then_references() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Clinic").await;
        let channel = mailbox(&*store, &fx, "hello@dental.example").await;
        let first =
            stored(&*store, email_from(&channel, "ann@example.org", "a1@example.org", EmailDetails::default())).await;
        let ann = first.contact_id;

        // Ann answers from her work address, to our reply address only.
        let token = reply_token_of(&reply_address(first.conversation_id, "dental.example"));
        let work = email_from(
            &channel,
            "ann@work.example",
            "w1@work.example",
            EmailDetails { reply_token: token, ..Default::default() },
        );
        assert_eq!(contact_of(&*store, work).await, ann, "{backend}: the reply address threads");

        // A colleague answers Ann's first email by its Message-ID.
        let colleague = EmailDetails { in_reply_to: Some("a1@example.org".into()), ..Default::default() };
        assert_eq!(
            contact_of(&*store, email_from(&channel, "bob@example.org", "b1@example.org", colleague)).await,
            ann
        );

        // Only References, the newest known one counting.
        let refs =
            EmailDetails { references: vec!["unknown@x".into(), "w1@work.example".into()], ..Default::default() };
        assert_eq!(contact_of(&*store, email_from(&channel, "carol@example.org", "c1@example.org", refs)).await, ann);

        // Our own Message-ID in In-Reply-To leads to the contact we wrote to.
        let (sent, _) = store.create_outbound(outbound(&fx, ann, "See you Friday", None)).await.unwrap();
        let ours =
            EmailDetails { in_reply_to: Some(our_message_id(sent.message_id, "dental.example")), ..Default::default() };
        assert_eq!(contact_of(&*store, email_from(&channel, "dave@example.org", "d1@example.org", ours)).await, ann);

        // Nothing known: a new contact. Keys from another workspace lead nowhere.
        let stranger =
            contact_of(&*store, email_from(&channel, "eve@example.org", "e1@example.org", EmailDetails::default()))
                .await;
        assert_ne!(stranger, ann);
        let other = workspace_with_sms_channel(&store, "Cafe").await;
        let other_mailbox = mailbox(&*store, &other, "hello@cafe.example").await;
        let foreign = EmailDetails { in_reply_to: Some("a1@example.org".into()), ..Default::default() };
        let foreign =
            contact_of(&*store, email_from(&other_mailbox, "ann@example.org", "f1@example.org", foreign)).await;
        assert_ne!(foreign, ann, "{backend}: threading never crosses workspaces");
    })
    .await;
}

#[tokio::test]
async fn an_email_keeps_its_files_and_headers_and_a_machine_s_mail_is_no_keyword() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Clinic").await;
        let channel = mailbox(&*store, &fx, "hello@dental.example").await;
        let media_id = MediaId::new();
        let mut write = email_from(
            &channel,
            "ann@example.org",
            "ooo@example.org",
            EmailDetails {
                subject: "Out of office".into(),
                automated: Some(Automated::AutoReply),
                ..Default::default()
            },
        );
        let mut attachment = Attachment::link(format!("/inbox/media/{media_id}"), Some("application/pdf".into()));
        attachment.filename = Some("form.pdf".into());
        if let InboundEvent::Message(message) = &mut write.events[0] {
            message.attachments = vec![attachment];
        }
        write.media = vec![NewMedia {
            media_id,
            content_type: "application/pdf".into(),
            sha256: "ab".repeat(32),
            bytes: b"%PDF-1.4".to_vec(),
        }];
        let outcome = store.ingest_batch(&[write.clone()]).await.unwrap().remove(0).unwrap();
        let stored = &outcome.new_messages[0];
        assert_eq!(stored.opt_change, None, "{backend}: an auto-reply saying STOP opts nobody out");
        let message = store.get_message(fx.workspace.workspace_id, stored.message_id).await.unwrap().unwrap();
        let email = message.email.unwrap();
        assert_eq!(email.subject, "Out of office");
        assert_eq!(email.automated, Some(Automated::AutoReply));
        let file = store.get_media(fx.workspace.workspace_id, media_id).await.unwrap().unwrap();
        assert_eq!(file.bytes, b"%PDF-1.4");

        // The importer fetching it again (a crash before it moved on) stores nothing twice.
        let again = store.ingest_batch(&[write]).await.unwrap().remove(0).unwrap();
        assert_eq!(again.duplicates, vec!["ooo@example.org".to_owned()], "{backend}");
    })
    .await;
}

#[tokio::test]
async fn the_importer_cursor_is_kept_per_mailbox() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Clinic").await;
        let channel = mailbox(&*store, &fx, "hello@dental.example").await;
        assert_eq!(store.mailbox_cursor(channel.channel_id).await.unwrap(), None);
        let cursor = MailboxCursor { folder: "INBOX".into(), uid_validity: 1_700_000_000, last_uid: 41 };
        store.save_mailbox_cursor(channel.channel_id, &cursor, NOW).await.unwrap();
        let moved = MailboxCursor { last_uid: 42, ..cursor };
        store.save_mailbox_cursor(channel.channel_id, &moved, NOW + 1).await.unwrap();
        assert_eq!(store.mailbox_cursor(channel.channel_id).await.unwrap(), Some(moved), "{backend}");
    })
    .await;
}

#[tokio::test]
async fn an_uploaded_file_is_kept_with_its_name_and_only_for_its_workspace() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Clinic").await;
        let other = workspace_with_sms_channel(&store, "Other").await;
        let file = NewMedia {
            media_id: MediaId::new(),
            content_type: "application/pdf".into(),
            sha256: "ab".repeat(32),
            bytes: b"%PDF-1.4".to_vec(),
        };
        store.save_upload(fx.workspace.workspace_id, &file, Some("invoice.pdf"), NOW).await.unwrap();
        let kept = store.get_media(fx.workspace.workspace_id, file.media_id).await.unwrap().expect(backend);
        assert_eq!((kept.filename.as_deref(), kept.message_id), (Some("invoice.pdf"), None), "{backend}");
        assert_eq!(kept.bytes, file.bytes);
        assert!(store.get_media(other.workspace.workspace_id, file.media_id).await.unwrap().is_none());
    })
    .await;
}
