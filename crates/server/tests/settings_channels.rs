//! The channels page an administrator uses to connect and diagnose providers: webhook URLs,
//! connecting a Twilio number, enable and disable, a test message, and the channel's recent
//! webhooks beside the ones refused at the door.

mod common;

use std::time::Duration;

use common::browser::{hidden_field, location};
use common::staff::*;
use common::*;
use switchboard_domain::StaffRole;

#[tokio::test]
async fn an_administrator_connects_diagnoses_and_switches_a_channel() {
    on_every_backend(|app| async move {
        let mut admin = signed_in_as(&app, StaffRole::Admin).await;
        let list = admin.get("/inbox/settings/channels").await;
        assert_eq!(list.status(), 200);
        let list = list.text().await.unwrap();
        assert!(list.contains(&app.sms.name) && list.contains(&app.whatsapp.name), "{}", app.backend);
        let csrf = hidden_field(&list, "csrf").unwrap();

        // Connecting: a wrong SID is explained, and the token is never shown back.
        let bad = [
            ("csrf", csrf.as_str()),
            ("kind", "sms"),
            ("number", "+14155550177"),
            ("account_sid", "not-a-sid"),
            ("auth_token", "s3cret-token"),
        ];
        let refused = admin.post("/inbox/settings/channels", &bad).await;
        assert_eq!(refused.status(), 422);
        let page = refused.text().await.unwrap();
        assert!(page.contains("starting with AC") && page.contains("+14155550177"), "{page}");
        assert!(!page.contains("s3cret-token"), "the auth token is never rendered");
        let good = [
            ("csrf", csrf.as_str()),
            ("kind", "sms"),
            ("number", "+14155550177"),
            ("name", "Second desk"),
            ("account_sid", ACCOUNT_SID),
            ("auth_token", "s3cret-token"),
        ];
        let connected = admin.post("/inbox/settings/channels", &good).await;
        assert_eq!(connected.status(), 303);
        let channels = app.store.list_channels(app.workspace.workspace_id).await.unwrap();
        let second = channels.iter().find(|c| c.name == "Second desk").expect("the channel is stored");
        assert_eq!(location(&connected), Some(format!("/inbox/settings/channels/{}", second.channel_id)));
        let page = admin.get(&format!("/inbox/settings/channels/{}", second.channel_id)).await.text().await.unwrap();
        let unescaped = page.replace("&#x2f;", "/");
        assert!(unescaped.contains(&format!("{}/webhooks/twilio/{}", app.url, second.channel_id)), "the URL to paste");
        assert!(!page.contains("s3cret-token"));

        // A webhook signed with the wrong token is refused, counted and explained; a real one is listed.
        let sms_page = format!("/inbox/settings/channels/{}", app.sms.channel_id);
        let forged = app
            .client
            .post(format!("{}/webhooks/twilio/{}", app.url, app.sms.channel_id))
            .header("x-twilio-signature", "bm90IGEgc2lnbmF0dXJl")
            .form(&[("MessageSid", "SM00000000000000000000000000000001"), ("From", CUSTOMER), ("Body", "hi")])
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), 403);
        app.customer_sms(CUSTOMER, "Hello there").await;
        let page = admin.get(&sms_page).await.text().await.unwrap();
        assert!(page.contains("1 webhook refused"), "{}: {page}", app.backend);
        assert!(page.contains("twilio-signature") && page.contains("message"), "the stored webhook and its outcome");
        assert!(page.contains("Body=Hello+there"), "its raw payload, escaped in the page");

        // A test message goes out and its state shows.
        let test = admin.post(&format!("{sms_page}/test"), &[("csrf", &csrf), ("to", CUSTOMER)]).await;
        assert_eq!(test.status(), 303);
        let sent = app.emulator.wait_for_sent(1, Duration::from_secs(10)).await;
        assert_eq!(sent[0].body, "This is a test message from Switchboard.");
        let result = admin.get(&location(&test).unwrap()).await.text().await.unwrap();
        assert!(result.contains("Test message to"), "{result}");

        // Disabled: webhooks are refused until it is enabled again.
        let off = admin.post(&format!("{sms_page}/enabled"), &[("csrf", &csrf), ("enabled", "false")]).await;
        assert_eq!(off.status(), 303);
        let inbound = switchboard_emulator::InboundRequest::text(CUSTOMER, SMS_NUMBER, "anyone?");
        let refused = app.emulator.send_inbound(inbound).await.unwrap();
        assert_eq!(refused.status, 404, "a disabled channel refuses webhooks, {}", app.backend);
        admin.post(&format!("{sms_page}/enabled"), &[("csrf", &csrf), ("enabled", "true")]).await;
        app.customer_sms(CUSTOMER, "back again").await;
        app
    })
    .await;
}

#[tokio::test]
async fn an_agent_cannot_see_or_change_channels() {
    on_every_backend(|app| async move {
        let mut agent = signed_in(&app).await;
        assert_eq!(agent.get("/inbox/settings/channels").await.status(), 403);
        assert_eq!(agent.get(&format!("/inbox/settings/channels/{}", app.sms.channel_id)).await.status(), 403);
        let page = agent.get("/inbox").await.text().await.unwrap();
        let csrf = hidden_field(&page, "csrf").unwrap();
        let path = format!("/inbox/settings/channels/{}/enabled", app.sms.channel_id);
        assert_eq!(agent.post(&path, &[("csrf", &csrf), ("enabled", "false")]).await.status(), 403);
        assert!(app.store.get_channel(app.sms.channel_id).await.unwrap().unwrap().enabled, "{}", app.backend);
        app
    })
    .await;
}

#[tokio::test]
async fn an_administrator_adds_a_chat_widget_and_gets_the_line_to_paste() {
    on_every_backend(|app| async move {
        let mut admin = signed_in_as(&app, StaffRole::Admin).await;
        let list = admin.get("/inbox/settings/channels").await.text().await.unwrap();
        let csrf = hidden_field(&list, "csrf").unwrap();
        let form = |origins| {
            [
                ("csrf", csrf.as_str()),
                ("origins", origins),
                ("title", "Ask Riverside"),
                ("color", "#1d4ed8"),
                ("ask_name", "required"),
                ("ask_email", "optional"),
                ("ask_phone", "off"),
            ]
        };
        let refused = admin.post("/inbox/settings/channels/webchat", &form("https://riverside.example/contact")).await;
        assert_eq!(refused.status(), 422);
        assert!(refused.text().await.unwrap().contains("is not an origin"), "a path is refused and explained");

        let good = form("https://riverside.example\nhttps://www.riverside.example");
        let added = admin.post("/inbox/settings/channels/webchat", &good).await;
        assert_eq!(added.status(), 303);
        let channels = app.store.list_channels(app.workspace.workspace_id).await.unwrap();
        let widget = channels.iter().find(|c| c.kind == switchboard_domain::ChannelKind::Webchat).expect("stored");
        assert!(widget.address.starts_with("wc_"));
        let page = admin.get(&format!("/inbox/settings/channels/{}", widget.channel_id)).await.text().await.unwrap();
        let unescaped = page.replace("&#x2f;", "/").replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">");
        let snippet = format!("<script src=\"{}/widget.js\" data-key=\"{}\" async></script>", app.url, widget.address);
        assert!(unescaped.contains(&snippet), "the line to paste: {unescaped}");
        assert!(unescaped.contains("https://riverside.example, https://www.riverside.example"));
        app
    })
    .await;
}
