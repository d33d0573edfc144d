//! The emulator's Mail Send answers as SendGrid does: 401 with SendGrid's message for a missing
//! or unknown key, 400 listing every problem with its field, 202 with an `X-Message-Id` and an
//! empty body for a good request; and the control API lists what was sent.

use serde_json::{Value, json};
use switchboard_emulator::EmulatorConfig;

fn good_request() -> Value {
    json!({
        "personalizations": [{"to": [{"email": "ann@example.com"}]}],
        "from": {"email": "hello@clinic.example"},
        "subject": "Your appointment",
        "content": [{"type": "text/plain", "value": "See you at 10."}],
    })
}

#[tokio::test]
async fn mail_send_authenticates_validates_and_accepts_like_sendgrid() {
    let emulator = switchboard_emulator::start(EmulatorConfig::default()).await.unwrap();
    emulator.sendgrid().add_api_key("SG.good", None);
    let client = reqwest::Client::new();
    let url = format!("{}/v3/mail/send", emulator.base_url());

    let anonymous = client.post(&url).json(&good_request()).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let body: Value = anonymous.json().await.unwrap();
    assert_eq!(body["errors"][0]["message"], "authorization required");
    let unknown = client.post(&url).bearer_auth("SG.guess").json(&good_request()).send().await.unwrap();
    assert_eq!(unknown.status(), 401);
    let body: Value = unknown.json().await.unwrap();
    assert_eq!(body["errors"][0]["message"], "The provided authorization grant is invalid, expired, or revoked");

    let mut bad = good_request();
    bad["personalizations"][0]["to"][0]["email"] = json!("ann at example");
    bad.as_object_mut().unwrap().remove("content");
    let refused = client.post(&url).bearer_auth("SG.good").json(&bad).send().await.unwrap();
    assert_eq!(refused.status(), 400);
    let body: Value = refused.json().await.unwrap();
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["personalizations.0.to.0.email", "content"]);
    assert!(emulator.sendgrid().sent_emails().is_empty(), "a refused request sends nothing");

    let accepted = client.post(&url).bearer_auth("SG.good").json(&good_request()).send().await.unwrap();
    assert_eq!(accepted.status(), 202);
    let id = accepted.headers()["x-message-id"].to_str().unwrap().to_owned();
    assert!(accepted.text().await.unwrap().is_empty());
    let sent: Value = client
        .get(format!("{}/_emulator/sendgrid/sent", emulator.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(sent[0]["x_message_id"], id.as_str());
    assert_eq!(sent[0]["to"], json!(["ann@example.com"]));
    assert_eq!(sent[0]["text"], "See you at 10.");
    emulator.shutdown();
}
