//! Workspaces, API keys, channels and contacts.

use switchboard_domain::{ChannelKind, Identity, IdentityKind};
use switchboard_store::StoreError;
use switchboard_store::testing::on_every_backend;
use switchboard_store::writes::NewContact;

use crate::fixtures::*;

#[tokio::test]
async fn a_second_workspace_with_the_same_name_is_a_conflict() {
    on_every_backend(|store, backend| async move {
        store.create_workspace("Clinic", "help", NOW).await.unwrap();
        let err = store.create_workspace("Clinic", "help", NOW).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{backend}: {err}");
        assert_eq!(store.list_workspaces().await.unwrap().len(), 1, "{backend}");
    })
    .await;
}

#[tokio::test]
async fn an_api_key_is_found_by_its_hash_only() {
    on_every_backend(|store, backend| async move {
        let ws = store.create_workspace("Shop", "help", NOW).await.unwrap();
        let key = store.create_api_key(ws.workspace_id, "ci", "sb_abcd", &[7u8; 32], NOW).await.unwrap();
        let found = store.find_api_key(&[7u8; 32]).await.unwrap().expect(backend);
        assert_eq!(found.api_key_id, key.api_key_id);
        assert_eq!(found.workspace_id, ws.workspace_id);
        assert!(store.find_api_key(&[8u8; 32]).await.unwrap().is_none(), "{backend}");
    })
    .await;
}

#[tokio::test]
async fn channels_keep_their_settings_and_refuse_a_duplicate_address() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Shop").await;
        let loaded = store.get_channel(fx.channel.channel_id).await.unwrap().expect(backend);
        assert_eq!(loaded, fx.channel, "{backend}");
        assert_eq!(loaded.settings["base_url"], "http://127.0.0.1:1");
        let mut again = switchboard_store::writes::NewChannel {
            channel_id: switchboard_domain::ChannelId::new(),
            workspace_id: fx.workspace.workspace_id,
            kind: ChannelKind::Sms,
            provider: switchboard_domain::Provider::Twilio,
            name: "dup".into(),
            address: fx.channel.address.clone(),
            external_id: None,
            sealed_credentials: vec![],
            settings: serde_json::json!({}),
            now: NOW,
        };
        assert!(matches!(store.create_channel(again.clone()).await, Err(StoreError::Conflict(_))), "{backend}");
        again.kind = ChannelKind::Whatsapp;
        store.create_channel(again).await.expect("the same number may also carry WhatsApp");
        assert_eq!(store.list_channels(fx.workspace.workspace_id).await.unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn a_contact_owns_many_identities_but_an_identity_has_one_owner() {
    on_every_backend(|store, backend| async move {
        let ws = store.create_workspace("Vet", "help", NOW).await.unwrap();
        let phone = Identity::parse(IdentityKind::Phone, "+14155550123").unwrap();
        let email = Identity::parse(IdentityKind::Email, "Ana@Example.com").unwrap();
        let ana = store
            .create_contact(NewContact {
                workspace_id: ws.workspace_id,
                display_name: Some("Ana".into()),
                identities: vec![phone.clone()],
                now: NOW,
            })
            .await
            .unwrap();
        let ana = store.add_identity(ws.workspace_id, ana.contact_id, &email, NOW + 1).await.unwrap();
        assert_eq!(ana.identities.len(), 2, "{backend}");
        let by_email = store.find_contact_by_identity(ws.workspace_id, &email).await.unwrap().unwrap();
        assert_eq!(by_email.contact_id, ana.contact_id);

        let bob = NewContact {
            workspace_id: ws.workspace_id,
            display_name: Some("Bob".into()),
            identities: vec![phone],
            now: NOW,
        };
        assert!(matches!(store.create_contact(bob).await, Err(StoreError::Conflict(_))), "{backend}");
        let page = store.list_contacts(ws.workspace_id, None, 10).await.unwrap();
        assert_eq!(page.items.len(), 1, "{backend}: the refused contact left no row");
    })
    .await;
}

#[tokio::test]
async fn contacts_page_by_cursor_without_gaps_or_repeats() {
    on_every_backend(|store, backend| async move {
        let ws = store.create_workspace("Vet", "help", NOW).await.unwrap();
        for i in 0..7 {
            let contact = NewContact {
                workspace_id: ws.workspace_id,
                display_name: Some(format!("c{i}")),
                identities: vec![],
                now: NOW + i,
            };
            store.create_contact(contact).await.unwrap();
        }
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = store.list_contacts(ws.workspace_id, cursor.as_deref(), 3).await.unwrap();
            seen.extend(page.items.iter().map(|c| c.display_name.clone().unwrap()));
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        let expected: Vec<String> = (0..7).rev().map(|i| format!("c{i}")).collect();
        assert_eq!(seen, expected, "{backend}");
        assert!(matches!(
            store.list_contacts(ws.workspace_id, Some("nonsense"), 3).await,
            Err(StoreError::InvalidCursor)
        ));
    })
    .await;
}

#[tokio::test]
async fn a_channel_is_switched_off_and_on_only_by_its_own_workspace() {
    on_every_backend(|store, backend| async move {
        let a = workspace_with_sms_channel(&store, "A").await;
        let b = workspace_with_sms_channel(&store, "B").await;
        let channel = a.channel.channel_id;
        let foreign = store.set_channel_enabled(b.workspace.workspace_id, channel, false, 1).await.unwrap();
        assert!(foreign.is_none(), "{backend}");
        assert!(store.get_channel(channel).await.unwrap().unwrap().enabled);
        let off = store.set_channel_enabled(a.workspace.workspace_id, channel, false, 2).await.unwrap().unwrap();
        assert!(!off.enabled, "{backend}");
        assert!(!store.get_channel(channel).await.unwrap().unwrap().enabled);
        let on = store.set_channel_enabled(a.workspace.workspace_id, channel, true, 3).await.unwrap().unwrap();
        assert!(on.enabled, "{backend}");
    })
    .await;
}
