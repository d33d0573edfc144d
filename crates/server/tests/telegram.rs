//! Telegram end to end against the emulator's Bot API on both databases: connecting a bot sets
//! its webhook with a secret token; a customer's text, photo, edit, pressed button and `/start`
//! deep link arrive through signed updates and a retried update stores nothing twice; the staff's
//! replies go out as escaped HTML, split past 4,096 characters, with buttons, one message a
//! second per chat and after the wait a 429 asks; a customer who blocks the bot becomes
//! unreachable. A wrong secret token is refused and stores nothing.

mod common;

use std::time::Duration;

use common::telegram::{BOT_TOKEN, BOT_USERNAME, TelegramChannel, add_telegram};
use common::{TestApp, expect_problem, on_every_backend};
use serde_json::{Value, json};
use switchboard_emulator::telegram::{Customer, CustomerAction};

const WAIT: Duration = Duration::from_secs(15);

fn ann() -> Customer {
    Customer { last_name: Some("Lee".into()), ..Customer::new(424242, "Ann") }
}

/// Sends through the API on the Telegram channel; returns the queued message.
async fn reply(app: &TestApp, bot: &TelegramChannel, body: Value) -> Value {
    let mut request = json!({ "channel_id": bot.channel_id(), "to": ann().user_id.to_string() });
    request.as_object_mut().unwrap().extend(body.as_object().unwrap().clone());
    let response = app.post("/api/v1/messages", &request).send().await.unwrap();
    assert_eq!(response.status(), 202, "{}", response.text().await.unwrap());
    response.json().await.unwrap()
}

