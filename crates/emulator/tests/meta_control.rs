//! The `/_emulator/meta` control API the demo's customer phone uses: play a customer's text,
//! see each customer's conversation, list what our side sent, inject failures.

mod common;
mod meta_common;

use common::{PATIENCE, Reply, client, reply};
use meta_common::*;
use serde_json::{Value, json};

async fn control(emulator: &switchboard_emulator::EmulatorHandle, path: &str, body: Value) -> Reply {
    let request = client()
        .post(format!("{}/_emulator/meta/{path}", emulator.base_url()))
        .header("content-type", "application/json")
        .body(body.to_string());
    reply(request).await
}

#[tokio::test]
async fn a_customer_text_posted_here_reaches_our_server_signed() {
    let (mut receiver, emulator, _meta) = meta_with_receiver().await;
    let posted = control(
        &emulator,
        "inbound",
        json!({"phone_number_id": PHONE_ID, "from": format!("+{CUSTOMER_WA_ID}"), "profile_name": "Ada", "text": "hi"}),
    )
    .await;
    assert_eq!(posted.status, 200, "{}", posted.json);
    assert_eq!(posted.json["status"], 200);
    let request = receiver.next().await;
    assert!(request.is_signed_by_meta_with(APP_SECRET));
    let message = &request.change_value()["messages"][0];
    assert_eq!(message["id"], posted.json["wamid"]);
    assert_eq!(message["from"], CUSTOMER_WA_ID);
    assert_eq!(message["text"]["body"], "hi");

    let unknown =
        control(&emulator, "inbound", json!({"phone_number_id": "1", "from": CUSTOMER_WA_ID, "text": "x"})).await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.json["error"].as_str().unwrap().contains('1'));
    assert_eq!(control(&emulator, "inbound", json!({"text": "x"})).await.status, 400);
}

#[tokio::test]
async fn phones_show_each_customers_conversation_in_order() {
    let (_receiver, emulator, meta) = meta_with_receiver().await;
    control(&emulator, "inbound", json!({"phone_number_id": PHONE_ID, "from": CUSTOMER_WA_ID, "text": "Is it open?"}))
        .await;
    let answer = json!({"messaging_product": "whatsapp", "to": CUSTOMER_WA_ID, "text": {"body": "Yes, until 6pm"}});
    let wamid = send(&emulator, &answer).await.json["messages"][0]["id"].as_str().unwrap().to_owned();
    assert!(meta.wait_for_status(&wamid, "read", PATIENCE).await);

    let phones = graph_get(&emulator, &format!("/_emulator/meta/phones?customer=%2B{CUSTOMER_WA_ID}"), None).await;
    assert_eq!(phones.status, 200, "{}", phones.json);
    assert_eq!(phones.json["numbers"], json!([{"phone_number_id": PHONE_ID, "display_phone_number": DISPLAY_NUMBER}]));
    let thread = phones.json["customers"][CUSTOMER_WA_ID].as_array().unwrap();
    assert_eq!(thread.len(), 2);
    assert_eq!((thread[0]["direction"].clone(), thread[0]["text"].clone()), (json!("sent"), json!("Is it open?")));
    assert_eq!(thread[1]["direction"], "received");
    assert_eq!(thread[1]["text"], "Yes, until 6pm");
    assert_eq!(thread[1]["status"], "read");
    assert_eq!(thread[1]["wamid"], wamid.as_str());

    let sent = graph_get(&emulator, "/_emulator/meta/sent", None).await;
    assert_eq!(sent.json[0]["wamid"], wamid.as_str());
    assert_eq!(sent.json[0]["type"], "text");
    assert_eq!(sent.json[0]["request"], answer);
}

#[tokio::test]
async fn failures_can_be_injected_at_the_api_and_at_delivery() {
    let (mut receiver, emulator, meta) = meta_with_receiver().await;
    open_window(&meta).await;
    receiver.next().await;
    let text = json!({"messaging_product": "whatsapp", "to": CUSTOMER_WA_ID, "text": {"body": "x"}});

    assert_eq!(control(&emulator, "failures", json!({"to": CUSTOMER_WA_ID, "code": 131056})).await.status, 200);
    assert_graph_error(&send(&emulator, &text).await, 400, 131056);

    let delivery =
        control(&emulator, "failures", json!({"to": CUSTOMER_WA_ID, "code": 131049, "delivery": true})).await;
    assert_eq!(delivery.status, 200);
    assert_eq!(send(&emulator, &text).await.status, 200);
    let failed = receiver.next().await.change_value();
    assert_eq!(failed["statuses"][0]["status"], "failed");
    assert_eq!(failed["statuses"][0]["errors"][0]["code"], 131049);
}
