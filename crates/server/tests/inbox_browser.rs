//! The inbox in a real browser (headless Chromium): a staff member signs in, a customer's text
//! appears without a reload, they answer with the segment count in view, and watch the answer
//! reach "delivered" live. Screenshots of the screens are kept in `target/screenshots/`.

mod common;

use std::time::Duration;

use common::chrome::Chrome;
use common::*;
use switchboard_domain::StaffRole;
use switchboard_server::admin;
use switchboard_store::testing::TestDatabase;
use thirtyfour::prelude::*;

const EMAIL: &str = "ana@clinic.example";
const PASSWORD: &str = "a long enough passphrase";

#[tokio::test]
async fn a_staff_member_answers_a_customer_live_in_the_browser() {
    let Some(chrome) = Chrome::start().await else { return };
    let app = TestApp::spawn(TestDatabase::sqlite()).await;
    admin::create_staff(&app.store, &app.workspace, EMAIL, "Ana", StaffRole::Agent, PASSWORD).await.unwrap();
    let browser = &chrome.driver;

    browser.goto(format!("{}/inbox", app.url)).await.unwrap();
    chrome.screenshot("sign-in").await;
    browser.find(By::Css("input[name=email]")).await.unwrap().send_keys(EMAIL).await.unwrap();
    browser.find(By::Css("input[name=password]")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    browser.find(By::Css("form button[type=submit]")).await.unwrap().click().await.unwrap();
    browser.query(By::Css("#conversation-list li.empty")).first().await.expect("the empty inbox after signing in");

    app.customer_sms(CUSTOMER, "Is Rex ready to go home?").await;
    let entry = browser
        .query(By::Css(".conversations a"))
        .with_text(thirtyfour::stringmatch::StringMatch::new("Is Rex ready to go home?").partial())
        .wait(Duration::from_secs(10), Duration::from_millis(50))
        .first()
        .await
        .expect("the customer's message appears in the list without a reload");
    entry.click().await.unwrap();

    let reply = browser.query(By::Css("#reply-body")).first().await.unwrap();
    reply.send_keys("Yes, he is waiting for you at the front desk.").await.unwrap();
    let counter = browser
        .query(By::Css("output.segments"))
        .with_text(thirtyfour::stringmatch::StringMatch::new("1 SMS segment").partial())
        .wait(Duration::from_secs(10), Duration::from_millis(50))
        .first()
        .await
        .expect("the segment count shows as the staff member types");
    assert!(counter.text().await.unwrap().contains("gsm7"));
    browser.find(By::Css("form.reply button.send")).await.unwrap().click().await.unwrap();

    let sent = app.emulator.wait_for_sent(1, Duration::from_secs(10)).await;
    assert_eq!(sent[0].body, "Yes, he is waiting for you at the front desk.");
    browser
        .query(By::Css(".message.outbound .delivery-delivered"))
        .wait(Duration::from_secs(15), Duration::from_millis(50))
        .first()
        .await
        .expect("the reply's delivery shows without a reload");

    chrome.screenshot("inbox-conversation").await;
    chrome.quit().await;
    app.stop().await;
}
