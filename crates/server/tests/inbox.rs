//! The inbox over HTTP: signing in, seeing customers' messages (escaped), answering with the
//! form's token, live updates, and one workspace never seeing another's conversations.

mod common;

use std::time::Duration;

use common::browser::{Browser, hidden_field, location, read_events_until};
use common::staff::*;
use common::*;
use switchboard_server::admin;

#[tokio::test]
async fn pages_without_a_session_send_the_browser_to_sign_in() {
    on_every_backend(|app| async move {
        let mut browser = Browser::new(&app.url);
        for path in ["/inbox", "/inbox/events", "/inbox/fragments/list"] {
            let answer = browser.get(path).await;
            assert_eq!(answer.status(), 303, "{path}");
            assert_eq!(location(&answer).as_deref(), Some("/login"));
        }
        app
    })
    .await;
}

#[tokio::test]
async fn a_customers_message_shows_in_the_inbox_escaped_with_its_channel() {
    on_every_backend(|app| async move {
        let mut browser = signed_in(&app).await;
        app.customer_sms(CUSTOMER, "Is <b>Rex</b> ready? <script>alert(1)</script>").await;

        let page = browser.get("/inbox").await;
        assert_eq!(page.status(), 200);
        let csp = page.headers().get("content-security-policy").unwrap().to_str().unwrap().to_owned();
        assert!(csp.contains("script-src 'self'"), "{csp}");
        let html = page.text().await.unwrap();
        assert!(html.contains("Is &lt;b&gt;Rex&lt;"), "{}: {html}", app.backend);
        assert!(!html.contains("<b>Rex") && !html.contains("<script>alert(1)"), "customer text never becomes markup");
        assert!(html.contains(CUSTOMER), "an unnamed contact is shown by their number");
        assert!(html.contains("channel-sms"));

        let conversation = only_conversation(&app).await;
        let timeline = browser.get(&format!("/inbox/conversations/{conversation}")).await.text().await.unwrap();
        assert!(timeline.contains("Is &lt;b&gt;Rex&lt;") && !timeline.contains("<b>Rex"));
        let found = browser.get("/inbox?q=rex").await.text().await.unwrap();
        assert!(found.contains(&conversation), "searching words of a message finds its conversation");
        let none = browser.get("/inbox?q=nobody-here").await.text().await.unwrap();
        assert!(!none.contains(&conversation));
        app
    })
    .await;
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_repeated_failures_are_slowed_down() {
    on_every_backend(|app| async move {
        staff(&app, &app.workspace, EMAIL).await;
        let mut browser = Browser::new(&app.url);
        for _ in 0..5 {
            let answer = browser.sign_in(EMAIL, "not the password").await;
            assert_eq!(answer.status(), 401);
            assert!(answer.text().await.unwrap().contains("do not match"));
        }
        let answer = browser.sign_in(EMAIL, PASSWORD).await;
        assert_eq!(answer.status(), 429, "even the right password waits once the limit is reached");
        assert!(answer.headers().get("retry-after").is_some());
        assert!(!browser.has_cookie("sb_session"));

        let unknown = Browser::new(&app.url).sign_in("nobody@clinic.example", PASSWORD).await;
        assert_eq!(unknown.status(), 401, "an unknown email gets the same answer as a wrong password");
        app
    })
    .await;
}

#[tokio::test]
async fn a_reply_needs_the_forms_token_and_then_goes_out_on_the_customers_channel() {
    on_every_backend(|app| async move {
        let mut browser = signed_in(&app).await;
        app.customer_sms(CUSTOMER, "Can I come at 10?").await;
        let conversation = only_conversation(&app).await;
        let page = browser.get(&format!("/inbox/conversations/{conversation}")).await.text().await.unwrap();
        let csrf = hidden_field(&page, "csrf").unwrap();
        let key = hidden_field(&page, "idempotency_key").unwrap();
        let path = format!("/inbox/conversations/{conversation}/reply");

        let forged = browser.post(&path, &[("csrf", "forged"), ("body", "Yes"), ("idempotency_key", &key)]).await;
        assert_eq!(forged.status(), 403);
        assert!(app.emulator.sent_messages().is_empty(), "a refused form sends nothing");

        let form = [("csrf", csrf.as_str()), ("body", "Yes, 10:00 is fine."), ("idempotency_key", key.as_str())];
        let answer = browser.post(&path, &form).await;
        assert_eq!(answer.status(), 303, "{}", app.backend);
        let again = browser.post(&path, &form).await;
        assert_eq!(again.status(), 303, "submitting the same form twice is not an error");
        let sent = app.emulator.wait_for_sent(1, Duration::from_secs(10)).await;
        assert_eq!(sent[0].body, "Yes, 10:00 is fine.");
        assert_eq!(sent[0].to, CUSTOMER);
        assert_eq!(sent[0].from, SMS_NUMBER, "the reply goes out on the channel the customer wrote from");
        app.emulator.wait_for_callback(&sent[0].sid, "delivered", Duration::from_secs(10)).await;
        let outbound: Vec<_> = app
            .store
            .list_messages(app.workspace.workspace_id, conversation.parse().unwrap(), None, 10)
            .await
            .unwrap()
            .items
            .into_iter()
            .filter(|m| m.direction == switchboard_domain::Direction::Outbound)
            .collect();
        assert_eq!(outbound.len(), 1, "the same form submitted twice sends once");
        app
    })
    .await;
}

#[tokio::test]
async fn a_whatsapp_reply_outside_the_window_is_refused_with_the_reason_in_the_page() {
    on_every_backend(|app| async move {
        let mut browser = signed_in(&app).await;
        app.customer_sms(CUSTOMER, "Hello").await;
        let conversation = only_conversation(&app).await;
        let page = browser.get(&format!("/inbox/conversations/{conversation}")).await.text().await.unwrap();
        let csrf = hidden_field(&page, "csrf").unwrap();
        let whatsapp = app.whatsapp.channel_id.to_string();
        let path = format!("/inbox/conversations/{conversation}/reply");
        let answer =
            browser.post(&path, &[("csrf", &csrf), ("body", "Hi on WhatsApp"), ("channel_id", &whatsapp)]).await;
        assert_eq!(answer.status(), 409);
        let html = answer.text().await.unwrap();
        assert!(html.contains("24 hours") && html.contains("template"), "{html}");
        assert!(html.contains("Hi on WhatsApp"), "the draft is kept");
        assert!(app.emulator.sent_messages().is_empty());
        app
    })
    .await;
}

#[tokio::test]
async fn another_workspaces_conversation_is_not_found() {
    on_every_backend(|app| async move {
        app.customer_sms(CUSTOMER, "private").await;
        let conversation = only_conversation(&app).await;
        let other = admin::create_workspace(&app.store, "Other clinic", None).await.unwrap();
        staff(&app, &other, "bo@other.example").await;
        let mut browser = Browser::new(&app.url);
        assert_eq!(browser.sign_in("bo@other.example", PASSWORD).await.status(), 303);
        assert_eq!(browser.get(&format!("/inbox/conversations/{conversation}")).await.status(), 404);
        let list = browser.get("/inbox").await.text().await.unwrap();
        assert!(!list.contains("private") && !list.contains(&conversation));
        app
    })
    .await;
}

#[tokio::test]
async fn an_open_event_stream_announces_a_new_message_of_its_workspace() {
    on_every_backend(|app| async move {
        let mut browser = signed_in(&app).await;
        let mut stream = browser.get("/inbox/events").await;
        assert_eq!(stream.status(), 200);
        assert_eq!(stream.headers().get("content-type").unwrap(), "text/event-stream");
        app.customer_sms(CUSTOMER, "Anyone there?").await;
        let received = read_events_until(&mut stream, "event: change").await.expect("a change is announced");
        assert!(received.contains("\"kind\":\"message\""), "{}: {received}", app.backend);
        app
    })
    .await;
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    on_every_backend(|app| async move {
        let mut browser = signed_in(&app).await;
        let page = browser.get("/inbox").await.text().await.unwrap();
        let csrf = hidden_field(&page, "csrf").unwrap();
        let answer = browser.post("/logout", &[("csrf", &csrf)]).await;
        assert_eq!(answer.status(), 303);
        assert_eq!(browser.get("/inbox").await.status(), 303, "the inbox asks to sign in again");
        app
    })
    .await;
}

#[tokio::test]
async fn the_reply_box_warns_before_a_whatsapp_reply_outside_the_window_and_shows_opt_outs() {
    on_every_backend(|app| async move {
        let mut browser = signed_in(&app).await;
        app.customer_sms(CUSTOMER, "STOP").await;
        let conversation = only_conversation(&app).await;
        let page = browser.get(&format!("/inbox/conversations/{conversation}")).await.text().await.unwrap();
        let whatsapp_option = format!("<option value=\"{}\"", app.whatsapp.channel_id);
        let warning = format!("data-window-warning=\"{}\"", app.whatsapp.channel_id);
        let reply_form = &page[page.find("class=\"reply\"").unwrap()..];
        assert!(reply_form.contains(&whatsapp_option), "WhatsApp is offered for a phone number");
        let shown = &reply_form[reply_form.find(&warning).expect("the WhatsApp window is closed")..];
        assert!(shown[..shown.find('>').unwrap()].contains("hidden"), "SMS is picked, so the warning waits");
        assert!(shown.contains("none is synced for this channel"), "{}", app.backend);
        assert!(page.contains("opted out of sms"), "the contact panel shows the opt-out");

        app.customer_whatsapp(CUSTOMER, "Hi on WhatsApp", None).await;
        let page = browser.get(&format!("/inbox/conversations/{conversation}")).await.text().await.unwrap();
        assert!(!page.contains(&warning), "the customer just wrote on WhatsApp");
        let reply_form = &page[page.find("class=\"reply\"").unwrap()..];
        let selected = &reply_form[reply_form.find(&whatsapp_option).unwrap()..];
        assert!(
            selected[..selected.find('>').unwrap()].contains("selected"),
            "replies go where the customer wrote last"
        );
        app
    })
    .await;
}

#[tokio::test]
async fn a_private_note_shows_in_the_timeline_and_is_never_sent() {
    on_every_backend(|app| async move {
        let mut browser = signed_in(&app).await;
        app.customer_sms(CUSTOMER, "My dog ate chocolate").await;
        let conversation = only_conversation(&app).await;
        let page = browser.get(&format!("/inbox/conversations/{conversation}")).await.text().await.unwrap();
        let csrf = hidden_field(&page, "csrf").unwrap();
        let path = format!("/inbox/conversations/{conversation}/notes");
        assert_eq!(browser.post(&path, &[("csrf", "forged"), ("body", "x")]).await.status(), 403);
        assert_eq!(browser.post(&path, &[("csrf", &csrf), ("body", "  ")]).await.status(), 422);
        let answer = browser.post(&path, &[("csrf", &csrf), ("body", "Call the <vet> back, urgent")]).await;
        assert_eq!(answer.status(), 303, "{}", app.backend);
        let page = browser.get(&format!("/inbox/conversations/{conversation}")).await.text().await.unwrap();
        assert!(page.contains("Private note") && page.contains("Call the &lt;vet&gt; back, urgent"), "{page}");
        assert!(page.contains("Ana"), "the note names its author");
        assert!(app.emulator.sent_messages().is_empty(), "a note never reaches the customer");
        app
    })
    .await;
}

#[tokio::test]
async fn a_conversation_assigned_to_me_shows_under_mine_and_only_colleagues_can_be_assigned() {
    on_every_backend(|app| async move {
        let mut browser = signed_in(&app).await;
        app.customer_sms(CUSTOMER, "Who can help me?").await;
        let conversation = only_conversation(&app).await;
        let me = app.store.find_staff_login(EMAIL).await.unwrap().unwrap().0.staff_id.to_string();
        let page = browser.get(&format!("/inbox/conversations/{conversation}")).await.text().await.unwrap();
        let csrf = hidden_field(&page, "csrf").unwrap();
        let path = format!("/inbox/conversations/{conversation}/assign");

        let mine = browser.get("/inbox?assignee=me").await.text().await.unwrap();
        assert!(!mine.contains(&conversation), "nothing is mine yet");
        assert_eq!(browser.post(&path, &[("csrf", &csrf), ("staff_id", &me)]).await.status(), 303);
        let mine = browser.get("/inbox?assignee=me").await.text().await.unwrap();
        assert!(mine.contains(&conversation), "{}", app.backend);

        let other = admin::create_workspace(&app.store, "Other clinic", None).await.unwrap();
        staff(&app, &other, "bo@other.example").await;
        let outsider = app.store.find_staff_login("bo@other.example").await.unwrap().unwrap().0.staff_id.to_string();
        assert_eq!(browser.post(&path, &[("csrf", &csrf), ("staff_id", &outsider)]).await.status(), 404);
        let conversation_id = conversation.parse().unwrap();
        let stored = app.store.get_conversation(app.workspace.workspace_id, conversation_id).await.unwrap().unwrap();
        assert_eq!(stored.assignee_staff_id.map(|s| s.to_string()), Some(me), "a refused assignment changes nothing");

        assert_eq!(browser.post(&path, &[("csrf", &csrf), ("staff_id", "")]).await.status(), 303);
        let mine = browser.get("/inbox?assignee=me").await.text().await.unwrap();
        assert!(!mine.contains(&conversation), "unassigned again");
        app
    })
    .await;
}

#[tokio::test]
async fn an_open_page_does_not_hold_up_a_graceful_shutdown() {
    let app = TestApp::spawn(switchboard_store::testing::TestDatabase::sqlite()).await;
    let mut browser = signed_in(&app).await;
    let mut stream = browser.get("/inbox/events").await;
    assert_eq!(stream.status(), 200);
    let stopped = tokio::time::timeout(Duration::from_secs(30), app.stop()).await;
    assert!(stopped.is_ok(), "the server stops while a page listens for changes");
    assert!(read_events_until(&mut stream, "never sent").await.is_err(), "the stream has ended");
}
