//! Sorting and pacing conversations in the inbox: labels, snoozing, saved replies, the channel
//! filter, and the settings page that only an administrator may change.

mod common;

use common::browser::{hidden_field, location};
use common::staff::*;
use common::*;
use switchboard_domain::{ConversationStatus, StaffRole};

#[tokio::test]
async fn a_label_goes_on_a_conversation_and_the_list_filters_by_it() {
    on_every_backend(|app| async move {
        let mut browser = signed_in(&app).await;
        app.customer_sms(CUSTOMER, "The invoice is wrong").await;
        let conversation = only_conversation(&app).await;
        let billing = app.store.create_label(app.workspace.workspace_id, "Billing", "#dc2626", 0).await.unwrap();
        let other = switchboard_server::admin::create_workspace(&app.store, "Other", None).await.unwrap();
        let foreign = app.store.create_label(other.workspace_id, "Theirs", "#000000", 0).await.unwrap();

        let page = browser.get(&format!("/inbox/conversations/{conversation}")).await.text().await.unwrap();
        assert!(page.contains("Add label") && !page.contains("Theirs"), "only this workspace's labels are offered");
        let csrf = hidden_field(&page, "csrf").unwrap();
        let add = format!("/inbox/conversations/{conversation}/labels");
        let billing_id = billing.label_id.to_string();
        assert_eq!(browser.post(&add, &[("csrf", "forged"), ("label_id", &billing_id)]).await.status(), 403);
        let foreign_id = foreign.label_id.to_string();
        assert_eq!(browser.post(&add, &[("csrf", &csrf), ("label_id", &foreign_id)]).await.status(), 404);
        assert_eq!(browser.post(&add, &[("csrf", &csrf), ("label_id", &billing_id)]).await.status(), 303);

        let labelled = browser.get(&format!("/inbox?label={billing_id}")).await.text().await.unwrap();
        assert!(labelled.contains(&conversation) && labelled.contains("data-colour=\"#dc2626\""), "{}", app.backend);
        let other_label = app.store.create_label(app.workspace.workspace_id, "Urgent", "#000000", 0).await.unwrap();
        let filtered = browser.get(&format!("/inbox?label={}", other_label.label_id)).await.text().await.unwrap();
        assert!(!filtered.contains(&conversation));

        let remove = format!("/inbox/conversations/{conversation}/labels/{billing_id}/remove");
        assert_eq!(browser.post(&remove, &[("csrf", &csrf)]).await.status(), 303);
        let labelled = browser.get(&format!("/inbox?label={billing_id}")).await.text().await.unwrap();
        assert!(!labelled.contains(&conversation), "{}", app.backend);
        app
    })
    .await;
}

#[tokio::test]
async fn the_list_filters_by_channel() {
    on_every_backend(|app| async move {
        let mut browser = signed_in(&app).await;
        app.customer_whatsapp(CUSTOMER, "Hola", None).await;
        let conversation = only_conversation(&app).await;
        let on_whatsapp =
            browser.get(&format!("/inbox?channel={}", app.whatsapp.channel_id)).await.text().await.unwrap();
        assert!(on_whatsapp.contains(&conversation), "{}", app.backend);
        let on_sms = browser.get(&format!("/inbox?channel={}", app.sms.channel_id)).await.text().await.unwrap();
        assert!(!on_sms.contains(&conversation), "{}", app.backend);
        app
    })
    .await;
}

#[tokio::test]
async fn a_snooze_is_read_in_the_staff_members_time_zone_and_must_lie_ahead() {
    on_every_backend(|app| async move {
        let mut browser = signed_in(&app).await;
        app.customer_sms(CUSTOMER, "Remind me next week").await;
        let conversation = only_conversation(&app).await;
        let page = browser.get(&format!("/inbox/conversations/{conversation}")).await.text().await.unwrap();
        assert!(page.contains("data-tomorrow-nine"), "the form offers tomorrow 9:00");
        let csrf = hidden_field(&page, "csrf").unwrap();
        let path = format!("/inbox/conversations/{conversation}/snooze");

        let past = [("csrf", csrf.as_str()), ("until", "2020-01-01T09:00"), ("utc_offset_minutes", "0")];
        assert_eq!(browser.post(&path, &past).await.status(), 422);
        // 09:00 in a zone one hour ahead of UTC is 08:00 UTC.
        let answer =
            browser.post(&path, &[("csrf", &csrf), ("until", "2099-06-01T09:00"), ("utc_offset_minutes", "-60")]).await;
        assert_eq!(answer.status(), 303);
        let id = conversation.parse().unwrap();
        let stored = app.store.get_conversation(app.workspace.workspace_id, id).await.unwrap().unwrap();
        assert_eq!(stored.status, ConversationStatus::Snoozed);
        let expected = switchboard_server::clock::parse_rfc3339("2099-06-01T08:00:00Z");
        assert_eq!(stored.snoozed_until, expected, "{}", app.backend);

        let snoozed = browser.get("/inbox?status=snoozed").await.text().await.unwrap();
        assert!(snoozed.contains(&conversation));
        app.customer_sms(CUSTOMER, "Actually, now please").await;
        let stored = app.store.get_conversation(app.workspace.workspace_id, id).await.unwrap().unwrap();
        assert_eq!(stored.status, ConversationStatus::Open, "the customer writing ends the snooze");
        app
    })
    .await;
}

