//! One module per verb. Each takes its parsed arguments and does its work through the library.

mod admin;
mod bench;
mod demo;
mod emulator;
mod journal;
mod serve;

use std::sync::Arc;

use switchboard_server::config::SecretKeySource;
use switchboard_server::secrets::SecretBox;
use switchboard_store::Store;
use tracing_subscriber::EnvFilter;

use crate::cli::{Cli, Command, LogFormat};

pub fn init_logging(cli: &Cli) {
    // A benchmark prints its table; the servers it runs speak only of problems. Slow statements
    // are what some benchmarks measure (generating data, searching), so they are not reported.
    let default = match cli.command {
        // The emulator's complaints about status webhooks to a server the benchmark already
        // stopped are no news.
        Command::Bench(_) => "warn,sqlx::query=error,switchboard_emulator=error",
        _ => "info,sqlx=warn,tower_http=warn",
    };
    let filter = EnvFilter::try_from_env("RUST_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(ref args) => serve::run(&cli, args).await,
        Command::Demo(ref args) => demo::run(&cli, args).await,
        Command::Migrate => admin::migrate(&cli).await,
        Command::Workspace(ref command) => admin::workspace(&cli, command).await,
        Command::ApiKey(ref command) => admin::api_key(&cli, command).await,
        Command::Staff(ref command) => admin::staff(&cli, command).await,
        Command::Channel(ref command) => admin::channel(&cli, command).await,
        Command::Send(ref args) => admin::send(&cli, args).await,
        Command::Journal(ref command) => journal::run(&cli, command).await,
        Command::Emulator(ref command) => emulator::run(&cli, command).await,
        Command::Bench(ref command) => bench::run(command).await,
    }
}

/// Where the secret key comes from: the environment first, else the key file.
pub fn secret_key_source(cli: &Cli) -> SecretKeySource {
    match std::env::var("SWITCHBOARD_SECRET_KEY") {
        Ok(value) if !value.trim().is_empty() => SecretKeySource::Value(value),
        _ => SecretKeySource::File(cli.secret_key_file.clone()),
    }
}

pub fn secret_box(cli: &Cli) -> anyhow::Result<SecretBox> {
    Ok(SecretBox::load(&secret_key_source(cli))?)
}

/// Connects to the database and applies migrations.
pub async fn open_store(cli: &Cli) -> anyhow::Result<Arc<dyn Store>> {
    switchboard_store::connect(&cli.database_url)
        .await
        .map_err(|e| anyhow::anyhow!("opening the database {}: {e}", switchboard_store::redact(&cli.database_url)))
}
