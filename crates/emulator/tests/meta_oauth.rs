//! Facebook Login for Business (Embedded Signup): an authorization code exchanged for a
//! short-lived then a long-lived user token, `debug_token`, and the onboarded account's
//! `phone_numbers`, templates and `subscribed_apps` used with the long-lived token.

mod common;
mod meta_common;

use common::{Receiver, Reply, client, reply};
use meta_common::*;
use serde_json::{Value, json};
use switchboard_emulator::EmulatorHandle;
use switchboard_emulator::meta::{MetaEmulator, MetaTemplate};

const APP_ID: &str = "670843887433847";
const APP_SECRET_OAUTH: &str = "oauth-app-secret";
const CODE: &str = "AQBx-login-code";
const REDIRECT_URI: &str = "https://switchboard.example/onboarding/meta/callback";

/// An emulator with the test account and an app holding a code for it.
async fn onboarding() -> (Receiver, EmulatorHandle, MetaEmulator) {
    let (receiver, emulator, meta) = meta_with_receiver().await;
    meta.add_app(APP_ID, APP_SECRET_OAUTH);
    meta.add_oauth_code(APP_ID, CODE, REDIRECT_URI, WABA);
    (receiver, emulator, meta)
}

async fn oauth(emulator: &EmulatorHandle, params: &[(&str, &str)]) -> Reply {
    reply(client().get(format!("{}/{VERSION}/oauth/access_token", emulator.base_url())).query(params)).await
}

async fn redeem(emulator: &EmulatorHandle, code: &str, secret: &str, redirect_uri: &str) -> Reply {
    let params = [("client_id", APP_ID), ("client_secret", secret), ("redirect_uri", redirect_uri), ("code", code)];
    oauth(emulator, &params).await
}

fn token_of(reply: &Reply) -> String {
    assert_eq!(reply.status, 200, "{}", reply.json);
    assert_eq!(reply.json["token_type"], "bearer");
    reply.json["access_token"].as_str().expect("an access token").to_owned()
}

/// The full exchange: code → short-lived token → long-lived token.
async fn long_lived_token(emulator: &EmulatorHandle) -> String {
    let short = redeem(emulator, CODE, APP_SECRET_OAUTH, REDIRECT_URI).await;
    assert_eq!(short.json["expires_in"], 3600, "{}", short.json);
    let short_token = token_of(&short);
    let params = [
        ("grant_type", "fb_exchange_token"),
        ("client_id", APP_ID),
        ("client_secret", APP_SECRET_OAUTH),
        ("fb_exchange_token", short_token.as_str()),
    ];
    let long = oauth(emulator, &params).await;
    assert_eq!(long.json["expires_in"], 5_184_000, "{}", long.json);
    let long_token = token_of(&long);
    assert_ne!(long_token, short_token);
    long_token
}

