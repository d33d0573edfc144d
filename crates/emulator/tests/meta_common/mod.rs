//! Helpers for the Meta (WhatsApp Cloud API) tests: an emulator with one business account
//! and phone number, a Graph API client, and Meta's webhook signature recomputed here
//! independently of the emulator.
#![allow(dead_code)] // each test binary uses a different part of these helpers

use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;
use sha2::Sha256;
use switchboard_emulator::meta::{MetaEmulator, WhatsappInbound};
use switchboard_emulator::{EmulatorConfig, EmulatorHandle};

use crate::common::{Received, Receiver, Reply, client, reply};

pub const WABA: &str = "102290129340398";
pub const ACCESS_TOKEN: &str = "EAAG-test-access-token";
pub const APP_SECRET: &str = "test-app-secret";
pub const PHONE_ID: &str = "106540352242922";
pub const DISPLAY_NUMBER: &str = "15550001111";
pub const CUSTOMER_WA_ID: &str = "14155550100";
pub const VERSION: &str = "v23.0";

/// An emulator whose one account owns `PHONE_ID`, delivering webhooks to `webhook_url`.
pub async fn meta_emulator(webhook_url: &str) -> (EmulatorHandle, MetaEmulator) {
    let config = EmulatorConfig { callback_delay: Duration::from_millis(1), ..EmulatorConfig::default() };
    let emulator = switchboard_emulator::start(config).await.expect("emulator starts");
    let meta = emulator.meta();
    meta.add_business_account(WABA, ACCESS_TOKEN, APP_SECRET);
    meta.add_phone_number(WABA, PHONE_ID, DISPLAY_NUMBER, webhook_url);
    (emulator, meta)
}

/// A stand-in for our server answering every webhook 200, and an emulator delivering to it.
pub async fn meta_with_receiver() -> (Receiver, EmulatorHandle, MetaEmulator) {
    let receiver = Receiver::start(200, "text/plain", "").await;
    let (emulator, meta) = meta_emulator(&receiver.url("/webhooks/meta")).await;
    (receiver, emulator, meta)
}

/// `sha256=<hex HMAC-SHA256(secret, body)>`, computed with the hmac and sha2 crates directly.
pub fn expected_signature(app_secret: &str, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(app_secret.as_bytes()).expect("any key length");
    mac.update(body);
    let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

impl Received {
    /// Whether X-Hub-Signature-256 matches the raw body for this app secret.
    pub fn is_signed_by_meta_with(&self, app_secret: &str) -> bool {
        self.header("x-hub-signature-256").as_deref() == Some(expected_signature(app_secret, &self.body).as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("webhook body is JSON")
    }

    /// `entry[0].changes[0].value` of a webhook.
    pub fn change_value(&self) -> Value {
        self.json()["entry"][0]["changes"][0]["value"].clone()
    }
}

/// POSTs a JSON body to `/{VERSION}/{phone_id}/messages` with this bearer token.
pub async fn post_message(emulator: &EmulatorHandle, phone_id: &str, token: Option<&str>, body: &Value) -> Reply {
    let mut request = client()
        .post(format!("{}/{VERSION}/{phone_id}/messages", emulator.base_url()))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    reply(request).await
}

/// Sends a message as the test account from `PHONE_ID`.
pub async fn send(emulator: &EmulatorHandle, body: &Value) -> Reply {
    post_message(emulator, PHONE_ID, Some(ACCESS_TOKEN), body).await
}

/// GETs a Graph path (e.g. `/v23.0/123`) with this bearer token.
pub async fn graph_get(emulator: &EmulatorHandle, path: &str, token: Option<&str>) -> Reply {
    let mut request = client().get(format!("{}{path}", emulator.base_url()));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    reply(request).await
}

/// The customer writes first, so free-form messages to them are inside the service window
/// (whatever our server answered to that webhook).
pub async fn open_window(meta: &MetaEmulator) {
    meta.send_inbound(WhatsappInbound::text(PHONE_ID, CUSTOMER_WA_ID, "hello")).await.expect("inbound delivered");
}

/// Asserts a Graph error body with this HTTP status and code; returns the `error` object.
pub fn assert_graph_error(reply: &Reply, http_status: u16, code: u64) -> Value {
    assert_eq!(reply.status, http_status, "{}", reply.json);
    let error = reply.json["error"].clone();
    assert_eq!(error["code"], code, "{}", reply.json);
    assert!(error["message"].is_string(), "{}", reply.json);
    assert!(error["type"].is_string(), "{}", reply.json);
    assert!(error["fbtrace_id"].as_str().is_some_and(|t| t.starts_with('A')), "{}", reply.json);
    error
}
