//! The website chat widget's API on both databases, as the widget's frame uses it: a visitor
//! opens a session on an allowed site, fills in the pre-chat form, writes with a picture, and
//! reads the business's reply, which goes delivered and read; staff reading the chat shows the
//! visitor "seen". Every visitor sees only their own chat; a disallowed site, a forged or
//! expired token, a foreign page's request, an oversized or disguised file and a flood are each
//! refused with a clear status and change nothing.

mod common;

use std::time::Duration;

use base64::Engine;
use common::webchat::{SITE, Visitor, add_webchat, email_required, session};
use common::{TestApp, expect_problem, on_every_backend};
use serde_json::{Value, json};
use switchboard_server::secrets::SecretBox;
use switchboard_server::webchat::settings::Prechat;
use switchboard_server::webchat::visitor_token;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR a tiny picture of a cat";

async fn conversation_id_of(app: &TestApp, contact_id: &str) -> String {
    let list = app.get_json(&format!("/api/v1/conversations?contact_id={contact_id}")).await;
    list["data"][0]["id"].as_str().expect("the visitor has a conversation").to_owned()
}

#[tokio::test]
async fn a_visitor_chats_with_a_picture_and_both_sides_see_what_the_other_read() {
    on_every_backend(|app| async move {
        let channel = add_webchat(&app, &[SITE], email_required()).await;
        let visitor = Visitor::arrive(&app, &channel).await;

        let missing = visitor.identify(json!({ "name": "Ann Lee" })).await;
        let detail = expect_problem(missing, 422, "prechat-incomplete").await;
        assert!(detail.contains("email"), "{detail}");
        let invalid = visitor.identify(json!({ "name": "Ann Lee", "email": "ann at example" })).await;
        expect_problem(invalid, 422, "invalid-email").await;
        let known = visitor.identify(json!({ "name": "Ann Lee", "email": "Ann@Example.com" })).await;
        assert_eq!(known.status(), 200);
        let known: Value = known.json().await.unwrap();
        assert_eq!((known["identified"].as_bool(), known["name"].as_str()), (Some(true), Some("Ann Lee")));

        let image = json!({ "filename": "cat.png", "content_type": "image/png",
            "data": base64::engine::general_purpose::STANDARD.encode(PNG) });
        let sent = visitor
            .post("/widget/api/messages", &json!({ "text": "Is <b>Rex</b> ready?", "image": image }))
            .send()
            .await
            .unwrap();
        assert_eq!(sent.status(), 201);

        // Staff see a known contact with the email, and the message with its picture.
        let contacts = app.get_json("/api/v1/contacts").await;
        let contact = &contacts["data"][0];
        assert_eq!(contact["display_name"], "Ann Lee");
        let kinds: Vec<&str> =
            contact["identities"].as_array().unwrap().iter().map(|i| i["kind"].as_str().unwrap()).collect();
        assert!(kinds.contains(&"email") && kinds.contains(&"webchat"), "{kinds:?}");
        let conversation = conversation_id_of(&app, contact["id"].as_str().unwrap()).await;
        let page = app.get_json(&format!("/api/v1/conversations/{conversation}/messages")).await;
        assert_eq!(page["data"][0]["body"], "Is <b>Rex</b> ready?", "kept as written, shown escaped");
        assert_eq!(page["data"][0]["attachments"][0]["content_type"], "image/png");

        // The visitor's own picture is served to them, and to nobody else.
        let mine = visitor.messages().await;
        let picture_url = mine[0]["attachments"][0]["url"].as_str().unwrap().to_owned();
        let picture = app.client.get(format!("{}{picture_url}", app.url)).send().await.unwrap();
        assert_eq!(picture.status(), 200);
        assert_eq!(picture.bytes().await.unwrap().as_ref(), PNG);
        let stranger = Visitor::arrive(&app, &channel).await;
        assert!(stranger.messages().await.is_empty(), "a visitor sees only their own chat");
        let media_id = picture_url.split('/').nth(4).unwrap().split('?').next().unwrap();
        let stolen = stranger.get(&format!("/widget/api/media/{media_id}")).send().await.unwrap();
        expect_problem(stolen, 404, "not-found").await;

        // The reply reaches the visitor: delivered when fetched, read when seen.
        let reply = app
            .post(
                "/api/v1/messages",
                &json!({ "channel_id": channel.channel_id, "contact_id": contact["id"], "body": "Yes, come by at 5" }),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 202);
        let reply: Value = reply.json().await.unwrap();
        let reply_id = reply["id"].as_str().unwrap();
        app.wait_for_status(reply_id, "sent").await;
        let chat = visitor.messages().await;
        assert_eq!(chat.last().unwrap()["text"], "Yes, come by at 5");
        assert_eq!(chat.last().unwrap()["direction"], "outbound");
        app.wait_for_status(reply_id, "delivered").await;
        let read = visitor.post("/widget/api/read", &json!({})).send().await.unwrap();
        assert_eq!(read.status(), 204);
        app.wait_for_status(reply_id, "read").await;

        // Staff open the conversation: the visitor's message shows seen.
        assert_eq!(visitor.messages().await[0]["seen"], false);
        let workspace_id = app.workspace.workspace_id;
        app.store.mark_read(workspace_id, conversation.parse().unwrap(), 1).await.unwrap();
        assert_eq!(visitor.messages().await[0]["seen"], true);
        app
    })
    .await;
}

