//! Facebook Messenger and Instagram messaging on the Meta emulator: a person's events reach our
//! server as the Messenger Platform's signed webhooks (`object` `page` or `instagram`), and the
//! Send API validates, applies the messaging window and the `HUMAN_AGENT` tag, answers like Meta,
//! then echoes and acknowledges what it accepted.

mod common;
mod meta_common;

use common::{PATIENCE, Receiver, Reply, client, reply};
use meta_common::*;
use serde_json::{Value, json};
use switchboard_emulator::EmulatorHandle;
use switchboard_emulator::meta::{MessagingContent, MessagingInbound, MessagingPlatform, MetaEmulator};

const PAGE_ID: &str = "107223344556677";
const PAGE_TOKEN: &str = "EAAP-page-access-token";
const IG_ID: &str = "17841400000000001";
const IG_TOKEN: &str = "EAAI-instagram-page-token";
const PSID: &str = "6254491871234567";
const IGSID: &str = "1021245678901234";

/// An emulator with a Page and an Instagram account, both delivering to `receiver`.
async fn messaging(receiver: &Receiver) -> (EmulatorHandle, MetaEmulator) {
    let (emulator, meta) = meta_emulator(&receiver.url("/webhooks/meta")).await;
    let messenger = MessagingPlatform::Messenger;
    meta.add_messaging_account(messenger, PAGE_ID, PAGE_TOKEN, APP_SECRET, &receiver.url("/webhooks/messenger"));
    meta.add_messaging_account(
        MessagingPlatform::Instagram,
        IG_ID,
        IG_TOKEN,
        APP_SECRET,
        &receiver.url("/webhooks/ig"),
    );
    (emulator, meta)
}

fn inbound(platform: MessagingPlatform, content: MessagingContent) -> MessagingInbound {
    let (account_id, sender_id) = match platform {
        MessagingPlatform::Messenger => (PAGE_ID, PSID),
        MessagingPlatform::Instagram => (IG_ID, IGSID),
    };
    MessagingInbound { platform, account_id: account_id.into(), sender_id: sender_id.into(), content }
}

/// Plays `content` and returns the delivered `mid` and `entry[0].messaging[0]`, after checking
/// the envelope and the signature.
async fn delivered_event(platform: MessagingPlatform, content: MessagingContent) -> (String, Value) {
    let mut receiver = Receiver::start(200, "text/plain", "EVENT_RECEIVED").await;
    let (_emulator, meta) = messaging(&receiver).await;
    let delivery = meta.send_messaging_inbound(inbound(platform, content)).await.unwrap();
    assert_eq!((delivery.status, delivery.body.as_str()), (200, "EVENT_RECEIVED"));
    let request = receiver.next().await;
    assert!(request.is_signed_by_meta_with(APP_SECRET));
    assert!(!request.is_signed_by_meta_with("another-secret"));
    assert!(String::from_utf8(request.body.to_vec()).unwrap().is_ascii());
    let body = request.json();
    let (object, account, path) = match platform {
        MessagingPlatform::Messenger => ("page", PAGE_ID, "/webhooks/messenger"),
        MessagingPlatform::Instagram => ("instagram", IG_ID, "/webhooks/ig"),
    };
    assert_eq!(request.uri, path);
    assert_eq!(body["object"], object, "{body}");
    assert_eq!(body["entry"][0]["id"], account);
    assert!(body["entry"][0]["time"].as_u64().unwrap() > 1_600_000_000_000, "milliseconds: {body}");
    assert_eq!(body["entry"][0]["messaging"].as_array().unwrap().len(), 1);
    (delivery.wamid.unwrap(), body["entry"][0]["messaging"][0].clone())
}

#[tokio::test]
async fn a_messenger_text_arrives_as_a_signed_page_webhook() {
    let (mid, event) = delivered_event(MessagingPlatform::Messenger, MessagingContent::Text("Olá 👍".into())).await;
    assert!(mid.starts_with("m_"), "{mid}");
    assert_eq!(event["sender"], json!({"id": PSID}));
    assert_eq!(event["recipient"], json!({"id": PAGE_ID}));
    assert!(event["timestamp"].as_u64().unwrap() > 1_600_000_000_000);
    assert_eq!(event["message"], json!({"mid": mid, "text": "Olá 👍"}));
}

