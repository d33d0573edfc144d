//! Messenger and Instagram through Meta, end to end against the emulator on both databases:
//! every inbound kind lands in the customer's conversation, echoes of our sends are skipped,
//! replies go out through the Send API with their delivery and read reports, quick replies
//! travel as such, the 24-hour window holds for automated messages while staff may answer for
//! 7 days with the HUMAN_AGENT tag, and the app-level webhook routes by Page and account id.

mod common;

use std::time::Duration;

use common::{TestApp, expect_problem, on_every_backend};
use serde_json::{Value, json};
use switchboard_domain::ChannelKind;
use switchboard_emulator::meta::{MessagingContent, MessagingInbound, MessagingPlatform};

const PAGE: &str = "306540352242922";
const INSTAGRAM: &str = "17841400000000001";
const PERSON: &str = "6783456789012345";
const WAIT: Duration = Duration::from_secs(10);

fn from_person(platform: MessagingPlatform, account: &str, content: MessagingContent) -> MessagingInbound {
    MessagingInbound { platform, account_id: account.into(), sender_id: PERSON.into(), content }
}

async fn messages(app: &TestApp) -> Vec<Value> {
    common::whatsapp_cloud::timeline(app, &app.api_key).await
}

#[tokio::test]
async fn messenger_messages_of_every_kind_land_in_one_conversation_and_echoes_are_skipped() {
    on_every_backend(|app| async move {
        app.connect_meta_account(&app.workspace, ChannelKind::Messenger, PAGE, false).await;
        let meta = app.meta();
        let send = |content| meta.send_messaging_inbound(from_person(MessagingPlatform::Messenger, PAGE, content));
        let first = send(MessagingContent::Text("Are you open on Sunday?".into())).await.unwrap();
        assert_eq!(first.status, 200, "{}", first.body);
        for content in [
            MessagingContent::Attachment { kind: "image".into(), url: "https://scontent.example/photo.jpg".into() },
            MessagingContent::QuickReply { text: "Tuesday".into(), payload: "DAY_TUE".into() },
            MessagingContent::Postback { title: "Book a table".into(), payload: "BOOK".into() },
            MessagingContent::Reaction { mid: first.wamid.clone().unwrap(), emoji: Some("❤️".into()) },
            MessagingContent::Echo { mid: "m_echo".into(), text: "Our own reply".into() },
        ] {
            assert_eq!(send(content).await.unwrap().status, 200);
        }
        let stored = messages(&app).await;
        assert_eq!(stored.len(), 5, "the echo of our own send is not a new message: {stored:#?}");
        assert_eq!(stored[0]["body"], "Are you open on Sunday?");
        assert_eq!(stored[0]["from"], PERSON);
        assert_eq!(stored[1]["attachments"][0]["url"], "https://scontent.example/photo.jpg");
        assert_eq!(stored[2]["content"]["id"], "DAY_TUE");
        assert_eq!(stored[3]["content"], json!({ "kind": "choice", "id": "BOOK", "title": "Book a table" }));
        assert_eq!(stored[4]["content"]["kind"], "reaction");
        let contacts = app.get_json("/api/v1/contacts").await;
        assert_eq!(contacts["data"][0]["identities"][0]["kind"], "messenger");
        app
    })
    .await;
}

#[tokio::test]
async fn instagram_story_replies_and_mentions_are_kept_and_a_reply_is_delivered_and_read() {
    on_every_backend(|app| async move {
        let account = app.connect_meta_account(&app.workspace, ChannelKind::Instagram, INSTAGRAM, true).await;
        let meta = app.meta();
        let send = |content| meta.send_messaging_inbound(from_person(MessagingPlatform::Instagram, INSTAGRAM, content));
        send(MessagingContent::StoryReply {
            text: "Love this!".into(),
            story_url: "https://lookaside.example/story".into(),
            story_id: "17900000000000001".into(),
        })
        .await
        .unwrap();
        send(MessagingContent::StoryMention { url: "https://lookaside.example/mention".into() }).await.unwrap();
        let stored = messages(&app).await;
        assert_eq!(stored[0]["content"]["kind"], "story_reply");
        assert_eq!(stored[0]["body"], "Love this!");
        assert_eq!(stored[1]["content"]["kind"], "story_mention");

        let reply = json!({ "channel_id": account.channel.channel_id, "to": PERSON, "body": "Thank you!",
            "content": { "kind": "buttons", "buttons": [{ "id": "SHOP", "title": "Visit the shop" }] } });
        let response = app.post("/api/v1/messages", &reply).send().await.unwrap();
        assert_eq!(response.status(), 202);
        let id = response.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        let sent = meta.wait_for_messaging_sent(1, WAIT).await;
        assert_eq!(sent[0].request["messaging_type"], "RESPONSE");
        assert_eq!(sent[0].request["message"]["quick_replies"][0]["payload"], "SHOP");
        app.wait_for_status(&id, "read").await;
        app
    })
    .await;
}

