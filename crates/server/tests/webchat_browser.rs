//! The website chat widget in a real browser (headless Chromium): a visitor opens the clinic's
//! site (another origin than the server), opens the chat, fills in the pre-chat form and writes;
//! a staff member answers from the inbox in another tab; the visitor sees the answer arrive live
//! and their own message turn "Seen", the answer turns read; after a reload the chat is still
//! there. On a phone-sized screen the chat covers it, and the keyboard opens and closes it.
//! Screenshots are kept in `target/screenshots/`.

mod common;

use std::time::Duration;

use common::chrome::Chrome;
use common::webchat::add_webchat;
use common::*;
use switchboard_domain::StaffRole;
use switchboard_server::admin;
use switchboard_server::webchat::demo_site;
use switchboard_server::webchat::settings::{Ask, Prechat};
use switchboard_store::testing::TestDatabase;
use thirtyfour::prelude::*;

const EMAIL: &str = "ana@clinic.example";
const PASSWORD: &str = "a long enough passphrase";
const WAIT: Duration = Duration::from_secs(15);

/// Waits until an element matching `css` in the current frame contains `text`.
async fn wait_for_text(browser: &WebDriver, css: &str, text: &str, what: &str) {
    let script =
        "return Array.from(document.querySelectorAll(arguments[0])).some(e => e.textContent.includes(arguments[1]));";
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let found = browser.execute(script, vec![serde_json::json!(css), serde_json::json!(text)]).await;
        if found.is_ok_and(|answer| answer.json() == &serde_json::Value::Bool(true)) {
            return;
        }
        if tokio::time::Instant::now() > deadline {
            let shown = browser.execute("return document.body.innerText;", vec![]).await.map(|t| t.json().clone());
            panic!("{what}; the frame shows: {shown:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Clicks the element matching `css` that contains `text`, once there is one; asked of the page
/// itself, so that a list the page re-reads meanwhile never goes stale under it.
async fn click_text(browser: &WebDriver, css: &str, text: &str, what: &str) {
    let script = "const found = Array.from(document.querySelectorAll(arguments[0])).find(e => e.textContent.includes(arguments[1])); \
                  if (found) { found.click(); return true; } return false;";
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let clicked = browser.execute(script, vec![serde_json::json!(css), serde_json::json!(text)]).await;
        if clicked.is_ok_and(|answer| answer.json() == &serde_json::Value::Bool(true)) {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "{what} never appeared");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Opens the chat from the site's bubble and enters its frame.
async fn open_chat(browser: &WebDriver) {
    let bubble = browser
        .query(By::Css("#switchboard-bubble"))
        .and_displayed()
        .wait(WAIT, Duration::from_millis(50))
        .first()
        .await
        .expect("the bubble shows once the widget's frame is ready");
    bubble.click().await.unwrap();
    assert_eq!(bubble.attr("aria-expanded").await.unwrap().as_deref(), Some("true"));
    browser.find(By::Css("#switchboard-frame")).await.unwrap().enter_frame().await.unwrap();
}

#[tokio::test]
async fn a_visitor_chats_from_the_website_and_staff_answer_from_the_inbox() {
    let Some(chrome) = Chrome::start().await else { return };
    let app = TestApp::spawn(TestDatabase::sqlite()).await;
    admin::create_staff(&app.store, &app.workspace, EMAIL, "Ana", StaffRole::Agent, PASSWORD).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let site = format!("http://{}", listener.local_addr().unwrap());
    let prechat = Prechat { name: Ask::Required, email: Ask::Optional, phone: Ask::Off };
    let channel = add_webchat(&app, &[&site], prechat).await;
    tokio::spawn(demo_site::serve(listener, demo_site::page(&app.url, &channel.address)));
    let browser = &chrome.driver;

    // The visitor, on the clinic's site.
    browser.goto(&site).await.unwrap();
    let site_tab = browser.window().await.unwrap();
    open_chat(browser).await;
    let name = browser.query(By::Css("#prechat input[name=name]")).first().await.expect("the pre-chat form");
    chrome.screenshot("widget-prechat").await;
    name.send_keys("Ann <Lee>").await.unwrap();
    browser.find(By::Css("#prechat input[name=email]")).await.unwrap().send_keys("ann@example.com").await.unwrap();
    browser.find(By::Css("#prechat-start")).await.unwrap().click().await.unwrap();
    let composer = browser.query(By::Css("#composer-text")).first().await.expect("the chat after the form");
    composer.send_keys("Is Rex ready to go home?").await.unwrap();
    browser.find(By::Css("#composer-send")).await.unwrap().click().await.unwrap();
    wait_for_text(browser, "#messages .msg.visitor .text", "Is Rex ready to go home?", "the visitor's message").await;
    wait_for_text(browser, "#messages .receipt", "Sent", "the message shows sent").await;

    // Staff, in another tab: the visitor is a contact named as they said, and is answered.
    let inbox_tab = browser.new_window().await.unwrap();
    browser.switch_to_window(inbox_tab.clone()).await.unwrap();
    browser.goto(format!("{}/inbox", app.url)).await.unwrap();
    browser.find(By::Css("input[name=email]")).await.unwrap().send_keys(EMAIL).await.unwrap();
    browser.find(By::Css("input[name=password]")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    browser.find(By::Css("form button[type=submit]")).await.unwrap().click().await.unwrap();
    click_text(browser, ".conversations a", "Is Rex ready to go home?", "the visitor's message in the inbox").await;
    wait_for_text(browser, "main", "Ann <Lee>", "the contact's name, shown as text").await;
    let reply = browser.query(By::Css("#reply-body")).first().await.unwrap();
    reply.send_keys("Yes! He is waiting for you at the front desk.").await.unwrap();
    browser.find(By::Css("form.reply button.send")).await.unwrap().click().await.unwrap();
    chrome.screenshot("widget-inbox").await;

    // Back on the site: the answer arrived live, and the visitor's message shows seen.
    browser.switch_to_window(site_tab).await.unwrap();
    browser.find(By::Css("#switchboard-frame")).await.unwrap().enter_frame().await.unwrap();
    wait_for_text(browser, "#messages .msg.business .text", "He is waiting for you", "the answer arrives live").await;
    wait_for_text(browser, "#messages .receipt", "Seen", "staff opened the chat: seen").await;
    chrome.screenshot("widget-chat").await;
    let reply_id = {
        let conversations = app.get_json("/api/v1/conversations").await;
        let id = conversations["data"][0]["id"].as_str().unwrap().to_owned();
        let page = app.get_json(&format!("/api/v1/conversations/{id}/messages")).await;
        let replies: Vec<String> = page["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["direction"] == "outbound")
            .map(|m| m["id"].as_str().unwrap().to_owned())
            .collect();
        replies[0].clone()
    };
    app.wait_for_status(&reply_id, "read").await;

    // A reload keeps the chat: no form again, the history is there.
    browser.enter_default_frame().await.unwrap();
    browser.refresh().await.unwrap();
    open_chat(browser).await;
    wait_for_text(browser, "#messages .msg.visitor .text", "Is Rex ready to go home?", "the history after a reload")
        .await;
    wait_for_text(browser, "#messages .msg.business .text", "He is waiting for you", "the answer after a reload").await;
    assert!(browser.find_all(By::Css("#prechat")).await.unwrap().is_empty(), "no form for a known visitor");

    chrome.quit().await;
    app.stop().await;
}

/// Evaluates a script in the current frame and returns its JSON answer.
async fn ask(browser: &WebDriver, script: &str) -> serde_json::Value {
    browser.execute(script, vec![]).await.unwrap().json().clone()
}

#[tokio::test]
async fn on_a_phone_the_chat_fills_the_screen_and_the_keyboard_opens_and_closes_it() {
    let Some(chrome) = Chrome::start().await else { return };
    let app = TestApp::spawn(TestDatabase::sqlite()).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let site = format!("http://{}", listener.local_addr().unwrap());
    let channel = add_webchat(&app, &[&site], Prechat::default()).await;
    tokio::spawn(demo_site::serve(listener, demo_site::page(&app.url, &channel.address)));
    let browser = &chrome.driver;
    browser.set_window_rect(0, 0, 390, 844).await.unwrap();

    browser.goto(&site).await.unwrap();
    open_chat(browser).await;
    browser.query(By::Css("#composer-text")).first().await.expect("no form: the chat at once");
    let deadline = tokio::time::Instant::now() + WAIT;
    while ask(browser, "return document.activeElement && document.activeElement.id;").await != "composer-text" {
        assert!(tokio::time::Instant::now() < deadline, "opening the chat puts the focus in the message box");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    chrome.screenshot("widget-phone").await;

    browser.enter_default_frame().await.unwrap();
    let covered = ask(
        browser,
        "const r = document.getElementById('switchboard-frame').getBoundingClientRect(); \
         return [Math.round(r.left), Math.round(r.top), Math.round(r.width) === window.innerWidth, Math.round(r.height) === window.innerHeight];",
    )
    .await;
    assert_eq!(covered, serde_json::json!([0, 0, true, true]), "the chat covers the phone's screen");
    let bubble = browser.find(By::Css("#switchboard-bubble")).await.unwrap();
    assert!(!bubble.is_displayed().await.unwrap(), "the bubble steps aside while the chat is open");

    // Escape in the chat closes it and gives the focus back to the bubble.
    browser.find(By::Css("#switchboard-frame")).await.unwrap().enter_frame().await.unwrap();
    browser.find(By::Css("#composer-text")).await.unwrap().send_keys(Key::Escape).await.unwrap();
    browser.enter_default_frame().await.unwrap();
    let deadline = tokio::time::Instant::now() + WAIT;
    while ask(browser, "return document.activeElement && document.activeElement.id;").await != "switchboard-bubble" {
        assert!(tokio::time::Instant::now() < deadline, "Escape closes the chat and returns to the bubble");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(bubble.attr("aria-expanded").await.unwrap().as_deref(), Some("false"));
    assert!(!browser.find(By::Css("#switchboard-frame")).await.unwrap().is_displayed().await.unwrap());

    chrome.quit().await;
    app.stop().await;
}