#[tokio::test]
async fn the_long_lived_token_lists_templates_and_phone_numbers() {
    let (_receiver, emulator, meta) = onboarding().await;
    meta.add_template(WABA, MetaTemplate::approved("order_update", "en_US", "UTILITY", "Order {{1}}"));
    meta.add_phone_number(WABA, "106540352242999", "14155550110", "http://127.0.0.1:9/unused");
    meta.set_verified_name("106540352242999", "Jasper's Market");
    let token = long_lived_token(&emulator).await;

    let templates = graph_get(&emulator, &format!("/{VERSION}/{WABA}/message_templates"), Some(&token)).await;
    assert_eq!(templates.status, 200, "{}", templates.json);
    assert_eq!(templates.json["data"][0]["name"], "order_update");

    let numbers = graph_get(&emulator, &format!("/{VERSION}/{WABA}/phone_numbers"), Some(&token)).await;
    assert_eq!(numbers.status, 200, "{}", numbers.json);
    let data = numbers.json["data"].as_array().unwrap();
    assert_eq!(data.len(), 2);
    assert_eq!(
        data[0],
        json!({
            "verified_name": "Test Business",
            "code_verification_status": "VERIFIED",
            "display_phone_number": "+1 555-000-1111",
            "quality_rating": "GREEN",
            "platform_type": "CLOUD_API",
            "throughput": { "level": "STANDARD" },
            "id": PHONE_ID,
        })
    );
    assert_eq!(data[1]["id"], "106540352242999");
    assert_eq!(data[1]["verified_name"], "Jasper's Market");
    assert_eq!(data[1]["display_phone_number"], "+1 415-555-0110");
    assert!(numbers.json["paging"]["cursors"]["before"].is_string());
    assert!(numbers.json["paging"]["cursors"]["after"].is_string());

    let sent = send(&emulator, &json!({})).await;
    assert_eq!(sent.status, 400, "the account's own token still works: {}", sent.json);
    let with_grant = post_message(
        &emulator,
        PHONE_ID,
        Some(&token),
        &json!({"messaging_product": "whatsapp", "to": CUSTOMER_WA_ID, "type": "template",
                "template": {"name": "order_update", "language": {"code": "en_US"},
                             "components": [{"type": "body", "parameters": [{"type": "text", "text": "42"}]}]}}),
    )
    .await;
    assert_eq!(with_grant.status, 200, "{}", with_grant.json);
}

#[tokio::test]
async fn a_granted_token_only_reaches_its_own_account() {
    let (_receiver, emulator, meta) = onboarding().await;
    meta.add_business_account("777", "EAAG-other", "s");
    let token = long_lived_token(&emulator).await;
    let foreign = graph_get(&emulator, &format!("/{VERSION}/777/phone_numbers"), Some(&token)).await;
    assert_eq!(assert_graph_error(&foreign, 400, 100)["error_subcode"], 33);
    let unknown = graph_get(&emulator, &format!("/{VERSION}/{WABA}/phone_numbers"), Some("EAAnot-issued")).await;
    assert_graph_error(&unknown, 401, 190);
}

#[tokio::test]
async fn a_code_is_redeemed_only_once() {
    let (_receiver, emulator, _meta) = onboarding().await;
    token_of(&redeem(&emulator, CODE, APP_SECRET_OAUTH, REDIRECT_URI).await);
    let again = redeem(&emulator, CODE, APP_SECRET_OAUTH, REDIRECT_URI).await;
    let error = assert_graph_error(&again, 400, 100);
    assert_eq!(error["message"], "This authorization code has been used.");
    assert_eq!(error["type"], "OAuthException");
    let unknown = redeem(&emulator, "AQB-never-issued", APP_SECRET_OAUTH, REDIRECT_URI).await;
    assert_eq!(assert_graph_error(&unknown, 400, 100)["message"], "Invalid verification code format.");
}

#[tokio::test]
async fn the_redirect_uri_must_be_identical() {
    let (_receiver, emulator, _meta) = onboarding().await;
    let mismatch = redeem(&emulator, CODE, APP_SECRET_OAUTH, "https://switchboard.example/other").await;
    let error = assert_graph_error(&mismatch, 400, 100);
    assert_eq!(
        error["message"],
        "Error validating verification code. Please make sure your redirect_uri is identical to the one you used \
         in the OAuth dialog request"
    );
    // The refused attempt does not use the code up.
    token_of(&redeem(&emulator, CODE, APP_SECRET_OAUTH, REDIRECT_URI).await);
}

#[tokio::test]
async fn the_app_must_be_known_and_its_secret_right() {
    let (_receiver, emulator, _meta) = onboarding().await;
    let wrong_secret = redeem(&emulator, CODE, "not-the-secret", REDIRECT_URI).await;
    assert_eq!(assert_graph_error(&wrong_secret, 400, 1)["message"], "Error validating client secret.");
    let params = [("client_id", "999"), ("client_secret", APP_SECRET_OAUTH), ("redirect_uri", REDIRECT_URI)];
    let unknown_app = oauth(&emulator, &params).await;
    let error = assert_graph_error(&unknown_app, 400, 101);
    assert_eq!(error["message"], "Error validating application. Invalid application ID.");
    let params = [
        ("grant_type", "fb_exchange_token"),
        ("client_id", APP_ID),
        ("client_secret", APP_SECRET_OAUTH),
        ("fb_exchange_token", "EAAnot-issued"),
    ];
    assert_graph_error(&oauth(&emulator, &params).await, 400, 190);
}

