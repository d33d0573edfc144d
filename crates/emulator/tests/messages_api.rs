//! The Messages REST API as our Twilio adapter sees it: authentication, validation
//! errors with Twilio's codes and bodies, created and fetched Message resources, and
//! injected API failures.

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;

fn is_sid(value: &serde_json::Value, prefix: &str) -> bool {
    let s = value.as_str().unwrap_or("");
    s.len() == 34 && s.starts_with(prefix) && s[2..].bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[tokio::test]
async fn sending_without_credentials_is_refused_with_twilios_authenticate_error() {
    let emu = emulator("http://127.0.0.1:9/unused").await;
    let reply = post_messages(&emu, ACCOUNT, None, &[("To", CUSTOMER), ("From", OUR_SMS), ("Body", "hi")]).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.json["code"], 20003);
    assert_eq!(reply.json["message"], "Authenticate");
    assert_eq!(reply.json["more_info"], "https://www.twilio.com/docs/errors/20003");
    assert_eq!(reply.json["status"], 401);
    assert!(reply.headers.contains_key("www-authenticate"));
    assert!(emu.sent_messages().is_empty());
}

#[tokio::test]
async fn a_wrong_auth_token_or_another_accounts_path_is_refused_with_401() {
    let emu = emulator("http://127.0.0.1:9/unused").await;
    let other = "ACffffffffffffffffffffffffffffffff";
    emu.add_account(other, "other-token");
    let params = [("To", CUSTOMER), ("From", OUR_SMS), ("Body", "hi")];

    let wrong_token = post_messages(&emu, ACCOUNT, Some((ACCOUNT, "nope")), &params).await;
    assert_eq!((wrong_token.status, wrong_token.json["code"].clone()), (401, json!(20003)));

    let other_account = post_messages(&emu, ACCOUNT, Some((other, "other-token")), &params).await;
    assert_eq!((other_account.status, other_account.json["code"].clone()), (401, json!(20003)));
    assert!(emu.sent_messages().is_empty());
}

/// Request parameters, expected error code, expected message.
type Case<'a> = (Vec<(&'a str, &'a str)>, u32, String);

#[tokio::test]
async fn invalid_sends_get_twilios_error_codes_and_messages() {
    let emu = emulator("http://127.0.0.1:9/unused").await;
    let long = "a".repeat(1601);
    let cases: Vec<Case> = vec![
        (vec![("From", OUR_SMS), ("Body", "hi")], 21604, "A 'To' phone number is required.".into()),
        (vec![("To", CUSTOMER), ("Body", "hi")], 21603, "A 'From' phone number is required.".into()),
        (vec![("To", CUSTOMER), ("From", OUR_SMS)], 21602, "Message body is required.".into()),
        (
            vec![("To", "4155550100"), ("From", OUR_SMS), ("Body", "hi")],
            21211,
            "The 'To' number 4155550100 is not a valid phone number.".into(),
        ),
        (
            vec![("To", CUSTOMER), ("From", "+14155550111"), ("Body", "hi")],
            21606,
            "The From phone number +14155550111 is not a valid, SMS-capable inbound phone number or short code for your account.".into(),
        ),
        (
            vec![("To", CUSTOMER), ("From", OUR_WHATSAPP), ("Body", "hi")],
            21910,
            "Invalid From and To pair. From and To should be of the same channel".into(),
        ),
        (
            vec![("To", CUSTOMER), ("From", OUR_SMS), ("Body", long.as_str())],
            21617,
            "The concatenated message body exceeds the 1600 character limit.".into(),
        ),
    ];
    for (params, code, message) in cases {
        let reply = send(&emu, &params).await;
        assert_eq!(reply.status, 400, "{params:?}");
        assert_eq!(
            reply.json,
            json!({"code": code, "message": message,
                   "more_info": format!("https://www.twilio.com/docs/errors/{code}"), "status": 400}),
            "{params:?}"
        );
    }
    assert!(emu.sent_messages().is_empty());
}

#[tokio::test]
async fn a_valid_sms_is_created_queued_with_an_sm_sid_and_the_full_resource() {
    let emu = emulator("http://127.0.0.1:9/unused").await;
    let reply =
        send(&emu, &[("To", CUSTOMER), ("From", OUR_SMS), ("Body", "Hello! 👍"), ("SmartEncoded", "true")]).await;
    assert_eq!(reply.status, 201, "{}", reply.json);
    let m = &reply.json;
    assert!(is_sid(&m["sid"], "SM"), "{m}");
    let sid = m["sid"].as_str().unwrap();
    assert_eq!(m["status"], "queued");
    assert_eq!(m["account_sid"], ACCOUNT);
    assert_eq!(m["api_version"], "2010-04-01");
    assert_eq!(m["direction"], "outbound-api");
    assert_eq!((m["from"].as_str(), m["to"].as_str()), (Some(OUR_SMS), Some(CUSTOMER)));
    assert_eq!(m["body"], "Hello! 👍");
    assert_eq!((m["num_media"].as_str(), m["num_segments"].as_str()), (Some("0"), Some("1")));
    assert_eq!(
        (m["error_code"].clone(), m["date_sent"].clone(), m["price"].clone()),
        (json!(null), json!(null), json!(null))
    );
    assert_eq!(m["price_unit"], "USD");
    assert!(m["date_created"].as_str().unwrap().ends_with(" +0000"), "{m}");
    assert_eq!(m["uri"], format!("/2010-04-01/Accounts/{ACCOUNT}/Messages/{sid}.json"));
    assert_eq!(m["subresource_uris"]["media"], format!("/2010-04-01/Accounts/{ACCOUNT}/Messages/{sid}/Media.json"));

    let sent = emu.sent_messages();
    assert_eq!(sent.len(), 1);
    assert_eq!((sent[0].sid.as_str(), sent[0].body.as_str(), sent[0].num_segments), (sid, "Hello! 👍", 1));
}

