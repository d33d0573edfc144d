//! Editing contacts from the inbox's contact panel and the API: a name and channel preference,
//! and merging a second contact that is the same person so their conversations become one.

mod common;

use common::browser::hidden_field;
use common::staff::*;
use common::*;
use serde_json::json;

#[tokio::test]
async fn staff_rename_a_contact_and_merge_in_their_other_number() {
    on_every_backend(|app| async move {
        let mut browser = signed_in(&app).await;
        app.customer_sms(CUSTOMER, "Hi, it's Ana").await;
        let conversation = only_conversation(&app).await;
        app.customer_sms("+14155550199", "Ana again, from my work phone").await;
        let page = browser.get(&format!("/inbox/conversations/{conversation}")).await.text().await.unwrap();
        let csrf = hidden_field(&page, "csrf").unwrap();

        let edit = format!("/inbox/conversations/{conversation}/contact");
        let form = [("csrf", csrf.as_str()), ("display_name", "Ana <Lima>"), ("preferred_channel_kind", "whatsapp")];
        assert_eq!(browser.post(&edit, &form).await.status(), 303);
        let bad = [("csrf", csrf.as_str()), ("display_name", "Ana"), ("preferred_channel_kind", "carrier-pigeon")];
        assert_eq!(browser.post(&edit, &bad).await.status(), 422);
        let page = browser.get(&format!("/inbox/conversations/{conversation}")).await.text().await.unwrap();
        assert!(page.contains("<h1>Ana &lt;Lima&gt;</h1>"), "{}", app.backend);
        assert!(page.contains("<option value=\"whatsapp\" selected>"));

        let merge = format!("/inbox/conversations/{conversation}/merge");
        let unknown = browser.post(&merge, &[("csrf", &csrf), ("other", "+1 415 555 0111")]).await;
        assert_eq!(unknown.status(), 404);
        let garbled = browser.post(&merge, &[("csrf", &csrf), ("other", "not a number")]).await;
        assert_eq!(garbled.status(), 422);
        let itself = browser.post(&merge, &[("csrf", &csrf), ("other", CUSTOMER)]).await;
        assert_eq!(itself.status(), 409);
        let merged = browser.post(&merge, &[("csrf", &csrf), ("other", "+1 (415) 555-0199")]).await;
        assert_eq!(merged.status(), 303, "{}", app.backend);

        let inbox = app.store.list_inbox(app.workspace.workspace_id, &Default::default(), 10).await.unwrap();
        assert_eq!(inbox.items.len(), 1, "one conversation for one person, {}", app.backend);
        let page = browser.get(&format!("/inbox/conversations/{conversation}")).await.text().await.unwrap();
        assert!(page.contains("Hi, it&#x27;s Ana") && page.contains("Ana again, from my work phone"), "{page}");
        assert!(page.contains("+14155550199"), "the other number is now one of the contact's identities");
        app
    })
    .await;
}

#[tokio::test]
async fn the_api_edits_and_merges_contacts_with_clear_errors() {
    on_every_backend(|app| async move {
        let create =
            |phone: &str| app.post("/api/v1/contacts", &json!({ "identities": [{ "kind": "phone", "value": phone }] }));
        let first: serde_json::Value = create("+14155550101").send().await.unwrap().json().await.unwrap();
        let second: serde_json::Value = create("+14155550102").send().await.unwrap().json().await.unwrap();
        let path = format!("/api/v1/contacts/{}", first["id"].as_str().unwrap());
        let patch = |body: serde_json::Value| {
            app.client.patch(format!("{}{path}", app.url)).bearer_auth(&app.api_key).json(&body).send()
        };
        let named: serde_json::Value = patch(json!({ "display_name": "Ana", "preferred_channel_kind": "sms" }))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            (named["display_name"].as_str(), named["preferred_channel_kind"].as_str()),
            (Some("Ana"), Some("sms"))
        );
        let kept: serde_json::Value =
            patch(json!({ "preferred_channel_kind": null })).await.unwrap().json().await.unwrap();
        assert_eq!(kept["display_name"], "Ana", "a field left out stays");
        assert_eq!(kept["preferred_channel_kind"], serde_json::Value::Null);
        expect_problem(patch(json!({ "preferred_channel_kind": "fax" })).await.unwrap(), 422, "invalid-contact").await;

        let merge = format!("{path}/merge");
        let merged: serde_json::Value =
            app.post(&merge, &json!({ "other_contact_id": second["id"] })).send().await.unwrap().json().await.unwrap();
        assert_eq!(merged["identities"].as_array().unwrap().len(), 2, "{}", app.backend);
        let gone = app.get(&format!("/api/v1/contacts/{}", second["id"].as_str().unwrap())).send().await.unwrap();
        expect_problem(gone, 404, "not-found").await;
        let again = app.post(&merge, &json!({ "other_contact_id": first["id"] })).send().await.unwrap();
        expect_problem(again, 409, "conflict").await;
        app
    })
    .await;
}
