//! WhatsApp through Meta in the tests: the number under test, its customer, and reading back a
//! conversation through the API.

use std::time::Duration;

use serde_json::Value;
use switchboard_emulator::meta::{InboundContent, WhatsappInbound};

use super::{CUSTOMER, TestApp};

pub const NUMBER: &str = "+14155550110";
pub const PHONE_NUMBER_ID: &str = "106540352242922";
pub const WAIT: Duration = Duration::from_secs(10);

pub fn customer() -> String {
    CUSTOMER.trim_start_matches('+').to_owned()
}

pub fn inbound(content: InboundContent) -> WhatsappInbound {
    WhatsappInbound {
        phone_number_id: PHONE_NUMBER_ID.into(),
        from: customer(),
        profile_name: Some("Ada Lovelace".into()),
        context: None,
        content,
    }
}

/// The messages of the workspace's only conversation, oldest first, read with `api_key`.
pub async fn timeline(app: &TestApp, api_key: &str) -> Vec<Value> {
    let get = |path: String| async move {
        let response = app.client.get(format!("{}{path}", app.url)).bearer_auth(api_key).send().await.unwrap();
        response.json::<Value>().await.unwrap()
    };
    let list = get("/api/v1/conversations".into()).await;
    let id = list["data"][0]["id"].as_str().expect("a conversation").to_owned();
    let page = get(format!("/api/v1/conversations/{id}/messages")).await;
    page["data"].as_array().unwrap().clone()
}
