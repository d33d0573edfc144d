//! The inbound journal through the server: webhooks answered from the journal (here every batch
//! is, `ingest_journal_from_batch = 1`) are stored in full afterwards, in the order they came,
//! each once, with what follows a stored webhook (the help reply).

mod common;

use std::time::Duration;

use common::*;
use switchboard_store::testing::TestDatabase;

/// An app that answers every webhook from the journal.
async fn journaling_app(db: TestDatabase) -> TestApp {
    TestApp::spawn_with(db, |config| config.ingest_journal_from_batch = 1).await
}

/// Waits until the journal worker has stored every journaled webhook in full.
async fn wait_for_empty_journal(app: &TestApp) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while app.store.journal_depth().await.unwrap().waiting > 0 {
        assert!(tokio::time::Instant::now() < deadline, "{}: the journal never emptied", app.backend);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn webhooks_answered_from_the_journal_are_stored_in_order_and_once() {
    for db in TestDatabase::all().await {
        let app = journaling_app(db).await;
        let mut last = None;
        for body in ["STOP", "START", "Hello again"] {
            let delivery = app.customer_sms(CUSTOMER, body).await;
            assert_eq!(delivery.status, 200, "{}: answered once journaled", app.backend);
            last = Some(delivery.message_sid);
        }
        assert_eq!(app.emulator.redeliver(&last.unwrap()).await.unwrap().status, 200);
        wait_for_empty_journal(&app).await;

        let messages = app.conversation_messages("", 3).await;
        let bodies: Vec<_> = messages.iter().map(|m| m["body"].as_str().unwrap()).collect();
        assert_eq!(bodies, ["STOP", "START", "Hello again"], "{}: the retry is no second message", app.backend);
        assert_eq!(
            app.send_sms(CUSTOMER, "Welcome back").await.status(),
            202,
            "{}: START was stored after STOP, so the customer is opted in",
            app.backend
        );
        let events = app.get_json("/api/v1/webhook-events").await;
        let outcomes: Vec<_> = events["data"].as_array().unwrap().iter().map(|e| e["outcome"].clone()).collect();
        assert_eq!(outcomes.len(), 4, "{}: every webhook is in the log", app.backend);
        assert!(outcomes.contains(&serde_json::json!("duplicate")), "{}: {outcomes:?}", app.backend);
        let metrics = app.metrics().await;
        assert!(metrics.contains("switchboard_webhooks_journaled_total"), "{}", app.backend);
        assert!(metrics.contains("switchboard_inbound_journal_set_aside 0"), "{}: none set aside", app.backend);
        app.stop().await;
    }
}

#[tokio::test]
async fn help_answered_from_the_journal_gets_the_help_text() {
    for db in TestDatabase::all().await {
        let app = journaling_app(db).await;
        app.customer_sms(CUSTOMER, "help").await;
        let sent = app.emulator.wait_for_sent(1, Duration::from_secs(10)).await;
        assert_eq!(sent.len(), 1, "{}", app.backend);
        assert_eq!(sent[0].body, "Riverside Vet: call 555-0100. Reply STOP to opt out.", "{}", app.backend);
        app.stop().await;
    }
}
