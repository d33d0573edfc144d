//! The search indexer: adds newly written messages to the word index in batches, so that storing a
//! message never pays for the index (on SQLite; PostgreSQL's index follows each write and there is
//! nothing to do). A full batch is followed at once by the next; otherwise it looks again in a
//! second. Until a message is indexed, search reads its text directly.

use std::time::Duration;

use tokio::sync::watch;

use crate::state::AppState;

/// Messages indexed per transaction: large enough to amortise the index's writes, small enough
/// to hold the writer only briefly.
pub const BATCH: usize = 2_000;
const IDLE: Duration = Duration::from_secs(1);

/// Runs until `shutdown` turns true.
pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    while !*shutdown.borrow() {
        let wait = match state.store.index_message_words(BATCH).await {
            Ok(indexed) if indexed == BATCH => Duration::ZERO,
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
