//! `POST /{version}/{phone_number_id}/messages`: Meta's answers to valid and invalid sends,
//! with the Graph error codes and HTTP statuses Meta documents.

mod common;
mod meta_common;

use std::time::Duration;

use common::PATIENCE;
use meta_common::*;
use serde_json::{Value, json};
use switchboard_emulator::meta::MetaTemplate;

fn text(body: &str) -> Value {
    json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": format!("+{CUSTOMER_WA_ID}"),
           "type": "text", "text": {"preview_url": false, "body": body}})
}

fn template(name: &str, language: &str, parameters: &[&str]) -> Value {
    let parameters: Vec<Value> = parameters.iter().map(|p| json!({"type": "text", "text": p})).collect();
    json!({"messaging_product": "whatsapp", "to": CUSTOMER_WA_ID, "type": "template",
           "template": {"name": name, "language": {"code": language},
                        "components": [{"type": "body", "parameters": parameters}]}})
}

#[tokio::test]
async fn a_text_in_the_service_window_is_accepted_like_meta_answers() {
    let (_receiver, emulator, meta) = meta_with_receiver().await;
    open_window(&meta).await;
    let reply = send(&emulator, &text("Your order shipped")).await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    assert_eq!(reply.json["messaging_product"], "whatsapp");
    assert_eq!(reply.json["contacts"], json!([{"input": format!("+{CUSTOMER_WA_ID}"), "wa_id": CUSTOMER_WA_ID}]));
    let wamid = reply.json["messages"][0]["id"].as_str().unwrap();
    assert!(wamid.starts_with("wamid.HBgL"), "{wamid}");
    assert!(reply.json["messages"][0].get("message_status").is_none());

    let sent = meta.wait_for_sent(1, PATIENCE).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].wamid, wamid);
    assert_eq!(sent[0].phone_number_id, PHONE_ID);
    assert_eq!(sent[0].to, CUSTOMER_WA_ID);
    assert_eq!(sent[0].request, text("Your order shipped"));
}

#[tokio::test]
async fn bad_or_missing_tokens_are_refused_with_190_and_other_accounts_objects_with_100() {
    let (_receiver, emulator, meta) = meta_with_receiver().await;
    let wrong = post_message(&emulator, PHONE_ID, Some("EAAG-wrong"), &text("hi")).await;
    let error = assert_graph_error(&wrong, 401, 190);
    assert_eq!(error["type"], "OAuthException");
    assert!(wrong.headers.get("www-authenticate").unwrap().to_str().unwrap().contains("invalid_token"));
    assert_graph_error(&post_message(&emulator, PHONE_ID, None, &text("hi")).await, 401, 190);

    meta.add_business_account("999999", "EAAG-other", "other-secret");
    let foreign = post_message(&emulator, PHONE_ID, Some("EAAG-other"), &text("hi")).await;
    let error = assert_graph_error(&foreign, 400, 100);
    assert_eq!(error["error_subcode"], 33);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with(&format!("Unsupported post request. Object with ID '{PHONE_ID}'"))
    );
    assert!(meta.sent().is_empty());
}

#[tokio::test]
async fn malformed_bodies_get_graph_parameter_errors() {
    let (_receiver, emulator, meta) = meta_with_receiver().await;
    open_window(&meta).await;
    let no_product = send(&emulator, &json!({"to": CUSTOMER_WA_ID, "type": "text", "text": {"body": "hi"}})).await;
    let error = assert_graph_error(&no_product, 400, 100);
    assert_eq!(error["message"], "(#100) The parameter messaging_product is required.");

    let no_body = send(&emulator, &json!({"messaging_product": "whatsapp", "to": CUSTOMER_WA_ID, "text": {}})).await;
    assert_eq!(assert_graph_error(&no_body, 400, 100)["message"], "(#100) The parameter text['body'] is required.");

    let too_long = send(&emulator, &text(&"x".repeat(4097))).await;
    assert_graph_error(&too_long, 400, 100);

    let both = json!({"messaging_product": "whatsapp", "to": CUSTOMER_WA_ID, "type": "image",
                      "image": {"id": "1", "link": "https://example.com/a.jpg"}});
    assert_graph_error(&send(&emulator, &both).await, 400, 131009);
    let audio_caption = json!({"messaging_product": "whatsapp", "to": CUSTOMER_WA_ID, "type": "audio",
                               "audio": {"id": "1", "caption": "no captions on audio"}});
    assert_graph_error(&send(&emulator, &audio_caption).await, 400, 100);

    let four_buttons: Vec<Value> = (0..4)
        .map(|i| json!({"type": "reply", "reply": {"id": format!("b{i}"), "title": format!("Choice {i}")}}))
        .collect();
    let buttons = json!({"messaging_product": "whatsapp", "to": CUSTOMER_WA_ID, "type": "interactive",
        "interactive": {"type": "button", "body": {"text": "Pick one"}, "action": {"buttons": four_buttons}}});
    let error = assert_graph_error(&send(&emulator, &buttons).await, 400, 131009);
    assert_eq!(error["message"], "(#131009) Parameter value is not valid");
    assert_eq!(error["error_data"]["messaging_product"], "whatsapp");
    assert!(error["error_data"]["details"].as_str().unwrap().contains("Max count: 3"));
    assert!(meta.sent().is_empty());
}