#[tokio::test]
async fn instagram_messages_have_their_documented_shapes() {
    let ig = MessagingPlatform::Instagram;
    let (mid, event) = delivered_event(ig, MessagingContent::Text("hi".into())).await;
    assert!(mid.starts_with("aWdf"), "{mid}");
    assert_eq!(event["sender"], json!({"id": IGSID}));
    assert_eq!(event["recipient"], json!({"id": IG_ID}));
    assert_eq!(event["message"], json!({"mid": mid, "text": "hi"}));

    let reply = MessagingContent::StoryReply {
        text: "love it".into(),
        story_url: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1".into(),
        story_id: "3187421956390".into(),
    };
    let (mid, event) = delivered_event(ig, reply).await;
    let story = json!({"url": "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1", "id": "3187421956390"});
    assert_eq!(event["message"], json!({"mid": mid, "text": "love it", "reply_to": {"story": story}}));

    let cdn_url = "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=2";
    let (mid, event) = delivered_event(ig, MessagingContent::StoryMention { url: cdn_url.into() }).await;
    let attachment = json!({"type": "story_mention", "payload": {"url": cdn_url}});
    assert_eq!(event["message"], json!({"mid": mid, "attachments": [attachment]}));

    let (mid, event) = delivered_event(ig, MessagingContent::Read { mid: "aWdfOld".into() }).await;
    assert_eq!(mid, "aWdfOld");
    assert_eq!(event["read"], json!({"mid": "aWdfOld"}));
    assert_eq!(event["sender"], json!({"id": IGSID}));

    let reaction = MessagingContent::Reaction { mid: "aWdfOld".into(), emoji: Some("❤️".into()) };
    let (_, event) = delivered_event(ig, reaction).await;
    assert_eq!(event["reaction"], json!({"mid": "aWdfOld", "action": "react", "reaction": "love", "emoji": "❤️"}));
    let unreact = MessagingContent::Reaction { mid: "aWdfOld".into(), emoji: None };
    let (_, event) = delivered_event(ig, unreact).await;
    assert_eq!(event["reaction"], json!({"mid": "aWdfOld", "action": "unreact"}));
}

#[tokio::test]
async fn messenger_events_have_their_documented_shapes() {
    let fb = MessagingPlatform::Messenger;
    let image =
        MessagingContent::Attachment { kind: "image".into(), url: "https://scontent.xx.fbcdn.net/1.jpg".into() };
    let (mid, event) = delivered_event(fb, image).await;
    let attachment = json!({"type": "image", "payload": {"url": "https://scontent.xx.fbcdn.net/1.jpg"}});
    assert_eq!(event["message"], json!({"mid": mid, "attachments": [attachment]}));

    let quick = MessagingContent::QuickReply { text: "Red".into(), payload: "COLOR_RED".into() };
    let (mid, event) = delivered_event(fb, quick).await;
    assert_eq!(event["message"], json!({"mid": mid, "text": "Red", "quick_reply": {"payload": "COLOR_RED"}}));

    let postback = MessagingContent::Postback { title: "Get Started".into(), payload: "GET_STARTED".into() };
    let (mid, event) = delivered_event(fb, postback).await;
    assert!(event.get("message").is_none());
    assert_eq!(event["postback"], json!({"mid": mid, "title": "Get Started", "payload": "GET_STARTED"}));

    let reaction = MessagingContent::Reaction { mid: "m_old".into(), emoji: Some("😆".into()) };
    let (mid, event) = delivered_event(fb, reaction).await;
    assert_eq!(mid, "m_old");
    assert_eq!(event["reaction"], json!({"mid": "m_old", "action": "react", "reaction": "smile", "emoji": "😆"}));
    let (_, event) = delivered_event(fb, MessagingContent::Reaction { mid: "m_old".into(), emoji: None }).await;
    assert_eq!(event["reaction"], json!({"mid": "m_old", "action": "unreact"}));

    let (_, event) = delivered_event(fb, MessagingContent::Read { mid: "m_old".into() }).await;
    assert!(event["read"]["watermark"].as_u64().unwrap() > 1_600_000_000_000);
    assert!(event["timestamp"].is_u64());

    let (mid, event) = delivered_event(fb, MessagingContent::Echo { mid: "m_ours".into(), text: "Hi!".into() }).await;
    assert_eq!(mid, "m_ours");
    assert_eq!(event["sender"], json!({"id": PAGE_ID}));
    assert_eq!(event["recipient"], json!({"id": PSID}));
    assert_eq!(event["message"]["is_echo"], true);
    assert!(event["message"]["app_id"].is_u64());
    assert_eq!(event["message"]["mid"], "m_ours");
    assert_eq!(event["message"]["text"], "Hi!");
}

