//! `switchboard bench`: load generators that measure, never assert.

use crate::cli::BenchCommand;

pub async fn run(command: &BenchCommand) -> anyhow::Result<()> {
    match command {
        BenchCommand::Ingest(args) => switchboard_bench_ingest(args).await,
    }
}

async fn switchboard_bench_ingest(_args: &crate::cli::BenchIngestArgs) -> anyhow::Result<()> {
    anyhow::bail!("the ingest benchmark is being written")
}
