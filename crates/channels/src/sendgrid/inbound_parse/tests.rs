use switchboard_domain::inbound::InboundEvent;
use switchboard_domain::{ChannelId, ChannelKind};

use super::*;
use crate::email::MEDIA_PATH_PREFIX;

const BOUNDARY: &str = "xYzZY";

/// One field: name, filename, content type, bytes.
type TestField<'a> = (&'a str, Option<&'a str>, Option<&'a str>, &'a [u8]);

/// A form as SendGrid posts it.
fn form(fields: &[TestField<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, filename, content_type, data) in fields {
        body.extend_from_slice(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"").as_bytes());
        if let Some(filename) = filename {
            body.extend_from_slice(format!("; filename=\"{filename}\"").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        if let Some(content_type) = content_type {
            body.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn channel() -> ChannelContext {
    ChannelContext {
        channel_id: ChannelId::new(),
        kind: ChannelKind::Email,
        address: "hello@clinic.example".into(),
        external_id: None,
        credentials: serde_json::json!({ "api_key": "SG.x", "inbound_secret": "s3cret" }),
        settings: serde_json::json!({}),
        public_url: "https://hub.example.com".into(),
    }
}

fn headers(content_type: &str) -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    headers.insert(http::header::CONTENT_TYPE, content_type.parse().unwrap());
    headers
}

fn parse_form(body: &[u8]) -> Result<ParsedWebhook, ParseError> {
    let headers = headers(&format!("multipart/form-data; boundary={BOUNDARY}"));
    let request = WebhookRequest { path_and_query: "/webhooks/sendgrid/x/s3cret", headers: &headers, body };
    parse(&channel(), &request)
}

fn message(parsed: &ParsedWebhook) -> &switchboard_domain::inbound::InboundMessage {
    match parsed.events.as_slice() {
        [InboundEvent::Message(message)] => message,
        other => panic!("expected one message, got {other:?}"),
    }
}

#[test]
fn a_default_mode_post_keeps_its_text_charset_threading_and_files() {
    let headers = "Received: by mx0047p1mdw1.sendgrid.net\r\nMessage-ID: <CAF=abc@mail.gmail.com>\r\n\
        In-Reply-To: <0190aa@clinic.example>\r\nReferences: <0190aa@clinic.example>\r\n\
        From: =?UTF-8?Q?Ren=C3=A9e?= <renee@example.com>\r\nTo: hello@clinic.example\r\n\
        Subject: Re: Your appointment\r\nMIME-Version: 1.0\r\n\
        Content-Type: multipart/mixed; boundary=\"000000000000abc\"\r\n";
    let pdf = b"%PDF-1.4 a tiny document";
    let png = [0x89, b'P', b'N', b'G', 0, 1, 2, 3];
    let body = form(&[
        ("headers", None, None, headers.as_bytes()),
        ("from", None, None, "Renée <renee@example.com>".as_bytes()),
        ("to", None, None, b"hello@clinic.example"),
        ("subject", None, None, b"Re: Your appointment"),
        // "Très bien, à demain" in ISO-8859-1, as SendGrid posts a text part in its own charset.
        ("text", None, None, b"Tr\xe8s bien, \xe0 demain\r\n\r\nOn Mon, Clinic wrote:\r\n> See you at 10\r\n"),
        ("html", None, None, b"<p>Tr\xe8s bien</p><img src=\"cid:ii_logo\">"),
        ("charsets", None, None, br#"{"to":"UTF-8","html":"iso-8859-1","subject":"UTF-8","from":"UTF-8","text":"iso-8859-1"}"#),
        ("attachments", None, None, b"2"),
        (
            "attachment-info",
            None,
            None,
            br#"{"attachment1":{"filename":"letter.pdf","name":"letter.pdf","type":"application/pdf"},"attachment2":{"filename":"logo.png","name":"logo.png","type":"image/png","content-id":"ii_logo"}}"#,
        ),
        ("content-ids", None, None, br#"{"ii_logo":"attachment2"}"#),
        ("attachment1", Some("letter.pdf"), Some("application/pdf"), pdf),
        ("attachment2", Some("logo.png"), Some("image/png"), &png),
    ]);
    let parsed = parse_form(&body).unwrap();
    let message = message(&parsed);
    assert_eq!(message.from.value, "renee@example.com");
    assert_eq!(message.profile_name.as_deref(), Some("Renée"));
    assert_eq!(message.text, "Très bien, à demain");
    let email = message.email.as_deref().unwrap();
    assert_eq!(email.message_id.as_deref(), Some("CAF=abc@mail.gmail.com"));
    assert_eq!(email.in_reply_to.as_deref(), Some("0190aa@clinic.example"));
    assert_eq!(email.subject, "Re: Your appointment");
    assert!(email.quoted.as_deref().unwrap_or_default().contains("See you at 10"));
    assert_eq!(parsed.files.len(), 2);
    assert_eq!(parsed.files[0].bytes, pdf, "a file arrives byte for byte");
    assert_eq!(parsed.files[1].bytes, png);
    assert_eq!(parsed.files[1].content_type, "image/png");
    let html = email.html.as_deref().unwrap();
    assert!(html.contains("Très bien"));
    assert!(html.contains(&format!("{MEDIA_PATH_PREFIX}{}", parsed.files[1].media_id)), "the inline image: {html}");
    assert_eq!(message.attachments[0].filename.as_deref(), Some("letter.pdf"));
}

#[test]
fn a_raw_mode_post_is_the_email_itself_untouched() {
    let raw = b"From: Ann <ann@example.com>\r\nTo: hello@clinic.example\r\nSubject: Caf\xe9\r\n\
        Message-ID: <raw-1@example.com>\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\
        Content-Transfer-Encoding: 8bit\r\n\r\nUn caf\xe9, s'il vous pla\xeet\r\n";
    let body = form(&[
        ("email", None, None, raw),
        ("to", None, None, b"hello@clinic.example"),
        ("from", None, None, b"Ann <ann@example.com>"),
        ("envelope", None, None, br#"{"to":["hello@clinic.example"],"from":"ann@example.com"}"#),
    ]);
    let parsed = parse_form(&body).unwrap();
    let message = message(&parsed);
    assert_eq!(message.text, "Un café, s'il vous plaît");
    assert_eq!(message.provider_message_id, "raw-1@example.com");
}

#[test]
fn our_own_email_coming_back_makes_no_message() {
    let raw = b"From: hello@clinic.example\r\nTo: hello@clinic.example\r\nSubject: Re: x\r\n\
        Message-ID: <0190aabbccddeeff00112233445566aa@clinic.example>\r\n\r\nA reply we sent\r\n";
    let parsed = parse_form(&form(&[("email", None, None, raw)])).unwrap();
    assert!(parsed.events.is_empty());
}

#[test]
fn a_post_that_is_not_a_form_or_has_no_sender_is_malformed() {
    let headers = headers("application/json");
    let request = WebhookRequest { path_and_query: "/webhooks/sendgrid/x/s3cret", headers: &headers, body: b"{}" };
    assert!(matches!(parse(&channel(), &request), Err(ParseError::Malformed(m)) if m.contains("multipart/form-data")));
    assert!(matches!(parse_form(&form(&[("text", None, None, b"hi")])), Err(ParseError::Malformed(_))));
}

#[test]
fn the_secret_is_required_in_the_path_or_in_basic_auth() {
    let none = http::HeaderMap::new();
    let at = |path: &'static str, headers: &'static http::HeaderMap| WebhookRequest {
        path_and_query: path,
        headers,
        body: b"",
    };
    let none: &'static http::HeaderMap = Box::leak(Box::new(none));
    assert_eq!(verify_secret("s3cret", &at("/webhooks/sendgrid/abc/s3cret", none)), Ok(()));
    assert!(verify_secret("s3cret", &at("/webhooks/sendgrid/abc/wrong", none)).is_err());
    assert!(verify_secret("s3cret", &at("/webhooks/sendgrid/abc", none)).is_err());
    let mut basic = http::HeaderMap::new();
    basic.insert(http::header::AUTHORIZATION, format!("Basic {}", STANDARD.encode("parse:s3cret")).parse().unwrap());
    let basic: &'static http::HeaderMap = Box::leak(Box::new(basic));
    assert_eq!(verify_secret("s3cret", &at("/webhooks/sendgrid/abc", basic)), Ok(()));
    let mut wrong = http::HeaderMap::new();
    wrong.insert(http::header::AUTHORIZATION, format!("Basic {}", STANDARD.encode("parse:guess")).parse().unwrap());
    let wrong: &'static http::HeaderMap = Box::leak(Box::new(wrong));
    assert_eq!(
        verify_secret("s3cret", &at("/webhooks/sendgrid/abc", wrong)),
        Err(VerifyError::BadSignature("Authorization"))
    );
    assert!(verify_secret("", &at("/webhooks/sendgrid/abc/", none)).is_err(), "an empty secret never matches");
}
