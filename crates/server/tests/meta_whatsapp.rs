//! WhatsApp through Meta's Cloud API, end to end against the emulator on both databases: the
//! GET handshake, signed webhooks for every message type, the app-level endpoint routing by
//! phone number id across workspaces, matching senders by number, and tenant isolation.

mod common;

use common::meta::{APP_VERIFY_TOKEN, CHANNEL_VERIFY_TOKEN};
use common::whatsapp_cloud::*;
use common::{CUSTOMER, expect_problem, on_every_backend};
use serde_json::json;
use switchboard_emulator::meta::{InboundContent, WhatsappInbound};

#[tokio::test]
async fn the_handshake_answers_the_challenge_only_for_the_right_token() {
    on_every_backend(|app| async move {
        let number = app.connect_meta_whatsapp(&app.workspace, NUMBER, PHONE_NUMBER_ID, false).await;
        let handshake = |path: String, token: &str| {
            let query = [("hub.mode", "subscribe"), ("hub.verify_token", token), ("hub.challenge", "1158201444")];
            app.client.get(format!("{}{path}", app.url)).query(&query).send()
        };
        let channel_path = format!("/webhooks/meta/{}", number.channel.channel_id);
        for (path, token) in
            [("/webhooks/meta".to_owned(), APP_VERIFY_TOKEN), (channel_path.clone(), CHANNEL_VERIFY_TOKEN)]
        {
            let answer = handshake(path.clone(), token).await.unwrap();
            assert_eq!(answer.status(), 200, "{path}");
            assert_eq!(answer.text().await.unwrap(), "1158201444", "{path} echoes the challenge");
            let wrong = handshake(path.clone(), "not-the-token").await.unwrap();
            expect_problem(wrong, 403, "wrong-verify-token").await;
        }
        // A channel's token does not open the app-level URL, nor the reverse.
        expect_problem(
            handshake("/webhooks/meta".into(), CHANNEL_VERIFY_TOKEN).await.unwrap(),
            403,
            "wrong-verify-token",
        )
        .await;
        expect_problem(handshake(channel_path, APP_VERIFY_TOKEN).await.unwrap(), 403, "wrong-verify-token").await;
        app
    })
    .await;
}

#[tokio::test]
async fn every_inbound_type_lands_in_one_conversation_with_its_content() {
    on_every_backend(|app| async move {
        app.connect_meta_whatsapp(&app.workspace, NUMBER, PHONE_NUMBER_ID, false).await;
        let meta = app.meta();
        let first = meta.send_inbound(inbound(InboundContent::Text("Is my order ready?".into()))).await.unwrap();
        assert_eq!(first.status, 200, "{}", first.body);
        let contents = [
            InboundContent::Image {
                media_id: "2001".into(),
                mime_type: "image/jpeg".into(),
                caption: Some("The crack".into()),
            },
            InboundContent::Audio { media_id: "2002".into(), mime_type: "audio/ogg; codecs=opus".into(), voice: true },
            InboundContent::Video { media_id: "2003".into(), mime_type: "video/mp4".into(), caption: None },
            InboundContent::Document {
                media_id: "2004".into(),
                mime_type: "application/pdf".into(),
                filename: "invoice.pdf".into(),
                caption: Some("Invoice".into()),
            },
            InboundContent::Sticker { media_id: "2005".into(), mime_type: "image/webp".into(), animated: false },
            InboundContent::Location {
                latitude: 37.48,
                longitude: -122.14,
                name: Some("Main office".into()),
                address: None,
            },
            InboundContent::Contacts(
                json!([{ "name": { "formatted_name": "Barbara Johnson" }, "phones": [{ "phone": "+14155550199" }] }]),
            ),
            InboundContent::ButtonReply { id: "confirm-42".into(), title: "Confirm".into() },
            InboundContent::ListReply {
                id: "slot-9".into(),
                title: "9:00".into(),
                description: Some("Tuesday".into()),
            },
            InboundContent::TemplateButton { payload: "STOP_PROMOS".into(), text: "Stop promotions".into() },
            InboundContent::Reaction { message_id: first.wamid.clone().unwrap(), emoji: Some("👍".into()) },
            InboundContent::Reaction { message_id: first.wamid.clone().unwrap(), emoji: None },
            InboundContent::Unsupported,
        ];
        for content in contents {
            let kind = content.message_type();
            let mut message = inbound(content);
            if kind == "video" {
                message.context = first.wamid.clone();
            }
            let delivery = meta.send_inbound(message).await.unwrap();
            assert_eq!(delivery.status, 200, "{kind}: {}", delivery.body);
        }

        let messages = timeline(&app, &app.api_key).await;
        assert_eq!(messages.len(), 14, "one conversation holds every message");
        assert!(messages.iter().all(|m| m["from"] == CUSTOMER && m["to"] == NUMBER));
        assert_eq!(messages[0]["body"], "Is my order ready?");
        assert_eq!(messages[1]["body"], "The crack");
        assert_eq!(messages[1]["attachments"][0]["provider_media_id"], "2001");
        assert_eq!(messages[3]["reply_to"], first.wamid.clone().unwrap(), "the video replied to the first message");
        assert_eq!(messages[4]["attachments"][0]["filename"], "invoice.pdf");
        assert_eq!(messages[5]["content"], json!({ "kind": "sticker" }));
        assert_eq!(messages[6]["content"]["kind"], "location");
        assert_eq!(messages[7]["content"]["contacts"][0]["name"]["formatted_name"], "Barbara Johnson");
        assert_eq!(messages[8]["content"], json!({ "kind": "choice", "id": "confirm-42", "title": "Confirm" }));
        assert_eq!(messages[9]["content"]["description"], "Tuesday");
        assert_eq!(messages[10]["content"]["id"], "STOP_PROMOS");
        assert_eq!(
            messages[11]["content"],
            json!({ "kind": "reaction", "to": first.wamid.clone().unwrap(), "emoji": "👍" })
        );
        assert_eq!(messages[12]["content"], json!({ "kind": "reaction", "to": first.wamid.clone().unwrap() }));
        assert_eq!(messages[13]["content"]["kind"], "unsupported");
        assert!(messages[13]["content"]["raw"]["errors"][0]["code"] == 131051, "the raw payload is kept");

        let contacts = app.get_json("/api/v1/contacts").await;
        assert_eq!(contacts["data"].as_array().unwrap().len(), 1);
        assert_eq!(contacts["data"][0]["display_name"], "Ada Lovelace", "the profile name names the contact");
        app
    })
    .await;
}

