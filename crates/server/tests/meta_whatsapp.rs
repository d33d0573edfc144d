//! WhatsApp through Meta's Cloud API, end to end against the emulator on both databases: the
//! GET handshake, signed webhooks for every message type and status, the app-level endpoint
//! routing by phone number id across workspaces, replies with their statuses, the 24-hour
//! window with templates, and Meta's refusals.

mod common;

use std::time::Duration;

use common::meta::{APP_SECRET, APP_VERIFY_TOKEN, CHANNEL_VERIFY_TOKEN};
use common::{CUSTOMER, TestApp, expect_problem, on_every_backend};
use serde_json::{Value, json};
use switchboard_emulator::meta::{InboundContent, MetaTemplate, WhatsappInbound};

const NUMBER: &str = "+14155550110";
const PHONE_NUMBER_ID: &str = "106540352242922";
const WAIT: Duration = Duration::from_secs(10);

fn customer() -> String {
    CUSTOMER.trim_start_matches('+').to_owned()
}

fn inbound(content: InboundContent) -> WhatsappInbound {
    WhatsappInbound {
        phone_number_id: PHONE_NUMBER_ID.into(),
        from: customer(),
        profile_name: Some("Ada Lovelace".into()),
        context: None,
        content,
    }
}

/// The messages of the workspace's only conversation, oldest first.
async fn timeline(app: &TestApp, api_key: &str) -> Vec<Value> {
    let list: Value = app
        .client
        .get(format!("{}/api/v1/conversations", app.url))
        .bearer_auth(api_key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = list["data"][0]["id"].as_str().expect("a conversation").to_owned();
    let page: Value = app
        .client
        .get(format!("{}/api/v1/conversations/{id}/messages", app.url))
        .bearer_auth(api_key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    page["data"].as_array().unwrap().clone()
}

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

        // A forged app-level webhook is refused.
        let forged = app
            .client
            .post(format!("{}/webhooks/meta", app.url))
            .header("x-hub-signature-256", format!("sha256={}", "0".repeat(64)))
            .body("{\"object\":\"whatsapp_business_account\",\"entry\":[]}")
            .send()
            .await
            .unwrap();
        expect_problem(forged, 403, "invalid-signature").await;
        assert_ne!(APP_SECRET, "", "the app secret signs the real ones");
        app
    })
    .await;
}

#[tokio::test]
async fn a_reply_goes_out_through_the_cloud_api_and_its_statuses_keep_pricing() {
    on_every_backend(|app| async move {
        let number = app.connect_meta_whatsapp(&app.workspace, NUMBER, PHONE_NUMBER_ID, false).await;
        let meta = app.meta();
        let theirs = meta.send_inbound(inbound(InboundContent::Text("Can I come at 10?".into()))).await.unwrap();
        let response = app
            .post(
                "/api/v1/messages",
                &json!({
                "channel_id": number.channel.channel_id, "to": CUSTOMER, "body": "Yes, see you then",
                "reply_to": theirs.wamid, "content": { "kind": "link_preview" } }),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 202);
        let id = response.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        let sent = meta.wait_for_sent(1, WAIT).await;
        assert_eq!(sent[0].request["text"], json!({ "preview_url": true, "body": "Yes, see you then" }));
        assert_eq!(sent[0].request["context"]["message_id"], theirs.wamid.clone().unwrap());
        assert_eq!(sent[0].to, customer());
        let read = app.wait_for_status(&id, "read").await;
        assert_eq!(read["provider_message_id"], sent[0].wamid);
        assert!(read["provider_details"]["pricing"]["pricing_model"].is_string(), "{read:#}");
        assert!(read["provider_details"]["conversation"]["id"].is_string(), "{read:#}");
        app
    })
    .await;
}