/// Stores a message from `person` on the channel as received `ago` milliseconds ago.
async fn wrote_days_ago(app: &TestApp, channel: &switchboard_store::model::Channel, person: &str, ago: i64) {
    use switchboard_domain::inbound::{InboundEvent, InboundMessage};
    use switchboard_domain::{Identity, IdentityKind, Provider};
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    let write = switchboard_store::writes::InboundWrite {
        workspace_id: channel.workspace_id,
        channel_id: channel.channel_id,
        channel_kind: ChannelKind::Messenger,
        provider: Provider::Meta,
        verification: "x-hub-signature-256".into(),
        content_type: "application/json".into(),
        payload: "{}".into(),
        events: vec![InboundEvent::Message(InboundMessage {
            channel_kind: ChannelKind::Messenger,
            provider_message_id: format!("m_{person}"),
            from: Identity::parse(IdentityKind::Messenger, person).unwrap(),
            from_address: person.into(),
            to_address: PAGE.into(),
            profile_name: None,
            text: "Hello?".into(),
            attachments: vec![],
            content: None,
            reply_to: None,
            email: None,
            referral: None,
        })],
        media: Vec::new(),
        received_at: now - ago,
    };
    app.store.ingest_batch(&[write]).await.unwrap()[0].as_ref().unwrap();
}

#[tokio::test]
async fn staff_answer_for_seven_days_with_the_human_agent_tag_and_not_after() {
    on_every_backend(|app| async move {
        let page = app.connect_meta_account(&app.workspace, ChannelKind::Messenger, PAGE, false).await;
        let meta = app.meta();
        // One customer wrote three days ago, another eight, as far as both sides know.
        let day = 24 * 60 * 60 * 1000;
        wrote_days_ago(&app, &page.channel, PERSON, 3 * day).await;
        meta.set_last_user_message_hours_ago(PAGE, PERSON, 72);
        let earlier = "6783456789019999";
        wrote_days_ago(&app, &page.channel, earlier, 8 * day).await;
        meta.set_last_user_message_hours_ago(PAGE, earlier, 8 * 24);

        let late = json!({ "channel_id": page.channel.channel_id, "to": PERSON, "body": "Sorry for the wait" });
        let response = app.post("/api/v1/messages", &late).send().await.unwrap();
        assert_eq!(response.status(), 202);
        let sent = meta.wait_for_messaging_sent(1, WAIT).await;
        assert_eq!(sent[0].request["messaging_type"], "MESSAGE_TAG");
        assert_eq!(sent[0].request["tag"], "HUMAN_AGENT");

        // Eight days: not even staff.
        let too_late = json!({ "channel_id": page.channel.channel_id, "to": earlier, "body": "Sorry for the wait" });
        let refused = app.post("/api/v1/messages", &too_late).send().await.unwrap();
        let detail = expect_problem(refused, 409, "outside-messaging-window").await;
        assert!(detail.contains("7 days"), "{detail}");
        app
    })
    .await;
}

#[tokio::test]
async fn a_messenger_reply_is_delivered_and_then_read_by_the_watermark() {
    on_every_backend(|app| async move {
        let page = app.connect_meta_account(&app.workspace, ChannelKind::Messenger, PAGE, true).await;
        let meta = app.meta();
        meta.send_messaging_inbound(from_person(
            MessagingPlatform::Messenger,
            PAGE,
            MessagingContent::Text("Hi".into()),
        ))
        .await
        .unwrap();
        let reply = json!({ "channel_id": page.channel.channel_id, "to": PERSON, "body": "Hello, how can we help?" });
        let response = app.post("/api/v1/messages", &reply).send().await.unwrap();
        let id = response.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        let read = app.wait_for_status(&id, "read").await;
        let steps: Vec<&str> =
            read["status_history"].as_array().unwrap().iter().map(|s| s["status"].as_str().unwrap()).collect();
        assert!(steps.contains(&"delivered"), "{steps:?}");
        app
    })
    .await;
}
