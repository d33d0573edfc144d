//! Helpers for the Telegram tests: an emulator with one bot whose webhook points at a local
//! receiver, and a Bot API client that returns the HTTP status and the JSON envelope.
#![allow(dead_code)] // each test binary uses a different part of these helpers

use std::time::Duration;

use serde_json::Value;
use switchboard_emulator::telegram::{Customer, TelegramEmulator};
use switchboard_emulator::{EmulatorConfig, EmulatorHandle};

use crate::common::{Received, Receiver, client};

pub const TOKEN: &str = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
pub const BOT_ID: i64 = 123_456_789;
pub const USERNAME: &str = "clinic_bot";
pub const SECRET: &str = "s3cret_Token-1";
pub const ANN_ID: i64 = 5_550_100;

/// The customer most tests play.
pub fn ann() -> Customer {
    Customer { last_name: Some("Lee".into()), username: Some("annlee".into()), ..Customer::new(ANN_ID, "Ann") }
}

/// An emulator with the test bot, and its Telegram side.
pub async fn telegram_emulator() -> (EmulatorHandle, TelegramEmulator) {
    let config = EmulatorConfig { callback_delay: Duration::from_millis(1), ..EmulatorConfig::default() };
    let emulator = switchboard_emulator::start(config).await.expect("emulator starts");
    let telegram = emulator.telegram();
    telegram.add_bot(TOKEN, USERNAME, "Clinic");
    (emulator, telegram)
}

/// A receiver answering 200, and an emulator whose bot's webhook (with `SECRET`) points at it,
/// set through the Bot API as our server would.
pub async fn with_webhook() -> (Receiver, EmulatorHandle, TelegramEmulator) {
    let receiver = Receiver::start(200, "text/plain", "").await;
    let (emulator, telegram) = telegram_emulator().await;
    let url = receiver.url("/webhooks/telegram/channel-1");
    let (status, body) = call(&telegram, "setWebhook", serde_json::json!({"url": url, "secret_token": SECRET})).await;
    assert_eq!((status, body["ok"].clone()), (200, Value::Bool(true)), "{body}");
    (receiver, emulator, telegram)
}

/// The Bot API URL of a method of the test bot.
pub fn method_url(telegram: &TelegramEmulator, method: &str) -> String {
    format!("{}/bot{TOKEN}/{method}", telegram.api_base_url())
}

async fn answer(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.expect("emulator answers");
    let status = response.status().as_u16();
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(content_type.starts_with("application/json"), "Bot API answers are JSON, got {content_type}");
    (status, response.json().await.expect("a JSON envelope"))
}

/// POSTs a JSON body to a method of the test bot.
pub async fn call(telegram: &TelegramEmulator, method: &str, body: Value) -> (u16, Value) {
    answer(client().post(method_url(telegram, method)).json(&body)).await
}

/// POSTs a form to a method of the test bot.
pub async fn call_form(telegram: &TelegramEmulator, method: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
    let request = client()
        .post(method_url(telegram, method))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    answer(request).await
}

/// GETs any URL of the emulator as a Bot API call.
pub async fn get(url: &str) -> (u16, Value) {
    answer(client().get(url)).await
}

impl Received {
    /// The body as an Update.
    pub fn update(&self) -> Value {
        serde_json::from_slice(&self.body).expect("an update is JSON")
    }
}
