//! SendGrid end to end against the emulator on both databases: a customer's email arrives
//! through Inbound Parse (default mode with an attachment and an inline image, then raw mode),
//! a provider retry stores nothing twice, the staff's reply goes out through Mail Send
//! threaded to it and is followed to delivered and read by the signed Event Webhook, a spam
//! report opts the customer out, and a bounce fails the message with the server's reason.
//! Forged or unauthenticated posts are refused and store nothing.

mod common;

use std::time::Duration;

use common::sendgrid::{ADDRESS, add_sendgrid};
use common::{TestApp, expect_problem, on_every_backend};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use switchboard_emulator::sendgrid::{InboundEmail, InboundFile};

const CUSTOMER: &str = "renee@customer.test";
const WAIT: Duration = Duration::from_secs(10);

async fn send_email(app: &TestApp, channel_id: &str, body: &str) -> reqwest::Response {
    app.post("/api/v1/messages", &json!({ "channel_id": channel_id, "to": CUSTOMER, "body": body }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_email_arrives_is_answered_threaded_and_followed_to_read() {
    on_every_backend(|app| async move {
        let sendgrid = add_sendgrid(&app).await;
        let channel_id = sendgrid.channel.channel_id.to_string();
        let letter = b"%PDF-1.4 the vaccination record".to_vec();
        let first = InboundEmail {
            from_name: Some("Renée Martin".into()),
            html: Some("<p>Can Rex come on <b>Friday</b>?</p><img src=\"cid:paw\">".into()),
            attachments: vec![
                InboundFile {
                    filename: "record.pdf".into(),
                    content_type: "application/pdf".into(),
                    bytes: letter.clone(),
                    content_id: None,
                },
                InboundFile {
                    filename: "paw.png".into(),
                    content_type: "image/png".into(),
                    bytes: vec![0x89, b'P', b'N', b'G', 1, 2, 3],
                    content_id: Some("paw".into()),
                },
            ],
            ..InboundEmail::text(CUSTOMER, ADDRESS, "Rex's vaccination", "Can Rex come on Friday?\n\n-- \nRenée")
        };
        let delivered = sendgrid.sendgrid.send_inbound(first.clone()).await.unwrap();
        assert_eq!(delivered.status, 200, "{}: {}", app.backend, delivered.body);
        let messages = app.conversation_messages("", 1).await;
        let inbound = &messages[0];
        assert_eq!(inbound["body"], "Can Rex come on Friday?");
        assert_eq!(inbound["from"], CUSTOMER);
        assert_eq!(inbound["email"]["subject"], "Rex's vaccination");
        assert_eq!(inbound["email"]["signature"], "Renée");
        let attachments = inbound["attachments"].as_array().unwrap();
        assert_eq!(attachments.len(), 2, "{inbound:#}");
        assert_eq!(attachments[0]["filename"], "record.pdf");
        assert_eq!(attachments[0]["sha256"], hex::encode(Sha256::digest(&letter)));
        let image_url = attachments[1]["url"].as_str().unwrap();
        assert!(inbound["email"]["html"].as_str().unwrap().contains(image_url), "the inline image is the kept file");

        // SendGrid posts the same email again (it did not hear our answer): nothing twice.
        let again = InboundEmail { message_id: Some(delivered.message_id.clone()), ..first };
        assert_eq!(sendgrid.sendgrid.send_inbound(again).await.unwrap().status, 200);
        assert_eq!(app.conversation_messages("", 1).await.len(), 1);

        // The staff answer; Mail Send gets a reply threaded to the customer's email.
        let answer = send_email(&app, &channel_id, "Friday at 3 works.").await;
        assert_eq!(answer.status(), 202, "{}", answer.text().await.unwrap());
        let answer: Value = answer.json().await.unwrap();
        let answer_id = answer["id"].as_str().unwrap();
        let sent = sendgrid.sendgrid.wait_for_sent(1, WAIT).await;
        let email = &sent[0];
        assert_eq!(email.to, vec![CUSTOMER.to_owned()]);
        assert_eq!(email.from_name.as_deref(), Some("Riverside Vet"));
        assert_eq!(email.subject, "Re: Rex's vaccination");
        assert_eq!(email.headers["In-Reply-To"], format!("<{}>", delivered.message_id));
        assert!(email.text.as_deref().unwrap().starts_with("Friday at 3 works."));
        let html = email.html.as_deref().unwrap();
        assert!(
            html.starts_with("<div class=\"brand\" style=\"border-top:4px solid #0d9488\"><b>Riverside Vet</b><p>Friday at 3 works.</p>"),
            "the channel's branding template wraps the reply: {html}"
        );
        let reply_address = email.reply_to.clone().unwrap();
        assert!(reply_address.starts_with("reply+") && reply_address.ends_with("@riverside.test"));
        let delivered_reply = app.wait_for_status(answer_id, "delivered").await;
        assert_eq!(delivered_reply["provider_message_id"], email.x_message_id.as_str());
        assert_eq!(
            format!("<{}>", delivered_reply["email"]["message_id"].as_str().unwrap()),
            email.headers["Message-ID"]
        );

        // Opening the email is reported as read.
        assert_eq!(sendgrid.sendgrid.recipient_event(&email.x_message_id, "open").await.unwrap(), 200);
        app.wait_for_status(answer_id, "read").await;

        // The customer answers from a client that drops threading headers, to the reply
        // address; SendGrid posts it raw this time. It joins the same conversation.
        sendgrid.sendgrid.add_parse_route("riverside.test", &sendgrid.parse_url(&app), true);
        let answer_back = InboundEmail::text(CUSTOMER, &reply_address, "Re: Rex's vaccination", "Perfect, thank you!");
        assert_eq!(sendgrid.sendgrid.send_inbound(answer_back).await.unwrap().status, 200);
        let messages = app.conversation_messages("", 3).await;
        assert_eq!(messages[2]["body"], "Perfect, thank you!");

        // A spam report opts the customer out of email: the next send is refused, clearly.
        assert_eq!(sendgrid.sendgrid.recipient_event(&email.x_message_id, "spamreport").await.unwrap(), 200);
        let refused = send_email(&app, &channel_id, "One more thing").await;
        let detail = expect_problem(refused, 409, "opted-out").await;
        assert!(detail.contains("reported an email as spam"), "{detail}");
        app
    })
    .await;
}

#[tokio::test]
async fn a_bounce_fails_the_message_with_the_servers_reason() {
    on_every_backend(|app| async move {
        let sendgrid = add_sendgrid(&app).await;
        sendgrid.sendgrid.bounce(CUSTOMER, "550 5.1.1 The email account that you tried to reach does not exist");
        let answer = send_email(&app, &sendgrid.channel.channel_id.to_string(), "Your results are ready.").await;
        assert_eq!(answer.status(), 202);
        let answer: Value = answer.json().await.unwrap();
        let failed = app.wait_for_status(answer["id"].as_str().unwrap(), "failed").await;
        assert_eq!(failed["error_code"], "5.1.1");
        assert!(failed["error_reason"].as_str().unwrap().contains("does not exist"), "{failed:#}");
        let sent = sendgrid.sendgrid.sent_emails();
        assert_eq!(sent[0].subject, "A message from Riverside Vet", "a first email gets a greeting as its subject");
        app
    })
    .await;
}

#[tokio::test]
async fn forged_and_unauthenticated_posts_are_refused_and_store_nothing() {
    on_every_backend(|app| async move {
        let sendgrid = add_sendgrid(&app).await;
        let id = sendgrid.channel.channel_id;
        let form =
            "--b\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nFrom: a@customer.test\r\n\r\nhi\r\n--b--\r\n";
        let post_form = |url: String| {
            app.client.post(url).header("content-type", "multipart/form-data; boundary=b").body(form).send()
        };
        let no_secret = post_form(format!("{}/webhooks/sendgrid/{id}", app.url)).await.unwrap();
        expect_problem(no_secret, 403, "invalid-signature").await;
        let wrong_secret =
            post_form(format!("{}/webhooks/sendgrid/{id}/guessed0123456789abcdef", app.url)).await.unwrap();
        expect_problem(wrong_secret, 403, "invalid-signature").await;
        let basic = app
            .client
            .post(format!("{}/webhooks/sendgrid/{id}", app.url))
            .basic_auth("sendgrid", Some(&sendgrid.inbound_secret))
            .header("content-type", "multipart/form-data; boundary=b")
            .body(form)
            .send()
            .await
            .unwrap();
        assert_eq!(basic.status(), 200, "the secret as the Basic auth password is accepted");

        let events = r#"[{"email":"renee@customer.test","event":"spamreport","sg_message_id":"x.1"}]"#;
        let unsigned = app.client.post(sendgrid.status_url(&app)).body(events).send().await.unwrap();
        expect_problem(unsigned, 403, "invalid-signature").await;
        let forged = app
            .client
            .post(sendgrid.status_url(&app))
            .header("X-Twilio-Email-Event-Webhook-Timestamp", "1700000000")
            .header(
                "X-Twilio-Email-Event-Webhook-Signature",
                "MEUCIQDn0Tq0fYQ2bZ1Bq3l3m5pWcF4k7C1xJ0c7E1N2Q3R4SwIgXx8J9a7h2G1yN8m5bC2dQ3eR4fS5gT6hU7iV8jW9kA0=",
            )
            .body(events)
            .send()
            .await
            .unwrap();
        expect_problem(forged, 403, "invalid-signature").await;

        let log = app.get_json("/api/v1/webhook-events").await;
        assert_eq!(log["data"].as_array().unwrap().len(), 1, "only the authenticated post is logged: {log:#}");
        let conversations = app.get_json("/api/v1/conversations").await;
        assert_eq!(conversations["data"].as_array().unwrap().len(), 1);
        app
    })
    .await;
}

#[tokio::test]
async fn a_file_uploaded_through_the_api_goes_out_attached_and_a_link_elsewhere_is_refused() {
    on_every_backend(|app| async move {
        let sendgrid = add_sendgrid(&app).await;
        let channel_id = sendgrid.channel.channel_id.to_string();
        let invoice = b"%PDF-1.4 invoice 2026-118: 120.00 EUR".to_vec();
        let uploaded = app
            .client
            .post(format!("{}/api/v1/media?filename=invoice-118.pdf", app.url))
            .bearer_auth(&app.api_key)
            .header("content-type", "application/pdf")
            .body(invoice.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(uploaded.status(), 201, "{}", app.backend);
        let uploaded: Value = uploaded.json().await.unwrap();
        let url = uploaded["url"].as_str().unwrap().to_owned();
        assert_eq!(uploaded["sha256"], hex::encode(Sha256::digest(&invoice)));

        let answer = app
            .post(
                "/api/v1/messages",
                &json!({ "channel_id": channel_id, "to": CUSTOMER, "body": "Your invoice is attached.", "media_urls": [url] }),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 202, "{}", answer.text().await.unwrap());
        let answer: Value = answer.json().await.unwrap();
        assert_eq!(answer["attachments"][0]["filename"], "invoice-118.pdf");
        let sent = sendgrid.sendgrid.wait_for_sent(1, WAIT).await;
        let file = &sent[0].attachments[0];
        assert_eq!((file.filename.as_str(), file.content_type.as_deref()), ("invoice-118.pdf", Some("application/pdf")));
        assert_eq!(file.bytes, invoice, "the file arrives byte for byte");

        let download = app.get(&url).send().await.unwrap();
        let disposition = download.headers()["content-disposition"].to_str().unwrap().to_owned();
        assert_eq!(disposition, "attachment; filename=\"invoice-118.pdf\"");

        let elsewhere = app
            .post(
                "/api/v1/messages",
                &json!({ "channel_id": channel_id, "to": CUSTOMER, "body": "See attached", "media_urls": ["https://files.example/x.pdf"] }),
            )
            .send()
            .await
            .unwrap();
        let detail = expect_problem(elsewhere, 422, "invalid-content").await;
        assert!(detail.contains("POST /api/v1/media"), "{detail}");
        let untyped = app.client.post(format!("{}/api/v1/media", app.url)).bearer_auth(&app.api_key).body("x").send().await.unwrap();
        expect_problem(untyped, 400, "missing-content-type").await;
        app
    })
    .await;
}

#[tokio::test]
async fn a_customer_who_texts_and_then_emails_stays_one_contact_in_one_conversation() {
    on_every_backend(|app| async move {
        let sendgrid = add_sendgrid(&app).await;
        app.customer_sms("+14155550177", "Hi, it's Renée. Can I email you the forms?").await;
        let texted = app.conversation_messages("", 1).await;
        let contact_id = texted[0]["contact_id"].as_str().unwrap().to_owned();
        let added = app
            .post(&format!("/api/v1/contacts/{contact_id}/identities"), &json!({ "kind": "email", "value": CUSTOMER }))
            .send()
            .await
            .unwrap();
        assert_eq!(added.status(), 201, "{}", app.backend);

        let email = InboundEmail::text(CUSTOMER, ADDRESS, "Forms", "Here are the forms.");
        assert_eq!(sendgrid.sendgrid.send_inbound(email).await.unwrap().status, 200);
        let messages = app.conversation_messages("", 2).await;
        assert_eq!(messages[1]["body"], "Here are the forms.");
        assert!(messages.iter().all(|m| m["contact_id"] == contact_id.as_str()), "{messages:#?}");
        assert_ne!(messages[0]["channel_id"], messages[1]["channel_id"], "one conversation across SMS and email");
        app
    })
    .await;
}
