//! Two Switchboard nodes on one PostgreSQL database: a message received by one appears, live,
//! on an inbox page served by the other.

mod common;

use common::browser::{Browser, read_events_until};
use common::*;
use switchboard_domain::StaffRole;
use switchboard_server::{Application, admin};
use switchboard_store::testing::TestDatabase;
use tokio::sync::oneshot;

const EMAIL: &str = "ana@clinic.example";
const PASSWORD: &str = "a long enough passphrase";

#[tokio::test]
async fn a_message_received_by_one_node_appears_live_on_the_other() {
    let Some(db) = TestDatabase::postgres().await else { return };
    let first = TestApp::spawn(db).await;
    admin::create_staff(&first.store, &first.workspace, EMAIL, "Ana", StaffRole::Agent, PASSWORD).await.unwrap();

    // A second node on the same database, without workers: it only serves pages.
    let mut config = test_config(first.database_url());
    config.run_workers = false;
    let second = Application::build(config).await.unwrap();
    let second_url = format!("http://{}", second.local_addr());
    let live = second.state().live.clone();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(second.run_until(async {
        let _ = stopped.await;
    }));
    live.relaying().await;

    let mut browser = Browser::new(&second_url);
    assert_eq!(browser.sign_in(EMAIL, PASSWORD).await.status(), 303);
    let mut stream = browser.get("/inbox/events").await;
    assert_eq!(stream.status(), 200);

    first.customer_sms(CUSTOMER, "Received by the first node").await;
    let announced = read_events_until(&mut stream, "event: change").await;
    assert!(announced.is_ok(), "the second node's page hears of the message: {announced:?}");
    let list = browser.get("/inbox/fragments/list").await.text().await.unwrap();
    assert!(list.contains("Received by the first node"), "{list}");

    drop(stream);
    let _ = stop.send(());
    server.await.unwrap().unwrap();
    first.stop().await;
}
