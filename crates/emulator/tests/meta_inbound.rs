//! A customer's WhatsApp messages reach our server as Meta's `messages` webhooks: signed
//! with the app secret over the exact raw bytes, one documented JSON shape per message type,
//! redeliverable byte for byte.

mod common;
mod meta_common;

use common::Receiver;
use meta_common::*;
use serde_json::{Value, json};
use switchboard_emulator::EmulatorError;
use switchboard_emulator::meta::{InboundContent, WhatsappInbound};

fn inbound(content: InboundContent) -> WhatsappInbound {
    WhatsappInbound {
        phone_number_id: PHONE_ID.into(),
        from: CUSTOMER_WA_ID.into(),
        profile_name: Some("Ada Lovelace".into()),
        context: None,
        content,
    }
}

/// The keys of a JSON object, sorted.
fn keys(object: &Value) -> Vec<String> {
    let mut keys: Vec<String> = object.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    keys
}

/// Sends `content` and returns the webhook's `messages[0]`, after checking the envelope.
async fn delivered_message(content: InboundContent) -> Value {
    let mut receiver = Receiver::start(200, "text/plain", "").await;
    let (_emulator, meta) = meta_emulator(&receiver.url("/webhooks/meta")).await;
    meta.add_media("1013859600285441", "image/jpeg", b"jpeg bytes".to_vec());
    let delivery = meta.send_inbound(inbound(content)).await.unwrap();
    let request = receiver.next().await;
    assert!(request.is_signed_by_meta_with(APP_SECRET));
    let value = request.change_value();
    let message = value["messages"][0].clone();
    assert_eq!(message["id"].as_str(), delivery.wamid.as_deref());
    message
}

