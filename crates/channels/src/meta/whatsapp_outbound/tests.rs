//! The shape of each kind of send request.

use serde_json::json;
use switchboard_domain::Attachment;
use switchboard_domain::content::*;

use super::request_body;
use crate::adapter::{FailureKind, OutboundRequest};

fn to_customer(body: &str) -> OutboundRequest {
    OutboundRequest::text("+1 (415) 201-2671", body)
}

#[test]
fn text_goes_to_the_digits_of_the_number_with_the_preview_choice() {
    let plain = request_body(&to_customer("See https://example.com/order")).unwrap();
    assert_eq!(
        plain,
        json!({ "messaging_product": "whatsapp", "recipient_type": "individual", "to": "14152012671",
                "type": "text", "text": { "preview_url": false, "body": "See https://example.com/order" } })
    );
    let previewed = request_body(&OutboundRequest {
        content: Some(Content::LinkPreview),
        ..to_customer("See https://example.com/order")
    })
    .unwrap();
    assert_eq!(previewed["text"]["preview_url"], true);
}

#[test]
fn a_reply_carries_the_context_of_the_customer_s_message() {
    let reply = request_body(&OutboundRequest { reply_to: Some("wamid.THEIRS".into()), ..to_customer("Yes") }).unwrap();
    assert_eq!(reply["context"], json!({ "message_id": "wamid.THEIRS" }));
}

#[test]
fn media_goes_by_link_or_by_uploaded_id_with_caption_and_file_name() {
    let image = request_body(&OutboundRequest {
        attachments: vec![Attachment::link("https://cdn.example.com/receipt.png", Some("image/png".into()))],
        ..to_customer("Your receipt")
    })
    .unwrap();
    assert_eq!(image["type"], "image");
    assert_eq!(image["image"], json!({ "link": "https://cdn.example.com/receipt.png", "caption": "Your receipt" }));

    let uploaded = Attachment {
        provider_media_id: Some("1166846181421424".into()),
        filename: Some("invoice-42.pdf".into()),
        ..Attachment::link("", Some("application/pdf".into()))
    };
    let document = request_body(&OutboundRequest { attachments: vec![uploaded], ..to_customer("") }).unwrap();
    assert_eq!(document["type"], "document");
    assert_eq!(document["document"], json!({ "id": "1166846181421424", "filename": "invoice-42.pdf" }));

    let audio = request_body(&OutboundRequest {
        attachments: vec![Attachment::link("https://cdn.example.com/note.ogg", None)],
        ..to_customer("ignored for audio")
    })
    .unwrap();
    assert_eq!(audio["audio"], json!({ "link": "https://cdn.example.com/note.ogg" }));
}

#[test]
fn two_files_in_one_message_are_refused_with_a_reason() {
    let error = request_body(&OutboundRequest {
        attachments: vec![
            Attachment::link("https://a.example/1.png", None),
            Attachment::link("https://a.example/2.png", None),
        ],
        ..to_customer("")
    })
    .unwrap_err();
    assert_eq!(error.kind, FailureKind::Permanent);
    assert!(error.reason.contains("one media file"));
}

#[test]
fn buttons_and_lists_are_interactive_messages_with_the_text_as_body() {
    let buttons = Content::Buttons {
        buttons: vec![
            ReplyButton { id: "confirm".into(), title: "Confirm".into() },
            ReplyButton { id: "move".into(), title: "Reschedule".into() },
        ],
    };
    let body = request_body(&OutboundRequest { content: Some(buttons), ..to_customer("Tomorrow 10:00?") }).unwrap();
    assert_eq!(
        body["interactive"],
        json!({ "type": "button", "body": { "text": "Tomorrow 10:00?" }, "action": { "buttons": [
            { "type": "reply", "reply": { "id": "confirm", "title": "Confirm" } },
            { "type": "reply", "reply": { "id": "move", "title": "Reschedule" } } ] } })
    );

    let list = Content::List {
        button: "Pick a time".into(),
        sections: vec![ListSection {
            title: Some("Tuesday".into()),
            rows: vec![ListRow { id: "t9".into(), title: "9:00".into(), description: Some("With Dr. Ada".into()) }],
        }],
    };
    let body = request_body(&OutboundRequest { content: Some(list), ..to_customer("When suits you?") }).unwrap();
    assert_eq!(body["interactive"]["type"], "list");
    assert_eq!(body["interactive"]["action"]["button"], "Pick a time");
    assert_eq!(body["interactive"]["action"]["sections"][0]["rows"][0]["description"], "With Dr. Ada");
}

#[test]
fn a_reaction_names_the_message_and_an_empty_emoji_removes_it() {
    let added = Content::Reaction { to: "wamid.THEIRS".into(), emoji: Some("👍".into()) };
    let body = request_body(&OutboundRequest { content: Some(added), ..to_customer("") }).unwrap();
    assert_eq!(body["reaction"], json!({ "message_id": "wamid.THEIRS", "emoji": "👍" }));
    let removed = Content::Reaction { to: "wamid.THEIRS".into(), emoji: None };
    let body = request_body(&OutboundRequest { content: Some(removed), ..to_customer("") }).unwrap();
    assert_eq!(body["reaction"]["emoji"], "");
}

#[test]
fn a_template_fills_header_body_and_button_parameters_in_its_language() {
    let template = TemplateMessage {
        name: "appointment_reminder".into(),
        language: "fr".into(),
        body_parameters: vec!["Ada".into(), "mardi 10:00".into()],
        header_parameter: Some("Clinique du Parc".into()),
        button_parameters: vec![TemplateButtonParameter {
            index: 0,
            sub_type: "quick_reply".into(),
            value: "CONFIRM-42".into(),
        }],
    };
    let body =
        request_body(&OutboundRequest { content: Some(Content::Template(template)), ..to_customer("") }).unwrap();
    assert_eq!(body["type"], "template");
    assert_eq!(body["template"]["name"], "appointment_reminder");
    assert_eq!(body["template"]["language"], json!({ "policy": "deterministic", "code": "fr" }));
    assert_eq!(
        body["template"]["components"],
        json!([
            { "type": "header", "parameters": [{ "type": "text", "text": "Clinique du Parc" }] },
            { "type": "body", "parameters": [{ "type": "text", "text": "Ada" }, { "type": "text", "text": "mardi 10:00" }] },
            { "type": "button", "sub_type": "quick_reply", "index": "0", "parameters": [{ "type": "payload", "payload": "CONFIRM-42" }] }
        ])
    );
}

#[test]
fn a_location_is_sent_with_its_name_and_address() {
    let location = Content::Location {
        latitude: 48.8566,
        longitude: 2.3522,
        name: Some("Clinique du Parc".into()),
        address: Some("1 rue du Parc".into()),
    };
    let body = request_body(&OutboundRequest { content: Some(location), ..to_customer("") }).unwrap();
    assert_eq!(body["location"]["name"], "Clinique du Parc");
    assert_eq!(body["location"]["latitude"], 48.8566);
}
