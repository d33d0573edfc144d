//! `switchboard bench inbox`: the inbox's pages over a generated workspace, on SQLite and then
//! PostgreSQL. A staff member's browser (one request at a time, over loopback, session cookie
//! and all) asks for the conversation list, its second page, conversations picked across the
//! whole range, and a search; the figures are the server's answer times as the browser sees them.

use std::time::{Duration, Instant};

use switchboard_domain::{ChannelKind, StaffRole};
use switchboard_server::Application;
use switchboard_server::admin::{self, TwilioChannelInput};
use switchboard_server::config::{Config, SecretKeySource};
use switchboard_server::secrets::SecretBox;
use switchboard_store::seed::InboxSeed;
use switchboard_store::testing::TestDatabase;

use crate::cli::BenchInboxArgs;

const WARMUP: usize = 20;

/// A page kind: its name, the path of each next request, and how many requests to time.
type PageKind<'a> = (&'static str, Box<dyn FnMut() -> String + 'a>, usize);

pub async fn run(args: &BenchInboxArgs) -> anyhow::Result<()> {
    println!(
        "Inbox pages over {} conversations and {} messages, one request at a time over loopback; {} requests per page \
         kind ({} searches by a word every message has), after {WARMUP} warm-up requests",
        args.conversations,
        args.conversations * args.messages_per_conversation,
        args.requests,
        (args.requests / 20).max(1),
    );
    println!("{:<9} {:<34} {:>8} {:>8} {:>8}", "backend", "page", "p50 ms", "p99 ms", "max ms");
    for backend in ["sqlite", "postgres"] {
        if args.backend.as_deref().is_some_and(|only| only != backend) {
            continue;
        }
        let db = match backend {
            "sqlite" => Some(TestDatabase::sqlite()),
            _ => TestDatabase::postgres().await,
        };
        let Some(db) = db else {
            println!("{backend:<9} skipped: no PostgreSQL (set SWITCHBOARD_TEST_POSTGRES_URL)");
            continue;
        };
        let result = one_backend(&db, args).await;
        db.remove().await;
        result?;
    }
    Ok(())
}

async fn one_backend(db: &TestDatabase, args: &BenchInboxArgs) -> anyhow::Result<()> {
    let store = db.store().await;
    let key: [u8; 32] = rand::random();
    let secret = SecretKeySource::Value(key.iter().map(|b| format!("{b:02x}")).collect());
    let secrets = SecretBox::load(&secret)?;
    let workspace = admin::create_workspace(&store, "Bench clinic", None).await?;
    let input = TwilioChannelInput {
        kind: ChannelKind::Sms,
        name: None,
        number: "+14155550100".into(),
        account_sid: "ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb".into(),
        auth_token: "bench-auth-token".into(),
        api_base_url: None,
    };
    let channel = admin::add_twilio_channel(&store, &secrets, &workspace, input).await?;
    let password = format!("{:032x}", rand::random::<u128>());
    admin::create_staff(&store, &workspace, "bench@example.com", "Bench", StaffRole::Admin, &password).await?;

    let seed = InboxSeed {
        workspace_id: workspace.workspace_id,
        channel_id: channel.channel_id,
        conversations: args.conversations,
        messages_per_conversation: args.messages_per_conversation,
        newest_at: switchboard_server::clock::now_ms() - 60_000,
    };
    let started = Instant::now();
    seed.write(db).await?;
    eprintln!("{}: generated the data in {:.1} s", db.backend, started.elapsed().as_secs_f64());
    // What the search indexer does in the background as messages arrive, all at once here, in
    // larger batches: nothing else is waiting for the writer.
    const INDEX_BATCH: usize = 2_000;
    let started = Instant::now();
    let mut indexed = 0;
    loop {
        let batch = store.index_message_words(INDEX_BATCH).await?;
        indexed += batch;
        if batch == 0 {
            break;
        }
    }
    if indexed > 0 {
        eprintln!("{}: indexed {indexed} messages for search in {:.1} s", db.backend, started.elapsed().as_secs_f64());
    }

    let mut config = Config::new(&db.url);
    config.bind = ([127, 0, 0, 1], 0).into();
    config.secret_key = secret;
    let app = Application::build_with_store(config, store.clone()).await?;
    let base = format!("http://{}", app.local_addr());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));

    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let cookie = sign_in(&client, &base, &password).await?;
    let get = |path: String| {
        let client = client.clone();
        let cookie = cookie.clone();
        let url = format!("{base}{path}");
        async move {
            let started = Instant::now();
            let response = client.get(&url).header("cookie", &cookie).send().await?;
            let status = response.status();
            let body = response.text().await?;
            anyhow::ensure!(status.is_success(), "GET {url}: {status}");
            Ok::<_, anyhow::Error>((started.elapsed(), body))
        }
    };

    let first_page = get("/inbox".into()).await?.1;
    let older = first_page
        .split("href=\"")
        .find_map(|part| part.split('"').next().filter(|href| href.contains("after=")))
        .ok_or_else(|| anyhow::anyhow!("the first page links to no older conversations"))?
        .replace("&amp;", "&")
        .replace("&#x2f;", "/");
    let mut pick = 0_i64;
    let mut next_conversation = || {
        // Spread over the whole range, newest and oldest alike.
        pick = (pick + 7_919) % args.conversations;
        format!("/inbox/conversations/{}", seed.conversation_id(pick))
    };
    let pages: Vec<PageKind> = vec![
        ("conversation list (100 newest)", Box::new(|| "/inbox".to_owned()), args.requests),
        ("conversation list, second page", Box::new(|| older.clone()), args.requests),
        ("conversation list, open only", Box::new(|| "/inbox?status=open".to_owned()), args.requests),
        ("conversation page", Box::new(&mut next_conversation), args.requests),
        ("search by a whole phone number", Box::new(|| "/inbox?q=%2B14152004242".to_owned()), args.requests),
        ("search by words of a message", Box::new(|| "/inbox?q=customer+4242".to_owned()), args.requests),
        (
            "search by a word in every message",
            Box::new(|| "/inbox?q=appointment".to_owned()),
            (args.requests / 20).max(1),
        ),
    ];
    for (name, mut path, requests) in pages {
        let mut times = Vec::with_capacity(requests);
        for i in 0..WARMUP.min(requests) + requests {
            let (elapsed, _) = get(path()).await?;
            if i >= WARMUP.min(requests) {
                times.push(elapsed);
            }
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let at = |q: f64| ms(times[((times.len() as f64 * q) as usize).min(times.len() - 1)]);
        println!(
            "{:<9} {name:<34} {:>8.2} {:>8.2} {:>8.2}",
            db.backend,
            at(0.50),
            at(0.99),
            ms(*times.last().expect("at least one request"))
        );
    }
    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(30), server).await???;
    Ok(())
}

/// Signs in through the real form and returns the session cookie.
async fn sign_in(client: &reqwest::Client, base: &str, password: &str) -> anyhow::Result<String> {
    let form = client.get(format!("{base}/login")).send().await?;
    let login_cookie = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.split(';').next().filter(|c| c.starts_with("sb_login=")))
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("the sign-in page sets no form cookie"))?;
    let html = form.text().await?;
    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or_else(|| anyhow::anyhow!("the sign-in form has no token"))?;
    let answer = client
        .post(format!("{base}/login"))
        .header("cookie", login_cookie)
        .form(&[("csrf", csrf), ("email", "bench@example.com"), ("password", password)])
        .send()
        .await?;
    answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.split(';').next().filter(|c| c.starts_with("sb_session=")))
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("signing in failed: {}", answer.status()))
}
