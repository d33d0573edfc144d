//! Inbound: signed Twilio webhooks from the emulator, verified, stored once, answered with TwiML.

mod common;

use common::*;
use switchboard_emulator::signature::signature_for_form_body;

#[tokio::test]
async fn a_customer_sms_becomes_a_contact_a_conversation_and_a_message_in_the_api() {
    on_every_backend(|app| async move {
        let delivery = app.customer_sms(CUSTOMER, "Hi! Can I move my appointment?").await;
        assert_eq!(delivery.status, 200, "{}", app.backend);
        assert!(delivery.body.contains("<Response>"), "Twilio expects TwiML: {}", delivery.body);

        let conversations = app.get_json("/api/v1/conversations").await;
        let conversation = &conversations["data"][0];
        assert_eq!(conversation["unread_count"], 1);
        let messages =
            app.get_json(&format!("/api/v1/conversations/{}/messages", conversation["id"].as_str().unwrap())).await;
        let message = &messages["data"][0];
        assert_eq!(message["body"], "Hi! Can I move my appointment?");
        assert_eq!(message["direction"], "inbound");
        assert_eq!(message["from"], CUSTOMER);
        assert_eq!(message["provider_message_id"], delivery.message_sid);
        let contact = app.get_json(&format!("/api/v1/contacts/{}", message["contact_id"].as_str().unwrap())).await;
        assert_eq!(contact["identities"][0]["value"], CUSTOMER);
        app
    })
    .await;
}

#[tokio::test]
async fn sms_and_whatsapp_from_the_same_number_are_one_contact_and_one_conversation() {
    on_every_backend(|app| async move {
        app.customer_sms(CUSTOMER, "texting first").await;
        app.customer_whatsapp(CUSTOMER, "now on WhatsApp", Some("Ana Lima")).await;
        let conversations = app.get_json("/api/v1/conversations").await;
        assert_eq!(conversations["data"].as_array().unwrap().len(), 1, "{}", app.backend);
        let conversation = &conversations["data"][0];
        assert_eq!(conversation["last_channel_id"], app.whatsapp.channel_id.to_string());
        let contact = app.get_json(&format!("/api/v1/contacts/{}", conversation["contact_id"].as_str().unwrap())).await;
        assert_eq!(contact["display_name"], "Ana Lima", "WhatsApp's ProfileName names the contact");
        let by_channel = app.get_json(&format!("/api/v1/conversations?channel_id={}", app.sms.channel_id)).await;
        assert_eq!(by_channel["data"].as_array().unwrap().len(), 1);
        app
    })
    .await;
}

#[tokio::test]
async fn a_redelivered_webhook_is_acknowledged_but_stored_once() {
    on_every_backend(|app| async move {
        let first = app.customer_sms(CUSTOMER, "only once please").await;
        let again = app.emulator.redeliver(&first.message_sid).await.unwrap();
        assert_eq!(again.status, 200, "{}: Twilio must see success or it retries", app.backend);
        let conversations = app.get_json("/api/v1/conversations").await;
        let id = conversations["data"][0]["id"].as_str().unwrap().to_owned();
        let messages = app.get_json(&format!("/api/v1/conversations/{id}/messages")).await;
        assert_eq!(messages["data"].as_array().unwrap().len(), 1, "{}", app.backend);
        let events = app.get_json("/api/v1/webhook-events").await;
        let outcomes: Vec<&str> =
            events["data"].as_array().unwrap().iter().map(|e| e["outcome"].as_str().unwrap()).collect();
        assert_eq!(outcomes, vec!["duplicate", "message"]);
        app
    })
    .await;
}

fn webhook_url(app: &TestApp) -> String {
    format!("{}/webhooks/twilio/{}", app.url, app.sms.channel_id)
}

fn form(pairs: &[(&str, &str)]) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    serializer.extend_pairs(pairs);
    serializer.finish()
}