#[tokio::test]
async fn outside_the_window_a_free_form_reply_is_refused_naming_the_templates_and_a_template_goes() {
    on_every_backend(|app| async move {
        let number = app.connect_meta_whatsapp(&app.workspace, NUMBER, PHONE_NUMBER_ID, false).await;
        let meta = app.meta();
        meta.add_template(
            &number.business_account_id,
            MetaTemplate::approved("appointment_reminder", "en_US", "UTILITY", "Hi {{1}}, see you {{2}}."),
        );
        meta.add_template(
            &number.business_account_id,
            MetaTemplate {
                status: "REJECTED".into(),
                ..MetaTemplate::approved("big_sale", "en_US", "MARKETING", "Sale!")
            },
        );
        let channel = number.channel.channel_id;
        let synced = app.post(&format!("/api/v1/channels/{channel}/templates/sync"), &json!({})).send().await.unwrap();
        assert_eq!(synced.status(), 200);
        assert_eq!(synced.json::<Value>().await.unwrap()["data"].as_array().unwrap().len(), 2);

        let free_form = app
            .post("/api/v1/messages", &json!({ "channel_id": channel, "to": CUSTOMER, "body": "Hello?" }))
            .send()
            .await
            .unwrap();
        let detail = expect_problem(free_form, 409, "outside-whatsapp-window").await;
        assert!(detail.contains("appointment_reminder (en_US)"), "the refusal names the template: {detail}");
        assert!(!detail.contains("big_sale"), "a rejected template is not offered: {detail}");
        assert!(meta.sent().is_empty(), "nothing reached Meta");

        let template = |name: &str, parameters: Value| {
            json!({ "channel_id": channel, "to": CUSTOMER, "content": {
                "kind": "template", "name": name, "language": "en_US", "body_parameters": parameters } })
        };
        let unknown = app.post("/api/v1/messages", &template("no_such_template", json!([]))).send().await.unwrap();
        let detail = expect_problem(unknown, 422, "unknown-template").await;
        assert!(detail.contains("appointment_reminder"), "{detail}");
        let short =
            app.post("/api/v1/messages", &template("appointment_reminder", json!(["Ada"]))).send().await.unwrap();
        let detail = expect_problem(short, 422, "invalid-content").await;
        assert!(detail.contains("takes 2 body parameters"), "{detail}");

        let good = app
            .post("/api/v1/messages", &template("appointment_reminder", json!(["Ada", "Tuesday 10:00"])))
            .send()
            .await
            .unwrap();
        assert_eq!(good.status(), 202);
        let id = good.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        let sent = meta.wait_for_sent(1, WAIT).await;
        assert_eq!(sent[0].request["type"], "template");
        assert_eq!(sent[0].request["template"]["components"][0]["parameters"][1]["text"], "Tuesday 10:00");
        app.wait_for_status(&id, "read").await;
        app
    })
    .await;
}

