//! The embedded SQLite backend: one file in WAL mode with `synchronous = FULL` (a commit is on
//! disk before it returns), one writer connection (SQLite has one writer at a time anyway, and a
//! single connection never waits on a lock) and a pool of read-only connections. The bundled
//! SQLite is built to sync with `fdatasync` (`.cargo/config.toml`), as distributions build it.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

use crate::error::StoreResult;

mod ingest_native;
mod journal;
pub(crate) mod raw;

/// The SQLite store.
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

/// This backend's migrations, in order.
fn migrator() -> Migrator {
    crate::migrations::migrator(&[
        (1, "foundation", include_str!("migrations/0001_foundation.sql")),
        (2, "staff", include_str!("migrations/0002_staff.sql")),
        (3, "assignment and notes", include_str!("migrations/0003_assignment_and_notes.sql")),
        (4, "labels, canned responses and snooze", include_str!("migrations/0004_labels_canned_snooze.sql")),
        (5, "staff invitations", include_str!("migrations/0005_staff_invitations.sql")),
        (6, "contact preferences", include_str!("migrations/0006_contact_preferences.sql")),
        (7, "rich content", include_str!("migrations/0007_rich_content.sql")),
        (8, "send pacing", include_str!("migrations/0008_send_pacing.sql")),
        (9, "media", include_str!("migrations/0009_media.sql")),
        (10, "whatsapp matching", include_str!("migrations/0010_whatsapp_matching.sql")),
        (11, "early status details", include_str!("migrations/0011_early_status_details.sql")),
        (12, "email", include_str!("migrations/0012_email.sql")),
        (13, "uploads", include_str!("migrations/0013_uploads.sql")),
        (14, "message words", include_str!("migrations/0014_message_words.sql")),
        (15, "message edits", include_str!("migrations/0015_message_edits.sql")),
        (16, "inbound journal", include_str!("migrations/0016_inbound_journal.sql")),
    ])
}

impl SqliteStore {
    /// A query for the conversations with a message holding every word (the last one as a
    /// prefix): from the FTS5 index, and among the few messages still queued for it, by their
    /// text (`0014_message_words.sql`).
    pub(crate) fn push_message_words(sql: &mut sqlx::QueryBuilder<Sqlite>, words: &[String]) {
        let query: Vec<String> = words
            .iter()
            .enumerate()
            .map(|(i, word)| if i + 1 == words.len() { format!("\"{word}\"*") } else { format!("\"{word}\"") })
            .collect();
        // `cross join` keeps the index first: it hands over the matching rows, each message is
        // then found by its rowid (the other order reads every message).
        sql.push(
            "select m.conversation_id from messages_words w cross join messages m \
             on m.rowid = w.rowid where messages_words match ",
        )
        .push_bind(query.join(" "))
        .push(" union all select m.conversation_id from message_words_queue q cross join messages m on m.rowid = q.message_rowid where 1 = 1");
        for word in words {
            sql.push(" and lower(m.body) like ").push_bind(crate::sql::inbox::like_pattern(word)).push(" escape '\\'");
        }
    }

    /// Moves up to `batch` queued messages into the word index, in one transaction.
    async fn index_words(&self, batch: usize) -> StoreResult<usize> {
        let mut tx = self.begin_write().await?;
        let indexed = sqlx::query(
            "insert into messages_words (rowid, body) select m.rowid, m.body from message_words_queue q \
             join messages m on m.rowid = q.message_rowid order by q.message_rowid limit $1",
        )
        .bind(batch as i64)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query(
            "delete from message_words_queue where message_rowid in \
             (select message_rowid from message_words_queue order by message_rowid limit $1)",
        )
        .bind(batch as i64)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(indexed as usize)
    }

    /// One writer connection already serialises every write: no lock needed.
    pub(crate) const STATUS_KEY_LOCK_SQL: Option<&'static str> = None;

    /// Jobs that are due, or whose lease ran out, are leased in one statement; the single writer
    /// connection makes it atomic.
    pub(crate) const CLAIM_JOBS_SQL: &'static str = "update jobs set state = 'running', lease_owner = $1, \
        lease_until = $2, attempts = attempts + 1, updated_at = $3 \
        where job_id in (select job_id from jobs \
            where (state = 'queued' and run_at <= $3) or (state = 'running' and lease_until < $3) \
            order by run_at limit $4) \
        returning *";

    /// Opens (creating if missing) the database file named by a `sqlite://` URL.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("temp_store", "memory")
            .pragma("cache_size", "-32768")
            .pragma("wal_autocheckpoint", "10000")
            // Bulk statements differ by batch size; keep them all prepared.
            .statement_cache_capacity(2048);
        let writer = SqlitePoolOptions::new()
            // A ping per checkout would cost a round trip to the database thread.
            .test_before_acquire(false)
            .max_connections(1)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.clone())
            .await?;
        let reader = SqlitePoolOptions::new()
            // A ping per checkout would cost a round trip to the database thread.
            .test_before_acquire(false)
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.read_only(true))
            .await?;
        Ok(Self { writer, reader })
    }

    /// Applies every migration not yet applied.
    pub async fn migrate(&self) -> StoreResult<()> {
        migrator().run(&self.writer).await?;
        Ok(())
    }

    pub(crate) fn read_pool(&self) -> &SqlitePool {
        &self.reader
    }

    pub(crate) fn write_pool(&self) -> &SqlitePool {
        &self.writer
    }

    /// Called with the number of messages each ingest batch stored. SQLite's planner needs no
    /// statistics to pick the lookup keys, so there is nothing to keep.
    pub(crate) fn messages_stored(&self, _count: usize) {}

    /// `BEGIN IMMEDIATE` takes the write lock up front, so a transaction never fails half-way
    /// because another process (an admin command) wrote in between.
    pub(crate) async fn begin_write(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        Ok(self.writer.begin_with("BEGIN IMMEDIATE").await?)
    }
}

crate::sql::impl_shared_repos!(SqliteStore, Sqlite);

/// One process is the only node: its in-process broadcast is the whole feed.
#[async_trait]
impl crate::repo::ChangeFeedRepo for SqliteStore {
    fn shares_changes(&self) -> bool {
        false
    }

    async fn announce_change(&self, _payload: &str) -> StoreResult<()> {
        Ok(())
    }

    async fn listen_for_changes(&self) -> StoreResult<Option<tokio::sync::mpsc::Receiver<crate::repo::ChangeNotice>>> {
        Ok(None)
    }
}

#[async_trait]
impl crate::repo::HealthRepo for SqliteStore {
    async fn check_ready(&self) -> StoreResult<()> {
        crate::migrations::check_applied(&migrator(), &self.reader).await
    }

    fn backend(&self) -> &'static str {
        "sqlite"
    }
}