#[tokio::test]
async fn unsigned_forged_and_tampered_webhooks_are_refused_and_store_nothing() {
    on_every_backend(|app| async move {
        let url = webhook_url(&app);
        let body = form(&[
            ("MessageSid", "SM00000000000000000000000000000001"),
            ("From", CUSTOMER),
            ("To", SMS_NUMBER),
            ("Body", "hi"),
        ]);
        let post = |signature: Option<String>, body: String| {
            let mut request =
                app.client.post(&url).header("content-type", "application/x-www-form-urlencoded").body(body);
            if let Some(signature) = signature {
                request = request.header("x-twilio-signature", signature);
            }
            request.send()
        };
        let unsigned = post(None, body.clone()).await.unwrap();
        expect_problem(unsigned, 403, "invalid-signature").await;
        let forged =
            post(Some(signature_for_form_body("wrong-token", &url, body.as_bytes())), body.clone()).await.unwrap();
        expect_problem(forged, 403, "invalid-signature").await;
        let signed = signature_for_form_body(AUTH_TOKEN, &url, body.as_bytes());
        let tampered = body.replace("Body=hi", "Body=transfer+the+money");
        expect_problem(post(Some(signed.clone()), tampered).await.unwrap(), 403, "invalid-signature").await;

        let events = app.get_json("/api/v1/webhook-events").await;
        assert!(events["data"].as_array().unwrap().is_empty(), "{}: nothing stored", app.backend);
        assert!(app.get_json("/api/v1/conversations").await["data"].as_array().unwrap().is_empty());
        let metrics = app.metrics().await;
        assert!(metrics.contains(r#"switchboard_webhooks_total{provider="twilio",outcome="rejected"}"#), "{metrics}");

        let accepted = post(Some(signed), body).await.unwrap();
        assert_eq!(accepted.status(), 200, "the correctly signed original still goes through");
        app
    })
    .await;
}

#[tokio::test]
async fn unknown_channels_malformed_forms_and_oversized_bodies_get_precise_errors() {
    on_every_backend(|app| async move {
        let unknown = app
            .client
            .post(format!("{}/webhooks/twilio/{}", app.url, uuid::Uuid::now_v7()))
            .body("x")
            .send()
            .await
            .unwrap();
        expect_problem(unknown, 404, "not-found").await;
        let not_an_id =
            app.client.post(format!("{}/webhooks/twilio/not-a-channel", app.url)).body("x").send().await.unwrap();
        expect_problem(not_an_id, 404, "not-found").await;
        let provider = app
            .client
            .post(format!("{}/webhooks/carrier-pigeon/{}", app.url, app.sms.channel_id))
            .send()
            .await
            .unwrap();
        expect_problem(provider, 404, "not-found").await;

        let url = webhook_url(&app);
        let malformed = form(&[("From", CUSTOMER), ("Body", "no sid")]);
        let response = app
            .client
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-twilio-signature", signature_for_form_body(AUTH_TOKEN, &url, malformed.as_bytes()))
            .body(malformed)
            .send()
            .await
            .unwrap();
        let detail = expect_problem(response, 400, "malformed-webhook").await;
        assert!(detail.contains("MessageSid"), "{detail}");

        let huge = "a".repeat(100 * 1024);
        let response = app.client.post(&url).body(huge).send().await.unwrap();
        expect_problem(response, 413, "body-too-large").await;
        assert!(app.get_json("/api/v1/webhook-events").await["data"].as_array().unwrap().is_empty());
        app
    })
    .await;
}

#[tokio::test]
async fn stop_opts_the_customer_out_and_a_later_send_is_refused_with_a_clear_reason() {
    on_every_backend(|app| async move {
        app.customer_sms(CUSTOMER, "STOP").await;
        let response = app.send_sms(CUSTOMER, "Last chance for 20% off!").await;
        let detail = expect_problem(response, 409, "opted-out").await;
        assert!(detail.contains("START"), "{detail}");
        assert!(app.emulator.sent_messages().is_empty(), "{}: nothing reached Twilio", app.backend);
        let contact_id =
            app.get_json("/api/v1/conversations").await["data"][0]["contact_id"].as_str().unwrap().to_owned();
        let contact = app.get_json(&format!("/api/v1/contacts/{contact_id}")).await;
        assert_eq!(contact["identities"][0]["opted_out"], serde_json::json!(["sms"]));

        app.customer_sms(CUSTOMER, "START").await;
        assert_eq!(app.send_sms(CUSTOMER, "Welcome back").await.status(), 202);
        app
    })
    .await;
}

#[tokio::test]
async fn help_is_answered_with_the_workspaces_help_text() {
    on_every_backend(|app| async move {
        app.customer_sms(CUSTOMER, "help").await;
        let sent = app.emulator.wait_for_sent(1, std::time::Duration::from_secs(10)).await;
        assert_eq!(sent.len(), 1, "{}", app.backend);
        assert_eq!(sent[0].to, CUSTOMER);
        assert_eq!(sent[0].body, "Riverside Vet: call 555-0100. Reply STOP to opt out.");
        app
    })
    .await;
}