#[tokio::test]
async fn the_session_survives_a_reload_and_live_changes_reach_the_widget() {
    on_every_backend(|app| async move {
        let channel = add_webchat(&app, &[SITE], Prechat::default()).await;
        let visitor = Visitor::arrive(&app, &channel).await;
        assert_eq!(visitor.write("Hello?").await.status(), 201);

        // A reload: the stored token gives the same visitor and their chat back.
        let again = session(&app, &channel.address, SITE, Some(&visitor.token)).await;
        let again: Value = again.json().await.unwrap();
        let reloaded = Visitor { app: &app, key: visitor.key.clone(), token: again["token"].as_str().unwrap().into() };
        assert_eq!(reloaded.messages().await[0]["text"], "Hello?");

        let mut events =
            app.client.get(format!("{}/widget/api/events?token={}", app.url, reloaded.token)).send().await.unwrap();
        assert_eq!(events.status(), 200);
        let contact = &app.get_json("/api/v1/contacts").await["data"][0];
        app.post(
            "/api/v1/messages",
            &json!({ "channel_id": channel.channel_id, "contact_id": contact["id"], "body": "Hi there" }),
        )
        .send()
        .await
        .unwrap();
        let changed = tokio::time::timeout(Duration::from_secs(10), async {
            let mut seen = String::new();
            while let Some(chunk) = events.chunk().await.unwrap() {
                seen.push_str(&String::from_utf8_lossy(&chunk));
                if seen.contains("event: changed") {
                    return seen;
                }
            }
            seen
        })
        .await
        .expect("the widget hears of the reply");
        assert!(changed.contains("event: changed"), "{changed}");
        assert!(!changed.contains("Hi there"), "the stream carries no content");
        app
    })
    .await;
}

#[tokio::test]
async fn bad_widget_requests_are_refused_and_change_nothing() {
    on_every_backend(|app| async move {
        let channel = add_webchat(&app, &[SITE], Prechat::default()).await;

        let elsewhere = session(&app, &channel.address, "https://copycat.test", None).await;
        let detail = expect_problem(elsewhere, 403, "origin-not-allowed").await;
        assert!(detail.contains("copycat.test"), "{detail}");
        expect_problem(session(&app, "wc_nosuchkey", SITE, None).await, 404, "not-found").await;
        let frame = app.client.get(format!("{}/widget/frame/{}?origin=https://copycat.test", app.url, channel.address));
        assert_eq!(frame.send().await.unwrap().status(), 403);
        let frame =
            app.client.get(format!("{}/widget/frame/{}?origin={SITE}", app.url, channel.address)).send().await.unwrap();
        assert_eq!(frame.status(), 200);
        let policy = frame.headers()["content-security-policy"].to_str().unwrap().to_owned();
        assert!(
            policy.contains(&format!("frame-ancestors {SITE}")) && policy.contains("script-src 'self'"),
            "{policy}"
        );

        let visitor = Visitor::arrive(&app, &channel).await;
        let forged = Visitor { app: &app, key: visitor.key.clone(), token: format!("{}x", visitor.token) };
        expect_problem(forged.write("hi").await, 401, "invalid-visitor-token").await;
        let secrets = SecretBox::load(&common::test_config(app.database_url()).secret_key).unwrap();
        let old = visitor_token::Visitor {
            channel_id: channel.channel_id,
            visitor_id: uuid::Uuid::now_v7(),
            issued_at: switchboard_server::clock::now_ms() - visitor_token::LIFETIME_MS - 1,
        };
        let expired = Visitor { app: &app, key: visitor.key.clone(), token: visitor_token::issue(&secrets, &old) };
        expect_problem(expired.write("hi").await, 401, "visitor-token-expired").await;

        let from_another_page = app
            .client
            .post(format!("{}/widget/api/messages", app.url))
            .header("Origin", "https://attacker.test")
            .bearer_auth(&visitor.token)
            .json(&json!({ "text": "hi" }))
            .send()
            .await
            .unwrap();
        expect_problem(from_another_page, 403, "origin-not-allowed").await;

        let huge = visitor.write(&"a".repeat(4_001)).await;
        expect_problem(huge, 413, "too-large").await;
        let disguised = json!({ "filename": "x.png", "content_type": "image/png",
            "data": base64::engine::general_purpose::STANDARD.encode("<svg onload=alert(1)>") });
        let disguised =
            visitor.post("/widget/api/messages", &json!({ "text": "", "image": disguised })).send().await.unwrap();
        expect_problem(disguised, 422, "unsupported-file").await;
        expect_problem(visitor.write("   ").await, 422, "empty-message").await;
        let conversations = app.get_json("/api/v1/conversations").await;
        assert_eq!(conversations["data"].as_array().unwrap().len(), 0, "nothing was stored");

        for _ in 0..switchboard_server::webchat::limits::VISITOR_MESSAGES_PER_MINUTE {
            assert_eq!(visitor.write("again").await.status(), 201);
        }
        let flooded = visitor.write("and again").await;
        assert!(flooded.headers().contains_key("retry-after"));
        expect_problem(flooded, 429, "rate-limited").await;
        app
    })
    .await;
}

