//! A corpus of real mail clients' quirks (Gmail's quoted-printable alternative, Outlook's
//! windows-1252 base64 with its header block, Apple Mail's inline image and RFC 2231 file name,
//! a Japanese ISO-2022-JP phone mail, an auto-reply, a bounce, a truncated and a mislabelled
//! message) parsed into the message model, plus the hostile cases: 500 recipients, a 30 MB
//! attachment, our own email coming back.

use std::path::Path;

use switchboard_channels::email::{EmailParseError, ParseOptions, ParsedEmail, parse_email};
use switchboard_domain::email_thread::{Automated, EmailDetails, ThreadKey};
use switchboard_domain::{ConversationId, MessageId};

const OURS: &str = "hello@dental.example";

fn options() -> ParseOptions {
    ParseOptions {
        our_address: OURS.into(),
        max_attachment_bytes: 25_000_000,
        media_url_prefix: "/inbox/media/".into(),
    }
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/email").join(name)).unwrap()
}

fn parse(name: &str) -> ParsedEmail {
    parse_email(&fixture(name), &options()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn email(parsed: &ParsedEmail) -> &EmailDetails {
    parsed.message.email.as_deref().unwrap()
}

#[test]
fn a_gmail_reply_shows_its_new_text_and_threads_by_reply_address_then_headers() {
    let parsed = parse("gmail_reply.eml");
    let message = &parsed.message;
    assert_eq!(message.text, "Friday at 3pm works — see you then!");
    assert_eq!(message.from.value, "ann.lee@gmail.example", "the address is normalised to lower case");
    assert_eq!(message.profile_name.as_deref(), Some("Ann Lée"));
    assert_eq!(message.provider_message_id, "CAF3xY1g+Zq8=kT9@mail.gmail.com");
    let details = email(&parsed);
    assert_eq!(details.subject, "Re: Your appointment on Friday");
    assert!(details.quoted.as_deref().unwrap().contains("> Hello Ann, can you come on Friday?"));
    assert!(details.html.as_deref().unwrap().contains("gmail_quote"));
    assert_eq!(details.automated, None);
    let keys = details.thread_keys();
    let conversation = uuid::Uuid::try_parse("0192f0a0aaaa7bbb8cccdddd0eeeffff").unwrap();
    let ours = uuid::Uuid::try_parse("0192f0a1b2c34d5e8f90a1b2c3d4e5f6").unwrap();
    assert_eq!(
        keys,
        vec![ThreadKey::Conversation(ConversationId(conversation)), ThreadKey::OurMessage(MessageId(ours))]
    );
    assert!(details.cc.is_empty(), "our reply address is not another recipient: {:?}", details.cc);
}

#[test]
fn an_outlook_reply_in_windows_1252_loses_its_quoted_block() {
    let parsed = parse("outlook_reply.eml");
    assert_eq!(parsed.message.text, "Please move it to next week – I’m away.\n\nRegards,\nJürgen");
    assert_eq!(parsed.message.profile_name.as_deref(), Some("Jürgen Weiß"));
    assert!(email(&parsed).quoted.as_deref().unwrap().starts_with("-----Original Message-----"));
    assert_eq!(email(&parsed).subject, "RE: Your appointment on Friday");
}

#[test]
fn apple_mail_inline_images_are_kept_and_linked_and_attachments_keep_their_names() {
    let parsed = parse("apple_mail_inline_image.eml");
    assert_eq!(parsed.files.len(), 2);
    let [image, pdf] = &parsed.message.attachments[..] else { panic!("two attachments expected") };
    assert_eq!(image.content_type.as_deref(), Some("image/png"));
    assert_eq!(pdf.filename.as_deref(), Some("ordonnance médicale.pdf"));
    assert_eq!(pdf.content_type.as_deref(), Some("application/pdf"));
    let pdf_file = parsed.files.iter().find(|f| f.content_type == "application/pdf").unwrap();
    assert!(pdf_file.bytes.starts_with(b"%PDF-1.4"));
    assert_eq!(pdf.sha256.as_deref(), Some(pdf_file.sha256.as_str()));
    assert_eq!(pdf.url, format!("/inbox/media/{}", pdf_file.media_id));
    let html = email(&parsed).html.as_deref().unwrap();
    assert!(html.contains(&format!("src=\"{}\"", image.url)), "the cid: link points at the kept file: {html}");
    assert!(parsed.message.text.starts_with("Here it is:"), "text comes from the HTML when there is no text part");
}

#[test]
fn iso_2022_jp_is_decoded() {
    let parsed = parse("iso2022jp.eml");
    assert_eq!(parsed.message.text, "金曜日の予約を確認します。");
    assert_eq!(email(&parsed).subject, "予約の確認");
    assert_eq!(parsed.message.profile_name.as_deref(), Some("山田"));
}

#[test]
fn auto_replies_and_bounces_are_recognised() {
    assert_eq!(email(&parse("auto_reply.eml")).automated, Some(Automated::AutoReply));
    let bounce = parse("bounce.eml");
    assert_eq!(email(&bounce).automated, Some(Automated::DeliveryReport));
    assert!(bounce.message.text.contains("550 5.1.1 User unknown"));
}

#[test]
fn a_truncated_message_keeps_what_arrived() {
    let parsed = parse("truncated.eml");
    assert_eq!(parsed.message.text, "Is the clinic open on Sat");
    assert!(parsed.files.is_empty(), "the text is not also an attachment");
    assert_eq!(email(&parsed).problems, vec!["the email was cut off; what arrived is shown".to_owned()]);
}

#[test]
fn a_mislabelled_charset_does_not_lose_the_message() {
    let parsed = parse("wrong_charset.eml");
    assert!(parsed.message.text.starts_with("Un caf"), "{:?}", parsed.message.text);
    assert!(parsed.message.text.ends_with("le rendez-vous ?"));
}

#[test]
fn five_hundred_recipients_are_counted_not_all_kept() {
    let cc: Vec<String> = (0..500).map(|i| format!("person{i}@example.org")).collect();
    let raw = format!(
        "From: a@example.org\r\nTo: {OURS}\r\nCc: {}\r\nSubject: party\r\nMessage-ID: <many@example.org>\r\n\r\nHi all\r\n",
        cc.join(",\r\n ")
    );
    let parsed = parse_email(raw.as_bytes(), &options()).unwrap();
    let details = email(&parsed);
    assert_eq!(details.cc.len(), 50);
    assert_eq!(details.problems, vec!["500 other recipients; the first 50 are kept".to_owned()]);
}

#[test]
fn an_attachment_over_the_limit_is_noted_not_kept() {
    let big = vec![b'A'; 30_000_000];
    let encoded: String = {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD.encode(&big);
        b64.as_bytes().chunks(76).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join("\r\n")
    };
    let raw = format!(
        "From: a@example.org\r\nTo: {OURS}\r\nSubject: scans\r\nMessage-ID: <big@example.org>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nSee attached\r\n\
         --B\r\nContent-Type: application/zip\r\nContent-Disposition: attachment; filename=\"scans.zip\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{encoded}\r\n--B--\r\n"
    );
    let parsed = parse_email(raw.as_bytes(), &options()).unwrap();
    assert!(parsed.files.is_empty(), "nothing over the limit is kept");
    let attachment = &parsed.message.attachments[0];
    assert_eq!(attachment.filename.as_deref(), Some("scans.zip"));
    assert_eq!(attachment.size_bytes, Some(big.len() as u64));
    assert_eq!(
        attachment.fetch_error.as_deref(),
        Some("scans.zip (30.0 MB) is over the 25.0 MB limit and was not kept")
    );
    assert!(email(&parsed).problems[0].contains("over the 25.0 MB limit"));
    assert_eq!(parsed.message.text, "See attached");
}

#[test]
fn our_own_email_coming_back_is_a_loop() {
    let ours = switchboard_domain::email_thread::our_message_id(MessageId::new(), "dental.example");
    let raw = format!("From: {OURS}\r\nTo: {OURS}\r\nSubject: Re: x\r\nMessage-ID: <{ours}>\r\n\r\nhello\r\n");
    let parsed = parse_email(raw.as_bytes(), &options()).unwrap();
    assert_eq!(email(&parsed).automated, Some(Automated::OwnMessage));
}

#[test]
fn garbage_and_senderless_mail_are_refused_with_a_reason() {
    assert_eq!(parse_email(b"", &options()).unwrap_err(), EmailParseError::NotAnEmail);
    let error = parse_email(b"Subject: who am I\r\n\r\nno sender here\r\n", &options()).unwrap_err();
    assert!(matches!(error, EmailParseError::NoSender(_)), "{error:?}");
}

#[test]
fn mail_without_a_message_id_is_identified_by_its_content() {
    let raw = b"From: a@example.org\r\nTo: hello@dental.example\r\nSubject: hi\r\n\r\nhello\r\n";
    let first = parse_email(raw, &options()).unwrap();
    let again = parse_email(raw, &options()).unwrap();
    assert!(first.message.provider_message_id.starts_with("sha256:"));
    assert_eq!(first.message.provider_message_id, again.message.provider_message_id, "a re-import is the same message");
}
