//! Outbound: queued, sent through the Twilio emulator, tracked to delivery; retries and failures.

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;

#[tokio::test]
async fn a_reply_goes_queued_then_sent_then_delivered() {
    on_every_backend(|app| async move {
        app.customer_sms(CUSTOMER, "Is my cat ready?").await;
        let response = app.send_sms(CUSTOMER, "Yes, pick her up at 5.").await;
        assert_eq!(response.status(), 202, "{}", app.backend);
        assert!(response.headers().get("location").is_some());
        let queued: serde_json::Value = response.json().await.unwrap();
        assert_eq!(queued["status"], "queued");
        assert_eq!(queued["segments"], 1);
        assert_eq!(queued["encoding"], "gsm7");

        let sent = app.emulator.wait_for_sent(1, Duration::from_secs(10)).await;
        assert_eq!(sent[0].body, "Yes, pick her up at 5.");
        assert_eq!(sent[0].from, SMS_NUMBER);
        assert_eq!(
            sent[0].status_callback.as_deref(),
            Some(format!("{}/webhooks/twilio/{}/status", app.url, app.sms.channel_id).as_str())
        );
        assert!(app.emulator.wait_for_callback(&sent[0].sid, "delivered", Duration::from_secs(10)).await);

        let message = app.wait_for_status(queued["id"].as_str().unwrap(), "delivered").await;
        let history: Vec<&str> =
            message["status_history"].as_array().unwrap().iter().map(|s| s["status"].as_str().unwrap()).collect();
        assert_eq!(history, vec!["queued", "sent", "delivered"], "{}", app.backend);
        assert_eq!(message["provider_message_id"], sent[0].sid);
        app
    })
    .await;
}

#[tokio::test]
async fn a_whatsapp_reply_inside_the_window_is_read_and_outside_it_is_refused() {
    on_every_backend(|app| async move {
        let send = |body: &str| {
            app.post(
                "/api/v1/messages",
                &json!({ "channel_id": app.whatsapp.channel_id, "to": CUSTOMER, "body": body }),
            )
            .send()
        };
        let refused = send("Hello from the clinic").await.unwrap();
        let detail = expect_problem(refused, 409, "outside-whatsapp-window").await;
        assert!(detail.contains("template"), "{detail}");

        app.customer_whatsapp(CUSTOMER, "hello?", None).await;
        let accepted: serde_json::Value = send("Hi! How can we help?").await.unwrap().json().await.unwrap();
        let sent = app.emulator.wait_for_sent(1, Duration::from_secs(10)).await;
        assert_eq!(sent[0].to, format!("whatsapp:{CUSTOMER}"));
        assert_eq!(sent[0].from, format!("whatsapp:{WHATSAPP_NUMBER}"));
        let message = app.wait_for_status(accepted["id"].as_str().unwrap(), "read").await;
        assert_eq!(message["segments"], serde_json::Value::Null, "segments are an SMS notion");
        app
    })
    .await;
}

#[tokio::test]
async fn the_same_idempotency_key_sends_once_and_a_reused_key_with_another_body_is_refused() {
    on_every_backend(|app| async move {
        let body = json!({ "channel_id": app.sms.channel_id, "to": CUSTOMER, "body": "Your order shipped" });
        let first = app.post("/api/v1/messages", &body).header("idempotency-key", "order-42").send().await.unwrap();
        assert_eq!(first.status(), 202);
        let first: serde_json::Value = first.json().await.unwrap();
        let again = app.post("/api/v1/messages", &body).header("idempotency-key", "order-42").send().await.unwrap();
        assert_eq!(again.status(), 200, "{}", app.backend);
        assert_eq!(again.headers()["idempotent-replayed"], "true");
        let again: serde_json::Value = again.json().await.unwrap();
        assert_eq!(again["id"], first["id"]);

        let other = json!({ "channel_id": app.sms.channel_id, "to": CUSTOMER, "body": "Something else" });
        let reused = app.post("/api/v1/messages", &other).header("idempotency-key", "order-42").send().await.unwrap();
        expect_problem(reused, 422, "idempotency-key-reused").await;

        app.wait_for_status(first["id"].as_str().unwrap(), "delivered").await;
        assert_eq!(app.emulator.sent_messages().len(), 1, "{}: sent exactly once", app.backend);

        // A retry of the first request still gets its first answer after the customer opts out.
        app.customer_sms(CUSTOMER, "STOP").await;
        let formatted =
            json!({ "channel_id": app.sms.channel_id, "to": "+1 (415) 555-0123", "body": "Your order shipped" });
        let late = app.post("/api/v1/messages", &formatted).header("idempotency-key", "order-42").send().await.unwrap();
        assert_eq!(late.status(), 200, "{}", app.backend);
        assert_eq!(late.json::<serde_json::Value>().await.unwrap()["id"], first["id"]);
        app
    })
    .await;
}

#[tokio::test]
async fn a_transient_provider_error_is_retried_until_the_message_goes_through() {
    on_every_backend(|app| async move {
        app.emulator.fail_api(CUSTOMER, 503, 20500, 2);
        let queued: serde_json::Value = app.send_sms(CUSTOMER, "third time lucky").await.json().await.unwrap();
        let message = app.wait_for_status(queued["id"].as_str().unwrap(), "delivered").await;
        assert_eq!(message["error_code"], serde_json::Value::Null, "{}", app.backend);
        assert_eq!(app.emulator.sent_messages().len(), 1);
        app
    })
    .await;
}

