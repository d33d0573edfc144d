//! The REST API: authentication, contacts, conversations, tenant isolation, the OpenAPI
//! description and the operations endpoints.

mod common;

use common::*;
use serde_json::json;
use switchboard_server::admin;
use switchboard_server::http::api::ROUTES;

#[tokio::test]
async fn requests_without_a_valid_api_key_are_refused_with_a_hint() {
    on_every_backend(|app| async move {
        let none = app.client.get(format!("{}/api/v1/conversations", app.url)).send().await.unwrap();
        assert_eq!(none.headers()["www-authenticate"], "Bearer");
        let detail = expect_problem(none, 401, "unauthorized").await;
        assert!(detail.contains("api-key create"), "{detail}");
        let wrong =
            app.client.get(format!("{}/api/v1/conversations", app.url)).bearer_auth("sb_nope").send().await.unwrap();
        expect_problem(wrong, 401, "unauthorized").await;
        app
    })
    .await;
}

#[tokio::test]
async fn every_documented_route_is_served_and_the_document_is_public() {
    on_every_backend(|app| async move {
        let document: serde_json::Value =
            app.client.get(format!("{}/api/v1/openapi.json", app.url)).send().await.unwrap().json().await.unwrap();
        assert_eq!(document["openapi"], "3.1.0");
        let some_id = uuid::Uuid::now_v7().to_string();
        for (method, path) in ROUTES {
            let url = format!(
                "{}{}",
                app.url,
                path.replace("{contact_id}", &some_id)
                    .replace("{conversation_id}", &some_id)
                    .replace("{message_id}", &some_id)
                    .replace("{label_id}", &some_id)
                    .replace("{canned_response_id}", &some_id)
            );
            let request = match *method {
                "get" => app.client.get(&url),
                "post" => app.client.post(&url).json(&json!({})),
                "patch" => app.client.patch(&url).json(&json!({})),
                "put" => app.client.put(&url).json(&json!({})),
                "delete" => app.client.delete(&url),
                other => panic!("unexpected method {other}"),
            };
            let response = request.bearer_auth(&app.api_key).send().await.unwrap();
            assert_ne!(response.status(), 405, "{method} {path} is not routed");
            if response.status() == 404 {
                let body: serde_json::Value = response.json().await.unwrap();
                assert!(
                    body["detail"].as_str().unwrap_or("").contains("does not exist"),
                    "{method} {path} is not routed: {body}"
                );
            }
            assert!(document["paths"][path][method].is_object(), "{method} {path} is missing from openapi.json");
        }
        app
    })
    .await;
}

