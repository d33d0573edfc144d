//! The REST API for working on conversations: notes, assignment, snoozing, labels and saved
//! replies, with the same problem+json errors as the rest of the API.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{Value, json};
use switchboard_domain::StaffRole;
use switchboard_server::admin;

const CUSTOMER: &str = "+14155550123";

/// The conversation of the one customer who wrote.
async fn first_conversation(app: &TestApp) -> String {
    app.customer_sms(CUSTOMER, "Do you do house calls?").await;
    app.get_json("/api/v1/conversations").await["data"][0]["id"].as_str().unwrap().to_owned()
}

fn put(app: &TestApp, path: &str, body: &Value) -> reqwest::RequestBuilder {
    app.client.put(format!("{}{path}", app.url)).bearer_auth(&app.api_key).json(body)
}

fn delete(app: &TestApp, path: &str) -> reqwest::RequestBuilder {
    app.client.delete(format!("{}{path}", app.url)).bearer_auth(&app.api_key)
}

#[tokio::test]
async fn notes_and_assignment_stay_inside_the_workspace() {
    on_every_backend(|app| async move {
        let id = first_conversation(&app).await;
        let vet = admin::create_staff(
            &app.store,
            &app.workspace,
            "vet@riverside.example",
            "Dr Vet",
            StaffRole::Agent,
            "a long password",
        )
        .await
        .unwrap();
        let other = admin::create_workspace(&app.store, "Elsewhere", None).await.unwrap();
        let outsider =
            admin::create_staff(&app.store, &other, "x@elsewhere.example", "X", StaffRole::Admin, "a long password")
                .await
                .unwrap();

        let staff = app.get_json("/api/v1/staff").await;
        assert_eq!(staff["data"].as_array().unwrap().len(), 1, "only this workspace's staff: {staff}");
        assert_eq!(staff["data"][0]["name"], "Dr Vet");

        let notes = format!("/api/v1/conversations/{id}/notes");
        let created =
            app.post(&notes, &json!({ "body": " Call back after 5 ", "staff_id": vet.staff_id })).send().await.unwrap();
        assert_eq!(created.status(), 201);
        let note: Value = created.json().await.unwrap();
        assert_eq!((note["body"].as_str(), note["author"].as_str()), (Some("Call back after 5"), Some("Dr Vet")));
        let from_integration = app.post(&notes, &json!({ "body": "Synced from CRM" })).send().await.unwrap();
        assert_eq!(from_integration.status(), 201);
        let foreign_author =
            app.post(&notes, &json!({ "body": "x", "staff_id": outsider.staff_id })).send().await.unwrap();
        expect_problem(foreign_author, 404, "not-found").await;
        expect_problem(app.post(&notes, &json!({ "body": "  " })).send().await.unwrap(), 422, "note-length").await;
        let listed = app.get_json(&notes).await;
        let bodies: Vec<_> = listed["data"].as_array().unwrap().iter().map(|n| n["body"].as_str().unwrap()).collect();
        assert_eq!(bodies, ["Call back after 5", "Synced from CRM"]);
        assert_eq!(app.emulator.sent_messages().len(), 0, "a note never reaches the customer");

        let assignee = format!("/api/v1/conversations/{id}/assignee");
        let assigned: Value =
            put(&app, &assignee, &json!({ "staff_id": vet.staff_id })).send().await.unwrap().json().await.unwrap();
        assert_eq!(assigned["assignee_staff_id"], vet.staff_id.to_string());
        let refused = put(&app, &assignee, &json!({ "staff_id": outsider.staff_id })).send().await.unwrap();
        expect_problem(refused, 404, "not-found").await;
        let malformed = put(&app, &assignee, &json!({ "staff_id": "nobody" })).send().await.unwrap();
        expect_problem(malformed, 422, "unknown-staff").await;
        let cleared: Value =
            put(&app, &assignee, &json!({ "staff_id": null })).send().await.unwrap().json().await.unwrap();
        assert_eq!(cleared["assignee_staff_id"], Value::Null);
        app
    })
    .await;
}