#[tokio::test]
async fn only_an_administrator_manages_labels_and_saved_replies() {
    on_every_backend(|app| async move {
        let mut agent = signed_in(&app).await;
        assert_eq!(agent.get("/inbox/settings").await.status(), 403);
        let inbox = agent.get("/inbox").await.text().await.unwrap();
        assert!(!inbox.contains("/inbox/settings"), "an agent is not offered the settings");
        let csrf = hidden_field(&inbox, "csrf").unwrap();
        let refused = agent.post("/inbox/settings/labels", &[("csrf", &csrf), ("name", "Sneaky")]).await;
        assert_eq!(refused.status(), 403);
        assert!(app.store.list_labels(app.workspace.workspace_id).await.unwrap().is_empty(), "{}", app.backend);

        let other = switchboard_server::admin::create_workspace(&app.store, "Second", None).await.unwrap();
        staff_with_role(&app, &other, "admin@second.example", StaffRole::Admin).await;
        let mut admin = common::browser::Browser::new(&app.url);
        assert_eq!(admin.sign_in("admin@second.example", PASSWORD).await.status(), 303);
        let settings = admin.get("/inbox/settings").await;
        assert_eq!(settings.status(), 200);
        let settings = settings.text().await.unwrap();
        let csrf = hidden_field(&settings, "csrf").unwrap();

        let form = [("csrf", csrf.as_str()), ("name", "Late payer"), ("colour", "red")];
        let bad = admin.post("/inbox/settings/labels", &form).await;
        assert_eq!(bad.status(), 422);
        let page = bad.text().await.unwrap();
        assert!(page.contains("#rrggbb") && page.contains("value=\"Late payer\""), "the reason, and the draft kept");
        let form = [("csrf", csrf.as_str()), ("name", "Late payer"), ("colour", "#D97706")];
        let made = admin.post("/inbox/settings/labels", &form).await;
        assert_eq!((made.status().as_u16(), location(&made).as_deref()), (303, Some("/inbox/settings")));
        let saved = admin
            .post(
                "/inbox/settings/canned-responses",
                &[("csrf", &csrf), ("shortcut", "/pay"), ("body", "Pay at <the> desk.")],
            )
            .await;
        assert_eq!(saved.status(), 303);
        let settings = admin.get("/inbox/settings").await.text().await.unwrap();
        assert!(
            settings.contains("Late payer")
                && settings.contains("/pay")
                && settings.contains("Pay at &lt;the&gt; desk.")
        );

        let labels = app.store.list_labels(other.workspace_id).await.unwrap();
        assert_eq!(labels.iter().map(|l| l.colour.as_str()).collect::<Vec<_>>(), ["#d97706"]);
        assert!(app.store.list_labels(app.workspace.workspace_id).await.unwrap().is_empty(), "nothing leaks across");
        let delete = format!("/inbox/settings/labels/{}/delete", labels[0].label_id);
        assert_eq!(admin.post(&delete, &[("csrf", &csrf)]).await.status(), 303);
        assert!(app.store.list_labels(other.workspace_id).await.unwrap().is_empty(), "{}", app.backend);
        app
    })
    .await;
}

#[tokio::test]
async fn saved_replies_are_offered_in_the_reply_box() {
    on_every_backend(|app| async move {
        let mut browser = signed_in(&app).await;
        app.customer_sms(CUSTOMER, "When do you open?").await;
        let conversation = only_conversation(&app).await;
        app.store.create_canned_response(app.workspace.workspace_id, "hours", "We open at <9>.", 0).await.unwrap();
        let page = browser.get(&format!("/inbox/conversations/{conversation}")).await.text().await.unwrap();
        assert!(page.contains("data-shortcut=\"hours\"") && page.contains("We open at &lt;9&gt;."), "{page}");
        assert!(page.contains("type / for a saved reply"));
        app
    })
    .await;
}
