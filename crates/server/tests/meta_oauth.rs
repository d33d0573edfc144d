//! Connecting a WhatsApp number through Meta's login: the dialog is asked with a `state` bound to
//! the session; an answer with another state is refused and changes nothing; the right one
//! exchanges the code for a long-lived token, lists the numbers it was granted, subscribes the
//! app and connects the number picked, with the token's expiry shown.

mod common;

use common::browser::{Browser, hidden_field, location};
use common::meta::APP_SECRET;
use common::staff::*;
use common::*;
use switchboard_domain::{Provider, StaffRole};

const APP_ID: &str = "1234567890";
const WABA: &str = "102290129340398";
const PHONE_NUMBER_ID: &str = "106540352242999";

/// The query parameter `name` of a URL.
fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn a_number_is_connected_through_meta_s_login_and_a_foreign_state_is_refused() {
    on_every_backend(|app| async move {
        let meta = app.meta();
        meta.add_app(APP_ID, APP_SECRET);
        meta.add_business_account(WABA, "EAAG-system-user-token", APP_SECRET);
        meta.add_phone_number(WABA, PHONE_NUMBER_ID, "+14155550133", &format!("{}/webhooks/meta", app.url));
        let redirect_uri = format!("{}/inbox/settings/channels/meta/oauth/callback", app.url);
        meta.add_oauth_code(APP_ID, "CODE-1", &redirect_uri, WABA);

        let mut admin = signed_in_as(&app, StaffRole::Admin).await;
        let start = admin.get("/inbox/settings/channels/meta/oauth").await;
        assert_eq!(start.status(), 303, "{}", app.backend);
        let dialog = location(&start).unwrap();
        assert!(dialog.contains("/dialog/oauth?"), "{dialog}");
        assert_eq!(query_param(&dialog, "client_id").as_deref(), Some(APP_ID));
        assert_eq!(query_param(&dialog, "redirect_uri"), Some(redirect_uri.clone()));
        assert!(query_param(&dialog, "scope").unwrap().contains("whatsapp_business_messaging"));
        let state = query_param(&dialog, "state").expect("a state");

        // A state this session did not make (or a forged one) is refused before the code is used.
        let forged = admin.get("/inbox/settings/channels/meta/oauth/callback?code=CODE-1&state=forged").await;
        assert_eq!(forged.status(), 403);
        staff_with_role(&app, &app.workspace, "other-admin@example.com", StaffRole::Admin).await;
        let mut other = Browser::new(&app.url);
        other.sign_in("other-admin@example.com", PASSWORD).await;
        let stolen =
            other.get(&format!("/inbox/settings/channels/meta/oauth/callback?code=CODE-1&state={state}")).await;
        assert_eq!(stolen.status(), 403, "another session cannot use this state");
        assert!(app.store.find_channel_by_external_id(Provider::Meta, PHONE_NUMBER_ID).await.unwrap().is_none());

        // The right state: the code is exchanged and the granted numbers listed.
        let back = admin.get(&format!("/inbox/settings/channels/meta/oauth/callback?code=CODE-1&state={state}")).await;
        let status = back.status();
        let page = back.text().await.unwrap();
        assert_eq!(status, 200, "{page}");
        assert!(page.contains("+1 415-555-0133") || page.contains("14155550133"), "{page}");
        assert!(!page.contains("EAAG"), "no token in the page");
        let csrf = hidden_field(&page, "csrf").unwrap();
        let grant = hidden_field(&page, "grant").unwrap();
        let number = hidden_field(&page, "number").unwrap().replace("&quot;", "\"").replace("&#x2f;", "/");

        // The sealed grant is bound to the session: another admin cannot spend it.
        let other_csrf = hidden_field(&other.get("/inbox").await.text().await.unwrap(), "csrf").unwrap();
        let spent = other
            .post(
                "/inbox/settings/channels/meta/oauth/connect",
                &[("csrf", &other_csrf), ("grant", &grant), ("number", &number)],
            )
            .await;
        assert_eq!(spent.status(), 403);

        let connected = admin
            .post(
                "/inbox/settings/channels/meta/oauth/connect",
                &[("csrf", &csrf), ("grant", &grant), ("number", &number)],
            )
            .await;
        assert_eq!(connected.status(), 200);
        let page = connected.text().await.unwrap();
        assert!(page.contains("valid until"), "the token's expiry is shown: {page}");
        let channel = app.store.find_channel_by_external_id(Provider::Meta, PHONE_NUMBER_ID).await.unwrap().unwrap();
        assert_eq!(channel.address, "+14155550133");
        assert!(meta.is_subscribed(WABA), "the app is subscribed to the account's webhooks");

        // The code was single-use: coming back with it again fails with Meta's reason.
        let new_state =
            query_param(&location(&admin.get("/inbox/settings/channels/meta/oauth").await).unwrap(), "state").unwrap();
        let reused =
            admin.get(&format!("/inbox/settings/channels/meta/oauth/callback?code=CODE-1&state={new_state}")).await;
        assert_eq!(reused.status(), 502);

        // The connected number works with the token from the login: a customer writes, staff answer.
        let inbound = switchboard_emulator::meta::WhatsappInbound::text(PHONE_NUMBER_ID, "14155550123", "Hello");
        assert_eq!(meta.send_inbound(inbound).await.unwrap().status, 200);
        let reply = serde_json::json!({ "channel_id": channel.channel_id, "to": CUSTOMER, "body": "Hi!" });
        assert_eq!(app.post("/api/v1/messages", &reply).send().await.unwrap().status(), 202);
        assert_eq!(meta.wait_for_sent(1, std::time::Duration::from_secs(10)).await.len(), 1);
        app
    })
    .await;
}

