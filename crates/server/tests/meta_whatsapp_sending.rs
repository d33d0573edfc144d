//! Replies on WhatsApp through Meta, on both databases: statuses with pricing, the 24-hour window
//! naming the synced templates, template checks, Meta's own window refusal, and a rate limit
//! waited out.

mod common;

use common::whatsapp_cloud::*;
use common::{CUSTOMER, expect_problem, on_every_backend};
use serde_json::{Value, json};
use switchboard_emulator::meta::{InboundContent, MetaTemplate};

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