#[tokio::test]
async fn a_text_arrives_signed_with_metas_envelope_and_headers() {
    let mut receiver = Receiver::start(200, "text/plain", "EVENT_RECEIVED").await;
    let (_emulator, meta) = meta_emulator(&receiver.url("/webhooks/meta?tenant=acme")).await;
    let mut text = WhatsappInbound::text(PHONE_ID, CUSTOMER_WA_ID, "Olá, é urgente 👍 https://x.y/z");
    text.profile_name = Some("Ada".into());
    let delivery = meta.send_inbound(text).await.unwrap();
    assert_eq!(delivery.status, 200);
    assert_eq!(delivery.body, "EVENT_RECEIVED");
    let wamid = delivery.wamid.clone().unwrap();
    assert!(wamid.starts_with("wamid.HBgL"), "{wamid}");

    let request = receiver.next().await;
    assert_eq!(request.uri, "/webhooks/meta?tenant=acme");
    assert_eq!(request.header("content-type").as_deref(), Some("application/json"));
    let signature = request.header("x-hub-signature-256").unwrap();
    assert_eq!(signature, expected_signature(APP_SECRET, &request.body));
    assert!(signature.starts_with("sha256=") && signature.len() == 7 + 64);
    assert!(!request.is_signed_by_meta_with("another-secret"));
    assert!(request.header("x-hub-signature").unwrap().starts_with("sha1="));

    // Meta escapes non-ASCII and slashes; the signature covers those exact bytes.
    let raw = String::from_utf8(request.body.to_vec()).unwrap();
    assert!(raw.is_ascii());
    // Fields come in the order of Meta's webhook reference.
    let prefix = format!(r#"{{"object":"whatsapp_business_account","entry":[{{"id":"{WABA}","changes":[{{"value":{{"#)
        + &format!(r#""messaging_product":"whatsapp","metadata":{{"display_phone_number":"{DISPLAY_NUMBER}""#);
    assert!(raw.starts_with(&prefix), "{raw}");
    assert!(raw.ends_with(r#""field":"messages"}]}]}"#), "{raw}");
    assert!(raw.contains(r"Ol\u00e1, \u00e9 urgente \ud83d\udc4d https:\/\/x.y\/z"), "{raw}");

    let body = request.json();
    assert_eq!(body["object"], "whatsapp_business_account");
    assert_eq!(body["entry"][0]["id"], WABA);
    assert_eq!(body["entry"][0]["changes"][0]["field"], "messages");
    let value = request.change_value();
    assert_eq!(value["messaging_product"], "whatsapp");
    assert_eq!(value["metadata"], json!({"display_phone_number": DISPLAY_NUMBER, "phone_number_id": PHONE_ID}));
    assert_eq!(value["contacts"], json!([{"profile": {"name": "Ada"}, "wa_id": CUSTOMER_WA_ID}]));
    let message = &value["messages"][0];
    assert_eq!(message["from"], CUSTOMER_WA_ID);
    assert_eq!(message["id"], wamid.as_str());
    assert_eq!(message["type"], "text");
    assert_eq!(message["text"], json!({"body": "Olá, é urgente 👍 https://x.y/z"}));
    let timestamp: u64 = message["timestamp"].as_str().unwrap().parse().unwrap();
    assert!(timestamp > 1_700_000_000);
    assert!(value.get("statuses").is_none());
}

#[tokio::test]
async fn media_messages_carry_id_mime_type_sha256_and_url() {
    let image = delivered_message(InboundContent::Image {
        media_id: "1013859600285441".into(),
        mime_type: "image/jpeg".into(),
        caption: Some("my cat".into()),
    })
    .await;
    assert_eq!(image["type"], "image");
    assert_eq!(keys(&image["image"]), ["caption", "id", "mime_type", "sha256", "url"]);
    assert_eq!(image["image"]["caption"], "my cat");
    assert_eq!(image["image"]["id"], "1013859600285441");
    assert_eq!(image["image"]["mime_type"], "image/jpeg");
    // Base64 SHA-256 of the stored bytes, as Meta writes it in webhooks.
    assert_eq!(image["image"]["sha256"], "G0jiEoKWPfui//86TDMUcSQv5C/QpRFh5W33IIXERck=");
    assert!(image["image"]["url"].as_str().unwrap().ends_with("/_emulator/meta/media/1013859600285441/download"));

    let voice = delivered_message(InboundContent::Audio {
        media_id: "2".into(),
        mime_type: "audio/ogg; codecs=opus".into(),
        voice: true,
    })
    .await;
    assert_eq!(voice["type"], "audio");
    assert_eq!(voice["audio"]["voice"], true);
    assert_eq!(voice["audio"]["mime_type"], "audio/ogg; codecs=opus");
    assert!(voice["audio"].get("caption").is_none());

    let video =
        delivered_message(InboundContent::Video { media_id: "3".into(), mime_type: "video/mp4".into(), caption: None })
            .await;
    assert_eq!(video["type"], "video");
    assert_eq!(keys(&video["video"]), ["id", "mime_type", "sha256", "url"]);

    let document = delivered_message(InboundContent::Document {
        media_id: "4".into(),
        mime_type: "application/pdf".into(),
        filename: "invoice.pdf".into(),
        caption: Some("March".into()),
    })
    .await;
    assert_eq!(document["type"], "document");
    assert_eq!(document["document"]["filename"], "invoice.pdf");
    assert_eq!(document["document"]["caption"], "March");

    let sticker = delivered_message(InboundContent::Sticker {
        media_id: "5".into(),
        mime_type: "image/webp".into(),
        animated: false,
    })
    .await;
    assert_eq!(sticker["type"], "sticker");
    assert_eq!(sticker["sticker"]["animated"], false);
    assert_eq!(sticker["sticker"]["mime_type"], "image/webp");
}

#[tokio::test]
async fn locations_contacts_and_replies_have_their_documented_objects() {
    let location = delivered_message(InboundContent::Location {
        latitude: 37.483307,
        longitude: -122.148981,
        name: Some("Philz Coffee".into()),
        address: Some("101 Forest Ave, Palo Alto, CA 94301".into()),
    })
    .await;
    assert_eq!(location["type"], "location");
    assert_eq!(
        location["location"],
        json!({"latitude": 37.483307, "longitude": -122.148981, "name": "Philz Coffee",
               "address": "101 Forest Ave, Palo Alto, CA 94301"})
    );

    let cards = json!([{"name": {"formatted_name": "Grace Hopper", "first_name": "Grace"},
                        "phones": [{"phone": "+1 415 555 0101", "wa_id": "14155550101", "type": "CELL"}]}]);
    let contacts = delivered_message(InboundContent::Contacts(cards.clone())).await;
    assert_eq!(contacts["type"], "contacts");
    assert_eq!(contacts["contacts"], cards);

    let button = delivered_message(InboundContent::ButtonReply { id: "yes".into(), title: "Yes please".into() }).await;
    assert_eq!(button["type"], "interactive");
    assert_eq!(
        button["interactive"],
        json!({"type": "button_reply", "button_reply": {"id": "yes", "title": "Yes please"}})
    );

    let list = delivered_message(InboundContent::ListReply {
        id: "row-2".into(),
        title: "Tomorrow".into(),
        description: Some("9am to noon".into()),
    })
    .await;
    assert_eq!(
        list["interactive"],
        json!({"type": "list_reply", "list_reply": {"id": "row-2", "title": "Tomorrow", "description": "9am to noon"}})
    );

    let quick_reply =
        delivered_message(InboundContent::TemplateButton { payload: "STOP".into(), text: "Stop promotions".into() })
            .await;
    assert_eq!(quick_reply["type"], "button");
    assert_eq!(quick_reply["button"], json!({"payload": "STOP", "text": "Stop promotions"}));
}

#[tokio::test]
async fn reactions_unsupported_messages_and_replies_follow_metas_reference() {
    let reaction =
        delivered_message(InboundContent::Reaction { message_id: "wamid.ABC".into(), emoji: Some("❤️".into()) }).await;
    assert_eq!(reaction["type"], "reaction");
    assert_eq!(reaction["reaction"], json!({"message_id": "wamid.ABC", "emoji": "❤️"}));

    // A removed reaction comes without the emoji field.
    let removed = delivered_message(InboundContent::Reaction { message_id: "wamid.ABC".into(), emoji: None }).await;
    assert_eq!(removed["reaction"], json!({"message_id": "wamid.ABC"}));

    let unsupported = delivered_message(InboundContent::Unsupported).await;
    assert_eq!(unsupported["type"], "unsupported");
    assert_eq!(
        unsupported["errors"],
        json!([{"code": 131051, "title": "Message type unknown", "message": "Message type unknown",
                "error_data": {"details": "Message type is currently not supported."}}])
    );
    assert!(unsupported["unsupported"]["type"].is_string());

    let mut receiver = Receiver::start(200, "text/plain", "").await;
    let (_emulator, meta) = meta_emulator(&receiver.url("/hook")).await;
    let mut reply = WhatsappInbound::text(PHONE_ID, CUSTOMER_WA_ID, "that one");
    reply.context = Some("wamid.PREVIOUS".into());
    reply.profile_name = None;
    meta.send_inbound(reply).await.unwrap();
    let value = receiver.next().await.change_value();
    assert_eq!(value["messages"][0]["context"], json!({"from": DISPLAY_NUMBER, "id": "wamid.PREVIOUS"}));
    assert_eq!(value["contacts"], json!([{"wa_id": CUSTOMER_WA_ID}]));
}

#[tokio::test]
async fn a_webhook_is_redelivered_byte_for_byte() {
    let mut receiver = Receiver::start(500, "text/plain", "busy").await;
    let (_emulator, meta) = meta_emulator(&receiver.url("/hook")).await;
    let first = meta.send_inbound(WhatsappInbound::text(PHONE_ID, CUSTOMER_WA_ID, "hi")).await.unwrap();
    assert_eq!(first.status, 500);
    let wamid = first.wamid.clone().unwrap();
    let again = meta.redeliver(&wamid).await.unwrap();
    assert_eq!(again.wamid, first.wamid);

    let (original, redelivered) = (receiver.next().await, receiver.next().await);
    assert_eq!(original.body, redelivered.body);
    assert_eq!(original.header("x-hub-signature-256"), redelivered.header("x-hub-signature-256"));
    assert_eq!(meta.redeliver("wamid.unknown").await, Err(EmulatorError::UnknownMessage("wamid.unknown".into())));
}

#[tokio::test]
async fn arbitrary_bodies_are_signed_with_the_numbers_app_secret() {
    let mut receiver = Receiver::start(200, "text/plain", "").await;
    let (_emulator, meta) = meta_emulator(&receiver.url("/hook")).await;
    let body = json!({"object": "whatsapp_business_account", "entry": [{"id": WABA, "changes": [{
        "field": "account_update", "value": {"event": "VERIFIED_ACCOUNT"}}]}]});
    let delivery = meta.post_signed(PHONE_ID, body.clone()).await.unwrap();
    assert_eq!((delivery.status, delivery.wamid), (200, None));
    let request = receiver.next().await;
    assert!(request.is_signed_by_meta_with(APP_SECRET));
    assert_eq!(request.json(), body);
}

#[tokio::test]
async fn unknown_numbers_and_non_loopback_webhooks_are_errors() {
    let (_emulator, meta) = meta_emulator("https://example.com/hook").await;
    let unknown = meta.send_inbound(WhatsappInbound::text("999", CUSTOMER_WA_ID, "hi")).await;
    assert_eq!(unknown, Err(EmulatorError::UnknownNumber("999".into())));
    let remote = meta.send_inbound(WhatsappInbound::text(PHONE_ID, CUSTOMER_WA_ID, "hi")).await;
    assert!(matches!(remote, Err(EmulatorError::Http(message)) if message.contains("non-loopback")));
}