#[tokio::test]
async fn meta_s_own_window_refusal_names_the_templates_and_a_rate_limit_is_waited_out() {
    on_every_backend(|app| async move {
        let number = app.connect_meta_whatsapp(&app.workspace, NUMBER, PHONE_NUMBER_ID, false).await;
        let meta = app.meta();
        meta.add_template(
            &number.business_account_id,
            MetaTemplate::approved("order_update", "en_US", "UTILITY", "Your order {{1}} shipped."),
        );
        let channel = number.channel.channel_id;
        app.post(&format!("/api/v1/channels/{channel}/templates/sync"), &json!({})).send().await.unwrap();
        meta.send_inbound(inbound(InboundContent::Text("Hi".into()))).await.unwrap();

        // The window looked open here, but Meta says it closed.
        meta.fail_api(&customer(), 131047, 1);
        let refused = app
            .post("/api/v1/messages", &json!({ "channel_id": channel, "to": CUSTOMER, "body": "Late answer" }))
            .send()
            .await
            .unwrap();
        let id = refused.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        let failed = app.wait_for_status(&id, "failed").await;
        assert_eq!(failed["error_code"], "131047");
        let reason = failed["error_reason"].as_str().unwrap();
        assert!(reason.contains("24 hours") && reason.contains("order_update (en_US)"), "{reason}");

        // A throughput limit is waited out, never counted against the message.
        meta.fail_api(&customer(), 130429, 1);
        let limited = app
            .post("/api/v1/messages", &json!({ "channel_id": channel, "to": CUSTOMER, "body": "Busy hour" }))
            .send()
            .await
            .unwrap();
        let id = limited.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        let sent = app.wait_for_status(&id, "read").await;
        assert_eq!(sent["error_code"], Value::Null);
        assert_eq!(meta.sent().iter().filter(|s| s.request["text"]["body"] == "Busy hour").count(), 1);
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

/// Re-reads the workspace's messages until `done` holds for the one with this provider id;
/// panics with its last state after ten seconds.
async fn wait_for_message(app: &TestApp, wamid: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let message = timeline(app, &app.api_key).await.into_iter().find(|m| m["provider_message_id"] == wamid);
        match message {
            Some(message) if done(&message) => return message,
            other if tokio::time::Instant::now() > deadline => panic!("the message never got there: {other:#?}"),
            _ => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
}

#[tokio::test]
async fn files_are_fetched_kept_and_served_and_a_failed_fetch_is_noted_and_retried() {
    on_every_backend(|app| async move {
        app.connect_meta_whatsapp(&app.workspace, NUMBER, PHONE_NUMBER_ID, false).await;
        let meta = app.meta();
        let photo: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8).collect();
        meta.add_media("3001", "image/jpeg", photo.clone());
        let image = |media_id: &str, mime_type: &str| {
            inbound(InboundContent::Image { media_id: media_id.into(), mime_type: mime_type.into(), caption: None })
        };
        let sent = meta.send_inbound(image("3001", "image/jpeg")).await.unwrap();
        let kept = wait_for_message(&app, sent.wamid.as_deref().unwrap(), |m| m["attachments"][0]["url"] != "").await;
        let attachment = &kept["attachments"][0];
        assert_eq!(attachment["size_bytes"], photo.len());
        let url = attachment["url"].as_str().unwrap();
        let media_id = url.strip_prefix("/inbox/media/").expect("the inbox serves it");
        let served = app.get(&format!("/api/v1/media/{media_id}")).send().await.unwrap();
        assert_eq!(served.status(), 200);
        assert_eq!(served.headers()["content-type"], "image/jpeg");
        assert_eq!(served.headers()["x-content-type-options"], "nosniff");
        assert_eq!(served.headers()["x-content-sha256"], attachment["sha256"].as_str().unwrap());
        assert_eq!(served.bytes().await.unwrap().to_vec(), photo, "the same bytes come back");

        // Another workspace cannot read it.
        let other = switchboard_server::admin::create_workspace(&app.store, "Harbour Cafe", None).await.unwrap();
        let (_, other_key) = switchboard_server::admin::create_api_key(&app.store, &other, "tests").await.unwrap();
        let foreign =
            app.client.get(format!("{}/api/v1/media/{media_id}", app.url)).bearer_auth(other_key).send().await.unwrap();
        expect_problem(foreign, 404, "not-found").await;

        // Meta does not have the file yet: the failure is noted, and the fetch is retried.
        let late = meta.send_inbound(image("3002", "image/png")).await.unwrap();
        let late_id = late.wamid.as_deref().unwrap();
        let noted = wait_for_message(&app, late_id, |m| m["attachments"][0]["fetch_error"].is_string()).await;
        assert!(noted["attachments"][0]["fetch_error"].as_str().unwrap().contains("trying again"), "{noted:#}");
        meta.add_media("3002", "image/png", b"\x89PNG late".to_vec());
        let fetched = wait_for_message(&app, late_id, |m| m["attachments"][0]["url"] != "").await;
        assert_eq!(fetched["attachments"][0]["fetch_error"], Value::Null, "the note goes once the file is kept");

        // Too large, or a type that is not kept: noted once, not retried, the message kept.
        meta.add_media("3003", "video/mp4", vec![0; 2 * 1024 * 1024]);
        let video = InboundContent::Video {
            media_id: "3003".into(),
            mime_type: "video/mp4".into(),
            caption: Some("Look".into()),
        };
        let big = meta.send_inbound(inbound(video)).await.unwrap();
        let refused =
            wait_for_message(&app, big.wamid.as_deref().unwrap(), |m| m["attachments"][0]["fetch_error"].is_string())
                .await;
        assert!(refused["attachments"][0]["fetch_error"].as_str().unwrap().contains("at most 1048576"), "{refused:#}");
        assert_eq!(refused["body"], "Look", "the message itself is kept");
        meta.add_media("3004", "application/x-msdownload", b"MZ".to_vec());
        let program = InboundContent::Document {
            media_id: "3004".into(),
            mime_type: "application/x-msdownload".into(),
            filename: "invoice.exe".into(),
            caption: None,
        };
        let exe = meta.send_inbound(inbound(program)).await.unwrap();
        let refused =
            wait_for_message(&app, exe.wamid.as_deref().unwrap(), |m| m["attachments"][0]["fetch_error"].is_string())
                .await;
        assert!(refused["attachments"][0]["fetch_error"].as_str().unwrap().contains("are not kept"), "{refused:#}");
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
