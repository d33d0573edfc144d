//! A business's own mailbox, end to end against real servers (Dovecot for IMAP, an SMTP
//! submission server delivering into it) on both databases: a customer's email is imported over
//! IMAP and flagged read, the staff's reply goes out over SMTP threaded to it (subject, In-Reply-To,
//! References, a reply address) with a plain and an HTML part, and the customer's answer to that
//! reply, and a colleague's answer to the reply address alone, land in the same conversation.

mod common;

use std::time::Duration;

use common::mailbox::{DOMAIN, MailServers, add_mailbox, all_seen, nth_received, submit};
use common::{TestApp, on_every_backend};
use mail_parser::MessageParser;
use serde_json::{Value, json};

/// Every message of the workspace's conversations, oldest first, once `count` have arrived.
async fn wait_for_messages(app: &TestApp, count: usize) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let list = app.get_json("/api/v1/conversations").await;
        let mut all = Vec::new();
        for conversation in list["data"].as_array().unwrap() {
            let id = conversation["id"].as_str().unwrap();
            let page = app.get_json(&format!("/api/v1/conversations/{id}/messages")).await;
            all.extend(page["data"].as_array().unwrap().iter().cloned());
        }
        if all.len() >= count {
            all.sort_by_key(|m| m["id"].as_str().unwrap().to_owned());
            return all;
        }
        assert!(tokio::time::Instant::now() < deadline, "only {} of {count} messages arrived: {all:#?}", all.len());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn mail_is_imported_answered_and_threaded_both_ways() {
    let servers = MailServers::start().await;
    on_every_backend(|app| async {
        let shop = servers.fresh_user("shop");
        let ann = servers.fresh_user("ann");
        let shop_address = format!("{shop}@{DOMAIN}");
        let ann_address = format!("{ann}@{DOMAIN}");
        let channel = add_mailbox(&app, &servers, &shop).await;

        let first = format!(
            "From: Ann Lee <{ann_address}>\nTo: Riverside Vet <{shop_address}>\nSubject: Rex's vaccination\n\
             Message-ID: <ann-1@{DOMAIN}>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n\
             Can Rex come on Friday?\n\n-- \nAnn Lee\n"
        );
        submit(&servers, &ann_address, &shop_address, &first).await;
        let messages = wait_for_messages(&app, 1).await;
        let inbound = &messages[0];
        assert_eq!(inbound["body"], "Can Rex come on Friday?", "{}", app.backend);
        assert_eq!(inbound["email"]["subject"], "Rex's vaccination");
        assert_eq!(inbound["email"]["signature"], "Ann Lee");
        assert_eq!(inbound["from"], ann_address);
        assert!(all_seen(&servers, &shop).await, "an imported message is flagged read");

        // The staff answer through the API; the mail reaches Ann threaded to hers.
        let sent = app
            .post("/api/v1/messages", &json!({ "channel_id": channel.channel_id, "to": ann_address, "body": "Friday at 3 works. <b>See you</b>" }))
            .send()
            .await
            .unwrap();
        assert_eq!(sent.status(), 202, "{}", sent.text().await.unwrap());
        let sent: Value = sent.json().await.unwrap();
        let id = sent["id"].as_str().unwrap();
        let sent = app.wait_for_status(id, "sent").await;
        let raw = nth_received(&servers, &ann, 1).await;
        let reply = MessageParser::default().parse(&raw).unwrap();
        assert_eq!(reply.subject(), Some("Re: Rex's vaccination"));
        assert_eq!(reply.in_reply_to().as_text(), Some(format!("ann-1@{DOMAIN}").as_str()));
        assert_eq!(reply.message_id(), sent["email"]["message_id"].as_str());
        assert_eq!(sent["provider_message_id"], sent["email"]["message_id"]);
        let reply_to = reply.reply_to().and_then(|a| a.first()).and_then(|a| a.address()).unwrap().to_owned();
        assert!(reply_to.starts_with("reply+") && reply_to.ends_with(&format!("@{DOMAIN}")), "{reply_to}");
        assert_eq!(reply.from().and_then(|a| a.first()).and_then(|a| a.name()), Some("Riverside Vet"));
        // Both parts carry the reply and the channel's signature; parsed back, the signature is
        // told apart from the text as it is in a customer's email.
        let text = reply.body_text(0).unwrap().replace("\r\n", "\n");
        assert_eq!(text.trim(), "Friday at 3 works. <b>See you</b>\n\n-- \nRiverside Vet\n12 River Road");
        let html = reply.body_html(0).unwrap();
        assert!(html.contains("Friday at 3 works. &lt;b&gt;See you&lt;/b&gt;"), "escaped in the HTML part: {html}");
        assert!(html.replace("\r\n", "\n").contains("Riverside Vet<br>\n12 River Road"), "{html}");
        let parsed_back = switchboard_channels::email::quote::split_body(&text);
        assert_eq!(parsed_back.new_text, "Friday at 3 works. <b>See you</b>");
        assert_eq!(parsed_back.signature.as_deref(), Some("Riverside Vet\n12 River Road"));

        // Ann answers the reply; a colleague answers the reply address from another client.
        let answer = format!(
            "From: Ann Lee <{ann_address}>\nTo: {reply_to}\nSubject: Re: Re: Rex's vaccination\n\
             Message-ID: <ann-2@{DOMAIN}>\nIn-Reply-To: <{}>\nReferences: <ann-1@{DOMAIN}> <{}>\n\n\
             Perfect, thanks!\n\nOn Mon, Riverside Vet <{shop_address}> wrote:\n> Friday at 3 works.\n",
            reply.message_id().unwrap(),
            reply.message_id().unwrap()
        );
        submit(&servers, &ann_address, &shop_address, &answer).await;
        let colleague = format!(
            "From: Bob <bob@{DOMAIN}>\nTo: {reply_to}\nSubject: Rex\nMessage-ID: <bob-1@{DOMAIN}>\n\n\
             I will bring Rex instead.\n"
        );
        submit(&servers, &format!("bob@{DOMAIN}"), &shop_address, &colleague).await;
        let messages = wait_for_messages(&app, 4).await;
        let conversation = &messages[0]["conversation_id"];
        assert!(messages.iter().all(|m| m["conversation_id"] == *conversation), "{}: {messages:#?}", app.backend);
        assert_eq!(messages[2]["body"], "Perfect, thanks!");
        assert!(messages[2]["email"]["quoted"].as_str().unwrap().contains("> Friday at 3 works."));
        assert_eq!(messages[3]["body"], "I will bring Rex instead.");
        assert_eq!(messages[3]["from"], format!("bob@{DOMAIN}"));
        app
    })
    .await;
}

