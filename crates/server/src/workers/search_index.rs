//! The search indexer: adds newly written messages to the word index in batches, so that storing a
//! message never pays for the index (on SQLite; PostgreSQL's index follows each write and there is
//! nothing to do). A full batch is followed by the next after a rest three times as long as the
//! batch took, so that while messages pour in the indexer holds the one writer a quarter of the
//! time at most and storing webhooks keeps the rest; otherwise it looks again in a second. Until
//! a message is indexed, search reads its text directly.

use std::time::Duration;

use tokio::sync::watch;

use crate::state::AppState;

/// Messages indexed per transaction: large enough to amortise the index's writes, small enough
/// to hold the writer only briefly, so that no webhook waits long behind it.
const BATCH: usize = 500;
const IDLE: Duration = Duration::from_secs(1);
/// How much longer than its last batch the indexer rests before the next full one.
const REST_PER_BUSY: u32 = 3;

/// Runs until `shutdown` turns true.
pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    while !*shutdown.borrow() {
        let started = std::time::Instant::now();
        let wait = match state.store.index_message_words(BATCH).await {
            Ok(indexed) if indexed == BATCH => started.elapsed() * REST_PER_BUSY,
            Ok(_) => IDLE,
            Err(error) => {
                tracing::warn!(%error, "indexing messages for search failed; trying again shortly");
                IDLE * 5
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = shutdown.changed() => {}
        }
    }
}