#[tokio::test]
async fn a_whatsapp_sender_is_the_same_contact_as_the_sms_sender_with_that_number() {
    on_every_backend(|app| async move {
        app.connect_meta_whatsapp(&app.workspace, NUMBER, PHONE_NUMBER_ID, false).await;
        app.customer_sms(CUSTOMER, "Texting first").await;
        app.meta().send_inbound(inbound(InboundContent::Text("Now on WhatsApp".into()))).await.unwrap();
        let conversations = app.get_json("/api/v1/conversations").await;
        assert_eq!(conversations["data"].as_array().unwrap().len(), 1, "one customer, one conversation");
        assert_eq!(timeline(&app, &app.api_key).await.len(), 2);
        app
    })
    .await;
}

#[tokio::test]
async fn a_bad_signature_stores_nothing_and_a_retry_stores_no_second_message() {
    on_every_backend(|app| async move {
        let number = app.connect_meta_whatsapp(&app.workspace, NUMBER, PHONE_NUMBER_ID, false).await;
        let body = json!({ "object": "whatsapp_business_account", "entry": [] }).to_string();
        for signature in [None, Some("sha256=00"), Some("sha256=deadbeef")] {
            let mut request = app
                .client
                .post(format!("{}/webhooks/meta/{}", app.url, number.channel.channel_id))
                .header("content-type", "application/json")
                .body(body.clone());
            if let Some(signature) = signature {
                request = request.header("x-hub-signature-256", signature);
            }
            let detail = expect_problem(request.send().await.unwrap(), 403, "invalid-signature").await;
            assert!(detail.contains("x-hub-signature-256"), "{detail}");
        }
        let events = app.get_json("/api/v1/webhook-events").await;
        assert_eq!(events["data"].as_array().unwrap().len(), 0, "a refused webhook stores nothing");

        let meta = app.meta();
        let delivered = meta.send_inbound(inbound(InboundContent::Text("Hello".into()))).await.unwrap();
        let again = meta.redeliver(delivered.wamid.as_deref().unwrap()).await.unwrap();
        assert_eq!(again.status, 200, "a retry is acknowledged");
        assert_eq!(timeline(&app, &app.api_key).await.len(), 1, "Meta's retry is not a second message");
        app
    })
    .await;
}

