//! Connecting WhatsApp through Meta from the channels page: the token and secret are never shown
//! back, the verify token is shown once and opens the channel's handshake, templates sync from
//! the business account, and an agent cannot do any of it.

mod common;

use common::browser::hidden_field;
use common::meta::APP_SECRET;
use common::staff::*;
use common::*;
use switchboard_domain::{Provider, StaffRole};
use switchboard_emulator::meta::MetaTemplate;

#[tokio::test]
async fn an_administrator_connects_a_meta_number_and_syncs_its_templates() {
    on_every_backend(|app| async move {
        let mut admin = signed_in_as(&app, StaffRole::Admin).await;
        let list = admin.get("/inbox/settings/channels").await.text().await.unwrap();
        assert!(list.contains("Connect a WhatsApp number through Meta"), "{}", app.backend);
        let csrf = hidden_field(&list, "csrf").unwrap();
        let form = |phone_number_id: &'static str| {
            [
                ("csrf", csrf.as_str()),
                ("number", "+14155550188"),
                ("phone_number_id", phone_number_id),
                ("business_account_id", "777"),
                ("access_token", "EAAG-very-secret"),
                ("app_secret", APP_SECRET),
            ]
        };

        let refused = admin.post("/inbox/settings/channels/meta", &form("+14155550188")).await;
        assert_eq!(refused.status(), 422, "a number is not a phone number id");
        let page = refused.text().await.unwrap();
        assert!(page.contains("numeric id for the number"), "{page}");
        assert!(!page.contains("EAAG-very-secret"), "the token is never rendered");

        let connected = admin.post("/inbox/settings/channels/meta", &form("555000111")).await;
        assert_eq!(connected.status(), 200);
        let page = connected.text().await.unwrap();
        assert!(!page.contains("EAAG-very-secret") && !page.contains(APP_SECRET), "secrets are never rendered");
        let channel = app.store.find_channel_by_external_id(Provider::Meta, "555000111").await.unwrap().unwrap();
        assert_eq!(channel.workspace_id, app.workspace.workspace_id);
        let verify_token = page
            .split("aria-label=\"Verify token\"")
            .next()
            .and_then(|before| before.rsplit("value=\"").next())
            .and_then(|rest| rest.split('"').next())
            .expect("the verify token is shown once")
            .to_owned();
        let handshake = app
            .client
            .get(format!("{}/webhooks/meta/{}", app.url, channel.channel_id))
            .query(&[("hub.mode", "subscribe"), ("hub.verify_token", verify_token.as_str()), ("hub.challenge", "42")])
            .send()
            .await
            .unwrap();
        assert_eq!(handshake.status(), 200, "the token shown opens the handshake");
        assert_eq!(handshake.text().await.unwrap(), "42");
        let again = admin.get(&format!("/inbox/settings/channels/{}", channel.channel_id)).await.text().await.unwrap();
        assert!(!again.contains(&verify_token), "the verify token is shown only once");
        assert!(again.contains("No templates synced yet"));

        // Templates sync from the emulator's business account 777.
        let meta = app.meta();
        meta.add_business_account("777", "EAAG-very-secret", APP_SECRET);
        meta.add_template("777", MetaTemplate::approved("shipping_update", "en_US", "UTILITY", "Order {{1}} shipped."));
        let path = format!("/inbox/settings/channels/{}/templates/sync", channel.channel_id);
        let synced = admin.post(&path, &[("csrf", csrf.as_str())]).await.text().await.unwrap();
        assert!(synced.contains("1 templates read") && synced.contains("shipping_update"), "{synced}");

        // An agent can do none of it.
        staff_with_role(&app, &app.workspace, "agent@example.com", StaffRole::Agent).await;
        let mut agent = common::browser::Browser::new(&app.url);
        agent.sign_in("agent@example.com", PASSWORD).await;
        let agent_csrf = hidden_field(&agent.get("/inbox").await.text().await.unwrap(), "csrf").unwrap();
        assert_eq!(agent.post(&path, &[("csrf", agent_csrf.as_str())]).await.status(), 403);
        let connect = [("csrf", agent_csrf.as_str()), ("number", "+14155550189"), ("phone_number_id", "1")];
        assert_eq!(agent.post("/inbox/settings/channels/meta", &connect).await.status(), 403);
        app
    })
    .await;
}

#[tokio::test]
async fn an_administrator_connects_a_page_and_an_instagram_account_by_pasting_their_token() {
    on_every_backend(|app| async move {
        let mut admin = signed_in_as(&app, StaffRole::Admin).await;
        let list = admin.get("/inbox/settings/channels").await.text().await.unwrap();
        assert!(list.contains("Connect Messenger or Instagram through Meta"), "{}", app.backend);
        let csrf = hidden_field(&list, "csrf").unwrap();
        let form = |kind: &'static str, account_id: &'static str| {
            [
                ("csrf", csrf.as_str()),
                ("kind", kind),
                ("account_id", account_id),
                ("access_token", "EAAG-page-secret"),
                ("app_secret", APP_SECRET),
            ]
        };
        let refused = admin.post("/inbox/settings/channels/meta-page", &form("messenger", "our-page")).await;
        assert_eq!(refused.status(), 422);
        assert!(!refused.text().await.unwrap().contains("EAAG-page-secret"));
        for (kind, id) in [("messenger", "106540352242001"), ("instagram", "17841400000000001")] {
            let connected = admin.post("/inbox/settings/channels/meta-page", &form(kind, id)).await;
            assert_eq!(connected.status(), 200, "{kind}");
            let page = connected.text().await.unwrap();
            assert!(page.contains("aria-label=\"Verify token\"") && !page.contains("EAAG-page-secret"), "{page}");
            let channel = app.store.find_channel_by_external_id(Provider::Meta, id).await.unwrap().unwrap();
            assert_eq!(channel.kind.as_str(), kind);
        }
        app
    })
    .await;
}

#[tokio::test]
async fn a_test_message_on_whatsapp_can_be_a_template_to_reach_someone_outside_the_window() {
    on_every_backend(|app| async move {
        let number = app.connect_meta_whatsapp(&app.workspace, "+14155550110", "106540352242922", false).await;
        let meta = app.meta();
        meta.add_template(
            &number.business_account_id,
            MetaTemplate::approved("hello_world", "en_US", "UTILITY", "Hello {{1}}!"),
        );
        let mut admin = signed_in_as(&app, StaffRole::Admin).await;
        let list = admin.get("/inbox/settings/channels").await.text().await.unwrap();
        let csrf = hidden_field(&list, "csrf").unwrap();
        let page_path = format!("/inbox/settings/channels/{}", number.channel.channel_id);
        admin.post(&format!("{page_path}/templates/sync"), &[("csrf", csrf.as_str())]).await;
        let page = admin.get(&page_path).await.text().await.unwrap();
        assert!(page.contains("template hello_world (en_US)"), "{page}");

        let plain = [("csrf", csrf.as_str()), ("to", CUSTOMER)];
        let refused = admin.post(&format!("{page_path}/test"), &plain).await;
        assert_eq!(refused.status(), 409, "free text outside the window is refused");
        let templated = [("csrf", csrf.as_str()), ("to", CUSTOMER), ("template", "hello_world|en_US")];
        let sent = admin.post(&format!("{page_path}/test"), &templated).await;
        assert_eq!(sent.status(), 303);
        let accepted = meta.wait_for_sent(1, std::time::Duration::from_secs(10)).await;
        assert_eq!(accepted[0].request["template"]["name"], "hello_world");
        assert_eq!(accepted[0].request["template"]["components"][0]["parameters"][0]["text"], "test");
        app
    })
    .await;
}
