//! The Telegram Bot API emulator answers as `api.telegram.org` does (the `{"ok":…}` envelope,
//! Telegram's error texts and statuses) and plays the customers: their updates reach our
//! webhook with the secret header and Telegram's field names, files they send can be fetched
//! with `getFile`, and blocking, flood control and `allowed_updates` behave as on Telegram.

mod common;
mod telegram_common;

use std::time::Duration;

use common::{PATIENCE, Receiver, client};
use serde_json::{Value, json};
use switchboard_emulator::EmulatorError;
use switchboard_emulator::telegram::{CustomerAction, TelegramEmulator};
use telegram_common::*;

/// A PNG header declaring 1000×750 pixels, and some bytes after it.
fn png() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    bytes.extend_from_slice(&1000u32.to_be_bytes());
    bytes.extend_from_slice(&750u32.to_be_bytes());
    bytes.extend_from_slice(b"\x08\x02\x00\x00\x00 rest of the image \x00\xff");
    bytes
}

/// Fetches a file the way a bot does: `getFile`, then the download URL.
async fn download(telegram: &TelegramEmulator, file_id: &str) -> (Value, String, Vec<u8>) {
    let (status, file) = call(telegram, "getFile", json!({"file_id": file_id})).await;
    assert_eq!(status, 200, "{file}");
    let path = file["result"]["file_path"].as_str().unwrap().to_owned();
    let response = client().get(format!("{}/file/bot{TOKEN}/{path}", telegram.api_base_url())).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    (file["result"].clone(), content_type, response.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn get_me_answers_the_bot_and_bad_tokens_and_methods_get_telegrams_errors() {
    let (_emulator, telegram) = telegram_emulator().await;
    let (status, me) = get(&method_url(&telegram, "getMe")).await;
    assert_eq!(status, 200);
    assert_eq!(me["ok"], true);
    let result = &me["result"];
    assert_eq!(result["id"], BOT_ID);
    assert_eq!(result["is_bot"], true);
    assert_eq!(result["first_name"], "Clinic");
    assert_eq!(result["username"], USERNAME);
    for field in ["can_join_groups", "can_read_all_group_messages", "supports_inline_queries"] {
        assert!(result[field].is_boolean(), "{field} in {result}");
    }
    // Method names are case-insensitive, as on Telegram.
    assert_eq!(call(&telegram, "getme", json!({})).await.1["result"]["id"], BOT_ID);

    let unknown = format!("{}/bot987654321:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/getMe", telegram.api_base_url());
    assert_eq!(get(&unknown).await, (401, json!({"ok": false, "error_code": 401, "description": "Unauthorized"})));
    assert_eq!(
        call(&telegram, "sendTelepathy", json!({})).await,
        (404, json!({"ok": false, "error_code": 404, "description": "Not Found"}))
    );
}

#[tokio::test]
async fn set_webhook_checks_the_secret_and_reports_the_webhook() {
    let (_emulator, telegram) = telegram_emulator().await;
    let mut receiver = Receiver::start(200, "text/plain", "").await;
    let url = receiver.url("/webhooks/telegram/1");
    let (status, body) = call(&telegram, "setWebhook", json!({"url": url, "secret_token": "not:allowed!"})).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"ok": false, "error_code": 400, "description": "Bad Request: secret token contains unallowed characters"})
    );
    assert_eq!(telegram.webhook(TOKEN), None);

    // Form-encoded, with allowed_updates as a JSON-serialised array, as most clients send it.
    let form =
        [("url", url.as_str()), ("secret_token", SECRET), ("allowed_updates", r#"["message","callback_query"]"#)];
    let (status, body) = call_form(&telegram, "setWebhook", &form).await;
    assert_eq!((status, body), (200, json!({"ok": true, "result": true, "description": "Webhook was set"})));
    let webhook = telegram.webhook(TOKEN).unwrap();
    assert_eq!(webhook.url, url);
    assert_eq!(webhook.secret_token.as_deref(), Some(SECRET));
    assert_eq!(webhook.allowed_updates, ["message", "callback_query"]);

    let (_, info) = call(&telegram, "getWebhookInfo", json!({})).await;
    let info = &info["result"];
    assert_eq!(info["url"], url.as_str());
    assert_eq!(info["has_custom_certificate"], false);
    assert_eq!(info["pending_update_count"], 0);
    assert_eq!(info["allowed_updates"], json!(["message", "callback_query"]));
    assert!(info.get("last_error_date").is_none());

    let delivery = telegram.send_update(TOKEN, &ann(), CustomerAction::Text("hello".into())).await.unwrap();
    let request = receiver.next().await;
    assert_eq!(request.uri, "/webhooks/telegram/1");
    assert_eq!(request.header("x-telegram-bot-api-secret-token").as_deref(), Some(SECRET));
    assert_eq!(request.header("content-type").as_deref(), Some("application/json"));
    assert_eq!(request.update()["update_id"], delivery.update_id);

    let (status, body) = call(&telegram, "deleteWebhook", json!({})).await;
    assert_eq!((status, body["description"].clone()), (200, json!("Webhook was deleted")));
    assert_eq!(telegram.webhook(TOKEN), None);
}

#[tokio::test]
async fn a_deep_link_start_arrives_with_the_secret_and_telegrams_field_names() {
    let (mut receiver, _emulator, telegram) = with_webhook().await;
    let delivery = telegram.send_update(TOKEN, &ann(), CustomerAction::Start(Some("ref_123".into()))).await.unwrap();
    assert_eq!(delivery.status, 200);
    let request = receiver.next().await;
    assert_eq!(request.header("x-telegram-bot-api-secret-token").as_deref(), Some(SECRET));
    let update = request.update();
    assert_eq!(update, delivery.update);
    assert_eq!(update["update_id"], delivery.update_id);
    let message = &update["message"];
    assert_eq!(message["message_id"], delivery.message_id.unwrap());
    assert_eq!(
        message["from"],
        json!({"id": ANN_ID, "is_bot": false, "first_name": "Ann", "last_name": "Lee", "username": "annlee", "language_code": "en"})
    );
    assert_eq!(
        message["chat"],
        json!({"id": ANN_ID, "first_name": "Ann", "last_name": "Lee", "username": "annlee", "type": "private"})
    );
    assert!(message["date"].as_i64().unwrap() > 1_600_000_000);
    assert_eq!(message["text"], "/start ref_123");
    assert_eq!(message["entities"], json!([{"offset": 0, "length": 6, "type": "bot_command"}]));

    // Update ids grow by one per update of the bot; message ids per chat.
    let next = telegram.send_update(TOKEN, &ann(), CustomerAction::Text("hi @nurse_ann".into())).await.unwrap();
    assert_eq!(next.update_id, delivery.update_id + 1);
    assert_eq!(next.message_id, Some(delivery.message_id.unwrap() + 1));
    assert_eq!(
        receiver.next().await.update()["message"]["entities"],
        json!([{"offset": 3, "length": 10, "type": "mention"}])
    );
}

#[tokio::test]
async fn a_customers_photo_and_document_can_be_fetched_with_get_file() {
    let (mut receiver, _emulator, telegram) = with_webhook().await;
    let photo = CustomerAction::Photo { bytes: png(), caption: Some("my rash".into()) };
    telegram.send_update(TOKEN, &ann(), photo).await.unwrap();
    let message = receiver.next().await.update()["message"].clone();
    assert_eq!(message["caption"], "my rash");
    let sizes = message["photo"].as_array().unwrap();
    assert!(sizes.len() >= 2, "several sizes: {sizes:?}");
    for size in sizes {
        for field in ["file_id", "file_unique_id", "width", "height", "file_size"] {
            assert!(!size[field].is_null(), "{field} in {size}");
        }
    }
    let largest = sizes.last().unwrap();
    assert_eq!((largest["width"].clone(), largest["height"].clone()), (json!(1000), json!(750)));
    let (file, content_type, bytes) = download(&telegram, largest["file_id"].as_str().unwrap()).await;
    assert_eq!(bytes, png());
    assert_eq!(content_type, "image/png");
    assert_eq!(file["file_size"], png().len());
    assert_eq!(file["file_unique_id"], largest["file_unique_id"]);

    let document = CustomerAction::Document {
        bytes: b"%PDF-1.4 results".to_vec(),
        file_name: "results.pdf".into(),
        mime_type: "application/pdf".into(),
        caption: None,
    };
    telegram.send_update(TOKEN, &ann(), document).await.unwrap();
    let document = receiver.next().await.update()["message"]["document"].clone();
    assert_eq!(document["file_name"], "results.pdf");
    assert_eq!(document["mime_type"], "application/pdf");
    assert_eq!(document["file_size"], 16);
    let (file, content_type, bytes) = download(&telegram, document["file_id"].as_str().unwrap()).await;
    assert_eq!((content_type.as_str(), bytes.as_slice()), ("application/pdf", b"%PDF-1.4 results".as_slice()));
    assert!(file["file_path"].as_str().unwrap().ends_with(".pdf"));

    let (status, body) = call(&telegram, "getFile", json!({"file_id": "nope"})).await;
    assert_eq!((status, body["description"].clone()), (400, json!("Bad Request: invalid file_id")));
}

#[tokio::test]
async fn other_kinds_of_messages_have_telegrams_objects() {
    let (mut receiver, _emulator, telegram) = with_webhook().await;
    let actions = [
        CustomerAction::Voice { bytes: b"OggS voice".to_vec(), duration: 3 },
        CustomerAction::Video { bytes: b"mp4 video".to_vec(), duration: 5, caption: Some("look".into()) },
        CustomerAction::Sticker { emoji: "👍".into() },
        CustomerAction::Location { latitude: 51.5, longitude: -0.12 },
        CustomerAction::Contact { phone_number: "+447700900123".into(), first_name: "Ann".into(), last_name: None },
    ];
    for action in actions {
        telegram.send_update(TOKEN, &ann(), action).await.unwrap();
    }
    let voice = receiver.next().await.update()["message"]["voice"].clone();
    assert_eq!((voice["duration"].clone(), voice["mime_type"].clone()), (json!(3), json!("audio/ogg")));
    let (_, _, bytes) = download(&telegram, voice["file_id"].as_str().unwrap()).await;
    assert_eq!(bytes, b"OggS voice");
    let message = receiver.next().await.update()["message"].clone();
    assert_eq!((message["video"]["duration"].clone(), message["caption"].clone()), (json!(5), json!("look")));
    let sticker = receiver.next().await.update()["message"]["sticker"].clone();
    assert_eq!(sticker["type"], "regular");
    assert_eq!(sticker["emoji"], "👍");
    assert_eq!((sticker["is_animated"].clone(), sticker["is_video"].clone()), (json!(false), json!(false)));
    assert!(sticker["file_id"].is_string() && sticker["width"].is_u64());
    let location = receiver.next().await.update()["message"]["location"].clone();
    assert_eq!(location, json!({"latitude": 51.5, "longitude": -0.12}));
    let contact = receiver.next().await.update()["message"]["contact"].clone();
    assert_eq!(contact, json!({"phone_number": "+447700900123", "first_name": "Ann", "user_id": ANN_ID}));
}

#[tokio::test]
async fn an_edit_keeps_the_message_id_and_a_reply_carries_the_earlier_message() {
    let (mut receiver, _emulator, telegram) = with_webhook().await;
    let first = telegram.send_update(TOKEN, &ann(), CustomerAction::Text("see you at 10".into())).await.unwrap();
    let original = receiver.next().await.update()["message"].clone();
    let message_id = first.message_id.unwrap();
    let edit = CustomerAction::Edit { message_id, new_text: "see you at 11".into() };
    let edited = telegram.send_update(TOKEN, &ann(), edit).await.unwrap();
    let update = receiver.next().await.update();
    assert!(update.get("message").is_none());
    let message = &update["edited_message"];
    assert_eq!(edited.message_id, Some(message_id));
    assert_eq!(message["message_id"], message_id);
    assert_eq!(message["text"], "see you at 11");
    assert_eq!(message["date"], original["date"]);
    assert!(message["edit_date"].as_i64().unwrap() >= original["date"].as_i64().unwrap());

    let reply = CustomerAction::TextReplyingTo { text: "or 12?".into(), reply_to_message_id: message_id };
    telegram.send_update(TOKEN, &ann(), reply).await.unwrap();
    let message = receiver.next().await.update()["message"].clone();
    assert_eq!(message["reply_to_message"]["message_id"], message_id);
    assert_eq!(message["reply_to_message"]["text"], "see you at 11");

    let bad_edit = CustomerAction::Edit { message_id: 999, new_text: "x".into() };
    assert!(telegram.send_update(TOKEN, &ann(), bad_edit).await.is_err());
}

#[tokio::test]
async fn an_inline_keyboard_press_is_a_callback_query_answered_once() {
    let (mut receiver, _emulator, telegram) = with_webhook().await;
    telegram.send_update(TOKEN, &ann(), CustomerAction::Start(None)).await.unwrap();
    receiver.next().await;
    let keyboard = json!({"inline_keyboard": [[
        {"text": "Confirm", "callback_data": "confirm:42"},
        {"text": "Website", "url": "https://clinic.example"},
    ]]});
    let (status, sent) =
        call(&telegram, "sendMessage", json!({"chat_id": ANN_ID, "text": "Confirm?", "reply_markup": keyboard})).await;
    assert_eq!(status, 200, "{sent}");
    let sent = sent["result"].clone();
    assert_eq!(sent["reply_markup"], keyboard);
    assert_eq!(sent["from"]["id"], BOT_ID);
    assert_eq!(sent["from"]["is_bot"], true);
    let message_id = sent["message_id"].as_i64().unwrap();

    let missing = CustomerAction::PressButton { message_id, callback_data: "cancel".into() };
    assert!(matches!(telegram.send_update(TOKEN, &ann(), missing).await, Err(EmulatorError::Invalid(_))));
    let press = CustomerAction::PressButton { message_id, callback_data: "confirm:42".into() };
    let delivery = telegram.send_update(TOKEN, &ann(), press).await.unwrap();
    assert_eq!(delivery.message_id, Some(message_id));
    let query = receiver.next().await.update()["callback_query"].clone();
    assert_eq!(query["data"], "confirm:42");
    assert_eq!(query["from"]["id"], ANN_ID);
    assert_eq!(query["message"], sent);
    assert!(query["chat_instance"].is_string());
    let id = query["id"].as_str().unwrap().to_owned();

    let answer = json!({"callback_query_id": id, "text": "Confirmed", "show_alert": false});
    assert_eq!(
        call(&telegram, "answerCallbackQuery", answer.clone()).await,
        (200, json!({"ok": true, "result": true}))
    );
    let answered = telegram.wait_for_answered_callback(TOKEN, PATIENCE).await.unwrap();
    assert_eq!(
        (answered.callback_query_id, answered.text.as_deref(), answered.show_alert),
        (id, Some("Confirmed"), false)
    );
    let (status, again) = call(&telegram, "answerCallbackQuery", answer).await;
    assert_eq!(status, 400);
    assert_eq!(
        again["description"],
        "Bad Request: query is too old and response timeout expired or query ID is invalid"
    );
    assert!(matches!(
        telegram.wait_for_answered_callback(TOKEN, Duration::from_millis(50)).await,
        Err(EmulatorError::Timeout(_))
    ));
}

#[tokio::test]
async fn a_redelivered_update_is_the_same_bytes() {
    let (mut receiver, _emulator, telegram) = with_webhook().await;
    let first = telegram.send_update(TOKEN, &ann(), CustomerAction::Text("Olá 👋 /help".into())).await.unwrap();
    let original = receiver.next().await;
    let again = telegram.redeliver(TOKEN, first.update_id).await.unwrap();
    let repeated = receiver.next().await;
    assert_eq!(repeated.body, original.body);
    assert_eq!(repeated.header("x-telegram-bot-api-secret-token").as_deref(), Some(SECRET));
    assert_eq!((again.update_id, again.message_id, again.status), (first.update_id, first.message_id, 200));
    assert!(matches!(telegram.redeliver(TOKEN, 1).await, Err(EmulatorError::UnknownMessage(_))));

    let raw = json!({"message_reaction": {"chat": {"id": ANN_ID, "type": "private"}, "message_id": 1}});
    let delivery = telegram.send_raw_update(TOKEN, raw).await.unwrap();
    assert_eq!(delivery.update_id, first.update_id + 1);
    let request = receiver.next().await;
    assert_eq!(request.header("x-telegram-bot-api-secret-token").as_deref(), Some(SECRET));
    assert_eq!(request.update()["message_reaction"]["message_id"], 1);
}

#[tokio::test]
async fn allowed_updates_decide_which_updates_are_delivered() {
    let (mut receiver, _emulator, telegram) = with_webhook().await;
    telegram.send_update(TOKEN, &ann(), CustomerAction::Start(None)).await.unwrap();
    receiver.next().await;
    let keyboard = json!({"inline_keyboard": [[{"text": "Yes", "callback_data": "yes"}]]});
    let (_, sent) =
        call(&telegram, "sendMessage", json!({"chat_id": ANN_ID, "text": "OK?", "reply_markup": keyboard})).await;
    let message_id = sent["result"]["message_id"].as_i64().unwrap();
    let url = receiver.url("/webhooks/telegram/channel-1");
    let body = json!({"url": url, "secret_token": SECRET, "allowed_updates": ["message"]});
    assert_eq!(call(&telegram, "setWebhook", body).await.0, 200);

    let press = CustomerAction::PressButton { message_id, callback_data: "yes".into() };
    let filtered = telegram.send_update(TOKEN, &ann(), press).await.unwrap();
    assert_eq!(filtered.status, 0);
    assert!(filtered.body.contains("callback_query"), "{}", filtered.body);
    let blocked = telegram.send_update(TOKEN, &ann(), CustomerAction::Block).await.unwrap();
    assert_eq!(blocked.status, 0);
    telegram.send_update(TOKEN, &ann(), CustomerAction::Text("still here".into())).await.unwrap();
    // The next request is the text (after the unblock it implies, itself filtered out).
    let update = receiver.next().await.update();
    assert_eq!(update["message"]["text"], "still here", "{update}");

    // An empty list is Telegram's default: everything but chat_member and reactions.
    let body = json!({"url": url, "secret_token": SECRET, "allowed_updates": []});
    assert_eq!(call(&telegram, "setWebhook", body).await.0, 200);
    assert!(telegram.webhook(TOKEN).unwrap().allowed_updates.is_empty());
    telegram.send_update(TOKEN, &ann(), CustomerAction::Block).await.unwrap();
    assert!(receiver.next().await.update()["my_chat_member"].is_object());
}

#[tokio::test]
async fn send_message_parses_html_and_refuses_what_telegram_refuses() {
    let (mut receiver, _emulator, telegram) = with_webhook().await;
    let (status, body) = call(&telegram, "sendMessage", json!({"chat_id": ANN_ID, "text": "hi"})).await;
    assert_eq!((status, body["description"].clone()), (400, json!("Bad Request: chat not found")));
    telegram.send_update(TOKEN, &ann(), CustomerAction::Start(None)).await.unwrap();
    receiver.next().await;

    let html = "<b>Hi Ann</b>, your visit is <i>tomorrow</i> &amp; <a href=\"https://clinic.example/v/1\">details</a> 👋 <code>A-12</code>";
    let request = json!({"chat_id": ANN_ID, "text": html, "parse_mode": "HTML", "reply_parameters": {"message_id": 1},
                         "link_preview_options": {"is_disabled": true}});
    let (status, body) = call(&telegram, "sendMessage", request).await;
    assert_eq!(status, 200, "{body}");
    let message = &body["result"];
    assert_eq!(message["text"], "Hi Ann, your visit is tomorrow & details 👋 A-12");
    assert_eq!(
        message["entities"],
        json!([
            {"offset": 0, "length": 6, "type": "bold"},
            {"offset": 22, "length": 8, "type": "italic"},
            {"offset": 33, "length": 7, "type": "text_link", "url": "https://clinic.example/v/1"},
            {"offset": 44, "length": 4, "type": "code"},
        ])
    );
    assert_eq!(message["reply_to_message"]["text"], "/start");
    assert_eq!(message["chat"]["id"], ANN_ID);
    let sent = telegram.wait_for_sent(TOKEN, 1, PATIENCE).await.unwrap();
    assert_eq!(sent[0].method, "sendMessage");
    assert_eq!(sent[0].html.as_deref(), Some(html));
    assert_eq!(sent[0].text.as_deref(), message["text"].as_str());
    assert_eq!(sent[0].reply_to_message_id, Some(1));
    assert_eq!(sent[0].parse_mode.as_deref(), Some("HTML"));
    assert_eq!(sent[0].message_id, message["message_id"].as_i64().unwrap());

    let refusals = [
        (
            json!({"chat_id": ANN_ID, "text": "<b>bold", "parse_mode": "HTML"}),
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"",
        ),
        (
            json!({"chat_id": ANN_ID, "text": "a <p>b</p>", "parse_mode": "HTML"}),
            "Bad Request: can't parse entities: Unsupported start tag \"p\" at byte offset 2",
        ),
        (json!({"chat_id": ANN_ID, "text": "x".repeat(4097)}), "Bad Request: message is too long"),
        (json!({"chat_id": ANN_ID, "text": ""}), "Bad Request: message text is empty"),
        (
            json!({"chat_id": ANN_ID, "text": "x", "reply_parameters": {"message_id": 999}}),
            "Bad Request: message to be replied not found",
        ),
        (
            json!({"chat_id": ANN_ID, "text": "x", "reply_markup": {"inline_keyboard": [[{"text": "x", "callback_data": "d".repeat(65)}]]}}),
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        (json!({"chat_id": 777, "text": "x"}), "Bad Request: chat not found"),
    ];
    for (request, description) in refusals {
        let (status, body) = call(&telegram, "sendMessage", request).await;
        assert_eq!(status, 400);
        assert_eq!(body, json!({"ok": false, "error_code": 400, "description": description}));
    }
    assert_eq!(telegram.sent_messages(TOKEN).len(), 1, "refused sends are not sent");

    // A reply keyboard and a form-encoded call with the markup JSON-serialised.
    let markup = r#"{"keyboard":[["Yes","No"]],"one_time_keyboard":true,"resize_keyboard":true}"#;
    let form = [("chat_id", "5550100"), ("text", "Coming?"), ("reply_markup", markup)];
    let (status, body) = call_form(&telegram, "sendMessage", &form).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["result"].get("reply_markup").is_none(), "only inline keyboards are echoed");
    let sent = telegram.sent_messages(TOKEN);
    assert_eq!(sent[1].reply_markup.as_ref().unwrap()["one_time_keyboard"], true);
    assert!(sent[1].sent_at_ms >= sent[0].sent_at_ms);
    assert!(body["result"]["message_id"].as_i64().unwrap() > sent[0].message_id);
}

#[tokio::test]
async fn blocking_the_bot_notifies_it_and_makes_sends_forbidden() {
    let (mut receiver, _emulator, telegram) = with_webhook().await;
    telegram.send_update(TOKEN, &ann(), CustomerAction::Start(None)).await.unwrap();
    receiver.next().await;
    let delivery = telegram.send_update(TOKEN, &ann(), CustomerAction::Block).await.unwrap();
    assert_eq!(delivery.message_id, None);
    let member = receiver.next().await.update()["my_chat_member"].clone();
    assert_eq!(member["chat"]["id"], ANN_ID);
    assert_eq!(member["from"]["id"], ANN_ID);
    assert!(member["date"].is_i64());
    assert_eq!(
        member["old_chat_member"],
        json!({"user": {"id": BOT_ID, "is_bot": true, "first_name": "Clinic", "username": USERNAME}, "status": "member"})
    );
    assert_eq!(member["new_chat_member"]["status"], "kicked");
    assert_eq!(member["new_chat_member"]["until_date"], 0);
    assert_eq!(member["new_chat_member"]["user"]["id"], BOT_ID);
    assert!(telegram.is_blocked(TOKEN, ANN_ID));

    let (status, body) = call(&telegram, "sendMessage", json!({"chat_id": ANN_ID, "text": "Are you there?"})).await;
    assert_eq!(status, 403);
    assert_eq!(body, json!({"ok": false, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}));

    telegram.send_update(TOKEN, &ann(), CustomerAction::Unblock).await.unwrap();
    let member = receiver.next().await.update()["my_chat_member"].clone();
    assert_eq!(
        (member["old_chat_member"]["status"].clone(), member["new_chat_member"]["status"].clone()),
        (json!("kicked"), json!("member"))
    );
    assert!(!telegram.is_blocked(TOKEN, ANN_ID));
    assert_eq!(call(&telegram, "sendMessage", json!({"chat_id": ANN_ID, "text": "Welcome back"})).await.0, 200);
}

#[tokio::test]
async fn throttled_sends_answer_429_with_retry_after() {
    let (mut receiver, _emulator, telegram) = with_webhook().await;
    telegram.send_update(TOKEN, &ann(), CustomerAction::Start(None)).await.unwrap();
    receiver.next().await;
    telegram.throttle(TOKEN, 3, 2);
    for _ in 0..2 {
        let (status, body) = call(&telegram, "sendMessage", json!({"chat_id": ANN_ID, "text": "hi"})).await;
        assert_eq!(status, 429);
        assert_eq!(
            body,
            json!({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 3", "parameters": {"retry_after": 3}})
        );
    }
    assert_eq!(call(&telegram, "sendMessage", json!({"chat_id": ANN_ID, "text": "hi"})).await.0, 200);
    assert_eq!(call(&telegram, "sendMessage", json!({"chat_id": ANN_ID, "text": "again"})).await.0, 200);
    let sent = telegram.wait_for_sent(TOKEN, 2, PATIENCE).await.unwrap();
    assert!(sent[1].sent_at_ms >= sent[0].sent_at_ms);
    assert!(matches!(
        telegram.wait_for_sent(TOKEN, 3, Duration::from_millis(50)).await,
        Err(EmulatorError::Timeout(_))
    ));
}

#[tokio::test]
async fn a_refused_update_shows_in_get_webhook_info() {
    let mut receiver = Receiver::start(500, "text/plain", "boom").await;
    let (_emulator, telegram) = telegram_emulator().await;
    let url = receiver.url("/hook");
    assert_eq!(call(&telegram, "setWebhook", json!({"url": url})).await.0, 200);
    let delivery = telegram.send_update(TOKEN, &ann(), CustomerAction::Text("hi".into())).await.unwrap();
    assert_eq!((delivery.status, delivery.body.as_str()), (500, "boom"));
    assert!(receiver.next().await.header("x-telegram-bot-api-secret-token").is_none());
    let (_, info) = call(&telegram, "getWebhookInfo", json!({})).await;
    let info = &info["result"];
    assert_eq!(info["pending_update_count"], 1);
    assert!(info["last_error_date"].as_i64().unwrap() > 1_600_000_000);
    assert_eq!(info["last_error_message"], "Wrong response from the webhook: 500 Internal Server Error");
}

#[tokio::test]
async fn without_a_webhook_updates_wait_for_get_updates_or_the_next_webhook() {
    let (_emulator, telegram) = telegram_emulator().await;
    let queued = telegram.send_update(TOKEN, &ann(), CustomerAction::Text("first".into())).await.unwrap();
    assert_eq!(queued.status, 0);
    let (status, updates) = call(&telegram, "getUpdates", json!({"timeout": 0})).await;
    assert_eq!(status, 200);
    assert_eq!(updates["result"][0]["update_id"], queued.update_id);
    assert_eq!(updates["result"][0]["message"]["text"], "first");
    let (_, confirmed) = call(&telegram, "getUpdates", json!({"offset": queued.update_id + 1})).await;
    assert_eq!(confirmed["result"], json!([]));

    let second = telegram.send_update(TOKEN, &ann(), CustomerAction::Text("second".into())).await.unwrap();
    let mut receiver = Receiver::start(200, "text/plain", "").await;
    assert_eq!(call(&telegram, "setWebhook", json!({"url": receiver.url("/hook")})).await.0, 200);
    let delivered = receiver.next().await.update();
    assert_eq!(delivered["update_id"], second.update_id);
    let (status, conflict) = call(&telegram, "getUpdates", json!({})).await;
    assert_eq!(status, 409);
    assert_eq!(
        conflict["description"],
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
    );
}

/// A `multipart/form-data` body with text fields and one file.
fn multipart(fields: &[(&str, &str)], file: (&str, &str, &str, &[u8])) -> (Vec<u8>, String) {
    let boundary = "----telegram-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    let (name, filename, content_type, bytes) = file;
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (body, format!("multipart/form-data; boundary={boundary}"))
}

#[tokio::test]
async fn photos_and_documents_go_by_upload_url_or_file_id() {
    let (mut receiver, _emulator, telegram) = with_webhook().await;
    telegram.send_update(TOKEN, &ann(), CustomerAction::Start(None)).await.unwrap();
    receiver.next().await;

    let (body, content_type) = multipart(
        &[("chat_id", "5550100"), ("caption", "<b>Your</b> x-ray"), ("parse_mode", "HTML")],
        ("photo", "xray.png", "image/png", &png()),
    );
    let response = client()
        .post(method_url(&telegram, "sendPhoto"))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let sent: Value = response.json().await.unwrap();
    let message = &sent["result"];
    assert_eq!(message["caption"], "Your x-ray");
    assert_eq!(message["caption_entities"], json!([{"offset": 0, "length": 4, "type": "bold"}]));
    let sizes = message["photo"].as_array().unwrap();
    let file_id = sizes.last().unwrap()["file_id"].as_str().unwrap().to_owned();
    assert_eq!(download(&telegram, &file_id).await.2, png());

    let (status, again) = call(&telegram, "sendPhoto", json!({"chat_id": ANN_ID, "photo": file_id})).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["result"]["photo"][0]["file_id"], file_id.as_str());
    let (status, by_url) = call(
        &telegram,
        "sendDocument",
        json!({"chat_id": ANN_ID, "document": "https://clinic.example/files/invoice.pdf", "caption": "Invoice"}),
    )
    .await;
    assert_eq!(status, 200, "{by_url}");
    assert_eq!(by_url["result"]["document"]["file_name"], "invoice.pdf");
    assert_eq!(by_url["result"]["document"]["mime_type"], "application/pdf");
    let (status, wrong) =
        call(&telegram, "sendDocument", json!({"chat_id": ANN_ID, "document": "AAAA-not-a-file"})).await;
    assert_eq!(
        (status, wrong["description"].clone()),
        (400, json!("Bad Request: wrong file identifier/HTTP URL specified"))
    );
    let long_caption = json!({"chat_id": ANN_ID, "photo": file_id, "caption": "c".repeat(1025)});
    assert_eq!(
        call(&telegram, "sendPhoto", long_caption).await.1["description"],
        "Bad Request: message caption is too long"
    );

    let sent = telegram.sent_messages(TOKEN);
    let files: Vec<(&str, Option<&str>)> = sent.iter().map(|s| (s.method.as_str(), s.file.as_deref())).collect();
    assert_eq!(
        files,
        [
            ("sendPhoto", Some("upload:xray.png")),
            ("sendPhoto", Some(file_id.as_str())),
            ("sendDocument", Some("https://clinic.example/files/invoice.pdf")),
        ]
    );
    assert_eq!(sent[0].caption.as_deref(), Some("Your x-ray"));
    assert_eq!(sent[0].html.as_deref(), Some("<b>Your</b> x-ray"));
    assert_eq!(sent[2].caption.as_deref(), Some("Invoice"));
}

#[tokio::test]
async fn the_control_api_lets_a_human_write_to_the_bot_and_read_its_messages() {
    let (mut receiver, emulator, telegram) = with_webhook().await;
    let response = client()
        .post(format!("{}/_emulator/telegram/{USERNAME}/send", emulator.base_url()))
        .json(&json!({"user_id": 777, "first_name": "Bob", "text": "/start"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["status"], 200);
    let update = receiver.next().await.update();
    assert_eq!(update["update_id"], answer["update_id"]);
    assert_eq!(update["message"]["from"]["first_name"], "Bob");
    assert_eq!(call(&telegram, "sendMessage", json!({"chat_id": 777, "text": "Hello Bob"})).await.0, 200);
    let sent: Value = client()
        .get(format!("{}/_emulator/telegram/@{USERNAME}/sent", emulator.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(sent[0]["chat_id"], 777);
    assert_eq!(sent[0]["text"], "Hello Bob");
    let missing = client().get(format!("{}/_emulator/telegram/nobody/sent", emulator.base_url())).send().await.unwrap();
    assert_eq!(missing.status(), 404);
}