#[tokio::test]
async fn a_page_and_its_instagram_account_are_connected_through_meta_s_login_with_the_page_s_token() {
    use switchboard_emulator::meta::{MessagingContent, MessagingInbound, MessagingPlatform};
    on_every_backend(|app| async move {
        let meta = app.meta();
        let (page_id, instagram_id) = ("106540352242001", "17841400000000001");
        meta.add_app(APP_ID, APP_SECRET);
        let webhook = format!("{}/webhooks/meta", app.url);
        meta.add_messaging_account(MessagingPlatform::Messenger, page_id, "EAAG-page-token", APP_SECRET, &webhook);
        meta.add_messaging_account(MessagingPlatform::Instagram, instagram_id, "EAAG-page-token", APP_SECRET, &webhook);
        meta.link_instagram_account(page_id, instagram_id);
        meta.set_page_name(page_id, "Harbour Cafe");
        let redirect_uri = format!("{}/inbox/settings/channels/meta/oauth/callback", app.url);
        meta.add_page_oauth_code(APP_ID, "PAGE-CODE", &redirect_uri, &[page_id]);

        let mut admin = signed_in_as(&app, StaffRole::Admin).await;
        let dialog = location(&admin.get("/inbox/settings/channels/meta/oauth").await).unwrap();
        let state = query_param(&dialog, "state").unwrap();
        assert!(query_param(&dialog, "scope").unwrap().contains("instagram_manage_messages"));
        let back =
            admin.get(&format!("/inbox/settings/channels/meta/oauth/callback?code=PAGE-CODE&state={state}")).await;
        let page = back.text().await.unwrap();
        assert!(
            page.contains("Messenger · Page Harbour Cafe") && page.contains("Instagram · account of Harbour Cafe"),
            "{page}"
        );
        assert!(!page.contains("EAAG-page-token"), "no Page token in the page");
        let csrf = hidden_field(&page, "csrf").unwrap();
        let grant = hidden_field(&page, "grant").unwrap();
        let instagram_choice = page
            .split("name=\"number\" value=\"")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap().replace("&quot;", "\""))
            .find(|choice| choice.contains("instagram"))
            .expect("the Instagram account is offered");
        let connected = admin
            .post(
                "/inbox/settings/channels/meta/oauth/connect",
                &[("csrf", &csrf), ("grant", &grant), ("number", &instagram_choice)],
            )
            .await;
        assert_eq!(connected.status(), 200);
        let channel = app.store.find_channel_by_external_id(Provider::Meta, instagram_id).await.unwrap().unwrap();
        assert_eq!(channel.kind.as_str(), "instagram");
        let fields = meta.is_page_subscribed(page_id).expect("the app is subscribed to the Page");
        assert!(fields.iter().any(|f| f == "messages"), "{fields:?}");

        // The account works with the Page's token: a customer writes, staff answer.
        let inbound = MessagingInbound {
            platform: MessagingPlatform::Instagram,
            account_id: instagram_id.into(),
            sender_id: "6783456789012345".into(),
            content: MessagingContent::Text("Hi!".into()),
        };
        assert_eq!(meta.send_messaging_inbound(inbound).await.unwrap().status, 200);
        let reply = serde_json::json!({ "channel_id": channel.channel_id, "to": "6783456789012345", "body": "Hello!" });
        let queued = app.post("/api/v1/messages", &reply).send().await.unwrap();
        assert_eq!(queued.status(), 202);
        let id = queued.json::<serde_json::Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        app.wait_for_status(&id, "read").await;
        let sent = meta.messaging_sent();
        assert_eq!(sent.len(), 1, "{sent:?}");
        app
    })
    .await;
}
