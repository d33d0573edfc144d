//! `switchboard journal`: the inbound journal's depth, the webhooks set aside in it because they
//! could not be stored in full, and putting them back in line once their cause is fixed.

use serde::Serialize;
use switchboard_server::clock::rfc3339;
use switchboard_store::writes::{JournalDepth, SetAsideEntry};

use crate::cli::{Cli, JournalCommand};
use crate::output::print;

/// `journal list` as `--json` prints it.
#[derive(Serialize)]
struct JournalView {
    #[serde(flatten)]
    depth: JournalDepth,
    set_aside_entries: Vec<SetAsideView>,
}

#[derive(Serialize)]
struct SetAsideView {
    journal_id: i64,
    failure: String,
    /// What the entry says of itself; absent when it cannot be read.
    received_at: Option<String>,
    workspace_id: Option<String>,
    channel_id: Option<String>,
    provider: Option<String>,
    provider_message_ids: Vec<String>,
}

impl SetAsideView {
    fn new(entry: SetAsideEntry) -> Self {
        let webhook = entry.webhook.as_ref();
        Self {
            journal_id: entry.journal_id,
            failure: entry.failure,
            received_at: webhook.map(|w| rfc3339(w.received_at)),
            workspace_id: webhook.map(|w| w.workspace_id.to_string()),
            channel_id: webhook.map(|w| w.channel_id.to_string()),
            provider: webhook.map(|w| w.provider.as_str().to_owned()),
            provider_message_ids: webhook
                .map(|w| w.events.iter().filter_map(|e| e.provider_message_id().map(str::to_owned)).collect())
                .unwrap_or_default(),
        }
    }

    fn describe(&self) -> String {
        let about = match (&self.received_at, &self.provider, &self.channel_id) {
            (Some(at), Some(provider), Some(channel)) => {
                let ids = match self.provider_message_ids.as_slice() {
                    [] => String::new(),
                    ids => format!(" ({})", ids.join(", ")),
                };
                format!("{provider} webhook received {at} for channel {channel}{ids}")
            }
            _ => "an entry that cannot be read".to_owned(),
        };
        format!("  {:>6}  {about}\n          could not be stored: {}", self.journal_id, self.failure)
    }
}

pub async fn run(cli: &Cli, command: &JournalCommand) -> anyhow::Result<()> {
    let store = super::open_store(cli).await?;
    match command {
        JournalCommand::List { limit } => {
            let depth = store.journal_depth().await?;
            let entries = store.set_aside_journal_entries(*limit).await?;
            let view = JournalView { depth, set_aside_entries: entries.into_iter().map(SetAsideView::new).collect() };
            print(cli.json, &view, || {
                let mut text = format!(
                    "{} webhook(s) wait to be stored in full; {} set aside.",
                    view.depth.waiting, view.depth.set_aside
                );
                for entry in &view.set_aside_entries {
                    text.push('\n');
                    text.push_str(&entry.describe());
                }
                if !view.set_aside_entries.is_empty() {
                    text.push_str("\nOnce the cause is fixed: switchboard journal retry ID... (or --all)");
                }
                text
            });
        }
        JournalCommand::Retry { ids, all } => {
            let which = if *all { None } else { Some(ids.as_slice()) };
            let retried = store.retry_set_aside_journal_entries(which).await?;
            if let Some(ids) = which {
                anyhow::ensure!(
                    retried as usize == ids.len(),
                    "{} of the {} ids given are not set-aside journal entries; see `switchboard journal list` \
                     ({retried} put back in line)",
                    ids.len() - retried as usize,
                    ids.len()
                );
            }
            print(cli.json, &serde_json::json!({ "retried": retried }), || {
                format!("{retried} webhook(s) put back in line; a running server stores them within a second.")
            });
        }
    }
    Ok(())
}
