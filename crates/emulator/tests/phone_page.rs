//! The customer's phone page plays the customer of Meta's channels too: it lists the WhatsApp
//! Cloud numbers, Facebook Pages and Instagram accounts, its compose form delivers Meta's
//! signed webhooks, and its thread shows the business's replies with their status, escaped.

mod common;
mod meta_common;

use common::{PATIENCE, Receiver, Reply, client, reply};
use meta_common::*;
use serde_json::{Value, json};
use switchboard_emulator::EmulatorHandle;
use switchboard_emulator::meta::{MessagingPlatform, MetaEmulator};

const PAGE_ID: &str = "107223344556677";
const PAGE_TOKEN: &str = "EAAP-page-access-token";
const IG_ID: &str = "17841400000000001";
const PSID: &str = "6783456789012345";

/// An emulator with the test WhatsApp number, a Page and an Instagram account, all delivering to `receiver`.
async fn phone_emulator(receiver: &Receiver) -> (EmulatorHandle, MetaEmulator) {
    let (emulator, meta) = meta_emulator(&receiver.url("/webhooks/meta")).await;
    let hook = receiver.url("/webhooks/messaging");
    meta.add_messaging_account(MessagingPlatform::Messenger, PAGE_ID, PAGE_TOKEN, APP_SECRET, &hook);
    meta.add_messaging_account(MessagingPlatform::Instagram, IG_ID, "EAAI-ig-token", APP_SECRET, &hook);
    (emulator, meta)
}

/// Posts the page's compose form.
async fn compose(emulator: &EmulatorHandle, to: &str, body: &str) -> Reply {
    let form = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("customer", format!("+{CUSTOMER_WA_ID}").as_str()), ("sender", PSID), ("to", to)])
        .append_pair("body", body)
        .finish();
    let request = client()
        .post(format!("{}/_emulator/phone/send", emulator.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form);
    reply(request).await
}

/// The thread's raw JSON text, as the page's script fetches it.
async fn thread_text(emulator: &EmulatorHandle) -> String {
    let url = format!("{}/_emulator/phone/thread?customer=%2B{CUSTOMER_WA_ID}&sender={PSID}", emulator.base_url());
    let response = client().get(url).send().await.expect("emulator answers");
    assert_eq!(response.status(), 200);
    response.text().await.expect("thread body")
}

async fn thread(emulator: &EmulatorHandle) -> Value {
    serde_json::from_str(&thread_text(emulator).await).expect("thread is JSON")
}

fn find<'a>(thread: &'a Value, direction: &str, body: &str) -> &'a Value {
    let messages = thread["messages"].as_array().expect("messages");
    messages.iter().find(|m| m["direction"] == direction && m["body"] == body).unwrap_or_else(|| panic!("{thread}"))
}