#[tokio::test]
async fn the_importer_reconnects_after_the_imap_server_goes_down_and_loses_nothing() {
    let servers = tokio::sync::Mutex::new(MailServers::start().await);
    on_every_backend(|app| async {
        let mut servers = servers.lock().await;
        let shop = servers.fresh_user("shop");
        let shop_address = format!("{shop}@{DOMAIN}");
        add_mailbox(&app, &servers, &shop).await;
        let mail = |n: u32| {
            format!(
                "From: Ann <ann@{DOMAIN}>\nTo: {shop_address}\nSubject: Visit {n}\nMessage-ID: <restart-{n}-{shop}@{DOMAIN}>\n\n\
                 Message number {n}\n"
            )
        };
        submit(&servers, &format!("ann@{DOMAIN}"), &shop_address, &mail(1)).await;
        wait_for_messages(&app, 1).await;

        // Dovecot dies under the importer's open connection and comes back; mail delivered after
        // it is back arrives, and the first message is not imported twice.
        servers.restart_imap().await;
        submit(&servers, &format!("ann@{DOMAIN}"), &shop_address, &mail(2)).await;
        let messages = wait_for_messages(&app, 2).await;
        let bodies: Vec<&str> = messages.iter().map(|m| m["body"].as_str().unwrap()).collect();
        assert_eq!(bodies, ["Message number 1", "Message number 2"], "{}", app.backend);
        assert!(all_seen(&servers, &shop).await);
        drop(servers);
        app
    })
    .await;
}
