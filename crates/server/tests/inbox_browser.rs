//! The inbox in a real browser (headless Chromium): a staff member signs in, a customer's text
//! appears without a reload, they answer with the segment count in view, and watch the answer
//! reach "delivered" live; a customer writes from the demo's phone page, and staff answer with
//! the keyboard and a saved reply, leave a note, assign, label, filter and search. Screenshots of
//! the screens are kept in `target/screenshots/`.

mod common;

use std::time::Duration;

use common::chrome::Chrome;
use common::*;
use switchboard_domain::StaffRole;
use switchboard_server::admin;
use switchboard_store::testing::TestDatabase;
use thirtyfour::error::WebDriverErrorInner;
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

/// Waits until an element matching `css` contains `text`, or fails with `what`. It asks the page
/// itself each time, so parts the page re-reads while it waits do not go stale under it.
async fn wait_for_text(browser: &WebDriver, css: &str, text: &str, what: &str) {
    let script =
        "return Array.from(document.querySelectorAll(arguments[0])).some(e => e.textContent.includes(arguments[1]));";
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let found = browser.execute(script, vec![serde_json::json!(css), serde_json::json!(text)]).await;
        if found.is_ok_and(|answer| answer.json() == &serde_json::Value::Bool(true)) {
            return;
        }
        if tokio::time::Instant::now() > deadline {
            let shown =
                browser.execute("return document.body.innerText;", vec![]).await.map(|text| text.json().clone());
            panic!("{what}; the page shows: {shown:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the browser has navigated to a URL containing `part`.
async fn wait_for_url(browser: &WebDriver, part: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !browser.current_url().await.is_ok_and(|url| url.as_str().contains(part)) {
        assert!(tokio::time::Instant::now() < deadline, "the browser never went to a URL with {part}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn sign_in(browser: &WebDriver, url: &str) {
    browser.goto(format!("{url}/inbox")).await.unwrap();
    browser.find(By::Css("input[name=email]")).await.unwrap().send_keys(EMAIL).await.unwrap();
    browser.find(By::Css("input[name=password]")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    browser.find(By::Css("form button[type=submit]")).await.unwrap().click().await.unwrap();
}

/// Picks an option by its text, again if a live update replaced the select meanwhile.
async fn choose(browser: &WebDriver, select: &str, text: &str) {
    for _ in 0..20 {
        let element = browser.query(By::Css(select)).first().await.unwrap();
        let picked = match thirtyfour::components::SelectElement::new(&element).await {
            Ok(options) => options.select_by_visible_text(text).await,
            Err(error) => Err(error),
        };
        match picked {
            Ok(()) => return,
            Err(error) if matches!(error.as_inner(), WebDriverErrorInner::StaleElementReference(_)) => continue,
            Err(error) => panic!("choosing {text:?} in {select}: {error}"),
        }
    }
    panic!("{select} kept being replaced");
}

#[tokio::test]
async fn staff_work_a_conversation_from_the_customer_phone_with_the_keyboard_and_saved_replies() {
    let Some(chrome) = Chrome::start().await else { return };
    let app = TestApp::spawn(TestDatabase::sqlite()).await;
    admin::create_staff(&app.store, &app.workspace, EMAIL, "Ana", StaffRole::Admin, PASSWORD).await.unwrap();
    let workspace_id = app.workspace.workspace_id;
    app.store.create_canned_response(workspace_id, "hours", "We open at 9 tomorrow.", 0).await.unwrap();
    app.store.create_label(workspace_id, "Billing", "#dc2626", 0).await.unwrap();
    let browser = &chrome.driver;
    let phone = format!("{}/_emulator/phone", app.emulator.base_url());

    // The customer writes from the demo's phone page.
    browser.goto(&phone).await.unwrap();
    browser.query(By::Css("#to option")).first().await.expect("the phone lists the business numbers");
    choose(browser, "#to", SMS_NUMBER).await;
    browser.find(By::Css("#body")).await.unwrap().send_keys("When do you open?").await.unwrap();
    browser.find(By::Css("#compose button")).await.unwrap().click().await.unwrap();
    wait_for_text(browser, "#thread li", "When do you open?", "the phone shows what the customer sent").await;

    // Staff open it with the keyboard and answer with a saved reply and Ctrl+Enter.
    sign_in(browser, &app.url).await;
    wait_for_text(browser, ".conversations a", "When do you open?", "the customer's message is listed").await;
    browser.action_chain().send_keys("j").perform().await.unwrap();
    browser.query(By::Css("form.reply")).first().await.expect("j opens the first conversation");
    browser.action_chain().send_keys("r").perform().await.unwrap();
    browser.action_chain().send_keys("/ho").perform().await.unwrap();
    wait_for_text(browser, ".canned-suggestions li", "/hours", "typing / and a shortcut offers the saved reply").await;
    browser.action_chain().send_keys(Key::Enter).perform().await.unwrap();
    let reply = browser.find(By::Css("#reply-body")).await.unwrap();
    assert_eq!(reply.prop("value").await.unwrap().as_deref(), Some("We open at 9 tomorrow."));
    browser.action_chain().key_down(Key::Control).send_keys(Key::Enter).key_up(Key::Control).perform().await.unwrap();
    let sent = app.emulator.wait_for_sent(1, Duration::from_secs(10)).await;
    assert_eq!(sent[0].body, "We open at 9 tomorrow.");

    // A private note, an assignment, a label.
    let reply = browser.query(By::Css("#reply-body")).first().await.unwrap();
    reply.send_keys("Prefers a call after 5").await.unwrap();
    browser.find(By::Css("form.reply button.secondary")).await.unwrap().click().await.unwrap();
    wait_for_text(browser, ".note", "Prefers a call after 5", "the note shows in the timeline").await;
    choose(browser, ".assign-form select", "Ana").await;
    wait_for_text(browser, ".assign-form option[selected]", "Ana", "the conversation is assigned").await;
    choose(browser, ".add-label select", "Billing").await;
    wait_for_text(browser, ".labels .label", "Billing", "the label shows on the conversation").await;
    chrome.screenshot("conversation-organized").await;
    assert_eq!(app.emulator.sent_messages().len(), 1, "the note never reached the customer");

    // Filters and search.
    choose(browser, ".search select[name=assignee]", "Mine").await;
    wait_for_url(browser, "assignee=me").await;
    wait_for_text(browser, ".conversations a", "We open at 9", "mine lists the assigned conversation").await;
    choose(browser, ".search select[name=channel]", &app.whatsapp.name).await;
    wait_for_url(browser, &format!("channel={}", app.whatsapp.channel_id)).await;
    wait_for_text(browser, ".conversations li.empty", "No conversations", "nothing on WhatsApp").await;
    browser.goto(format!("{}/inbox", app.url)).await.unwrap();
    let search = browser.find(By::Css(".search input[type=search]")).await.unwrap();
    search.send_keys("house call" + Key::Enter).await.unwrap();
    wait_for_url(browser, "q=house+call").await;
    wait_for_text(
        browser,
        ".conversations li.empty",
        "No conversations match",
        "a search for other words finds nothing",
    )
    .await;
    browser.goto(format!("{}/inbox", app.url)).await.unwrap();
    let search = browser.find(By::Css(".search input[type=search]")).await.unwrap();
    search.send_keys("open" + Key::Enter).await.unwrap();
    wait_for_url(browser, "q=open").await;
    wait_for_text(
        browser,
        ".conversations a",
        "We open at 9",
        "searching a word of the customer's finds the conversation",
    )
    .await;

    // The customer sees the answer arrive on the phone, with its ticks.
    browser.goto(&phone).await.unwrap();
    wait_for_text(browser, "#thread li.received", "We open at 9 tomorrow.", "the reply reaches the phone").await;
    wait_for_text(browser, "#thread li.received small", "✓✓", "the phone shows the delivery ticks").await;
    chrome.screenshot("customer-phone").await;

    // The administrator's view of the channel, and the inbox at a phone's width.
    browser.goto(format!("{}/inbox/settings/channels/{}", app.url, app.sms.channel_id)).await.unwrap();
    wait_for_text(browser, ".events", "twilio-signature", "the channel page lists its webhooks").await;
    chrome.screenshot("channel-settings").await;
    browser.set_window_rect(0, 0, 390, 844).await.unwrap();
    browser.goto(format!("{}/inbox", app.url)).await.unwrap();
    wait_for_text(browser, ".conversations a", "We open at 9", "the list fits a phone").await;
    chrome.screenshot("inbox-phone-width").await;
    browser.find(By::Css(".conversations a")).await.unwrap().click().await.unwrap();
    wait_for_text(browser, ".back", "All conversations", "a conversation on a phone leads back to the list").await;
    chrome.screenshot("conversation-phone-width").await;
    chrome.quit().await;
    app.stop().await;
}
