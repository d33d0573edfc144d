//! The test harness: a real Switchboard on port 0 against a fresh database, with SMS and
//! WhatsApp channels whose Twilio adapter talks to a real Twilio emulator, also on port 0.

#![allow(dead_code)]

pub mod browser;
pub mod chrome;
pub mod mailbox;
pub mod meta;
pub mod sendgrid;
pub mod ses;
pub mod staff;
pub mod telegram;
pub mod webchat;
pub mod whatsapp_cloud;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use switchboard_channels::twilio::provider_address;
use switchboard_domain::ChannelKind;
use switchboard_emulator::{EmulatorConfig, EmulatorHandle, InboundDelivery, InboundRequest};
use switchboard_server::Application;
use switchboard_server::admin::{self, TwilioChannelInput};
use switchboard_server::config::{Config, SecretKeySource};
use switchboard_server::secrets::SecretBox;
use switchboard_store::Store;
use switchboard_store::model::{Channel, Workspace};
use switchboard_store::queue::RetryPolicy;
use switchboard_store::testing::TestDatabase;
use tokio::sync::oneshot;

pub const SMS_NUMBER: &str = "+14155550100";
pub const WHATSAPP_NUMBER: &str = "+14155550101";
pub const CUSTOMER: &str = "+14155550123";
pub const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
pub const AUTH_TOKEN: &str = "test-auth-token-0123456789";
const SECRET_KEY: &str = "5ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2";

pub struct TestApp {
    pub url: String,
    pub backend: &'static str,
    pub api_key: String,
    pub workspace: Workspace,
    pub sms: Channel,
    pub whatsapp: Channel,
    pub emulator: EmulatorHandle,
    pub store: Arc<dyn Store>,
    pub client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    db: Option<TestDatabase>,
}

/// Settings that keep tests fast: quick retries, quick polling.
pub fn test_config(database_url: &str) -> Config {
    let mut config = Config::new(database_url);
    config.bind = ([127, 0, 0, 1], 0).into();
    config.secret_key = SecretKeySource::Value(SECRET_KEY.into());
    config.retry = RetryPolicy { max_attempts: 4, base_ms: 20, cap_ms: 100, floor_ms: 10 };
    config.dispatch_poll = Duration::from_millis(50);
    config.mailbox_rescan = Duration::from_millis(100);
    config.max_body_bytes = 64 * 1024;
    config.max_media_bytes = 1024 * 1024;
    config.providers.meta.app_secret = Some(meta::APP_SECRET.into());
    config.providers.meta.verify_token = Some(meta::APP_VERIFY_TOKEN.into());
    config.providers.meta.app_id = Some("1234567890".into());
    config
}

impl TestApp {
    pub async fn spawn(db: TestDatabase) -> Self {
        Self::spawn_with(db, |_| {}).await
    }

    /// An app whose settings `adjust` changes from [`test_config`]'s.
    pub async fn spawn_with(db: TestDatabase, adjust: impl FnOnce(&mut Config)) -> Self {
        let emulator = switchboard_emulator::start(EmulatorConfig {
            callback_delay: Duration::from_millis(5),
            ..Default::default()
        })
        .await
        .expect("emulator starts");
        emulator.add_account(ACCOUNT_SID, AUTH_TOKEN);
        let store = db.store().await;
        let mut config = test_config(&db.url);
        config.providers.twilio.api_base_url = emulator.base_url();
        config.providers.meta.graph_base_url = emulator.base_url();
        config.providers.ses.api_base_url = Some(emulator.base_url());
        config.providers.ses.sns_origin = Some(emulator.base_url());
        config.providers.telegram.api_base_url = emulator.base_url();
        adjust(&mut config);
        let secrets = SecretBox::load(&config.secret_key).unwrap();
        let workspace = admin::create_workspace(
            &store,
            "Riverside Vet",
            Some("Riverside Vet: call 555-0100. Reply STOP to opt out."),
        )
        .await
        .unwrap();
        let sms = add_channel(&store, &secrets, &workspace, ChannelKind::Sms, SMS_NUMBER).await;
        let whatsapp = add_channel(&store, &secrets, &workspace, ChannelKind::Whatsapp, WHATSAPP_NUMBER).await;
        let (_, api_key) = admin::create_api_key(&store, &workspace, "tests").await.unwrap();

        let app = Application::build_with_store(config, store.clone()).await.expect("app builds");
        let url = format!("http://{}", app.local_addr());
        for channel in [&sms, &whatsapp] {
            let webhook = format!("{url}/webhooks/twilio/{}", channel.channel_id);
            emulator.add_number(ACCOUNT_SID, &provider_address(channel.kind, &channel.address), &webhook);
        }
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(app.run_until(async {
            let _ = stopped.await;
        }));
        Self {
            url,
            backend: db.backend,
            api_key,
            workspace,
            sms,
            whatsapp,
            emulator,
            store,
            client: reqwest::Client::new(),
            stop: Some(stop),
            server: Some(server),
            db: Some(db),
        }
    }

