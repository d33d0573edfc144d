//! Shared test helpers: a local HTTP receiver standing in for our server, an emulator set
//! up with one account and its numbers, and a client for the Messages API.
#![allow(dead_code)] // each test binary uses a different part of these helpers

use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, Uri, header::CONTENT_TYPE};
use serde_json::Value;
use switchboard_emulator::{EmulatorConfig, EmulatorHandle, signature};
use tokio::sync::mpsc;

pub const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
pub const TOKEN: &str = "12345-test-auth-token";
pub const OUR_SMS: &str = "+14155550199";
pub const OUR_WHATSAPP: &str = "whatsapp:+14155550199";
pub const CUSTOMER: &str = "+14155550100";
pub const CUSTOMER_WHATSAPP: &str = "whatsapp:+447700900123";

/// How long a test waits for something that should happen within milliseconds.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// One request our stand-in server received.
#[derive(Debug)]
pub struct Received {
    /// Path and query, as requested.
    pub uri: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Received {
    pub fn params(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(&self.body).into_owned().collect()
    }

    pub fn param(&self, name: &str) -> Option<String> {
        self.params().into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
    }

    /// Whether X-Twilio-Signature is right for the full URL this request was sent to.
    pub fn is_signed_with(&self, auth_token: &str, base_url: &str) -> bool {
        let url = format!("{base_url}{}", self.uri);
        let header = self.header("x-twilio-signature").unwrap_or_default();
        signature::validate_signature(auth_token, &url, &self.params(), &header)
    }
}

/// A local server that records every request and answers them all the same way.
pub struct Receiver {
    pub base_url: String,
    rx: mpsc::UnboundedReceiver<Received>,
}

impl Receiver {
    pub async fn start(status: u16, content_type: &'static str, body: &'static str) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        let app = Router::new().fallback(move |uri: Uri, headers: HeaderMap, body_bytes: Bytes| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(Received { uri: uri.to_string(), headers, body: body_bytes });
                (StatusCode::from_u16(status).expect("valid status"), [(CONTENT_TYPE, content_type)], body)
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind receiver");
        let addr = listener.local_addr().expect("receiver address");
        tokio::spawn(async move { axum::serve(listener, app).await.expect("receiver serves") });
        Self { base_url: format!("http://{addr}"), rx }
    }

    /// Answers 200 with an empty TwiML response, like our server does.
    pub async fn twiml() -> Self {
        Self::start(200, "text/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>").await
    }

    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.base_url)
    }

    /// The next request received; panics if none comes.
    pub async fn next(&mut self) -> Received {
        tokio::time::timeout(PATIENCE, self.rx.recv())
            .await
            .expect("a request reached the receiver in time")
            .expect("receiver is running")
    }
}

/// An emulator with one account owning an SMS number and a WhatsApp sender, both
/// delivering incoming messages to `webhook_url`.
pub async fn emulator(webhook_url: &str) -> EmulatorHandle {
    let config = EmulatorConfig { callback_delay: Duration::from_millis(1), ..EmulatorConfig::default() };
    let emu = switchboard_emulator::start(config).await.expect("emulator starts");
    emu.add_account(ACCOUNT, TOKEN);
    emu.add_number(ACCOUNT, OUR_SMS, webhook_url);
    emu.add_number(ACCOUNT, OUR_WHATSAPP, webhook_url);
    emu
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().expect("client")
}

/// A reply from the emulator's API.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub json: Value,
}

/// POSTs a form to `…/Accounts/{path_account}/Messages.json`, with these credentials.
pub async fn post_messages(
    emu: &EmulatorHandle,
    path_account: &str,
    credentials: Option<(&str, &str)>,
    params: &[(&str, &str)],
) -> Reply {
    let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish();
    let mut request = client()
        .post(format!("{}/2010-04-01/Accounts/{path_account}/Messages.json", emu.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some((user, password)) = credentials {
        request = request.basic_auth(user, Some(password));
    }
    reply(request).await
}

/// Creates a message as the test account.
pub async fn send(emu: &EmulatorHandle, params: &[(&str, &str)]) -> Reply {
    post_messages(emu, ACCOUNT, Some((ACCOUNT, TOKEN)), params).await
}

/// GETs a path of the emulator as the test account.
pub async fn get(emu: &EmulatorHandle, path: &str) -> Reply {
    let request = client().get(format!("{}{path}", emu.base_url())).basic_auth(ACCOUNT, Some(TOKEN));
    reply(request).await
}

pub async fn reply(request: reqwest::RequestBuilder) -> Reply {
    let response = request.send().await.expect("emulator answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let json = response.json().await.unwrap_or(Value::Null);
    Reply { status, headers, json }
}