#[tokio::test]
async fn a_visitor_who_proves_their_email_sees_their_chat_on_another_device() {
    on_every_backend(|app| async move {
        let channel = add_webchat(&app, &[SITE], email_required()).await;
        let laptop = Visitor::arrive(&app, &channel).await;
        let phone = Visitor::arrive(&app, &channel).await;
        let no_mail =
            phone.post("/widget/api/verify/start", &json!({ "email": "ann@example.com" })).send().await.unwrap();
        let detail = expect_problem(no_mail, 409, "no-email-channel").await;
        assert!(detail.contains("email channel"), "{detail}");

        let mail = common::sendgrid::add_sendgrid(&app).await;
        assert_eq!(laptop.identify(json!({ "name": "Ann", "email": "ann@example.com" })).await.status(), 200);
        assert_eq!(laptop.write("Written on my laptop").await.status(), 201);

        // On the phone, the same address given on the form is not enough to see the laptop's chat.
        assert_eq!(phone.identify(json!({ "email": "ann@example.com" })).await.status(), 200);
        assert!(phone.messages().await.is_empty(), "an address typed in proves nothing");

        let started =
            phone.post("/widget/api/verify/start", &json!({ "email": "ann@example.com" })).send().await.unwrap();
        assert_eq!(started.status(), 202);
        let sent = mail.sendgrid.wait_for_sent(1, Duration::from_secs(10)).await;
        assert_eq!(sent[0].to, ["ann@example.com"]);
        let text = sent[0].text.clone().unwrap();
        let code: String = text.split(": ").nth(1).unwrap().chars().take(6).collect();
        assert!(code.chars().all(|c| c.is_ascii_digit()), "{text}");

        let wrong = if code == "000000" { "111111" } else { "000000" };
        let refused = phone
            .post("/widget/api/verify/finish", &json!({ "email": "ann@example.com", "code": wrong }))
            .send()
            .await
            .unwrap();
        expect_problem(refused, 422, "wrong-code").await;
        let someone_else = Visitor::arrive(&app, &channel).await;
        let stolen = someone_else
            .post("/widget/api/verify/finish", &json!({ "email": "ann@example.com", "code": code }))
            .send()
            .await
            .unwrap();
        expect_problem(stolen, 422, "wrong-code").await;

        let proved = phone
            .post("/widget/api/verify/finish", &json!({ "email": "ann@example.com", "code": code }))
            .send()
            .await
            .unwrap();
        assert_eq!(proved.status(), 200);
        let texts: Vec<String> =
            phone.messages().await.iter().map(|m| m["text"].as_str().unwrap().to_owned()).collect();
        assert_eq!(texts, ["Written on my laptop"], "the laptop's chat follows Ann to her phone");
        assert_eq!(phone.write("And now from my phone").await.status(), 201);
        let on_laptop: Vec<String> =
            laptop.messages().await.iter().map(|m| m["text"].as_str().unwrap().to_owned()).collect();
        assert_eq!(on_laptop, ["Written on my laptop", "And now from my phone"]);
        assert!(someone_else.messages().await.is_empty());
        app
    })
    .await;
}