    /// The database this app runs on, for a second node.
    pub fn database_url(&self) -> &str {
        &self.db.as_ref().expect("the database is kept until stop").url
    }

    /// Stops the server gracefully and removes the database.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("server task").expect("server stops cleanly");
        }
        self.emulator.shutdown();
        if let Some(db) = self.db.take() {
            db.remove().await;
        }
    }

    /// A customer texts our SMS number.
    pub async fn customer_sms(&self, from: &str, body: &str) -> InboundDelivery {
        self.emulator.send_inbound(InboundRequest::text(from, SMS_NUMBER, body)).await.expect("emulator delivers")
    }

    /// A customer writes to our WhatsApp number.
    pub async fn customer_whatsapp(&self, from: &str, body: &str, profile_name: Option<&str>) -> InboundDelivery {
        let request = InboundRequest {
            from: format!("whatsapp:{from}"),
            to: format!("whatsapp:{WHATSAPP_NUMBER}"),
            body: body.into(),
            media: vec![],
            profile_name: profile_name.map(str::to_owned),
        };
        self.emulator.send_inbound(request).await.expect("emulator delivers")
    }

    pub fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.client.get(format!("{}{path}", self.url)).bearer_auth(&self.api_key)
    }

    pub fn post(&self, path: &str, body: &Value) -> reqwest::RequestBuilder {
        self.client.post(format!("{}{path}", self.url)).bearer_auth(&self.api_key).json(body)
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let response = self.get(path).send().await.unwrap();
        assert!(response.status().is_success(), "GET {path}: {}", response.status());
        response.json().await.unwrap()
    }

    /// Sends an SMS reply through the API and returns the response.
    pub async fn send_sms(&self, to: &str, body: &str) -> reqwest::Response {
        self.post("/api/v1/messages", &serde_json::json!({ "channel_id": self.sms.channel_id, "to": to, "body": body }))
            .send()
            .await
            .unwrap()
    }

    pub async fn message(&self, id: &str) -> Value {
        self.get_json(&format!("/api/v1/messages/{id}")).await
    }

    /// Waits until the message reaches `status`, re-reading it as the dispatcher and callbacks
    /// move it; panics with its last state after ten seconds.
    pub async fn wait_for_status(&self, id: &str, status: &str) -> Value {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let message = self.message(id).await;
            if message["status"] == status {
                return message;
            }
            if tokio::time::Instant::now() > deadline {
                panic!("message never became {status}: {message:#}");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The messages of the one conversation `GET /api/v1/conversations?{query}` lists, oldest
    /// first, once it has at least `count`; panics with the list after ten seconds.
    pub async fn conversation_messages(&self, query: &str, count: usize) -> Vec<Value> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let list = self.get_json(&format!("/api/v1/conversations?{query}")).await;
            if let [conversation] = list["data"].as_array().unwrap().as_slice() {
                let id = conversation["id"].as_str().unwrap();
                let page = self.get_json(&format!("/api/v1/conversations/{id}/messages")).await;
                let mut messages = page["data"].as_array().unwrap().clone();
                if messages.len() >= count {
                    messages.sort_by_key(|m| m["id"].as_str().unwrap().to_owned());
                    return messages;
                }
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "expected one conversation with {count} messages: {list:#}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub async fn metrics(&self) -> String {
        self.client.get(format!("{}/metrics", self.url)).send().await.unwrap().text().await.unwrap()
    }
}

async fn add_channel(
    store: &Arc<dyn Store>,
    secrets: &SecretBox,
    workspace: &Workspace,
    kind: ChannelKind,
    number: &str,
) -> Channel {
    let input = TwilioChannelInput {
        kind,
        name: None,
        number: number.into(),
        account_sid: ACCOUNT_SID.into(),
        auth_token: AUTH_TOKEN.into(),
        api_base_url: None,
    };
    admin::add_twilio_channel(store, secrets, workspace, input).await.unwrap()
}

/// Runs `test` against a fresh app on each available backend.
pub async fn on_every_backend<F, Fut>(test: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = TestApp>,
{
    for db in TestDatabase::all().await {
        let app = TestApp::spawn(db).await;
        let app = test(app).await;
        app.stop().await;
    }
}

/// Asserts a problem+json answer with this status and type, and returns its detail.
pub async fn expect_problem(response: reqwest::Response, status: u16, kind: &str) -> String {
    assert_eq!(response.status().as_u16(), status, "unexpected status");
    assert_eq!(response.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("application/problem+json"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["type"], format!("/problems/{kind}"), "{body:#}");
    assert_eq!(body["status"], status);
    body["detail"].as_str().unwrap_or_default().to_owned()
}