#[tokio::test]
async fn unknown_accounts_and_platform_mismatches_are_refused() {
    let receiver = Receiver::start(200, "text/plain", "").await;
    let (_emulator, meta) = messaging(&receiver).await;
    let wrong_platform = MessagingInbound::text(MessagingPlatform::Instagram, PAGE_ID, PSID, "hi");
    assert!(meta.send_messaging_inbound(wrong_platform).await.is_err());
    let unknown = MessagingInbound::text(MessagingPlatform::Messenger, "42", PSID, "hi");
    assert!(meta.send_messaging_inbound(unknown).await.is_err());
}

/// POSTs a Send API body to `/{VERSION}/{id}/messages` with a bearer token.
async fn send_api(emulator: &EmulatorHandle, id: &str, token: &str, body: &Value) -> Reply {
    let request = client()
        .post(format!("{}/{VERSION}/{id}/messages", emulator.base_url()))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_string());
    reply(request).await
}

fn text_to(recipient: &str, text: &str) -> Value {
    json!({"recipient": {"id": recipient}, "messaging_type": "RESPONSE", "message": {"text": text}})
}

fn human_agent(recipient: &str, text: &str) -> Value {
    json!({"recipient": {"id": recipient}, "messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT",
           "message": {"text": text}})
}

#[tokio::test]
async fn the_send_api_accepts_texts_quick_replies_and_attachments() {
    let receiver = Receiver::start(200, "text/plain", "").await;
    let (emulator, meta) = messaging(&receiver).await;
    meta.send_messaging_inbound(inbound(MessagingPlatform::Messenger, MessagingContent::Text("hi".into())))
        .await
        .unwrap();

    let text = send_api(&emulator, PAGE_ID, PAGE_TOKEN, &text_to(PSID, "Hello")).await;
    assert_eq!(text.status, 200, "{}", text.json);
    assert_eq!(text.json["recipient_id"], PSID);
    let mid = text.json["message_id"].as_str().unwrap().to_owned();
    assert!(mid.starts_with("m_"), "{mid}");

    let quick = json!({"recipient": {"id": PSID}, "messaging_type": "RESPONSE", "message": {
        "text": "Pick a color",
        "quick_replies": [{"content_type": "text", "title": "Red", "payload": "RED"},
                          {"content_type": "text", "title": "Green", "payload": "GREEN"}]}});
    let quick_reply = send_api(&emulator, "me", PAGE_TOKEN, &quick).await;
    assert_eq!(quick_reply.status, 200, "{}", quick_reply.json);

    let image = json!({"recipient": {"id": PSID}, "messaging_type": "UPDATE", "message": {
        "attachment": {"type": "image", "payload": {"url": "https://example.com/a.png", "is_reusable": true}}}});
    let query = reply(
        client()
            .post(format!("{}/v21.0/me/messages?access_token={PAGE_TOKEN}", emulator.base_url()))
            .header("content-type", "application/json")
            .body(image.to_string()),
    )
    .await;
    assert_eq!(query.status, 200, "{}", query.json);

    let sent = meta.wait_for_messaging_sent(3, PATIENCE).await;
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[0].mid, mid);
    assert_eq!((sent[0].account_id.as_str(), sent[0].recipient_id.as_str()), (PAGE_ID, PSID));
    assert_eq!(sent[0].request, text_to(PSID, "Hello"));
    assert_eq!(sent[1].request, quick);
    assert_eq!(sent[2].request, image);
}

