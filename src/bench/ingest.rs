//! `switchboard bench ingest`: workload W1 against a real Switchboard (SQLite, then PostgreSQL)
//! and, in the same run, against the ceiling handler; then, once the inbound journal is empty
//! (every webhook answered from it stored in full), a check that every acknowledged MessageSid
//! is stored exactly once. Reports medians over the runs: the answered requests per second, and
//! the stored ones (all requests over the time from the first request until the journal was
//! empty).

use std::sync::Arc;
use std::time::Duration;

use switchboard_domain::ChannelKind;
use switchboard_server::Application;
use switchboard_server::admin::{self, TwilioChannelInput};
use switchboard_server::config::{Config, SecretKeySource};
use switchboard_server::secrets::SecretBox;
use switchboard_store::testing::TestDatabase;

use super::load::{LoadResult, drive};
use super::{ceiling, workload};
use crate::cli::BenchIngestArgs;

const ACCOUNT_SID: &str = "ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const NUMBER: &str = "+14155550100";
const WARMUP: usize = 500;
/// How often the journal's depth is read while it empties. Counting reads every entry, so
/// reading it often would take CPU from the worker being measured.
const JOURNAL_POLL: Duration = Duration::from_millis(50);

/// One run's figures for one backend.
struct RunFigures {
    ceiling: LoadResult,
    switchboard: LoadResult,
    /// From the last answer until every journaled webhook was stored in full.
    drained: Duration,
    lost: usize,
    duplicated: i64,
}

pub async fn run(args: &BenchIngestArgs) -> anyhow::Result<()> {
    println!(
        "W1: {} signed Twilio SMS webhooks per run from {} senders, ~{:.0}% exact re-sends, concurrency {}, loopback; {} runs, medians",
        args.requests,
        workload::SENDERS,
        workload::RESEND_SHARE * 100.0,
        args.concurrency,
        args.runs
    );
    println!(
        "{:<9} {:<12} {:>9} {:>8} {:>8} {:>11} {:>7} {:>9} {:>5} {:>10}",
        "backend", "handler", "req/s", "p50 ms", "p99 ms", "cpu us/req", "ratio", "stored/s", "lost", "duplicated"
    );
    for backend in ["sqlite", "postgres"] {
        if args.backend.as_deref().is_some_and(|only| only != backend) {
            continue;
        }
        let mut runs = Vec::new();
        for _ in 0..args.runs.max(1) {
            let db = match backend {
                "sqlite" => Some(TestDatabase::sqlite()),
                _ => TestDatabase::postgres().await,
            };
            let Some(db) = db else {
                println!("{backend:<9} skipped: no PostgreSQL (set SWITCHBOARD_TEST_POSTGRES_URL)");
                break;
            };
            let figures = one_run(&db, args).await;
            db.remove().await;
            runs.push(figures?);
        }
        if !runs.is_empty() {
            report(backend, &runs);
        }
    }
    Ok(())
}

