//! A website chat widget on the app, and a visitor's side of its API as the widget's frame
//! calls it (same origin as the server, the visitor's token as a Bearer token).
#![allow(dead_code)] // each test binary uses only part of `common`

use serde_json::{Value, json};
use switchboard_server::admin;
use switchboard_server::secrets::SecretBox;
use switchboard_server::webchat::settings::{Ask, Corner, Prechat, WidgetSettings};
use switchboard_store::model::Channel;

use super::TestApp;

/// The business's website, as the widget's settings name it.
pub const SITE: &str = "https://riverside-vet.test";

pub async fn add_webchat(app: &TestApp, origins: &[&str], prechat: Prechat) -> Channel {
    let secrets = SecretBox::load(&super::test_config(app.database_url()).secret_key).unwrap();
    let settings = WidgetSettings {
        allowed_origins: origins.iter().map(|o| o.to_string()).collect(),
        title: "Chat with Riverside Vet".into(),
        greeting: "Hi! How can we help?".into(),
        color: "#0d9488".into(),
        position: Corner::Right,
        prechat,
    };
    admin::add_webchat_channel(&app.store, &secrets, &app.workspace, None, settings).await.unwrap()
}

/// Name optional, email required, phone off.
pub fn email_required() -> Prechat {
    Prechat { name: Ask::Optional, email: Ask::Required, phone: Ask::Off }
}

/// A visitor's widget.
pub struct Visitor<'a> {
    pub app: &'a TestApp,
    pub key: String,
    pub token: String,
}

impl<'a> Visitor<'a> {
    /// Opens the widget on the business's site as a new visitor.
    pub async fn arrive(app: &'a TestApp, channel: &Channel) -> Visitor<'a> {
        let response = session(app, &channel.address, SITE, None).await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        Visitor { app, key: channel.address.clone(), token: body["token"].as_str().unwrap().to_owned() }
    }

    pub fn post(&self, path: &str, body: &Value) -> reqwest::RequestBuilder {
        self.app
            .client
            .post(format!("{}{path}", self.app.url))
            .header("Origin", &self.app.url)
            .bearer_auth(&self.token)
            .json(body)
    }

    pub fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.app.client.get(format!("{}{path}", self.app.url)).bearer_auth(&self.token)
    }

    pub async fn identify(&self, body: Value) -> reqwest::Response {
        self.post("/widget/api/identify", &body).send().await.unwrap()
    }

    pub async fn write(&self, text: &str) -> reqwest::Response {
        self.post("/widget/api/messages", &json!({ "text": text })).send().await.unwrap()
    }

    pub async fn messages(&self) -> Vec<Value> {
        let response = self.get("/widget/api/messages").send().await.unwrap();
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        body["messages"].as_array().unwrap().clone()
    }
}

/// `POST /widget/api/session` as the frame makes it.
pub async fn session(app: &TestApp, key: &str, origin: &str, token: Option<&str>) -> reqwest::Response {
    app.client
        .post(format!("{}/widget/api/session", app.url))
        .header("Origin", &app.url)
        .json(&json!({ "key": key, "origin": origin, "token": token }))
        .send()
        .await
        .unwrap()
}