#[tokio::test]
async fn a_permanent_provider_error_fails_the_message_with_twilios_reason_and_an_opt_out_is_remembered() {
    on_every_backend(|app| async move {
        app.emulator.fail_api(CUSTOMER, 400, 21610, 1);
        let queued: serde_json::Value = app.send_sms(CUSTOMER, "hello").await.json().await.unwrap();
        let message = app.wait_for_status(queued["id"].as_str().unwrap(), "failed").await;
        assert_eq!(message["error_code"], "21610", "{}", app.backend);
        assert!(message["error_reason"].as_str().unwrap().contains("opted out"), "{message:#}");
        let dead = app.get_json("/api/v1/jobs?state=dead").await;
        assert_eq!(dead["data"].as_array().unwrap().len(), 1);
        assert_eq!(dead["data"][0]["attempts"], 1, "a permanent error is not retried");
        let again = app.send_sms(CUSTOMER, "hello again").await;
        let detail = expect_problem(again, 409, "opted-out").await;
        assert!(detail.contains(CUSTOMER), "Twilio's opt-out is remembered here: {detail}");
        app
    })
    .await;
}

#[tokio::test]
async fn a_send_that_keeps_failing_gives_up_after_three_retries_and_says_so() {
    on_every_backend(|app| async move {
        app.emulator.fail_api(CUSTOMER, 500, 20500, 100);
        let queued: serde_json::Value = app.send_sms(CUSTOMER, "hello").await.json().await.unwrap();
        let message = app.wait_for_status(queued["id"].as_str().unwrap(), "failed").await;
        assert!(message["error_reason"].as_str().unwrap().starts_with("gave up after 4 attempts"), "{message:#}");
        let dead = app.get_json("/api/v1/jobs").await;
        assert_eq!(dead["data"][0]["attempts"], 4, "{}", app.backend);
        assert!(dead["data"][0]["last_error"].as_str().unwrap().contains("20500"));
        app
    })
    .await;
}

#[tokio::test]
async fn a_delivery_failure_reported_by_callback_marks_the_message_failed() {
    on_every_backend(|app| async move {
        app.emulator.fail_delivery(CUSTOMER, 30003);
        let queued: serde_json::Value = app.send_sms(CUSTOMER, "are you there?").await.json().await.unwrap();
        let message = app.wait_for_status(queued["id"].as_str().unwrap(), "failed").await;
        assert_eq!(message["error_code"], "30003", "{}", app.backend);
        app
    })
    .await;
}

#[tokio::test]
async fn bad_send_requests_are_refused_precisely_and_queue_nothing() {
    on_every_backend(|app| async move {
        let post = |body: serde_json::Value| app.post("/api/v1/messages", &body).send();
        let sms = app.sms.channel_id.to_string();
        expect_problem(
            post(json!({ "channel_id": sms, "to": "4155550123", "body": "x" })).await.unwrap(),
            422,
            "invalid-address",
        )
        .await;
        expect_problem(
            post(json!({ "channel_id": sms, "to": CUSTOMER, "body": "  " })).await.unwrap(),
            422,
            "empty-message",
        )
        .await;
        expect_problem(
            post(json!({ "channel_id": sms, "to": CUSTOMER, "body": "x".repeat(1601) })).await.unwrap(),
            422,
            "message-too-long",
        )
        .await;
        expect_problem(
            post(json!({ "channel_id": uuid::Uuid::now_v7(), "to": CUSTOMER, "body": "x" })).await.unwrap(),
            404,
            "not-found",
        )
        .await;
        expect_problem(post(json!({ "channel_id": sms, "body": "x" })).await.unwrap(), 422, "invalid-body").await;
        expect_problem(
            post(json!({ "channel_id": sms, "contact_id": uuid::Uuid::now_v7(), "body": "x" })).await.unwrap(),
            404,
            "not-found",
        )
        .await;
        expect_problem(
            post(json!({ "channel_id": sms, "to": CUSTOMER, "body": "x", "surprise": 1 })).await.unwrap(),
            422,
            "invalid-body",
        )
        .await;
        let raw = app
            .client
            .post(format!("{}/api/v1/messages", app.url))
            .bearer_auth(&app.api_key)
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        expect_problem(raw, 400, "malformed-json").await;
        assert!(app.get_json("/api/v1/conversations").await["data"].as_array().unwrap().is_empty(), "{}", app.backend);
        assert!(app.get_json("/api/v1/jobs?state=queued").await["data"].as_array().unwrap().is_empty());
        app
    })
    .await;
}

#[tokio::test]
async fn the_customers_phone_page_shows_both_sides_with_delivery_ticks() {
    on_every_backend(|app| async move {
        app.customer_sms(CUSTOMER, "Do you open on Sunday?").await;
        app.customer_sms("+14155550999", "Someone else's message").await;
        let queued: serde_json::Value = app.send_sms(CUSTOMER, "Yes, 10 to 2.").await.json().await.unwrap();
        app.wait_for_status(queued["id"].as_str().unwrap(), "delivered").await;

        let base = app.emulator.base_url();
        let page = app.client.get(format!("{base}/_emulator/phone")).send().await.unwrap();
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap().contains("Customer's phone"));
        let thread: serde_json::Value = app
            .client
            .get(format!("{base}/_emulator/phone/thread"))
            .query(&[("customer", CUSTOMER)])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let lines: Vec<(String, String, String)> = thread["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                let text = |k: &str| m[k].as_str().unwrap_or_default().to_owned();
                (text("direction"), text("body"), text("status"))
            })
            .collect();
        assert_eq!(
            lines,
            [
                ("sent".into(), "Do you open on Sunday?".into(), String::new()),
                ("received".into(), "Yes, 10 to 2.".into(), "delivered".into()),
            ],
            "{}",
            app.backend
        );
        assert!(thread["numbers"].as_array().unwrap().iter().any(|n| n == SMS_NUMBER));
        app
    })
    .await;
}