#[tokio::test]
async fn templates_must_exist_approved_in_that_language_with_every_parameter() {
    let (_receiver, emulator, meta) = meta_with_receiver().await;
    meta.add_template(
        WABA,
        MetaTemplate::approved("order_update", "en_US", "UTILITY", "Hi {{1}}, order {{2}} shipped."),
    );

    let unknown = send(&emulator, &template("order_updates", "en_US", &["Ada", "42"])).await;
    let error = assert_graph_error(&unknown, 404, 132001);
    assert_eq!(error["message"], "(#132001) Template name does not exist in the translation");
    assert_eq!(error["error_data"]["details"], "template name (order_updates) does not exist in en_US");
    let other_language = send(&emulator, &template("order_update", "fr", &["Ada", "42"])).await;
    assert_graph_error(&other_language, 404, 132001);

    let one_parameter = send(&emulator, &template("order_update", "en_US", &["Ada"])).await;
    let error = assert_graph_error(&one_parameter, 400, 132000);
    assert_eq!(
        error["error_data"]["details"],
        "body: number of localizable_params (1) does not match the expected number of params (2)"
    );

    // Templates may start a conversation: no service window is needed.
    let ok = send(&emulator, &template("order_update", "en_US", &["Ada", "42"])).await;
    assert_eq!(ok.status, 200, "{}", ok.json);
    assert_eq!(ok.json["messages"][0]["message_status"], "accepted");
    assert_eq!(meta.sent().len(), 1);
}

#[tokio::test]
async fn free_form_messages_need_the_24_hour_window_reactions_do_not() {
    let (_receiver, emulator, meta) = meta_with_receiver().await;
    let outside = send(&emulator, &text("hello?")).await;
    let error = assert_graph_error(&outside, 400, 131047);
    assert_eq!(error["message"], "(#131047) Re-engagement message");
    assert_eq!(
        error["error_data"]["details"],
        "More than 24 hours have passed since the recipient last replied to the sender number."
    );
    let reaction = json!({"messaging_product": "whatsapp", "to": CUSTOMER_WA_ID, "type": "reaction",
                          "reaction": {"message_id": "wamid.X", "emoji": "👍"}});
    assert_eq!(send(&emulator, &reaction).await.status, 200);

    open_window(&meta).await;
    assert_eq!(send(&emulator, &text("hello!")).await.status, 200);
}

#[tokio::test]
async fn injected_failures_answer_with_metas_code_and_status_then_stop() {
    let (_receiver, emulator, meta) = meta_with_receiver().await;
    open_window(&meta).await;
    meta.fail_api(&format!("+{CUSTOMER_WA_ID}"), 130429, 2);
    for _ in 0..2 {
        // Meta documents HTTP 400 for its throughput error.
        let error = assert_graph_error(&send(&emulator, &text("hi")).await, 400, 130429);
        assert_eq!(error["message"], "(#130429) Rate limit hit");
        assert_eq!(error["error_data"]["details"], "Cloud API message throughput has been reached.");
    }
    assert_eq!(send(&emulator, &text("hi")).await.status, 200);

    meta.fail_api(CUSTOMER_WA_ID, 131056, 1);
    assert_graph_error(&send(&emulator, &text("hi")).await, 400, 131056);
    meta.fail_api(CUSTOMER_WA_ID, 131000, 1);
    assert_graph_error(&send(&emulator, &text("hi")).await, 500, 131000);
}

#[tokio::test]
async fn a_rate_limit_refuses_messages_beyond_it_within_a_second() {
    let (_receiver, emulator, meta) = meta_with_receiver().await;
    open_window(&meta).await;
    meta.set_rate_limit(PHONE_ID, 2);
    assert_eq!(send(&emulator, &text("1")).await.status, 200);
    assert_eq!(send(&emulator, &text("2")).await.status, 200);
    assert_graph_error(&send(&emulator, &text("3")).await, 400, 130429);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(send(&emulator, &text("4")).await.status, 200);
    assert_eq!(meta.sent().len(), 3);
}

#[tokio::test]
async fn read_receipts_succeed_without_sending_anything() {
    let (_receiver, emulator, meta) = meta_with_receiver().await;
    let read = json!({"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.FROM_CUSTOMER"});
    let reply = send(&emulator, &read).await;
    assert_eq!((reply.status, reply.json.clone()), (200, json!({"success": true})));
    assert!(meta.sent().is_empty());
}

#[tokio::test]
async fn unknown_graph_paths_and_twilio_paths_keep_their_own_errors() {
    let (_receiver, emulator, _meta) = meta_with_receiver().await;
    let unknown_edge = common::reply(
        common::client().post(format!("{}/{VERSION}/{PHONE_ID}/fax", emulator.base_url())).bearer_auth(ACCESS_TOKEN),
    )
    .await;
    assert_graph_error(&unknown_edge, 400, 2500);
    let twilio = common::get(&emulator, "/2010-04-01/Accounts/AC1/Nothing.json").await;
    assert_eq!((twilio.status, twilio.json["code"].clone()), (404, json!(20404)));
}