#[tokio::test]
async fn the_send_api_validates_like_meta() {
    let receiver = Receiver::start(200, "text/plain", "").await;
    let (emulator, meta) = messaging(&receiver).await;
    meta.set_last_user_message_hours_ago(PAGE_ID, PSID, 0);

    let wrong = send_api(&emulator, PAGE_ID, "EAAG-wrong", &text_to(PSID, "hi")).await;
    assert_graph_error(&wrong, 401, 190);
    let foreign = send_api(&emulator, IG_ID, PAGE_TOKEN, &text_to(PSID, "hi")).await;
    assert_eq!(assert_graph_error(&foreign, 400, 100)["error_subcode"], 33);

    let no_recipient = json!({"messaging_type": "RESPONSE", "message": {"text": "hi"}});
    let error = assert_graph_error(&send_api(&emulator, "me", PAGE_TOKEN, &no_recipient).await, 400, 100);
    assert_eq!(error["message"], "(#100) The parameter recipient is required");
    let no_type = json!({"recipient": {"id": PSID}, "message": {"text": "hi"}});
    assert_graph_error(&send_api(&emulator, "me", PAGE_TOKEN, &no_type).await, 400, 100);
    let untagged = json!({"recipient": {"id": PSID}, "messaging_type": "MESSAGE_TAG", "message": {"text": "hi"}});
    assert_graph_error(&send_api(&emulator, "me", PAGE_TOKEN, &untagged).await, 400, 100);
    let long = text_to(PSID, &"x".repeat(2001));
    assert_graph_error(&send_api(&emulator, "me", PAGE_TOKEN, &long).await, 400, 100);
    let title = json!({"recipient": {"id": PSID}, "messaging_type": "RESPONSE", "message": {"text": "?",
        "quick_replies": [{"content_type": "text", "title": "x".repeat(21), "payload": "P"}]}});
    assert_graph_error(&send_api(&emulator, "me", PAGE_TOKEN, &title).await, 400, 100);
    let replies: Vec<Value> =
        (0..14).map(|i| json!({"content_type": "text", "title": format!("{i}"), "payload": "P"})).collect();
    let many = json!({"recipient": {"id": PSID}, "messaging_type": "RESPONSE",
                      "message": {"text": "?", "quick_replies": replies}});
    assert_graph_error(&send_api(&emulator, "me", PAGE_TOKEN, &many).await, 400, 100);

    let stranger = send_api(&emulator, "me", PAGE_TOKEN, &text_to("999", "hi")).await;
    let error = assert_graph_error(&stranger, 400, 100);
    assert_eq!(error["error_subcode"], 2018001);
    assert_eq!(error["message"], "(#100) No matching user found");
    assert!(meta.messaging_sent().is_empty());
}

#[tokio::test]
async fn outside_the_window_only_human_agent_within_seven_days_gets_through() {
    let receiver = Receiver::start(200, "text/plain", "").await;
    let (emulator, meta) = messaging(&receiver).await;
    meta.set_last_user_message_hours_ago(IG_ID, IGSID, 25);

    let late = send_api(&emulator, IG_ID, IG_TOKEN, &text_to(IGSID, "Sorry for the wait")).await;
    let error = assert_graph_error(&late, 400, 10);
    assert_eq!(error["error_subcode"], 2018278);
    assert!(error["message"].as_str().unwrap().starts_with("(#10) This message is sent outside of allowed window"));

    let tagged = send_api(&emulator, IG_ID, IG_TOKEN, &human_agent(IGSID, "Sorry for the wait")).await;
    assert_eq!(tagged.status, 200, "{}", tagged.json);
    assert_eq!(tagged.json["recipient_id"], IGSID);
    assert!(tagged.json["message_id"].as_str().unwrap().starts_with("aWdf"));

    meta.set_last_user_message_hours_ago(IG_ID, IGSID, 7 * 24 + 1);
    let too_late = send_api(&emulator, IG_ID, IG_TOKEN, &human_agent(IGSID, "Still there?")).await;
    assert_eq!(assert_graph_error(&too_late, 400, 10)["error_subcode"], 2018278);

    meta.set_last_user_message_hours_ago(IG_ID, IGSID, 0);
    let reopened = send_api(&emulator, "me", IG_TOKEN, &text_to(IGSID, "Welcome back")).await;
    assert_eq!(reopened.status, 200, "{}", reopened.json);
    assert_eq!(meta.wait_for_messaging_sent(2, PATIENCE).await.len(), 2);
}

/// The next webhook our stand-in server received, as JSON, after checking its signature.
async fn next_event(receiver: &mut Receiver) -> (String, Value) {
    let request = receiver.next().await;
    assert!(request.is_signed_by_meta_with(APP_SECRET));
    let body = request.json();
    (body["object"].as_str().unwrap().to_owned(), body["entry"][0]["messaging"][0].clone())
}