#[tokio::test]
async fn a_send_with_media_gets_an_mm_sid_and_long_text_counts_segments() {
    let emu = emulator("http://127.0.0.1:9/unused").await;
    let media = send(
        &emu,
        &[
            ("To", CUSTOMER),
            ("From", OUR_SMS),
            ("MediaUrl", "https://example.com/a.png"),
            ("MediaUrl", "https://example.com/b.png"),
        ],
    )
    .await;
    assert_eq!(media.status, 201);
    assert!(is_sid(&media.json["sid"], "MM"), "{}", media.json);
    assert_eq!(media.json["num_media"], "2");

    let long = "x".repeat(161);
    let text = send(&emu, &[("To", CUSTOMER), ("From", OUR_SMS), ("Body", long.as_str())]).await;
    assert_eq!(text.json["num_segments"], "2");
    let sent = emu.sent_messages();
    assert_eq!(sent[0].media_urls, ["https://example.com/a.png", "https://example.com/b.png"]);
}

#[tokio::test]
async fn a_created_message_can_be_fetched_and_an_unknown_sid_is_20404() {
    let emu = emulator("http://127.0.0.1:9/unused").await;
    let created = send(&emu, &[("To", CUSTOMER), ("From", OUR_SMS), ("Body", "hi")]).await;
    let uri = created.json["uri"].as_str().unwrap().to_owned();
    let fetched = get(&emu, &uri).await;
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.json["sid"], created.json["sid"]);

    let missing = format!("/2010-04-01/Accounts/{ACCOUNT}/Messages/SM00000000000000000000000000000000.json");
    let reply = get(&emu, &missing).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json["code"], 20404);
    assert_eq!(reply.json["message"], format!("The requested resource {missing} was not found"));
}

#[tokio::test]
async fn injected_api_failures_hit_the_next_sends_then_stop() {
    let emu = emulator("http://127.0.0.1:9/unused").await;
    emu.fail_api(CUSTOMER, 429, 20429, 2);
    let params = [("To", CUSTOMER), ("From", OUR_SMS), ("Body", "hi")];
    for _ in 0..2 {
        let reply = send(&emu, &params).await;
        assert_eq!(
            (reply.status, reply.json["code"].clone(), reply.json["status"].clone()),
            (429, json!(20429), json!(429))
        );
    }
    assert_eq!(send(&emu, &params).await.status, 201);

    emu.fail_api(CUSTOMER, 400, 21211, 1);
    assert_eq!(send(&emu, &params).await.json["code"], 21211);
    assert_eq!(emu.sent_messages().len(), 1);
}

#[tokio::test]
async fn a_messaging_service_send_is_accepted_and_picks_one_of_our_numbers() {
    let emu = emulator("http://127.0.0.1:9/unused").await;
    let service = "MG0123456789abcdef0123456789abcdef";
    let reply = send(&emu, &[("To", CUSTOMER), ("MessagingServiceSid", service), ("Body", "hi")]).await;
    assert_eq!(reply.status, 201, "{}", reply.json);
    assert_eq!(reply.json["status"], "accepted");
    assert_eq!(reply.json["messaging_service_sid"], service);
    assert_eq!(emu.sent_messages()[0].from, OUR_SMS);
}

#[tokio::test]
async fn waiting_for_sent_messages_returns_as_soon_as_they_exist() {
    let emu = emulator("http://127.0.0.1:9/unused").await;
    let sender = emu.clone();
    tokio::spawn(async move {
        send(&sender, &[("To", CUSTOMER), ("From", OUR_SMS), ("Body", "one")]).await;
        send(&sender, &[("To", CUSTOMER), ("From", OUR_SMS), ("Body", "two")]).await;
    });
    let sent = emu.wait_for_sent(2, PATIENCE).await;
    let bodies: Vec<&str> = sent.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, ["one", "two"]);

    // On timeout it returns what there is.
    assert_eq!(emu.wait_for_sent(3, Duration::from_millis(1)).await.len(), 2);
}

#[tokio::test]
async fn after_shutdown_the_api_no_longer_answers() {
    let emu = emulator("http://127.0.0.1:9/unused").await;
    assert_eq!(send(&emu, &[("To", CUSTOMER), ("From", OUR_SMS), ("Body", "hi")]).await.status, 201);
    emu.shutdown();
    assert!(emu.wait_stopped(PATIENCE).await);
    let addr = emu.base_url().trim_start_matches("http://").to_owned();
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}
