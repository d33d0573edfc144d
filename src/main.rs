//! The `switchboard` binary: parses the command line and hands each verb to its command module.
//! Everything it does lives in the library crates; this file only wires them.

mod bench;
mod cli;
mod commands;
mod output;

use clap::Parser;

/// mimalloc instead of the system's allocator. A webhook's parts are allocated by the HTTP
/// thread that parsed it and freed by the committer's thread that stored it; glibc's malloc
/// serves frees from another thread through locked arena bins, and under load that cost the
/// ingest path about as much CPU per webhook as storing it (`docs/benchmarks.md`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let cli = cli::Cli::parse();
    commands::init_logging(&cli);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(commands::run(cli))
}