#[tokio::test]
async fn messenger_sends_are_echoed_delivered_and_read() {
    let mut receiver = Receiver::start(200, "text/plain", "").await;
    let (emulator, meta) = messaging(&receiver).await;
    meta.set_last_user_message_hours_ago(PAGE_ID, PSID, 0);
    let mut body = text_to(PSID, "Your order shipped");
    body["message"]["metadata"] = json!("order-42");
    let answer = send_api(&emulator, PAGE_ID, PAGE_TOKEN, &body).await;
    let mid = answer.json["message_id"].as_str().unwrap();

    let (object, echo) = next_event(&mut receiver).await;
    assert_eq!(object, "page");
    assert_eq!(echo["sender"], json!({"id": PAGE_ID}));
    assert_eq!(echo["recipient"], json!({"id": PSID}));
    let message = &echo["message"];
    assert_eq!((message["is_echo"].as_bool(), message["mid"].as_str()), (Some(true), Some(mid)));
    assert!(message["app_id"].is_u64());
    assert_eq!(message["text"], "Your order shipped");
    assert_eq!(message["metadata"], "order-42");

    let (_, delivery) = next_event(&mut receiver).await;
    assert_eq!(delivery["sender"], json!({"id": PSID}));
    assert_eq!(delivery["recipient"], json!({"id": PAGE_ID}));
    assert_eq!(delivery["delivery"]["mids"], json!([mid]));
    assert!(delivery["delivery"]["watermark"].as_u64().unwrap() > 1_600_000_000_000);

    let (_, read) = next_event(&mut receiver).await;
    assert!(read["read"]["watermark"].is_u64());
}

#[tokio::test]
async fn instagram_sends_are_echoed_and_read() {
    let mut receiver = Receiver::start(200, "text/plain", "").await;
    let (emulator, meta) = messaging(&receiver).await;
    meta.set_last_user_message_hours_ago(IG_ID, IGSID, 0);
    let attachment = json!({"recipient": {"id": IGSID}, "messaging_type": "RESPONSE",
        "message": {"attachment": {"type": "image", "payload": {"url": "https://example.com/a.png"}}}});
    let answer = send_api(&emulator, "me", IG_TOKEN, &attachment).await;
    let mid = answer.json["message_id"].as_str().unwrap();

    let (object, echo) = next_event(&mut receiver).await;
    assert_eq!(object, "instagram");
    assert_eq!(echo["sender"], json!({"id": IG_ID}));
    assert_eq!(echo["message"]["is_echo"], true);
    assert_eq!(
        echo["message"]["attachments"],
        json!([{"type": "image", "payload": {"url": "https://example.com/a.png"}}])
    );

    let (_, read) = next_event(&mut receiver).await;
    assert_eq!(read["sender"], json!({"id": IGSID}));
    assert_eq!(read["read"], json!({"mid": mid}));
}

#[tokio::test]
async fn the_control_api_plays_a_persons_text() {
    let mut receiver = Receiver::start(200, "text/plain", "").await;
    let (emulator, _meta) = messaging(&receiver).await;
    let request = client()
        .post(format!("{}/_emulator/meta/messaging/inbound", emulator.base_url()))
        .json(&json!({"account_id": IG_ID, "sender_id": IGSID, "text": "hello"}));
    let answer = reply(request).await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    let (object, event) = next_event(&mut receiver).await;
    assert_eq!(object, "instagram");
    assert_eq!(event["message"]["mid"], answer.json["mid"]);
    assert_eq!(event["message"]["text"], "hello");
    let unknown = client()
        .post(format!("{}/_emulator/meta/messaging/inbound", emulator.base_url()))
        .json(&json!({"account_id": "1", "sender_id": IGSID, "text": "hello"}));
    assert_eq!(reply(unknown).await.status, 404);
}

#[tokio::test]
async fn whatsapp_sends_still_reach_the_cloud_api() {
    let receiver = Receiver::start(200, "text/plain", "").await;
    let (emulator, _meta) = messaging(&receiver).await;
    let body = json!({"messaging_product": "whatsapp", "to": CUSTOMER_WA_ID, "type": "text", "text": {"body": "hi"}});
    // Outside the service window: the Cloud API's own error, not the Send API's.
    assert_graph_error(&send(&emulator, &body).await, 400, 131047);
}