#[tokio::test]
async fn a_snoozed_conversation_reopens_by_itself_when_its_time_comes() {
    on_every_backend(|app| async move {
        let id = first_conversation(&app).await;
        let snooze = format!("/api/v1/conversations/{id}/snooze");
        let past = app.post(&snooze, &json!({ "until": "2020-01-01T09:00:00Z" })).send().await.unwrap();
        assert!(expect_problem(past, 422, "invalid-snooze").await.contains("future"));
        let garbled = app.post(&snooze, &json!({ "until": "tomorrow" })).send().await.unwrap();
        expect_problem(garbled, 422, "invalid-snooze").await;
        let patch = app
            .client
            .patch(format!("{}/api/v1/conversations/{id}", app.url))
            .bearer_auth(&app.api_key)
            .json(&json!({ "status": "snoozed" }))
            .send()
            .await
            .unwrap();
        assert!(expect_problem(patch, 422, "invalid-status").await.contains("/snooze"));

        let until = jiff::Timestamp::now() + jiff::SignedDuration::from_millis(400);
        let snoozed: Value =
            app.post(&snooze, &json!({ "until": until.to_string() })).send().await.unwrap().json().await.unwrap();
        assert_eq!(snoozed["status"], "snoozed");
        assert!(snoozed["snoozed_until"].is_string());

        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        let woken = loop {
            let conversation = app.get_json(&format!("/api/v1/conversations/{id}")).await;
            if conversation["status"] == "open" {
                break conversation;
            }
            assert!(tokio::time::Instant::now() < deadline, "never woke: {conversation}");
            tokio::time::sleep(Duration::from_millis(25)).await;
        };
        assert_eq!(woken["snoozed_until"], Value::Null);
        app
    })
    .await;
}

#[tokio::test]
async fn labels_and_saved_replies_are_managed_with_clear_errors() {
    on_every_backend(|app| async move {
        let id = first_conversation(&app).await;
        let created = app.post("/api/v1/labels", &json!({ "name": "House call" })).send().await.unwrap();
        assert_eq!(created.status(), 201);
        let label: Value = created.json().await.unwrap();
        assert!(label["colour"].as_str().unwrap().starts_with('#'), "a colour is picked: {label}");
        let clash = app.post("/api/v1/labels", &json!({ "name": "HOUSE CALL" })).send().await.unwrap();
        expect_problem(clash, 409, "conflict").await;
        let bad_colour = app.post("/api/v1/labels", &json!({ "name": "Red", "colour": "red" })).send().await.unwrap();
        assert!(expect_problem(bad_colour, 422, "invalid-label").await.contains("#rrggbb"));

        let on_conversation = format!("/api/v1/conversations/{id}/labels/{}", label["id"].as_str().unwrap());
        assert_eq!(put(&app, &on_conversation, &json!({})).send().await.unwrap().status(), 204);
        let unknown = format!("/api/v1/conversations/{id}/labels/{}", uuid::Uuid::now_v7());
        expect_problem(put(&app, &unknown, &json!({})).send().await.unwrap(), 404, "not-found").await;
        assert_eq!(delete(&app, &on_conversation).send().await.unwrap().status(), 204);
        expect_problem(delete(&app, &on_conversation).send().await.unwrap(), 404, "not-found").await;
        let label_path = format!("/api/v1/labels/{}", label["id"].as_str().unwrap());
        assert_eq!(delete(&app, &label_path).send().await.unwrap().status(), 204);
        assert_eq!(app.get_json("/api/v1/labels").await["data"], json!([]));

        let saved = app.post("/api/v1/canned-responses", &json!({ "shortcut": "/Hours", "body": "We open at 9." }));
        let saved: Value = saved.send().await.unwrap().json().await.unwrap();
        assert_eq!(saved["shortcut"], "hours", "stored without the slash, in lowercase");
        let spaced = app.post("/api/v1/canned-responses", &json!({ "shortcut": "two words", "body": "x" }));
        assert!(expect_problem(spaced.send().await.unwrap(), 422, "invalid-canned-response").await.contains("letters"));
        let path = format!("/api/v1/canned-responses/{}", saved["id"].as_str().unwrap());
        let changed = app
            .client
            .patch(format!("{}{path}", app.url))
            .bearer_auth(&app.api_key)
            .json(&json!({ "shortcut": "hours", "body": "We open at 8." }))
            .send()
            .await
            .unwrap();
        assert_eq!(changed.json::<Value>().await.unwrap()["body"], "We open at 8.");
        assert_eq!(app.get_json("/api/v1/canned-responses").await["data"][0]["body"], "We open at 8.");
        assert_eq!(delete(&app, &path).send().await.unwrap().status(), 204);
        expect_problem(delete(&app, &path).send().await.unwrap(), 404, "not-found").await;
        app
    })
    .await;
}