#[tokio::test]
async fn contacts_are_created_with_identities_and_a_taken_identity_is_a_conflict() {
    on_every_backend(|app| async move {
        let created = app
            .post(
                "/api/v1/contacts",
                &json!({ "display_name": "Ana Lima", "identities": [
                { "kind": "phone", "value": "+1 (415) 555-0123" }, { "kind": "email", "value": "Ana@Example.com" } ] }),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 201, "{}", app.backend);
        let contact: serde_json::Value = created.json().await.unwrap();
        assert_eq!(contact["identities"][0]["value"], "+14155550123", "numbers are stored in E.164");
        assert_eq!(contact["identities"][1]["value"], "ana@example.com");

        let taken = app
            .post("/api/v1/contacts", &json!({ "identities": [{ "kind": "phone", "value": "+14155550123" }] }))
            .send()
            .await
            .unwrap();
        expect_problem(taken, 409, "conflict").await;
        let bad = app
            .post("/api/v1/contacts", &json!({ "identities": [{ "kind": "phone", "value": "12" }] }))
            .send()
            .await
            .unwrap();
        let detail = expect_problem(bad, 422, "invalid-identity").await;
        assert!(detail.contains("international form"), "{detail}");
        let added = app
            .post(
                &format!("/api/v1/contacts/{}/identities", contact["id"].as_str().unwrap()),
                &json!({ "kind": "phone", "value": "+14155550124" }),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(added.status(), 201);
        let listed = app.get_json("/api/v1/contacts").await;
        assert_eq!(listed["data"][0]["identities"].as_array().unwrap().len(), 3);

        app.customer_sms("+14155550124", "it's me, on my other phone").await;
        let conversations = app.get_json("/api/v1/conversations").await;
        assert_eq!(conversations["data"][0]["contact_id"], contact["id"], "the known identity finds the contact");
        app
    })
    .await;
}

#[tokio::test]
async fn conversations_filter_by_status_and_page_by_cursor() {
    on_every_backend(|app| async move {
        for i in 0..5 {
            app.customer_sms(&format!("+1415555020{i}"), "hello").await;
        }
        let first = app.get_json("/api/v1/conversations?limit=2").await;
        assert_eq!(first["data"].as_array().unwrap().len(), 2);
        let mut seen: Vec<String> =
            first["data"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect();
        let mut cursor = first["next_cursor"].as_str().map(str::to_owned);
        while let Some(next) = cursor {
            let page = app.get_json(&format!("/api/v1/conversations?limit=2&cursor={next}")).await;
            seen.extend(page["data"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()));
            cursor = page["next_cursor"].as_str().map(str::to_owned);
        }
        seen.dedup();
        assert_eq!(seen.len(), 5, "{}", app.backend);

        let id = &seen[0];
        let resolved = app
            .client
            .patch(format!("{}/api/v1/conversations/{id}", app.url))
            .bearer_auth(&app.api_key)
            .json(&json!({ "status": "resolved" }))
            .send()
            .await
            .unwrap();
        assert_eq!(resolved.status(), 200);
        let only_resolved = app.get_json("/api/v1/conversations?status=resolved").await;
        assert_eq!(only_resolved["data"].as_array().unwrap().len(), 1);
        assert_eq!(&only_resolved["data"][0]["id"], id);
        let bad = app.get("/api/v1/conversations?status=archived").send().await.unwrap();
        expect_problem(bad, 400, "invalid-query").await;
        let bad = app.get("/api/v1/conversations?updated_since=yesterday").send().await.unwrap();
        expect_problem(bad, 400, "invalid-query").await;
        let bad_cursor = app.get("/api/v1/conversations?cursor=zzz").send().await.unwrap();
        expect_problem(bad_cursor, 400, "invalid-cursor").await;
        app
    })
    .await;
}

#[tokio::test]
async fn one_workspace_can_neither_see_nor_use_anothers_data() {
    on_every_backend(|app| async move {
        app.customer_sms(CUSTOMER, "private").await;
        let other = admin::create_workspace(&app.store, "Other Clinic", None).await.unwrap();
        let (_, other_key) = admin::create_api_key(&app.store, &other, "k").await.unwrap();
        let conversation = app.get_json("/api/v1/conversations").await["data"][0].clone();
        let as_other = |path: String| app.client.get(format!("{}{path}", app.url)).bearer_auth(&other_key).send();

        let listed: serde_json::Value = as_other("/api/v1/conversations".into()).await.unwrap().json().await.unwrap();
        assert!(listed["data"].as_array().unwrap().is_empty(), "{}", app.backend);
        let id = conversation["id"].as_str().unwrap();
        expect_problem(as_other(format!("/api/v1/conversations/{id}")).await.unwrap(), 404, "not-found").await;
        expect_problem(as_other(format!("/api/v1/conversations/{id}/messages")).await.unwrap(), 404, "not-found").await;
        let contact = conversation["contact_id"].as_str().unwrap();
        expect_problem(as_other(format!("/api/v1/contacts/{contact}")).await.unwrap(), 404, "not-found").await;
        let events: serde_json::Value = as_other("/api/v1/webhook-events".into()).await.unwrap().json().await.unwrap();
        assert!(events["data"].as_array().unwrap().is_empty());

        let send = app
            .client
            .post(format!("{}/api/v1/messages", app.url))
            .bearer_auth(&other_key)
            .json(&json!({ "channel_id": app.sms.channel_id, "to": CUSTOMER, "body": "spam" }))
            .send()
            .await
            .unwrap();
        expect_problem(send, 404, "not-found").await;
        assert!(app.emulator.sent_messages().is_empty());
        app
    })
    .await;
}

#[tokio::test]
async fn health_readiness_and_metrics_report_the_running_system() {
    on_every_backend(|app| async move {
        assert_eq!(app.client.get(format!("{}/healthz", app.url)).send().await.unwrap().status(), 200);
        let ready: serde_json::Value =
            app.client.get(format!("{}/readyz", app.url)).send().await.unwrap().json().await.unwrap();
        assert_eq!(ready["status"], "ready");
        assert_eq!(ready["database"], app.backend);
        app.customer_sms(CUSTOMER, "count me").await;
        let metrics = app.metrics().await;
        assert!(metrics.contains(r#"switchboard_webhooks_total{provider="twilio",outcome="stored"}"#), "{metrics}");
        assert!(metrics.contains("switchboard_queue_ready_jobs"), "{metrics}");
        assert!(metrics.contains("switchboard_queue_oldest_ready_age_seconds"));
        app
    })
    .await;
}
