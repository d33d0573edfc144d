//! `GET /{version}/{waba_id}/message_templates`: pages a client must follow, filters, and
//! the account checks; and `POST /{waba_id}/subscribed_apps`.

mod common;
mod meta_common;

use std::collections::HashSet;

use common::{client, reply};
use meta_common::*;
use serde_json::{Value, json};
use switchboard_emulator::meta::MetaTemplate;

#[tokio::test]
async fn a_client_following_paging_next_sees_every_template_once() {
    let (_receiver, emulator, meta) = meta_with_receiver().await;
    for i in 0..30 {
        meta.add_template(WABA, MetaTemplate::approved(&format!("template_{i:02}"), "en_US", "UTILITY", "Hi {{1}}"));
    }

    let first = graph_get(&emulator, &format!("/{VERSION}/{WABA}/message_templates"), Some(ACCESS_TOKEN)).await;
    assert_eq!(first.status, 200, "{}", first.json);
    assert_eq!(first.json["data"].as_array().unwrap().len(), 25, "default limit");

    let mut names = Vec::new();
    let mut ids = HashSet::new();
    let mut url = format!("{}/{VERSION}/{WABA}/message_templates?limit=10&fields=name,status", emulator.base_url());
    let mut pages = 0;
    loop {
        let page = reply(client().get(&url).bearer_auth(ACCESS_TOKEN)).await;
        assert_eq!(page.status, 200, "{}", page.json);
        pages += 1;
        for template in page.json["data"].as_array().unwrap() {
            names.push(template["name"].as_str().unwrap().to_owned());
            assert!(ids.insert(template["id"].as_str().unwrap().to_owned()));
            assert_eq!(template["status"], "APPROVED");
            assert!(template.get("components").is_none(), "fields=name,status leaves components out");
        }
        assert!(page.json["paging"]["cursors"]["before"].is_string());
        assert!(page.json["paging"]["cursors"]["after"].is_string());
        match page.json["paging"]["next"].as_str() {
            Some(next) => url = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let expected: Vec<String> = (0..30).map(|i| format!("template_{i:02}")).collect();
    assert_eq!(names, expected);
}

#[tokio::test]
async fn templates_list_their_documented_fields_and_filter_by_status() {
    let (_receiver, emulator, meta) = meta_with_receiver().await;
    let components = json!([{"type": "HEADER", "format": "TEXT", "text": "Order update"},
                            {"type": "BODY", "text": "Order {{1}} ships {{2}}."}]);
    meta.add_template(
        WABA,
        MetaTemplate {
            name: "order_update".into(),
            language: "en_US".into(),
            category: "UTILITY".into(),
            status: "APPROVED".into(),
            components: components.clone(),
        },
    );
    let mut pending = MetaTemplate::approved("new_promo", "en_US", "MARKETING", "Soon");
    pending.status = "PENDING".into();
    meta.add_template(WABA, pending);

    let all = graph_get(&emulator, &format!("/{VERSION}/{WABA}/message_templates"), Some(ACCESS_TOKEN)).await;
    let data = all.json["data"].as_array().unwrap();
    assert_eq!(data.len(), 2);
    assert_eq!(data[0]["name"], "order_update");
    assert_eq!(data[0]["language"], "en_US");
    assert_eq!(data[0]["category"], "UTILITY");
    assert_eq!(data[0]["components"], components);
    assert!(data[0]["id"].as_str().unwrap().bytes().all(|b| b.is_ascii_digit()));
    assert!(all.json["paging"].get("next").is_none());

    let approved =
        graph_get(&emulator, &format!("/{VERSION}/{WABA}/message_templates?status=APPROVED"), Some(ACCESS_TOKEN)).await;
    let names: Vec<&Value> = approved.json["data"].as_array().unwrap().iter().map(|t| &t["name"]).collect();
    assert_eq!(names, [&json!("order_update")]);
}

#[tokio::test]
async fn templates_need_the_accounts_own_token() {
    let (_receiver, emulator, meta) = meta_with_receiver().await;
    let path = format!("/{VERSION}/{WABA}/message_templates");
    assert_graph_error(&graph_get(&emulator, &path, None).await, 401, 190);
    meta.add_business_account("777", "EAAG-other", "s");
    let foreign = graph_get(&emulator, &path, Some("EAAG-other")).await;
    assert_eq!(assert_graph_error(&foreign, 400, 100)["error_subcode"], 33);
}

#[tokio::test]
async fn subscribing_the_app_succeeds_and_is_remembered() {
    let (_receiver, emulator, meta) = meta_with_receiver().await;
    assert!(!meta.is_subscribed(WABA));
    let subscribe = reply(
        client().post(format!("{}/{VERSION}/{WABA}/subscribed_apps", emulator.base_url())).bearer_auth(ACCESS_TOKEN),
    )
    .await;
    assert_eq!((subscribe.status, subscribe.json), (200, json!({"success": true})));
    assert!(meta.is_subscribed(WABA));
    let unauthenticated =
        reply(client().post(format!("{}/{VERSION}/{WABA}/subscribed_apps", emulator.base_url()))).await;
    assert_graph_error(&unauthenticated, 401, 190);
}
