//! Crash safety: the real `switchboard serve` process is killed with SIGKILL while signed
//! webhooks stream in and sends are queued or waiting to be retried. After a restart, every
//! webhook that was acknowledged is stored exactly once, every send that was accepted reaches
//! the provider, and no job is left behind. Runs on SQLite and on PostgreSQL.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use switchboard_channels::twilio::provider_address;
use switchboard_domain::{ChannelKind, MessageStatus};
use switchboard_emulator::{EmulatorConfig, EmulatorHandle, InboundRequest};
use switchboard_server::admin::{self, TwilioChannelInput};
use switchboard_server::config::SecretKeySource;
use switchboard_server::secrets::SecretBox;
use switchboard_store::testing::TestDatabase;
use tokio::sync::Mutex;

const SECRET_KEY: &str = "c4a5c4a5c4a5c4a5c4a5c4a5c4a5c4a5c4a5c4a5c4a5c4a5c4a5c4a5c4a5c4a5";
const ACCOUNT_SID: &str = "AC11111111111111111111111111111111";
const AUTH_TOKEN: &str = "crash-test-token";
const NUMBER: &str = "+14155550100";

struct Server {
    child: Child,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn start_server(database_url: &str, port: u16, emulator: &EmulatorHandle) -> Server {
    let server = Server {
        child: Command::new(env!("CARGO_BIN_EXE_switchboard"))
            .args(["serve", "--bind", &format!("127.0.0.1:{port}"), "--job-lease-secs", "2"])
            .args(["--database-url", database_url, "--twilio-api-base-url", &emulator.base_url()])
            .env("SWITCHBOARD_SECRET_KEY", SECRET_KEY)
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the switchboard binary starts"),
    };
    let client = reqwest::Client::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let ready = client.get(format!("http://127.0.0.1:{port}/readyz")).send().await;
        if ready.is_ok_and(|response| response.status().is_success()) {
            return server;
        }
        assert!(tokio::time::Instant::now() < deadline, "the server did not become ready");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn sigkill(server: &mut Server) {
    // SIGKILL: no shutdown hook runs, leases stay held, in-flight requests are cut.
    unsafe { libc::kill(server.child.id() as i32, libc::SIGKILL) };
    let _ = server.child.wait();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_loses_no_acknowledged_webhook_and_no_queued_send() {
    for db in TestDatabase::all().await {
        run_crash_scenario(&db).await;
        db.remove().await;
    }
}

async fn run_crash_scenario(db: &TestDatabase) {
    let backend = db.backend;
    let store = db.store().await;
    let secrets = SecretBox::load(&SecretKeySource::Value(SECRET_KEY.into())).unwrap();
    let workspace = admin::create_workspace(&store, "Crash Test", None).await.unwrap();
    let input = TwilioChannelInput {
        kind: ChannelKind::Sms,
        name: None,
        number: NUMBER.into(),
        account_sid: ACCOUNT_SID.into(),
        auth_token: AUTH_TOKEN.into(),
        api_base_url: None,
    };
    let channel = admin::add_twilio_channel(&store, &secrets, &workspace, input).await.unwrap();
    let (_, api_key) = admin::create_api_key(&store, &workspace, "crash").await.unwrap();

    let emulator = switchboard_emulator::start(EmulatorConfig::default()).await.unwrap();
    emulator.add_account(ACCOUNT_SID, AUTH_TOKEN);
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    emulator.add_number(
        ACCOUNT_SID,
        &provider_address(ChannelKind::Sms, NUMBER),
        &format!("{base}/webhooks/twilio/{}", channel.channel_id),
    );
    let mut server = start_server(&db.url, port, &emulator).await;

    // Sends: some go straight through, some wait for a retry when the server dies.
    let client = reqwest::Client::new();
    let send = |i: usize| {
        let to = format!("+1415555{:04}", 3000 + i);
        if i.is_multiple_of(4) {
            emulator.fail_api(&to, 503, 20500, 2);
        }
        let request = client
            .post(format!("{base}/api/v1/messages"))
            .bearer_auth(&api_key)
            .json(&serde_json::json!({ "channel_id": channel.channel_id, "to": to, "body": format!("reminder {i}") }))
            .send();
        async move {
            let response = request.await.unwrap();
            assert_eq!(response.status(), 202, "{backend}");
            let message: serde_json::Value = response.json().await.unwrap();
            message["id"].as_str().unwrap().parse::<switchboard_domain::MessageId>().unwrap()
        }
    };
    let mut accepted_sends = Vec::new();
    for i in 0..40 {
        accepted_sends.push(send(i).await);
    }

    // Webhooks: 16 customers texting as fast as they can, with redeliveries, until the kill.
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut senders = Vec::new();
    for sender in 0..16 {
        let (emulator, acknowledged, stop) = (emulator.clone(), acknowledged.clone(), stop.clone());
        senders.push(tokio::spawn(async move {
            let mut n: u32 = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let from = format!("+1415555{:04}", 1000 + sender);
                let request = InboundRequest::text(&from, NUMBER, &format!("message {n} from {sender}"));
                let Ok(delivery) = emulator.send_inbound(request).await else { continue };
                if delivery.status == 200 {
                    acknowledged.lock().await.push(delivery.message_sid.clone());
                    if n.is_multiple_of(10) {
                        let _ = emulator.redeliver(&delivery.message_sid).await;
                    }
                }
            }
        }));
    }
    // Let the load run until a good number of webhooks were acknowledged, then kill.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while acknowledged.lock().await.len() < 300 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // A last burst of sends, killed while they are queued.
    for i in 40..60 {
        accepted_sends.push(send(i).await);
    }
    sigkill(&mut server);
    stop.store(true, Ordering::Relaxed);
    for sender in senders {
        sender.await.unwrap();
    }
    let acknowledged = acknowledged.lock().await.clone();
    assert!(acknowledged.len() >= 300, "{backend}: the load never got going");

    let mut unsent_at_kill = 0;
    for id in &accepted_sends {
        let message = store.get_message(workspace.workspace_id, *id).await.unwrap().unwrap();
        unsent_at_kill += usize::from(message.status == MessageStatus::Queued);
    }
    assert!(unsent_at_kill > 0, "{backend}: the kill should catch sends still queued");
    // Webhooks answered from the inbound journal and not yet stored in full when the server died.
    let journaled_at_kill = store.journal_depth().await.unwrap().waiting;

    let _server = start_server(&db.url, port, &emulator).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while store.journal_depth().await.unwrap().waiting > 0 {
        assert!(tokio::time::Instant::now() < deadline, "{backend}: the restarted server never emptied the journal");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    for sid in &acknowledged {
        let message = store.find_message_by_provider_id(channel.channel_id, sid).await.unwrap();
        assert!(message.is_some(), "{backend}: acknowledged webhook {sid} was lost");
    }
    // Exactly once: the sids of stored inbound messages are unique by constraint, and each
    // acknowledged sid maps to one message row.
    let mut unique = acknowledged.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), acknowledged.len(), "{backend}: the emulator never reuses a sid for a new message");

    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let mut pending = 0;
        for id in &accepted_sends {
            let message = store.get_message(workspace.workspace_id, *id).await.unwrap().unwrap();
            if !matches!(message.status, MessageStatus::Sent | MessageStatus::Delivered) {
                pending += 1;
            }
        }
        let stats = store.queue_stats(switchboard_server::clock::now_ms()).await.unwrap();
        if pending == 0 && stats.ready + stats.running + stats.scheduled == 0 {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{backend}: {pending} sends never went out; queue {stats:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let delivered_bodies: Vec<String> = emulator.sent_messages().into_iter().map(|m| m.body).collect();
    for i in 0..accepted_sends.len() {
        assert!(delivered_bodies.contains(&format!("reminder {i}")), "{backend}: reminder {i} never reached Twilio");
    }
    let duplicates = delivered_bodies.len() - accepted_sends.len();
    eprintln!(
        "{backend}: {} webhooks acknowledged before the kill ({journaled_at_kill} still in the journal at the kill), all stored once; {} sends accepted ({unsent_at_kill} still queued at the kill), all sent ({duplicates} sent twice across the crash)",
        acknowledged.len(),
        accepted_sends.len()
    );
    emulator.shutdown();
}
