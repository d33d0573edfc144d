//! A failed send in the inbox: its provider's reason in the timeline, and a retry button that
//! queues it again once, through the same checks as any reply.

mod common;

use common::browser::hidden_field;
use common::staff::*;
use common::*;

#[tokio::test]
async fn a_failed_send_shows_its_reason_and_is_retried_once() {
    on_every_backend(|app| async move {
        let mut browser = signed_in(&app).await;
        app.customer_sms(CUSTOMER, "Can I come at 4?").await;
        let conversation = only_conversation(&app).await;
        app.emulator.fail_api(CUSTOMER, 400, 21211, 1);
        let failed: serde_json::Value = app.send_sms(CUSTOMER, "Yes, see you at 4.").await.json().await.unwrap();
        let failed_id = failed["id"].as_str().unwrap().to_owned();
        app.wait_for_status(&failed_id, "failed").await;

        let page = browser.get(&format!("/inbox/conversations/{conversation}")).await.text().await.unwrap();
        assert!(page.contains(&format!("/inbox/messages/{failed_id}/retry")), "a retry button: {}", app.backend);
        assert!(page.contains("delivery-failed"), "the failure shows with its reason");
        let csrf = hidden_field(&page, "csrf").unwrap();
        let retry = format!("/inbox/messages/{failed_id}/retry");
        assert_eq!(browser.post(&retry, &[("csrf", "forged")]).await.status(), 403);
        assert_eq!(browser.post(&retry, &[("csrf", &csrf)]).await.status(), 303);
        assert_eq!(browser.post(&retry, &[("csrf", &csrf)]).await.status(), 303, "a second click is harmless");

        let sent = app.emulator.wait_for_sent(1, std::time::Duration::from_secs(10)).await;
        assert_eq!(sent[0].body, "Yes, see you at 4.");
        let id = conversation.parse().unwrap();
        let messages = app.store.latest_messages(app.workspace.workspace_id, id, 10).await.unwrap();
        let outbound: Vec<_> =
            messages.iter().filter(|m| m.direction == switchboard_domain::Direction::Outbound).collect();
        assert_eq!(outbound.len(), 2, "the failed message and one retry, {}", app.backend);
        assert_eq!(outbound[0].status, switchboard_domain::MessageStatus::Failed, "the failure stays in the history");

        let inbound = messages.iter().find(|m| m.direction == switchboard_domain::Direction::Inbound).unwrap();
        let not_failed =
            browser.post(&format!("/inbox/messages/{}/retry", inbound.message_id), &[("csrf", &csrf)]).await;
        assert_eq!(not_failed.status(), 409);
        app
    })
    .await;
}
