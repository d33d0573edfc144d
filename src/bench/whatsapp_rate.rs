//! `switchboard bench whatsapp-rate`: a burst of template sends to one WhatsApp number through
//! Meta's Cloud API (the emulator, which refuses what goes over the number's limit with 130429),
//! and then two numbers sending at once at different rates. The rate is measured where it
//! matters, at the Cloud API: from when the emulator accepted each message.

use std::sync::Arc;
use std::time::{Duration, Instant};

use switchboard_emulator::meta::{MetaTemplate, WhatsappSent};
use switchboard_emulator::{EmulatorConfig, EmulatorHandle};
use switchboard_server::Application;
use switchboard_server::admin::{self, MetaWhatsappInput};
use switchboard_server::config::{Config, SecretKeySource};
use switchboard_server::secrets::SecretBox;
use switchboard_store::Store;
use switchboard_store::model::{Channel, Workspace};
use switchboard_store::testing::TestDatabase;
use tokio::task::JoinSet;

use crate::cli::BenchWhatsappRateArgs;

const TEMPLATE: &str = "bench_notice";
/// Concurrent API requests queueing the burst.
const QUEUEING_CONCURRENCY: usize = 32;

/// A Meta WhatsApp number of the benchmark.
struct Number {
    channel: Channel,
    phone_number_id: String,
    rate: u32,
}

pub async fn run(args: &BenchWhatsappRateArgs) -> anyhow::Result<()> {
    let db = TestDatabase::sqlite();
    let outcome = run_on(&db, args).await;
    db.remove().await;
    outcome
}

async fn run_on(db: &TestDatabase, args: &BenchWhatsappRateArgs) -> anyhow::Result<()> {
    let emulator = switchboard_emulator::start(EmulatorConfig::default()).await?;
    let store = db.store().await;
    let key: [u8; 32] = rand::random();
    let secret = SecretKeySource::Value(key.iter().map(|b| format!("{b:02x}")).collect());
    let secrets = SecretBox::load(&secret)?;
    let workspace = admin::create_workspace(&store, "Bench", None).await?;
    let (_, api_key) = admin::create_api_key(&store, &workspace, "bench").await?;

    let mut config = Config::new(&db.url);
    config.bind = ([127, 0, 0, 1], 0).into();
    config.secret_key = secret;
    config.providers.meta.graph_base_url = emulator.base_url();
    config.dispatch_concurrency = 32;
    let app = Application::build_with_store(config, store.clone()).await?;
    let url = format!("http://{}", app.local_addr());
    let setup = Setup { store: &store, secrets: &secrets, workspace: &workspace, emulator: &emulator, url: &url };
    let numbers = [
        setup.connect("+14155550170", "301", args.rate).await?,
        setup.connect("+14155550171", "302", args.second_rate).await?,
    ];
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    for number in &numbers {
        let sync = format!("{url}/api/v1/channels/{}/templates/sync", number.channel.channel_id);
        client.post(sync).bearer_auth(&api_key).send().await?.error_for_status()?;
    }

    println!(
        "WhatsApp Cloud throughput: template sends through the API, measured at the emulator's Cloud API \
         (which answers 130429 over the number's limit); SQLite"
    );
    println!(
        "{:<34} {:>7} {:>10} {:>10} {:>8} {:>7} {:>7}",
        "run", "sends", "target/s", "measured/s", "ratio", "failed", "130429"
    );

    // One number, a burst of `sends`.
    let burst = queue(&client, &url, &api_key, numbers[0].channel.channel_id, 0, args.sends).await?;
    let sent = wait_for(&emulator, args.sends, &numbers[0], args.sends).await;
    report(&format!("burst of {} to one number", args.sends), &numbers[0], &sent, &store, &workspace, &url, &client)
        .await?;
    println!("  (queueing the burst through the API took {:.1} s)", burst.as_secs_f64());

    // Two numbers at once, each with as many sends as 25 seconds at its rate.
    let counts = [numbers[0].rate as usize * 25, numbers[1].rate as usize * 25];
    let before = emulator.meta().sent().len();
    let mut queueing = JoinSet::new();
    let offsets = [args.sends, args.sends + counts[0]];
    for ((number, count), offset) in numbers.iter().zip(counts).zip(offsets) {
        let (client, url, api_key, channel_id) =
            (client.clone(), url.clone(), api_key.clone(), number.channel.channel_id);
        queueing.spawn(async move { queue(&client, &url, &api_key, channel_id, offset, count).await });
    }
    while let Some(done) = queueing.join_next().await {
        done??;
    }
    let all = emulator.meta().wait_for_sent(before + counts[0] + counts[1], deadline(counts[0], numbers[0].rate)).await;
    let fresh = &all[before.min(all.len())..];
    for number in &numbers {
        let mine: Vec<WhatsappSent> =
            fresh.iter().filter(|s| s.phone_number_id == number.phone_number_id).cloned().collect();
        let label = format!("in parallel: number at {}/s", number.rate);
        report(&label, number, &mine, &store, &workspace, &url, &client).await?;
    }
    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(30), server).await???;
    emulator.shutdown();
    Ok(())
}