async fn contact_of_ann(app: &TestApp) -> String {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let contacts = app.get_json("/api/v1/contacts").await;
        let found = contacts["data"].as_array().unwrap().iter().find(|c| {
            c["identities"].as_array().unwrap().iter().any(|i| i["kind"] == "telegram" && i["value"] == "424242")
        });
        if let Some(contact) = found {
            return contact["id"].as_str().unwrap().to_owned();
        }
        assert!(tokio::time::Instant::now() < deadline, "Ann never became a contact: {contacts:#}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_customer_writes_to_the_bot_and_the_reply_comes_back_as_safe_html() {
    on_every_backend(|app| async move {
        let bot = add_telegram(&app).await;
        let webhook = bot.telegram.webhook(BOT_TOKEN).expect("connecting the bot set its webhook");
        assert_eq!(webhook.url, format!("{}/webhooks/telegram/{}", app.url, bot.channel_id()));
        assert!(webhook.secret_token.as_deref().is_some_and(|s| s.len() >= 32), "a long random secret");
        assert_eq!(bot.channel.address, BOT_USERNAME);
        assert_eq!(bot.channel.name, format!("Riverside Vet (@{BOT_USERNAME})"));

        let first = bot.customer(&ann(), CustomerAction::Text("Is the clinic open on Saturday?".into())).await;
        // Telegram retries an update it thinks was not taken: the same bytes again.
        let again = bot.telegram.redeliver(BOT_TOKEN, first.update_id).await.unwrap();
        assert_eq!(again.status, 200, "{}", again.body);
        let contact_id = contact_of_ann(&app).await;
        let messages = app.conversation_messages(&format!("contact_id={contact_id}"), 1).await;
        assert_eq!(messages.len(), 1, "the retry stored nothing: {messages:?}");
        assert_eq!(messages[0]["body"], "Is the clinic open on Saturday?");
        assert_eq!(messages[0]["from"], "424242");
        let contact = app.get_json(&format!("/api/v1/contacts/{contact_id}")).await;
        assert_eq!(contact["display_name"], "Ann Lee");

        let queued = reply(&app, &bot, json!({ "body": "Yes, **9 to 1** <and> we're 5 min from you & Rex" })).await;
        let sent = bot.telegram.wait_for_sent(BOT_TOKEN, 1, WAIT).await.unwrap();
        assert_eq!(sent[0].chat_id, 424242);
        assert_eq!(sent[0].parse_mode.as_deref(), Some("HTML"));
        assert_eq!(sent[0].text.as_deref(), Some("Yes, 9 to 1 <and> we're 5 min from you & Rex"));
        assert_eq!(
            sent[0].html.as_deref(),
            Some("Yes, <b>9 to 1</b> &lt;and&gt; we're 5 min from you &amp; Rex"),
            "the staff's text is escaped; only our own bold marker becomes markup"
        );
        let message = app.wait_for_status(queued["id"].as_str().unwrap(), "sent").await;
        assert_eq!(message["provider_message_id"], format!("424242:{}", sent[0].message_id));
        app
    })
    .await;
}

#[tokio::test]
async fn photos_edits_buttons_and_replies_arrive_as_they_were_meant() {
    on_every_backend(|app| async move {
        let bot = add_telegram(&app).await;
        let photo = b"\xff\xd8\xff\xe0 a photo of Rex's paw".to_vec();
        bot.customer(&ann(), CustomerAction::Photo { bytes: photo.clone(), caption: Some("His paw".into()) }).await;
        let contact_id = contact_of_ann(&app).await;

        // The file is fetched with getFile and kept.
        let deadline = tokio::time::Instant::now() + WAIT;
        let url = loop {
            let messages = app.conversation_messages(&format!("contact_id={contact_id}"), 1).await;
            if let Some(url) = messages[0]["attachments"][0]["url"].as_str().filter(|u| !u.is_empty()) {
                assert_eq!(messages[0]["body"], "His paw");
                break url.to_owned();
            }
            assert!(tokio::time::Instant::now() < deadline, "the photo was never fetched: {messages:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        let media_id = url.strip_prefix("/inbox/media/").expect("kept by the inbox");
        let served = app.get(&format!("/api/v1/media/{media_id}")).send().await.unwrap();
        assert_eq!(served.headers()["content-type"], "image/jpeg");
        assert_eq!(served.bytes().await.unwrap().as_ref(), photo.as_slice());

        // An edit replaces the text and keeps the old one.
        let typo = bot.customer(&ann(), CustomerAction::Text("Can we come at 10?".into())).await;
        let edit = CustomerAction::Edit { message_id: typo.message_id.unwrap(), new_text: "Can we come at 11?".into() };
        let edited = bot.customer(&ann(), edit).await;
        bot.telegram.redeliver(BOT_TOKEN, edited.update_id).await.unwrap();
        let messages = app.conversation_messages(&format!("contact_id={contact_id}"), 2).await;
        assert_eq!(messages.len(), 2, "an edit is not a new message");
        let question = app.message(messages[1]["id"].as_str().unwrap()).await;
        assert_eq!(question["body"], "Can we come at 11?");
        assert!(question["edited_at"].is_string(), "{question:#}");
        let versions: Vec<&str> =
            question["previous_versions"].as_array().unwrap().iter().map(|v| v["body"].as_str().unwrap()).collect();
        assert_eq!(versions, ["Can we come at 10?"], "the retried edit was kept once");

        // Buttons go as an inline keyboard; the customer's press comes back as their choice.
        let buttons = json!({ "kind": "buttons", "buttons": [
            { "id": "slot-11", "title": "11:00 works" }, { "id": "slot-14", "title": "Rather 14:00" },
        ]});
        reply(&app, &bot, json!({ "body": "We have 11:00 or 14:00.", "content": buttons })).await;
        let sent = bot.telegram.wait_for_sent(BOT_TOKEN, 1, WAIT).await.unwrap();
        assert_eq!(sent[0].reply_markup.as_ref().unwrap()["inline_keyboard"][1][0]["callback_data"], "slot-14");
        let press = CustomerAction::PressButton { message_id: sent[0].message_id, callback_data: "slot-14".into() };
        bot.customer(&ann(), press).await;
        let answered = bot.telegram.wait_for_answered_callback(BOT_TOKEN, WAIT).await.unwrap();
        assert!(!answered.callback_query_id.is_empty());
        let messages = app.conversation_messages(&format!("contact_id={contact_id}"), 4).await;
        let choice = &messages[3];
        assert_eq!(choice["body"], "Rather 14:00");
        assert_eq!(choice["content"], json!({ "kind": "choice", "id": "slot-14", "title": "Rather 14:00" }));
        assert_eq!(choice["reply_to"], format!("424242:{}", sent[0].message_id));

        // A reply to our message names it; our reply to theirs quotes it.
        let answer =
            CustomerAction::TextReplyingTo { text: "See you then".into(), reply_to_message_id: sent[0].message_id };
        let theirs = bot.customer(&ann(), answer).await;
        let messages = app.conversation_messages(&format!("contact_id={contact_id}"), 5).await;
        assert_eq!(messages[4]["reply_to"], format!("424242:{}", sent[0].message_id));
        let quoting =
            reply(&app, &bot, json!({ "body": "Booked!", "reply_to": messages[4]["provider_message_id"] })).await;
        app.wait_for_status(quoting["id"].as_str().unwrap(), "sent").await;
        let sent = bot.telegram.wait_for_sent(BOT_TOKEN, 2, WAIT).await.unwrap();
        assert_eq!(sent[1].reply_to_message_id, theirs.message_id);
        app
    })
    .await;
}

#[tokio::test]
async fn a_deep_link_from_an_email_makes_the_customer_the_same_contact() {
    on_every_backend(|app| async move {
        let bot = add_telegram(&app).await;
        let created = app
            .post("/api/v1/contacts", &json!({ "display_name": "Ann Lee", "identities": [{ "kind": "email", "value": "ann@customer.test" }] }))
            .send()
            .await
            .unwrap();
        let contact: Value = created.json().await.unwrap();
        let contact_id = contact["id"].as_str().unwrap();
        let link = app
            .get_json(&format!("/api/v1/contacts/{contact_id}/telegram-link?channel_id={}", bot.channel_id()))
            .await;
        let url = link["url"].as_str().unwrap();
        let reference = url.strip_prefix(&format!("https://t.me/{BOT_USERNAME}?start=")).expect("a t.me deep link");
        assert!(reference.len() <= 64, "Telegram carries at most 64 characters: {reference}");

        // A forged reference (another contact's id, our MAC) names nobody: a new contact.
        let stranger = Customer::new(515151, "Mallory");
        let mut forged = reference.to_owned().into_bytes();
        forged[3] = if forged[3] == b'A' { b'B' } else { b'A' };
        bot.customer(&stranger, CustomerAction::Start(Some(String::from_utf8(forged).unwrap()))).await;

        bot.customer(&ann(), CustomerAction::Start(Some(reference.to_owned()))).await;
        let messages = app.conversation_messages(&format!("contact_id={contact_id}"), 1).await;
        assert_eq!(messages[0]["body"], format!("/start {reference}"));
        let joined = app.get_json(&format!("/api/v1/contacts/{contact_id}")).await;
        let kinds: Vec<&str> =
            joined["identities"].as_array().unwrap().iter().map(|i| i["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["email", "telegram"], "{joined:#}");
        let contacts = app.get_json("/api/v1/contacts").await;
        assert_eq!(contacts["data"].as_array().unwrap().len(), 2, "Ann stayed one contact; Mallory is another");

        let not_telegram =
            app.get(&format!("/api/v1/contacts/{contact_id}/telegram-link?channel_id={}", app.sms.channel_id));
        expect_problem(not_telegram.send().await.unwrap(), 422, "not-a-telegram-channel").await;
        app
    })
    .await;
}

#[tokio::test]
async fn a_customer_who_blocks_the_bot_cannot_be_messaged_until_they_unblock_it() {
    on_every_backend(|app| async move {
        let bot = add_telegram(&app).await;
        bot.customer(&ann(), CustomerAction::Text("Hello".into())).await;
        let contact_id = contact_of_ann(&app).await;
        bot.customer(&ann(), CustomerAction::Block).await;
        let refused = app
            .post(
                "/api/v1/messages",
                &json!({ "channel_id": bot.channel_id(), "contact_id": contact_id, "body": "Hi" }),
            )
            .send()
            .await
            .unwrap();
        let detail = expect_problem(refused, 409, "opted-out").await;
        assert!(detail.contains("blocked the bot"), "{detail}");

        // Blocked without our hearing of it: Telegram's 403 fails the send for good and records it.
        bot.customer(&ann(), CustomerAction::Unblock).await;
        bot.customer(&ann(), CustomerAction::Block).await;
        let identity =
            switchboard_domain::Identity::parse(switchboard_domain::IdentityKind::Telegram, "424242").unwrap();
        let found = app.store.find_contact_by_identity(app.workspace.workspace_id, &identity).await.unwrap().unwrap();
        let identity_id = found.identities.iter().find(|i| i.kind == identity.kind).unwrap().identity_id;
        app.store
            .set_opted_out(identity_id, switchboard_domain::ChannelKind::Telegram, false, "test", 0)
            .await
            .unwrap();
        let queued = reply(&app, &bot, json!({ "body": "Your results are in" })).await;
        let failed = app.wait_for_status(queued["id"].as_str().unwrap(), "failed").await;
        assert_eq!(failed["error_code"], "403");
        assert!(failed["error_reason"].as_str().unwrap().contains("blocked"), "{failed:#}");
        let again = json!({ "channel_id": bot.channel_id(), "contact_id": contact_id, "body": "Again?" });
        expect_problem(app.post("/api/v1/messages", &again).send().await.unwrap(), 409, "opted-out").await;

        bot.customer(&ann(), CustomerAction::Unblock).await;
        let queued = reply(&app, &bot, json!({ "body": "Welcome back" })).await;
        app.wait_for_status(queued["id"].as_str().unwrap(), "sent").await;
        app
    })
    .await;
}

#[tokio::test]
async fn long_replies_split_and_sends_keep_telegrams_limits() {
    on_every_backend(|app| async move {
        let bot = add_telegram(&app).await;
        bot.customer(&ann(), CustomerAction::Text("Send me the aftercare notes".into())).await;
        let notes = "Keep the bandage dry and check the paw twice a day. ".repeat(100);
        let long = reply(&app, &bot, json!({ "body": notes })).await;
        app.wait_for_status(long["id"].as_str().unwrap(), "sent").await;
        let sent = bot.telegram.wait_for_sent(BOT_TOKEN, 2, WAIT).await.unwrap();
        let texts: Vec<&str> = sent.iter().map(|m| m.text.as_deref().unwrap()).collect();
        assert_eq!(texts.len(), 2, "{texts:?}");
        assert!(texts.iter().all(|t| t.encode_utf16().count() <= 4096), "{texts:?}");
        // Joined with the space they were split at, the two parts are the notes: no word was cut.
        assert_eq!(format!("{} {}", texts[0], texts[1]), notes.trim_end());

        // Two replies at once reach the chat a second apart.
        let first = reply(&app, &bot, json!({ "body": "Call us if it swells" })).await;
        let second = reply(&app, &bot, json!({ "body": "Get well soon, Rex" })).await;
        app.wait_for_status(first["id"].as_str().unwrap(), "sent").await;
        app.wait_for_status(second["id"].as_str().unwrap(), "sent").await;
        let sent = bot.telegram.wait_for_sent(BOT_TOKEN, 4, WAIT).await.unwrap();
        assert!(sent[3].sent_at_ms - sent[2].sent_at_ms >= 950, "{} then {}", sent[2].sent_at_ms, sent[3].sent_at_ms);

        // Telegram asks us to wait more often than we would retry a failure: a rate limit is no failure.
        bot.telegram.throttle(BOT_TOKEN, 1, 5);
        let patient = reply(&app, &bot, json!({ "body": "And one more thing" })).await;
        let message = app.wait_for_status(patient["id"].as_str().unwrap(), "sent").await;
        assert_eq!(message["error_code"], Value::Null);
        let sent = bot.telegram.wait_for_sent(BOT_TOKEN, 5, WAIT).await.unwrap();
        assert_eq!(sent[4].text.as_deref(), Some("And one more thing"));
        app
    })
    .await;
}

#[tokio::test]
async fn a_wrong_secret_token_is_refused_and_an_unknown_update_is_kept_not_refused() {
    on_every_backend(|app| async move {
        let bot = add_telegram(&app).await;
        let url = format!("{}/webhooks/telegram/{}", app.url, bot.channel_id());
        let update = json!({ "update_id": 9, "message": {
            "message_id": 1, "date": 1764500000, "text": "hi",
            "from": { "id": 77, "is_bot": false, "first_name": "Eve" },
            "chat": { "id": 77, "type": "private", "first_name": "Eve" },
        }});
        for secret in [None, Some("not-the-secret")] {
            let mut request = app.client.post(&url).json(&update);
            if let Some(secret) = secret {
                request = request.header("X-Telegram-Bot-Api-Secret-Token", secret);
            }
            let detail = expect_problem(request.send().await.unwrap(), 401, "invalid-secret-token").await;
            assert!(detail.contains("X-Telegram-Bot-Api-Secret-Token"), "{detail}");
        }
        let events = app.get_json("/api/v1/webhook-events").await;
        assert_eq!(events["data"].as_array().unwrap().len(), 0, "nothing stored: {events:#}");

        let poll = json!({ "poll": { "id": "5", "question": "Best day?", "options": [], "total_voter_count": 0,
            "is_closed": false, "is_anonymous": true, "type": "regular", "allows_multiple_answers": false } });
        let delivered = bot.telegram.send_raw_update(BOT_TOKEN, poll).await.unwrap();
        assert_eq!(delivered.status, 200, "never an error to Telegram: {}", delivered.body);
        let events = app.get_json("/api/v1/webhook-events").await;
        assert_eq!(events["data"][0]["outcome"], "unsupported", "{events:#}");
        let conversations = app.get_json("/api/v1/conversations").await;
        assert_eq!(conversations["data"].as_array().unwrap().len(), 0);
        app
    })
    .await;
}
