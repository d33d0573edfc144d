//! `switchboard journal`: an operator sees a webhook that was answered but could not be stored
//! in full, with the reason, and puts it back in line; the real binary against a real database.

use std::process::{Command, Output};

use switchboard_domain::ChannelId;
use switchboard_server::admin;
use switchboard_store::testing::{self, TestDatabase};

fn switchboard(database_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(["--database-url", database_url])
        .args(args)
        .env("RUST_LOG", "error")
        .output()
        .expect("the switchboard binary runs")
}

#[tokio::test]
async fn a_set_aside_webhook_is_listed_with_its_reason_and_put_back_in_line() {
    let db = TestDatabase::sqlite();
    let store = db.store().await;
    let workspace = admin::create_workspace(&store, "Shop", None).await.unwrap();
    // A webhook the database refuses: its channel does not exist.
    let orphan = testing::inbound_sms(
        workspace.workspace_id,
        ChannelId::new(),
        "+14155550100",
        ("SMgone", "+14155550123", "Hello"),
        1_700_000_000_000,
    );
    store.journal_inbound(&[orphan]).await.unwrap();
    store.work_off_journal(10).await.unwrap();

    let listed = switchboard(&db.url, &["journal", "list"]);
    assert!(listed.status.success(), "{}", String::from_utf8_lossy(&listed.stderr));
    let text = String::from_utf8(listed.stdout).unwrap();
    assert!(text.contains("0 webhook(s) wait to be stored in full; 1 set aside."), "{text}");
    assert!(text.contains("twilio webhook received 2023-11-14T22:13:20Z") && text.contains("(SMgone)"), "{text}");

    let listed = switchboard(&db.url, &["--json", "journal", "list"]);
    let view: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(view["set_aside"], 1);
    let entry = &view["set_aside_entries"][0];
    assert_eq!(entry["provider_message_ids"], serde_json::json!(["SMgone"]));
    assert!(!entry["failure"].as_str().unwrap().is_empty(), "it says why: {entry}");
    let journal_id = entry["journal_id"].as_i64().unwrap().to_string();

    let unknown = switchboard(&db.url, &["journal", "retry", "999999"]);
    assert!(!unknown.status.success(), "an id that is not set aside is an error");
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("not set-aside journal entries"));
    let nothing = switchboard(&db.url, &["journal", "retry"]);
    assert!(!nothing.status.success(), "ids or --all are required");

    let retried = switchboard(&db.url, &["journal", "retry", &journal_id]);
    assert!(retried.status.success(), "{}", String::from_utf8_lossy(&retried.stderr));
    assert!(String::from_utf8_lossy(&retried.stdout).contains("1 webhook(s) put back in line"));
    let depth = store.journal_depth().await.unwrap();
    assert_eq!((depth.waiting, depth.set_aside), (1, 0), "the worker of a running server takes it again");
    db.remove().await;
}