#[tokio::test]
async fn the_app_level_webhook_routes_each_number_to_its_workspace_and_acknowledges_unknown_ids() {
    on_every_backend(|app| async move {
        let other = switchboard_server::admin::create_workspace(&app.store, "Harbour Cafe", None).await.unwrap();
        let (_, other_key) = switchboard_server::admin::create_api_key(&app.store, &other, "tests").await.unwrap();
        let clinic = app.connect_meta_whatsapp(&app.workspace, NUMBER, PHONE_NUMBER_ID, true).await;
        let cafe = app.connect_meta_whatsapp(&other, "+14155550111", "206540352242922", true).await;

        let meta = app.meta();
        meta.send_inbound(inbound(InboundContent::Text("For the clinic".into()))).await.unwrap();
        let to_cafe = WhatsappInbound { phone_number_id: cafe.phone_number_id.clone(), ..inbound(InboundContent::Text("For the cafe".into())) };
        meta.send_inbound(to_cafe).await.unwrap();
        assert_eq!(timeline(&app, &app.api_key).await[0]["body"], "For the clinic");
        let cafe_messages = timeline(&app, &other_key).await;
        assert_eq!(cafe_messages.len(), 1, "each workspace sees only its own number's messages");
        assert_eq!(cafe_messages[0]["body"], "For the cafe");

        // One webhook with entries for both numbers and for a number no channel has.
        let change = |id: &str, display: &str, wamid: &str, text: &str| {
            json!({ "field": "messages", "value": { "messaging_product": "whatsapp",
                "metadata": { "display_phone_number": display, "phone_number_id": id },
                "contacts": [{ "profile": { "name": "Ada" }, "wa_id": customer() }],
                "messages": [{ "from": customer(), "id": wamid, "timestamp": "1749416383", "type": "text", "text": { "body": text } }] } })
        };
        let body = json!({ "object": "whatsapp_business_account", "entry": [
            { "id": clinic.business_account_id, "changes": [change(PHONE_NUMBER_ID, "14155550110", "wamid.A", "Second for the clinic")] },
            { "id": "555", "changes": [change("999999999", "14155550999", "wamid.B", "For nobody")] },
            { "id": cafe.business_account_id, "changes": [change(&cafe.phone_number_id, "14155550111", "wamid.C", "Second for the cafe")] }
        ] });
        let answer = meta.post_signed(PHONE_NUMBER_ID, body).await.unwrap();
        assert_eq!(answer.status, 200, "an unknown phone number id is acknowledged so Meta stops retrying");
        assert_eq!(timeline(&app, &app.api_key).await.len(), 2);
        assert_eq!(timeline(&app, &other_key).await.len(), 2);
        assert!(app.metrics().await.contains("outcome=\"unrouted\""), "the unknown id is counted");

        // A forged app-level webhook carrying a message is refused and stores nothing.
        let forged_body = json!({ "object": "whatsapp_business_account", "entry": [
            { "id": clinic.business_account_id, "changes": [change(PHONE_NUMBER_ID, "14155550110", "wamid.F", "Forged")] }
        ] });
        let forged = app
            .client
            .post(format!("{}/webhooks/meta", app.url))
            .header("x-hub-signature-256", format!("sha256={}", "0".repeat(64)))
            .body(forged_body.to_string())
            .send()
            .await
            .unwrap();
        expect_problem(forged, 403, "invalid-signature").await;
        assert_eq!(timeline(&app, &app.api_key).await.len(), 2, "the forged message is not stored");
        app
    })
    .await;
}

#[tokio::test]
async fn templates_of_another_workspace_s_channel_are_out_of_reach() {
    on_every_backend(|app| async move {
        let other = switchboard_server::admin::create_workspace(&app.store, "Harbour Cafe", None).await.unwrap();
        let cafe = app.connect_meta_whatsapp(&other, "+14155550111", "206540352242922", false).await;
        let path = format!("/api/v1/channels/{}/templates", cafe.channel.channel_id);
        expect_problem(app.get(&path).send().await.unwrap(), 404, "not-found").await;
        let sync = app.post(&format!("{path}/sync"), &json!({})).send().await.unwrap();
        expect_problem(sync, 404, "not-found").await;
        let send = app
            .post("/api/v1/messages", &json!({ "channel_id": cafe.channel.channel_id, "to": CUSTOMER, "body": "hi" }))
            .send()
            .await
            .unwrap();
        expect_problem(send, 404, "not-found").await;
        // Rich content on an SMS channel is refused with the reason.
        let buttons = json!({ "channel_id": app.sms.channel_id, "to": CUSTOMER, "body": "Pick one",
            "content": { "kind": "buttons", "buttons": [{ "id": "a", "title": "A" }] } });
        let detail =
            expect_problem(app.post("/api/v1/messages", &buttons).send().await.unwrap(), 422, "invalid-content").await;
        assert!(detail.contains("only WhatsApp channels connected through Meta"), "{detail}");
        app
    })
    .await;
}

#[tokio::test]
async fn a_workspace_may_keep_whatsapp_senders_apart_from_sms_senders_with_the_same_number() {
    on_every_backend(|app| async move {
        let number = app.connect_meta_whatsapp(&app.workspace, NUMBER, PHONE_NUMBER_ID, false).await;
        app.store.set_whatsapp_matching(app.workspace.workspace_id, false, 0).await.unwrap();
        app.customer_sms(CUSTOMER, "Texting first").await;
        app.meta().send_inbound(inbound(InboundContent::Text("Now on WhatsApp".into()))).await.unwrap();
        let contacts = app.get_json("/api/v1/contacts").await;
        let contacts = contacts["data"].as_array().unwrap();
        assert_eq!(contacts.len(), 2, "two contacts for one number: {contacts:#?}");
        let kinds: Vec<&str> = contacts.iter().map(|c| c["identities"][0]["kind"].as_str().unwrap()).collect();
        assert!(kinds.contains(&"phone") && kinds.contains(&"whatsapp"), "{kinds:?}");

        // A reply on WhatsApp reaches the WhatsApp identity.
        let reply = json!({ "channel_id": number.channel.channel_id, "to": CUSTOMER, "body": "Hi on WhatsApp" });
        assert_eq!(app.post("/api/v1/messages", &reply).send().await.unwrap().status(), 202);
        let sent = app.meta().wait_for_sent(1, WAIT).await;
        assert_eq!(sent[0].to, customer());
        app
    })
    .await;
}
