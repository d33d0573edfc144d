//! Amazon SES end to end against the emulator on both databases: the app confirms its SNS
//! subscriptions, a customer's email published by a receipt rule arrives (the SNS signature
//! checked with the certificate fetched from its SigningCertURL), the staff's reply goes out
//! through SendEmail (SigV4) threaded to it and is delivered, a complaint opts the customer
//! out, a bounce fails the message. Forged SNS messages, messages from another topic and
//! certificates from anywhere but SNS are refused and store nothing.

mod common;

use std::time::Duration;

use common::ses::{ADDRESS, add_ses};
use common::{TestApp, expect_problem, on_every_backend};
use mail_parser::MessageParser;
use serde_json::{Value, json};
use switchboard_emulator::ses::InboundEmail;

const CUSTOMER: &str = "ann@customer.test";
const WAIT: Duration = Duration::from_secs(10);

async fn messages_of_only_conversation(app: &TestApp, count: usize) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let list = app.get_json("/api/v1/conversations").await;
        if let [conversation] = list["data"].as_array().unwrap().as_slice() {
            let id = conversation["id"].as_str().unwrap();
            let mut messages =
                app.get_json(&format!("/api/v1/conversations/{id}/messages")).await["data"].as_array().unwrap().clone();
            if messages.len() >= count {
                messages.sort_by_key(|m| m["id"].as_str().unwrap().to_owned());
                return messages;
            }
        }
        assert!(tokio::time::Instant::now() < deadline, "expected one conversation with {count} messages: {list:#}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn reply(app: &TestApp, channel_id: &str, body: &str) -> reqwest::Response {
    app.post("/api/v1/messages", &json!({ "channel_id": channel_id, "to": CUSTOMER, "body": body }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_email_arrives_through_sns_and_the_reply_goes_out_through_ses() {
    on_every_backend(|app| async move {
        let ses = add_ses(&app).await;
        let channel_id = ses.channel.channel_id.to_string();
        let email = InboundEmail {
            from_name: Some("Ann Lee".into()),
            ..InboundEmail::text(CUSTOMER, ADDRESS, "Opening hours", "Are you open on Saturday?\n\n> old quote")
        };
        let (customer_message_id, statuses) = ses.ses.send_inbound(email).await.unwrap();
        assert_eq!(statuses, vec![200], "{}", app.backend);
        let messages = messages_of_only_conversation(&app, 1).await;
        assert_eq!(messages[0]["body"], "Are you open on Saturday?");
        assert_eq!(messages[0]["email"]["subject"], "Opening hours");
        assert_eq!(messages[0]["from"], CUSTOMER);

        let answer = reply(&app, &channel_id, "Yes, 9 to 12.").await;
        assert_eq!(answer.status(), 202, "{}", answer.text().await.unwrap());
        let id = answer.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        let sent = ses.ses.wait_for_sent(1, WAIT).await;
        assert_eq!(sent[0].to, vec![CUSTOMER.to_owned()]);
        let raw = MessageParser::default().parse(sent[0].raw.as_bytes()).unwrap();
        assert_eq!(raw.subject(), Some("Re: Opening hours"));
        assert_eq!(raw.in_reply_to().as_text(), Some(customer_message_id.as_str()));
        assert_eq!(raw.body_text(0).unwrap().trim(), "Yes, 9 to 12.");
        assert!(sent[0].reply_to[0].starts_with("reply+"));
        let delivered = app.wait_for_status(&id, "delivered").await;
        assert_eq!(delivered["provider_message_id"], sent[0].message_id.as_str());
        // SES wrote its own Message-ID; the message keeps it, so answers naming it thread.
        let ses_message_id = format!("{}@email.amazonses.com", sent[0].message_id);
        assert_eq!(raw.message_id(), Some(ses_message_id.as_str()));
        assert_eq!(delivered["email"]["message_id"], ses_message_id.as_str());
        let answer_back = InboundEmail {
            in_reply_to: Some(ses_message_id.clone()),
            ..InboundEmail::text(
                "ann.lee@work.test",
                ADDRESS,
                "Re: Opening hours",
                "Great, see you then (from my work address)",
            )
        };
        ses.ses.send_inbound(answer_back).await.unwrap();
        let messages = messages_of_only_conversation(&app, 3).await;
        assert_eq!(messages[2]["from"], "ann.lee@work.test", "another address joins the thread it answers");

        // The customer marks it as spam: SES reports a complaint and email to them stops.
        assert_eq!(ses.ses.complain(&sent[0].message_id).await.unwrap(), vec![200]);
        let refused = reply(&app, &channel_id, "Anything else?").await;
        expect_problem(refused, 409, "opted-out").await;
        app
    })
    .await;
}

#[tokio::test]
async fn a_bounce_fails_the_message() {
    on_every_backend(|app| async move {
        let ses = add_ses(&app).await;
        ses.ses.bounce(CUSTOMER, "smtp; 550 5.1.1 user unknown");
        let answer = reply(&app, &ses.channel.channel_id.to_string(), "Your results are ready.").await;
        let id = answer.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        let failed = app.wait_for_status(&id, "failed").await;
        assert_eq!(failed["error_code"], "5.1.1");
        assert!(failed["error_reason"].as_str().unwrap().contains("user unknown"), "{failed:#}");
        app
    })
    .await;
}

#[tokio::test]
async fn forged_foreign_and_misdirected_sns_messages_are_refused() {
    on_every_backend(|app| async move {
        let ses = add_ses(&app).await;
        let (certificate_url, _) = ses.ses.signing_certificate();
        let before = app.get_json("/api/v1/webhook-events").await["data"].as_array().unwrap().len();
        let notification = |topic: &str, certificate: &str| {
            json!({
                "Type": "Notification",
                "MessageId": "7f1a2b3c-0000-4000-8000-000000000001",
                "TopicArn": topic,
                "Message": json!({"notificationType": "Complaint", "complaint": {"complainedRecipients": [{"emailAddress": CUSTOMER}]}, "mail": {"messageId": "x"}}).to_string(),
                "Timestamp": "2026-12-04T12:00:00.000Z",
                "SignatureVersion": "2",
                "Signature": "bm90IGEgc2lnbmF0dXJl",
                "SigningCertURL": certificate,
            })
        };
        let post = |body: Value| app.client.post(ses.events_url(&app)).body(body.to_string()).send();

        let forged = post(notification(&ses.events_topic, &certificate_url)).await.unwrap();
        expect_problem(forged, 403, "invalid-signature").await;
        let foreign = post(notification("arn:aws:sns:us-east-1:999999999999:someone-else", &certificate_url)).await.unwrap();
        let detail = expect_problem(foreign, 403, "foreign-source").await;
        assert!(detail.contains("someone-else"), "{detail}");
        let elsewhere = post(notification(&ses.events_topic, "https://certificates.example/sns.pem")).await.unwrap();
        expect_problem(elsewhere, 403, "invalid-signature").await;
        let not_sns = app.client.post(ses.events_url(&app)).body("hello").send().await.unwrap();
        expect_problem(not_sns, 403, "invalid-signature").await;

        let after = app.get_json("/api/v1/webhook-events").await["data"].as_array().unwrap().len();
        assert_eq!(after, before, "nothing refused is stored");
        app
    })
    .await;
}