#[tokio::test]
async fn the_page_lists_meta_numbers_pages_and_instagram_accounts() {
    let receiver = Receiver::start(200, "text/plain", "").await;
    let (emulator, _meta) = phone_emulator(&receiver).await;
    let page = client().get(format!("{}/_emulator/phone", emulator.base_url())).send().await.expect("page");
    let html = page.text().await.expect("page body");
    assert!(html.contains(&format!(r#"<option value="wa-cloud:{PHONE_ID}">WhatsApp (Cloud API) +1 555 000 1111"#)));
    assert!(html.contains(&format!(r#"<option value="messenger:{PAGE_ID}">Messenger Page {PAGE_ID}</option>"#)));
    assert!(html.contains(&format!(r#"<option value="instagram:{IG_ID}">Instagram {IG_ID}</option>"#)));

    let destinations = thread(&emulator).await["destinations"].clone();
    assert_eq!(
        destinations,
        json!([
            {"id": format!("wa-cloud:{PHONE_ID}"), "label": "WhatsApp (Cloud API) +1 555 000 1111"},
            {"id": format!("messenger:{PAGE_ID}"), "label": format!("Messenger Page {PAGE_ID}")},
            {"id": format!("instagram:{IG_ID}"), "label": format!("Instagram {IG_ID}")},
        ])
    );
}

#[tokio::test]
async fn the_form_delivers_a_signed_whatsapp_webhook_and_the_reply_shows_with_its_status() {
    let mut receiver = Receiver::start(200, "text/plain", "").await;
    let (emulator, meta) = phone_emulator(&receiver).await;
    let posted = compose(&emulator, &format!("wa-cloud:{PHONE_ID}"), "Is it open?").await;
    assert_eq!(posted.status, 200, "{}", posted.json);
    assert_eq!(posted.json["status"], 200);

    let webhook = receiver.next().await;
    assert_eq!(webhook.uri, "/webhooks/meta");
    assert!(webhook.is_signed_by_meta_with(APP_SECRET));
    let message = webhook.change_value()["messages"][0].clone();
    assert_eq!(
        (message["from"].as_str(), message["text"]["body"].as_str()),
        (Some(CUSTOMER_WA_ID), Some("Is it open?"))
    );

    let body = json!({"messaging_product": "whatsapp", "to": CUSTOMER_WA_ID, "type": "text", "text": {"body": "Yes!"}});
    let sent = send(&emulator, &body).await;
    assert_eq!(sent.status, 200, "{}", sent.json);
    let wamid = sent.json["messages"][0]["id"].as_str().expect("wamid").to_owned();
    assert!(meta.wait_for_status(&wamid, "read", PATIENCE).await);

    let thread = thread(&emulator).await;
    let asked = find(&thread, "sent", "Is it open?");
    assert_eq!(
        (asked["channel"].as_str(), asked["ours"].as_str()),
        (Some("WhatsApp (Cloud API)"), Some("+1 555 000 1111"))
    );
    let answered = find(&thread, "received", "Yes!");
    assert_eq!(answered["status"], "read");
}

#[tokio::test]
async fn messenger_texts_and_send_api_replies_share_a_thread() {
    let mut receiver = Receiver::start(200, "text/plain", "").await;
    let (emulator, _meta) = phone_emulator(&receiver).await;
    let posted = compose(&emulator, &format!("messenger:{PAGE_ID}"), "Hello page").await;
    assert_eq!(posted.status, 200, "{}", posted.json);
    let webhook = receiver.next().await;
    assert!(webhook.is_signed_by_meta_with(APP_SECRET));
    let event = webhook.json()["entry"][0]["messaging"][0].clone();
    assert_eq!((event["sender"]["id"].as_str(), event["message"]["text"].as_str()), (Some(PSID), Some("Hello page")));

    let body = json!({"recipient": {"id": PSID}, "messaging_type": "RESPONSE", "message": {"text": "Hi there"}});
    let request = client()
        .post(format!("{}/{VERSION}/me/messages", emulator.base_url()))
        .bearer_auth(PAGE_TOKEN)
        .header("content-type", "application/json")
        .body(body.to_string());
    assert_eq!(reply(request).await.status, 200);

    let thread = thread(&emulator).await;
    let messages: Vec<(&str, &str)> = thread["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| (m["direction"].as_str().unwrap_or_default(), m["body"].as_str().unwrap_or_default()))
        .collect();
    assert_eq!(messages, [("sent", "Hello page"), ("received", "Hi there")]);
    let answered = find(&thread, "received", "Hi there");
    assert_eq!((answered["channel"].as_str(), answered["status"].as_str()), (Some("Messenger"), Some("sent")));
}

#[tokio::test]
async fn what_the_customer_and_the_business_wrote_is_escaped() {
    let receiver = Receiver::start(200, "text/plain", "").await;
    let (emulator, _meta) = phone_emulator(&receiver).await;
    let script = "<script>alert('hi & bye')</script>";
    assert_eq!(compose(&emulator, &format!("wa-cloud:{PHONE_ID}"), script).await.status, 200);
    let body = json!({"messaging_product": "whatsapp", "to": CUSTOMER_WA_ID, "type": "text", "text": {"body": script}});
    assert_eq!(send(&emulator, &body).await.status, 200);

    let text = thread_text(&emulator).await;
    assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'), "{text}");
    assert!(text.contains(r"\u003cscript\u003e"), "{text}");
    let thread: Value = serde_json::from_str(&text).expect("thread is JSON");
    find(&thread, "sent", script);
    find(&thread, "received", script);
}

#[tokio::test]
async fn an_unknown_destination_is_404_and_an_empty_message_400() {
    let receiver = Receiver::start(200, "text/plain", "").await;
    let (emulator, _meta) = phone_emulator(&receiver).await;
    let unknown = compose(&emulator, "instagram:404", "hi").await;
    assert_eq!(unknown.status, 404, "{}", unknown.json);
    assert!(unknown.json["error"].as_str().is_some_and(|e| e.contains("404")), "{}", unknown.json);
    assert_eq!(compose(&emulator, &format!("wa-cloud:{PHONE_ID}"), " ").await.status, 400);
}

#[tokio::test]
async fn the_form_still_plays_the_twilio_numbers() {
    let mut receiver = Receiver::twiml().await;
    let emulator = common::emulator(&receiver.url("/hook")).await;
    let form = format!("customer=%2B{CUSTOMER_WA_ID}&to=whatsapp%3A%2B14155550199&body=hola");
    let request = client()
        .post(format!("{}/_emulator/phone/send", emulator.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form);
    assert_eq!(reply(request).await.status, 200);
    let webhook = receiver.next().await;
    assert_eq!(webhook.param("From"), Some(format!("whatsapp:+{CUSTOMER_WA_ID}")));
    assert!(webhook.is_signed_with(common::TOKEN, &receiver.base_url));

    let thread = thread(&emulator).await;
    let said = find(&thread, "sent", "hola");
    assert_eq!((said["channel"].as_str(), said["ours"].as_str()), (Some("WhatsApp"), Some("+14155550199")));
    assert_eq!(thread["numbers"], json!(["+14155550199", "whatsapp:+14155550199"]));
}
