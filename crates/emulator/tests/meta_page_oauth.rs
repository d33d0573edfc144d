//! Facebook Login for Pages: an authorization code granting Facebook Pages exchanged for a
//! short-lived then a long-lived user token, `me/accounts` listing each Page with its page access
//! token and linked Instagram account, `debug_token`'s granular scopes, the Page's
//! `subscribed_apps`, and the Send API taking only page access tokens.

mod common;
mod meta_common;

use common::{Reply, client, reply};
use meta_common::*;
use serde_json::json;
use switchboard_emulator::EmulatorHandle;
use switchboard_emulator::meta::{MessagingPlatform, MetaEmulator};

const APP_ID: &str = "670843887433847";
const APP_SECRET_OAUTH: &str = "oauth-app-secret";
const CODE: &str = "AQBx-page-login-code";
const REDIRECT_URI: &str = "https://switchboard.example/onboarding/meta/pages/callback";
const PAGE_ID: &str = "107223344556677";
const PAGE_TOKEN: &str = "EAAP-page-access-token";
const OTHER_PAGE_ID: &str = "107223344556688";
const OTHER_PAGE_TOKEN: &str = "EAAP-other-page-token";
const IG_ID: &str = "17841400000000001";
const IG_TOKEN: &str = "EAAI-instagram-page-token";
const PSID: &str = "6254491871234567";

/// An emulator with two Pages (the first linked to an Instagram account) and an app holding a
/// code granting both.
async fn onboarding() -> (EmulatorHandle, MetaEmulator) {
    let (_receiver, emulator, meta) = meta_with_receiver().await;
    let webhook = "http://127.0.0.1:9/webhooks/messenger";
    meta.add_messaging_account(MessagingPlatform::Messenger, PAGE_ID, PAGE_TOKEN, APP_SECRET, webhook);
    meta.add_messaging_account(MessagingPlatform::Messenger, OTHER_PAGE_ID, OTHER_PAGE_TOKEN, APP_SECRET, webhook);
    meta.add_messaging_account(MessagingPlatform::Instagram, IG_ID, IG_TOKEN, APP_SECRET, webhook);
    meta.link_instagram_account(PAGE_ID, IG_ID);
    meta.set_page_name(PAGE_ID, "Jasper's Market");
    meta.add_app(APP_ID, APP_SECRET_OAUTH);
    meta.add_page_oauth_code(APP_ID, CODE, REDIRECT_URI, &[PAGE_ID, OTHER_PAGE_ID]);
    (emulator, meta)
}

async fn oauth(emulator: &EmulatorHandle, params: &[(&str, &str)]) -> String {
    let answer =
        reply(client().get(format!("{}/{VERSION}/oauth/access_token", emulator.base_url())).query(params)).await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    answer.json["access_token"].as_str().expect("an access token").to_owned()
}

/// Code → short-lived token → long-lived token.
async fn long_lived_token(emulator: &EmulatorHandle) -> String {
    let code = [("client_id", APP_ID), ("client_secret", APP_SECRET_OAUTH), ("redirect_uri", REDIRECT_URI)];
    let short = oauth(emulator, &[code.as_slice(), &[("code", CODE)]].concat()).await;
    let exchange = [
        ("grant_type", "fb_exchange_token"),
        ("client_id", APP_ID),
        ("client_secret", APP_SECRET_OAUTH),
        ("fb_exchange_token", short.as_str()),
    ];
    oauth(emulator, &exchange).await
}

async fn subscribe(emulator: &EmulatorHandle, page_id: &str, query: &str, token: &str) -> Reply {
    let url = format!("{}/{VERSION}/{page_id}/subscribed_apps{query}", emulator.base_url());
    reply(client().post(url).bearer_auth(token)).await
}

async fn send_api(emulator: &EmulatorHandle, id: &str, token: &str) -> Reply {
    let body = json!({"recipient": {"id": PSID}, "messaging_type": "RESPONSE", "message": {"text": "hi"}});
    let request = client()
        .post(format!("{}/{VERSION}/{id}/messages", emulator.base_url()))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_string());
    reply(request).await
}

#[tokio::test]
async fn me_accounts_lists_the_granted_pages_with_their_tokens_and_instagram_accounts() {
    let (emulator, _meta) = onboarding().await;
    let token = long_lived_token(&emulator).await;

    let fields = "id,name,access_token,instagram_business_account";
    let accounts = graph_get(&emulator, &format!("/{VERSION}/me/accounts?fields={fields}"), Some(&token)).await;
    assert_eq!(accounts.status, 200, "{}", accounts.json);
    let data = accounts.json["data"].as_array().unwrap();
    assert_eq!(data.len(), 2, "{}", accounts.json);
    assert_eq!(
        data[0],
        json!({"id": PAGE_ID, "name": "Jasper's Market", "access_token": PAGE_TOKEN,
               "instagram_business_account": {"id": IG_ID}})
    );
    assert_eq!(data[1], json!({"id": OTHER_PAGE_ID, "name": "Test Page", "access_token": OTHER_PAGE_TOKEN}));
    assert!(accounts.json["paging"]["cursors"]["before"].is_string());
    assert!(accounts.json["paging"]["cursors"]["after"].is_string());

    let url = format!("{}/{VERSION}/me/accounts?access_token={token}", emulator.base_url());
    let defaults = reply(client().get(url)).await;
    let page = &defaults.json["data"][0];
    assert_eq!((page["access_token"].as_str(), page["category"].as_str()), (Some(PAGE_TOKEN), Some("Business")));
    assert!(page["tasks"].as_array().unwrap().contains(&json!("MESSAGING")), "{}", defaults.json);
    assert!(page.get("instagram_business_account").is_none());

    let bad = graph_get(&emulator, &format!("/{VERSION}/me/accounts"), Some("EAAnope")).await;
    assert_graph_error(&bad, 401, 190);
}

