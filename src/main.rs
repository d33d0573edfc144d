//! The `switchboard` binary: parses the command line and hands each verb to its command module.
//! Everything it does lives in the library crates; this file only wires them.

mod bench;
mod cli;
mod commands;
mod output;

use clap::Parser;

fn main() -> anyhow::Result<()> {
    let cli = cli::Cli::parse();
    commands::init_logging(&cli);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(commands::run(cli))
}
