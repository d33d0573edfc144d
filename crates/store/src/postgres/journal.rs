//! The inbound journal on PostgreSQL: a batch of entries is appended in one statement (one array
//! bound, one round trip) on the committers' pool. Several nodes may share the database, and a
//! journal entry must be stored in full in order with its sender's others, so one node at a time
//! works the journal off: the one holding a session advisory lock, taken per turn. A node that
//! dies mid-turn drops its connection and with it the lock; the next turn stores again what it
//! had not deleted, which finds those messages stored and changes nothing.

use sqlx::Postgres;
use sqlx::pool::PoolConnection;

use super::PgStore;
use crate::StoreResult;

/// The advisory lock that makes a turn at the journal ("switchboard journal" in ASCII, cut to
/// 63 bits); no other lock of ours uses it.
const JOURNAL_LOCK: i64 = 0x7377_626a_6f75_726e;

impl PgStore {
    /// Appends journal entries, in order, in one statement.
    pub(crate) async fn append_journal(&self, entries: &[String]) -> StoreResult<()> {
        sqlx::query("insert into inbound_journal (entry) select * from unnest($1::text[])")
            .bind(entries)
            .execute(self.ingest_pool())
            .await?;
        Ok(())
    }

    /// A turn at the journal (the connection holding its lock), or `None` when another node
    /// holds it.
    pub(crate) async fn take_journal_turn(&self) -> StoreResult<Option<JournalTurn>> {
        let mut conn = self.write_pool().acquire().await?;
        let locked: bool =
            sqlx::query_scalar("select pg_try_advisory_lock($1)").bind(JOURNAL_LOCK).fetch_one(&mut *conn).await?;
        Ok(locked.then_some(JournalTurn { conn, released: false }))
    }

    /// Releases the journal's lock.
    pub(crate) async fn end_journal_turn(&self, mut turn: JournalTurn) {
        let released = sqlx::query("select pg_advisory_unlock($1)").bind(JOURNAL_LOCK).execute(&mut *turn.conn).await;
        match released {
            Ok(_) => turn.released = true,
            Err(error) => tracing::warn!(%error, "releasing the journal's lock failed; closing its connection"),
        }
    }
}

/// The connection that holds the journal's lock. Dropped without the lock released (an error,
/// a cancelled turn) it is closed instead of going back to the pool, which releases the lock.
pub(crate) struct JournalTurn {
    conn: PoolConnection<Postgres>,
    released: bool,
}

impl Drop for JournalTurn {
    fn drop(&mut self) {
        if !self.released {
            self.conn.close_on_drop();
        }
    }
}