#[tokio::test]
async fn a_whatsapp_grant_lists_no_pages() {
    let (emulator, meta) = onboarding().await;
    meta.add_oauth_code(APP_ID, "AQB-waba-code", REDIRECT_URI, WABA);
    let params = [
        ("client_id", APP_ID),
        ("client_secret", APP_SECRET_OAUTH),
        ("redirect_uri", REDIRECT_URI),
        ("code", "AQB-waba-code"),
    ];
    let token = oauth(&emulator, &params).await;
    let accounts = graph_get(&emulator, &format!("/{VERSION}/me/accounts"), Some(&token)).await;
    assert_eq!((accounts.status, accounts.json), (200, json!({"data": []})));
}

#[tokio::test]
async fn debug_token_lists_pages_and_instagram_accounts_in_granular_scopes() {
    let (emulator, _meta) = onboarding().await;
    let token = long_lived_token(&emulator).await;
    let app_token = format!("{APP_ID}|{APP_SECRET_OAUTH}");
    let debug = graph_get(&emulator, &format!("/{VERSION}/debug_token?input_token={token}"), Some(&app_token)).await;
    assert_eq!(debug.status, 200, "{}", debug.json);
    let data = &debug.json["data"];
    assert_eq!(data["is_valid"], true);
    let scopes = data["scopes"].as_array().unwrap();
    for scope in ["pages_show_list", "pages_messaging", "pages_manage_metadata", "instagram_basic", "public_profile"] {
        assert!(scopes.contains(&json!(scope)), "{scope}: {data}");
    }
    let granular = data["granular_scopes"].as_array().unwrap();
    let targets = |scope: &str| granular.iter().find(|g| g["scope"] == scope).map(|g| g["target_ids"].clone());
    assert_eq!(targets("pages_messaging"), Some(json!([PAGE_ID, OTHER_PAGE_ID])));
    assert_eq!(targets("pages_manage_metadata"), Some(json!([PAGE_ID, OTHER_PAGE_ID])));
    assert_eq!(targets("instagram_manage_messages"), Some(json!([IG_ID])));
    assert_eq!(targets("whatsapp_business_messaging"), None);
}

#[tokio::test]
async fn pages_are_subscribed_with_their_fields_and_their_own_token() {
    let (emulator, meta) = onboarding().await;
    let user_token = long_lived_token(&emulator).await;
    assert_eq!(meta.is_page_subscribed(PAGE_ID), None);

    let missing = subscribe(&emulator, PAGE_ID, "", PAGE_TOKEN).await;
    let error = assert_graph_error(&missing, 400, 100);
    assert_eq!(error["message"], "(#100) The parameter subscribed_fields is required.");
    assert_eq!(meta.is_page_subscribed(PAGE_ID), None);

    let fields = "?subscribed_fields=messages,messaging_postbacks,message_reads";
    assert_graph_error(&subscribe(&emulator, PAGE_ID, fields, &user_token).await, 403, 210);
    assert_graph_error(&subscribe(&emulator, PAGE_ID, fields, OTHER_PAGE_TOKEN).await, 403, 200);
    assert_graph_error(&subscribe(&emulator, PAGE_ID, fields, "EAAnope").await, 401, 190);
    assert_eq!(meta.is_page_subscribed(PAGE_ID), None);

    let ok = subscribe(&emulator, PAGE_ID, fields, PAGE_TOKEN).await;
    assert_eq!((ok.status, ok.json), (200, json!({"success": true})));
    let expected = vec!["messages".to_owned(), "messaging_postbacks".to_owned(), "message_reads".to_owned()];
    assert_eq!(meta.is_page_subscribed(PAGE_ID), Some(expected));
    assert_eq!(meta.is_page_subscribed(OTHER_PAGE_ID), None);

    let listed = graph_get(&emulator, &format!("/{VERSION}/{PAGE_ID}/subscribed_apps"), Some(PAGE_TOKEN)).await;
    assert_eq!(listed.json["data"][0]["subscribed_fields"][1], "messaging_postbacks", "{}", listed.json);

    let waba = reply(
        client().post(format!("{}/{VERSION}/{WABA}/subscribed_apps", emulator.base_url())).bearer_auth(ACCESS_TOKEN),
    )
    .await;
    assert_eq!((waba.status, waba.json), (200, json!({"success": true})));
    assert!(meta.is_subscribed(WABA));
}

#[tokio::test]
async fn the_send_api_takes_the_page_token_but_not_the_user_token() {
    let (emulator, meta) = onboarding().await;
    meta.set_last_user_message_hours_ago(PAGE_ID, PSID, 0);
    let user_token = long_lived_token(&emulator).await;

    for id in [PAGE_ID, "me"] {
        let refused = send_api(&emulator, id, &user_token).await;
        let error = assert_graph_error(&refused, 403, 210);
        assert_eq!(error["message"], "(#210) A page access token is required to request this resource.");
    }
    assert!(meta.messaging_sent().is_empty());

    let sent = send_api(&emulator, PAGE_ID, PAGE_TOKEN).await;
    assert_eq!(sent.status, 200, "{}", sent.json);
    assert_eq!(sent.json["recipient_id"], PSID);
    assert_eq!(meta.messaging_sent().len(), 1);
}