#[tokio::test]
async fn debug_token_shows_the_account_in_granular_scopes() {
    let (_receiver, emulator, _meta) = onboarding().await;
    let token = long_lived_token(&emulator).await;
    let app_token = format!("{APP_ID}|{APP_SECRET_OAUTH}");
    let path = format!("/{VERSION}/debug_token?input_token={token}");

    let debugged = graph_get(&emulator, &path, Some(&app_token)).await;
    assert_eq!(debugged.status, 200, "{}", debugged.json);
    let data = &debugged.json["data"];
    assert_eq!(data["app_id"], APP_ID);
    assert_eq!(data["type"], "USER");
    assert_eq!(data["is_valid"], true);
    assert!(data["user_id"].as_str().is_some_and(|id| id.bytes().all(|b| b.is_ascii_digit())));
    assert!(data["expires_at"].as_u64().unwrap() > data["issued_at"].as_u64().unwrap());
    assert!(data["data_access_expires_at"].is_u64());
    let scopes: Vec<&str> = data["scopes"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
    assert!(scopes.contains(&"whatsapp_business_management") && scopes.contains(&"whatsapp_business_messaging"));
    assert_eq!(
        data["granular_scopes"],
        json!([{"scope": "whatsapp_business_management", "target_ids": [WABA]},
               {"scope": "whatsapp_business_messaging", "target_ids": [WABA]}])
    );

    let by_query = graph_get(&emulator, &format!("{path}&access_token={APP_ID}%7C{APP_SECRET_OAUTH}"), None).await;
    assert_eq!(by_query.json["data"]["granular_scopes"], data["granular_scopes"]);

    let unknown = graph_get(&emulator, &format!("/{VERSION}/debug_token?input_token=EAAnope"), Some(&app_token)).await;
    assert_eq!(unknown.status, 200, "{}", unknown.json);
    assert_eq!(unknown.json["data"]["is_valid"], false);
    assert_eq!(unknown.json["data"]["error"]["code"], 190);
    assert!(unknown.json["data"]["error"]["message"].is_string());

    assert_graph_error(&graph_get(&emulator, &path, None).await, 400, 104);
    assert_graph_error(&graph_get(&emulator, &path, Some(&format!("{APP_ID}|wrong"))).await, 401, 190);
}

#[tokio::test]
async fn subscribing_with_the_long_lived_token_subscribes_the_account() {
    let (_receiver, emulator, meta) = onboarding().await;
    let token = long_lived_token(&emulator).await;
    assert!(!meta.is_subscribed(WABA));
    let subscribe =
        reply(client().post(format!("{}/{VERSION}/{WABA}/subscribed_apps", emulator.base_url())).bearer_auth(&token))
            .await;
    assert_eq!((subscribe.status, subscribe.json), (200, json!({"success": true})));
    assert!(meta.is_subscribed(WABA));
}

#[tokio::test]
async fn media_paths_still_reach_media() {
    let (_receiver, emulator, meta) = onboarding().await;
    let token = long_lived_token(&emulator).await;
    meta.add_media("1013859600285441", "image/jpeg", b"jpeg".to_vec());
    let described = graph_get(&emulator, &format!("/{VERSION}/1013859600285441"), Some(&token)).await;
    assert_eq!(described.status, 200, "{}", described.json);
    let oauth_get: Value = graph_get(&emulator, &format!("/{VERSION}/oauth"), Some(&token)).await.json;
    assert_eq!(oauth_get["error"]["code"], 100, "{oauth_get}");
}
