//! The journal worker: stores the webhooks answered from the inbound journal (see `ingest.rs`)
//! in full, oldest first, `CHUNK` at a time, and announces each as a webhook stored directly
//! is announced (metrics, the dispatcher, the live views).
//!
//! Through a burst, answering comes first: while this node's committers are still journaling
//! and the oldest webhook waiting was received less than `LAG_BUDGET` ago, the worker rests
//! between chunks, so that providers are answered at the pace of appending to the journal. When
//! the burst ends it works without rest until the journal is empty. When a burst outlasts the
//! budget, it works without rest too: the committers then get the writer only between its
//! chunks, and answering slows to the pace of storing in full, so the journal never lags much
//! more than the budget. It also looks once a second, for what a node that died left behind,
//! and on shutdown it empties the journal first.

use std::time::{Duration, Instant};

use switchboard_store::writes::JournaledOutcome;
use tokio::sync::watch;

use crate::clock::now_ms;
use crate::ingest::JournalState;
use crate::state::AppState;

/// Journaled webhooks stored in full per transaction: enough to store them in bulk, few enough
/// that a webhook being answered meanwhile waits only briefly for the writer.
const CHUNK: usize = 128;
/// How far the journal may fall behind through a burst before storing takes precedence over
/// answering: a customer's message shows in the inbox at most about this much later.
const LAG_BUDGET: Duration = Duration::from_secs(2);
/// How often a resting worker checks whether the committers are still journaling.
const REST_STEP: Duration = Duration::from_millis(20);
const IDLE: Duration = Duration::from_secs(1);
/// How long to wait when another node holds the journal.
const OTHER_NODES_TURN: Duration = Duration::from_millis(100);

/// Runs until `shutdown` turns true, then stores what the journal still holds (what it cannot,
/// after an error, is stored after the restart).
pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let journal = state.ingest.journal().clone();
    while !*shutdown.borrow() {
        let appends = journal.appends();
        match state.store.work_off_journal(CHUNK).await {
            Ok(Some(worked)) if worked.is_empty() => {
                journal.settle(appends);
                tokio::select! {
                    _ = journal.appended() => {}
                    _ = tokio::time::sleep(IDLE) => {}
                    _ = shutdown.changed() => {}
                }
            }
            Ok(Some(worked)) => {
                announce(&state, &worked);
                // The oldest webhook still waiting came after the last one stored.
                let last_received = worked.last().map_or(0, |item| item.write.received_at);
                let lag = Duration::from_millis(now_ms().saturating_sub(last_received).max(0) as u64);
                if let Some(budget_left) = LAG_BUDGET.checked_sub(lag) {
                    rest_while_journaling(&journal, budget_left, &mut shutdown).await;
                }
            }
            Ok(None) => pause(OTHER_NODES_TURN, &mut shutdown).await,
            Err(error) => {
                tracing::warn!(%error, "storing journaled webhooks failed; trying again shortly");
                pause(IDLE, &mut shutdown).await;
            }
        }
    }
    while let Ok(Some(worked)) = state.store.work_off_journal(CHUNK).await {
        if worked.is_empty() {
            break;
        }
        announce(&state, &worked);
    }
}

/// Rests for as long as the committers keep journaling, `budget` at most.
async fn rest_while_journaling(journal: &JournalState, budget: Duration, shutdown: &mut watch::Receiver<bool>) {
    let until = Instant::now() + budget;
    while Instant::now() < until {
        let appends = journal.appends();
        pause(REST_STEP.min(until - Instant::now()), shutdown).await;
        if journal.appends() == appends || *shutdown.borrow() {
            return;
        }
    }
}

async fn pause(duration: Duration, shutdown: &mut watch::Receiver<bool>) {
    tokio::select! {
        _ = tokio::time::sleep(duration) => {}
        _ = shutdown.changed() => {}
    }
}

fn announce(state: &AppState, worked: &[JournaledOutcome]) {
    for item in worked {
        match &item.outcome {
            Ok(outcome) => {
                crate::http::webhooks::announce(state, item.write.workspace_id, item.write.provider, outcome)
            }
            Err(_) => crate::http::webhooks::count(item.write.provider, "error"),
        }
    }
}