async fn one_run(db: &TestDatabase, args: &BenchIngestArgs) -> anyhow::Result<RunFigures> {
    let store = db.store().await;
    let key: [u8; 32] = rand::random();
    let secret = SecretKeySource::Value(hex_encode(&key));
    let secrets = SecretBox::load(&secret)?;
    let auth_token = format!("{:032x}", rand::random::<u128>());
    let workspace = admin::create_workspace(&store, "Bench", None).await?;
    let input = TwilioChannelInput {
        kind: ChannelKind::Sms,
        name: None,
        number: NUMBER.into(),
        account_sid: ACCOUNT_SID.into(),
        auth_token: auth_token.clone(),
        api_base_url: None,
    };
    let channel = admin::add_twilio_channel(&store, &secrets, &workspace, input).await?;

    let mut config = Config::new(&db.url);
    config.bind = ([127, 0, 0, 1], 0).into();
    config.secret_key = secret;
    if let Some(micros) = args.linger_us {
        config.ingest_linger = Duration::from_micros(micros);
    }
    let app = Application::build_with_store(config, store.clone()).await?;
    let url = format!("http://{}/webhooks/twilio/{}", app.local_addr(), channel.channel_id);
    let context = app.state().channels.resolve(channel.clone())?.context;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    let ceiling_url = ceiling::start(context).await?;

    let warmup = workload::generate(WARMUP, ACCOUNT_SID, NUMBER);
    drive(&ceiling_url, Arc::new(workload::sign(&warmup, &auth_token, &ceiling_url)), args.concurrency).await;
    drive(&url, Arc::new(workload::sign(&warmup, &auth_token, &url)), args.concurrency).await;
    wait_for_empty_journal(store.as_ref()).await?;
    let before = store.count_channel_messages(workspace.workspace_id, channel.channel_id).await?;

    let webhooks = workload::generate(args.requests, ACCOUNT_SID, NUMBER);
    let ceiling =
        drive(&ceiling_url, Arc::new(workload::sign(&webhooks, &auth_token, &ceiling_url)), args.concurrency).await;
    let switchboard = drive(&url, Arc::new(workload::sign(&webhooks, &auth_token, &url)), args.concurrency).await;
    let drained = wait_for_empty_journal(store.as_ref()).await?;

    let mut acknowledged = switchboard.acknowledged.clone();
    acknowledged.sort();
    acknowledged.dedup();
    let mut lost = 0;
    for sid in &acknowledged {
        if store.find_message_by_provider_id(channel.channel_id, sid).await?.is_none() {
            lost += 1;
        }
    }
    let stored = store.count_channel_messages(workspace.workspace_id, channel.channel_id).await? - before;
    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(30), server).await???;
    Ok(RunFigures { ceiling, switchboard, drained, lost, duplicated: stored - acknowledged.len() as i64 })
}

/// Waits until the journal worker has stored every journaled webhook in full; returns how long
/// that took, to within [`JOURNAL_POLL`].
async fn wait_for_empty_journal(store: &dyn switchboard_store::Store) -> anyhow::Result<Duration> {
    let started = std::time::Instant::now();
    while store.journal_depth().await?.waiting > 0 {
        anyhow::ensure!(started.elapsed() < Duration::from_secs(300), "the journal did not empty in 5 minutes");
        tokio::time::sleep(JOURNAL_POLL).await;
    }
    Ok(started.elapsed())
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn report(backend: &str, runs: &[RunFigures]) {
    let row = |name: &str,
               pick: &dyn Fn(&RunFigures) -> &LoadResult,
               ratio: Option<f64>,
               stored: Option<f64>,
               checks: Option<(usize, i64)>| {
        let rps = median(runs.iter().map(|r| pick(r).requests_per_second()).collect());
        let p50 = median(runs.iter().map(|r| pick(r).quantile_ms(0.50)).collect());
        let p99 = median(runs.iter().map(|r| pick(r).quantile_ms(0.99)).collect());
        let cpu = median(runs.iter().map(|r| pick(r).cpu_us_per_request()).collect());
        let errors: usize = runs.iter().map(|r| pick(r).errors).sum();
        let ratio = ratio.map(|r| format!("{r:.2}x")).unwrap_or_default();
        let stored = stored.map(|s| format!("{s:.0}")).unwrap_or_default();
        let (lost, duplicated) = checks.map(|(l, d)| (l.to_string(), d.to_string())).unwrap_or_default();
        let errors = if errors > 0 { format!("  ({errors} failed requests)") } else { String::new() };
        println!(
            "{backend:<9} {name:<12} {rps:>9.0} {p50:>8.2} {p99:>8.2} {cpu:>11.0} {ratio:>7} {stored:>9} {lost:>5} {duplicated:>10}{errors}"
        );
    };
    let ratio =
        median(runs.iter().map(|r| r.switchboard.requests_per_second() / r.ceiling.requests_per_second()).collect());
    let lost = runs.iter().map(|r| r.lost).sum();
    let duplicated = runs.iter().map(|r| r.duplicated).sum();
    let stored = median(
        runs.iter()
            .map(|r| r.switchboard.latencies.len() as f64 / (r.switchboard.elapsed + r.drained).as_secs_f64())
            .collect(),
    );
    row("ceiling", &|r| &r.ceiling, None, None, None);
    row("switchboard", &|r| &r.switchboard, Some(ratio), Some(stored), Some((lost, duplicated)));
}

fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