/// What connecting a number takes.
struct Setup<'a> {
    store: &'a Arc<dyn Store>,
    secrets: &'a SecretBox,
    workspace: &'a Workspace,
    emulator: &'a EmulatorHandle,
    url: &'a str,
}

impl Setup<'_> {
    /// Connects `number` through Meta at `rate`, with an account of its own on the emulator that
    /// refuses what goes over that rate.
    async fn connect(&self, number: &str, phone_number_id: &str, rate: u32) -> anyhow::Result<Number> {
        let Self { store, secrets, workspace, emulator, url } = self;
        let account = format!("9{phone_number_id}");
        let token = format!("EAAG-bench-{phone_number_id}");
        let secret = format!("bench-secret-{phone_number_id}");
        let input = MetaWhatsappInput {
            name: None,
            number: number.into(),
            phone_number_id: phone_number_id.into(),
            business_account_id: Some(account.clone()),
            access_token: token.clone(),
            app_secret: secret.clone(),
            verify_token: None,
            graph_base_url: None,
            messages_per_second: Some(rate),
            token_expires_at: None,
        };
        let (channel, _) = admin::add_meta_whatsapp_channel(store, secrets, workspace, input).await?;
        let meta = emulator.meta();
        meta.add_business_account(&account, &token, &secret);
        meta.add_phone_number(
            &account,
            phone_number_id,
            number,
            &format!("{url}/webhooks/meta/{}", channel.channel_id),
        );
        meta.add_template(
            &account,
            MetaTemplate::approved(TEMPLATE, "en_US", "UTILITY", "Hello {{1}}, your order shipped."),
        );
        meta.set_rate_limit(phone_number_id, rate);
        Ok(Number { channel, phone_number_id: phone_number_id.into(), rate })
    }
}

/// Queues `count` template sends to distinct customers through the API, as fast as it takes them.
async fn queue(
    client: &reqwest::Client,
    url: &str,
    api_key: &str,
    channel_id: switchboard_domain::ChannelId,
    offset: usize,
    count: usize,
) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut workers = JoinSet::new();
    for _ in 0..QUEUEING_CONCURRENCY {
        let (client, next) = (client.clone(), next.clone());
        let endpoint = format!("{url}/api/v1/messages");
        let api_key = api_key.to_owned();
        workers.spawn(async move {
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= count {
                    return anyhow::Ok(());
                }
                // Valid numbers: +1 415 2XX XXXX.
                let to = format!("+1415{}", 2_000_000 + offset + i);
                let body = serde_json::json!({ "channel_id": channel_id, "to": to, "content": {
                    "kind": "template", "name": TEMPLATE, "language": "en_US", "body_parameters": [format!("customer {i}")] } });
                let response = client.post(&endpoint).bearer_auth(&api_key).json(&body).send().await?;
                anyhow::ensure!(response.status().as_u16() == 202, "queueing a send answered {}", response.status());
            }
        });
    }
    while let Some(done) = workers.join_next().await {
        done??;
    }
    Ok(started.elapsed())
}

/// How long `count` sends may take at `rate`, with room to spare.
fn deadline(count: usize, rate: u32) -> Duration {
    Duration::from_secs_f64(count as f64 / f64::from(rate) * 1.5 + 60.0)
}

async fn wait_for(emulator: &EmulatorHandle, total: usize, number: &Number, count: usize) -> Vec<WhatsappSent> {
    let all = emulator.meta().wait_for_sent(total, deadline(count, number.rate)).await;
    all.into_iter().filter(|s| s.phone_number_id == number.phone_number_id).collect()
}

async fn report(
    label: &str,
    number: &Number,
    sent: &[WhatsappSent],
    store: &Arc<dyn Store>,
    workspace: &Workspace,
    url: &str,
    client: &reqwest::Client,
) -> anyhow::Result<()> {
    let measured = match (sent.first(), sent.last()) {
        (Some(first), Some(last)) if sent.len() > 1 => {
            (sent.len() - 1) as f64 / last.accepted_at.duration_since(first.accepted_at).as_secs_f64()
        }
        _ => 0.0,
    };
    let failed = store.list_jobs(workspace.workspace_id, switchboard_store::queue::JobState::Dead, 10_000).await?.len();
    let metrics = client.get(format!("{url}/metrics")).send().await?.text().await?;
    let refused = metrics
        .lines()
        .find(|l| {
            l.starts_with("switchboard_sends_total")
                && l.contains("provider=\"meta\"")
                && l.contains("outcome=\"rate_limited\"")
        })
        .and_then(|l| l.rsplit(' ').next())
        .unwrap_or("0")
        .to_owned();
    println!(
        "{label:<34} {:>7} {:>10} {measured:>10.1} {:>7.3}x {failed:>7} {refused:>7}",
        sent.len(),
        number.rate,
        measured / f64::from(number.rate)
    );
    Ok(())
}
