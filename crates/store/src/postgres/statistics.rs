//! Planner statistics for a young database. PostgreSQL plans from the statistics that
//! autovacuum gathers, at most once a minute and only after a table grew by a tenth. A new
//! deployment's tables go from empty to thousands of rows in that minute, and without
//! statistics the planner takes them for tiny and scans where it should look up: the ingest
//! lookups then read every row of a channel. So the hot tables are analyzed here each time the
//! number of stored messages has doubled, until autovacuum's own rule is good enough.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use sqlx::PgPool;

/// Beyond this many messages a table's growth of a tenth takes long enough for autovacuum.
const HANDED_TO_AUTOVACUUM: i64 = 1_000_000;
/// The first analysis, counted in messages stored since the start.
const FIRST_ANALYSIS: i64 = 500;
/// The tables the ingest path looks up.
const HOT_TABLES: &str = "analyze messages, contact_identities, contacts, conversations, conversation_channels";

/// Counts messages stored and analyzes the hot tables when their number has doubled.
pub(crate) struct StatisticsKeeper {
    stored: AtomicI64,
    next_analysis: AtomicI64,
}

impl StatisticsKeeper {
    /// Starts from the table's size as PostgreSQL last recorded it (-1 when never analyzed).
    pub async fn load(pool: &PgPool) -> sqlx::Result<Arc<Self>> {
        let known: f32 = sqlx::query_scalar("select reltuples from pg_class where relname = 'messages'")
            .fetch_optional(pool)
            .await?
            .unwrap_or(-1.0);
        let known = known.max(0.0) as i64;
        Ok(Arc::new(Self {
            stored: AtomicI64::new(known),
            next_analysis: AtomicI64::new((known * 2).max(FIRST_ANALYSIS)),
        }))
    }

    /// Notes `messages` newly stored; analyzes in the background when the count has doubled.
    pub fn stored(&self, pool: &PgPool, messages: usize) {
        let stored = self.stored.fetch_add(messages as i64, Ordering::Relaxed) + messages as i64;
        let next = self.next_analysis.load(Ordering::Relaxed);
        if stored < next || next > HANDED_TO_AUTOVACUUM {
            return;
        }
        if self.next_analysis.compare_exchange(next, stored * 2, Ordering::Relaxed, Ordering::Relaxed).is_err() {
            return;
        }
        let pool = pool.clone();
        tokio::spawn(async move {
            match sqlx::query(HOT_TABLES).execute(&pool).await {
                Ok(_) => tracing::debug!(messages = stored, "analyzed the hot tables"),
                Err(error) => tracing::warn!(%error, "analyzing the hot tables failed; autovacuum will do it later"),
            }
        });
    }
}
