//! `switchboard bench`: load generators that measure, never assert.

use crate::cli::BenchCommand;

pub async fn run(command: &BenchCommand) -> anyhow::Result<()> {
    match command {
        BenchCommand::Ingest(args) => crate::bench::ingest::run(args).await,
        BenchCommand::Inbox(args) => crate::bench::inbox::run(args).await,
        BenchCommand::WhatsappRate(args) => crate::bench::whatsapp_rate::run(args).await,
    }
}
