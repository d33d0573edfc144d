//! Files customers send on WhatsApp through Meta, on both databases: fetched from the Graph API,
//! checked, kept and served within the workspace; a failed fetch noted and retried; a file too
//! large or of a type not kept noted once.

mod common;

use std::time::Duration;

use common::whatsapp_cloud::*;
use common::{TestApp, expect_problem, on_every_backend};
use serde_json::Value;
use switchboard_emulator::meta::InboundContent;

/// Re-reads the workspace's messages until `done` holds for the one with this provider id;
/// panics with its last state after ten seconds.
async fn wait_for_message(app: &TestApp, wamid: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let message = timeline(app, &app.api_key).await.into_iter().find(|m| m["provider_message_id"] == wamid);
        match message {
            Some(message) if done(&message) => return message,
            other if tokio::time::Instant::now() > deadline => panic!("the message never got there: {other:#?}"),
            _ => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
}

#[tokio::test]
async fn files_are_fetched_kept_and_served_and_a_failed_fetch_is_noted_and_retried() {
    on_every_backend(|app| async move {
        app.connect_meta_whatsapp(&app.workspace, NUMBER, PHONE_NUMBER_ID, false).await;
        let meta = app.meta();
        let photo: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8).collect();
        meta.add_media("3001", "image/jpeg", photo.clone());
        let image = |media_id: &str, mime_type: &str| {
            inbound(InboundContent::Image { media_id: media_id.into(), mime_type: mime_type.into(), caption: None })
        };
        let sent = meta.send_inbound(image("3001", "image/jpeg")).await.unwrap();
        let kept = wait_for_message(&app, sent.wamid.as_deref().unwrap(), |m| m["attachments"][0]["url"] != "").await;
        let attachment = &kept["attachments"][0];
        assert_eq!(attachment["size_bytes"], photo.len());
        let url = attachment["url"].as_str().unwrap();
        let media_id = url.strip_prefix("/inbox/media/").expect("the inbox serves it");
        let served = app.get(&format!("/api/v1/media/{media_id}")).send().await.unwrap();
        assert_eq!(served.status(), 200);
        assert_eq!(served.headers()["content-type"], "image/jpeg");
        assert_eq!(served.headers()["x-content-type-options"], "nosniff");
        assert_eq!(served.headers()["x-content-sha256"], attachment["sha256"].as_str().unwrap());
        assert_eq!(served.bytes().await.unwrap().to_vec(), photo, "the same bytes come back");

        // Another workspace cannot read it.
        let other = switchboard_server::admin::create_workspace(&app.store, "Harbour Cafe", None).await.unwrap();
        let (_, other_key) = switchboard_server::admin::create_api_key(&app.store, &other, "tests").await.unwrap();
        let foreign =
            app.client.get(format!("{}/api/v1/media/{media_id}", app.url)).bearer_auth(other_key).send().await.unwrap();
        expect_problem(foreign, 404, "not-found").await;

        // Meta does not have the file yet: the failure is noted, and the fetch is retried.
        let late = meta.send_inbound(image("3002", "image/png")).await.unwrap();
        let late_id = late.wamid.as_deref().unwrap();
        let noted = wait_for_message(&app, late_id, |m| m["attachments"][0]["fetch_error"].is_string()).await;
        assert!(noted["attachments"][0]["fetch_error"].as_str().unwrap().contains("trying again"), "{noted:#}");
        meta.add_media("3002", "image/png", b"\x89PNG late".to_vec());
        let fetched = wait_for_message(&app, late_id, |m| m["attachments"][0]["url"] != "").await;
        assert_eq!(fetched["attachments"][0]["fetch_error"], Value::Null, "the note goes once the file is kept");

        // Too large, or a type that is not kept: noted once, not retried, the message kept.
        meta.add_media("3003", "video/mp4", vec![0; 2 * 1024 * 1024]);
        let video = InboundContent::Video {
            media_id: "3003".into(),
            mime_type: "video/mp4".into(),
            caption: Some("Look".into()),
        };
        let big = meta.send_inbound(inbound(video)).await.unwrap();
        let refused =
            wait_for_message(&app, big.wamid.as_deref().unwrap(), |m| m["attachments"][0]["fetch_error"].is_string())
                .await;
        assert!(refused["attachments"][0]["fetch_error"].as_str().unwrap().contains("at most 1048576"), "{refused:#}");
        assert_eq!(refused["body"], "Look", "the message itself is kept");
        meta.add_media("3004", "application/x-msdownload", b"MZ".to_vec());
        let program = InboundContent::Document {
            media_id: "3004".into(),
            mime_type: "application/x-msdownload".into(),
            filename: "invoice.exe".into(),
            caption: None,
        };
        let exe = meta.send_inbound(inbound(program)).await.unwrap();
        let refused =
            wait_for_message(&app, exe.wamid.as_deref().unwrap(), |m| m["attachments"][0]["fetch_error"].is_string())
                .await;
        assert!(refused["attachments"][0]["fetch_error"].as_str().unwrap().contains("are not kept"), "{refused:#}");
        app
    })
    .await;
}
