//! The PostgreSQL backend, for several Switchboard nodes on one database. Jobs are claimed with
//! `FOR UPDATE SKIP LOCKED`, so nodes never hand the same job to two workers.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres, Transaction};

use crate::error::StoreResult;

mod change_feed;
mod ingest_bulk;
mod journal;
mod nodelay;
mod script;
mod statistics;

/// The PostgreSQL store.
pub struct PgStore {
    pool: PgPool,
    /// The ingest committers' connections (see [`Self::connect`]).
    ingest_pool: PgPool,
    statistics: std::sync::Arc<statistics::StatisticsKeeper>,
}

/// This backend's migrations, in order.
fn migrator() -> Migrator {
    crate::migrations::migrator(&[
        (1, "foundation", include_str!("migrations/0001_foundation.sql")),
        (2, "hot path keys", include_str!("migrations/0002_hot_path_keys.sql")),
        (3, "staff", include_str!("migrations/0003_staff.sql")),
        (4, "assignment and notes", include_str!("migrations/0004_assignment_and_notes.sql")),
        (5, "labels, canned responses and snooze", include_str!("migrations/0005_labels_canned_snooze.sql")),
        (6, "staff invitations", include_str!("migrations/0006_staff_invitations.sql")),
        (7, "contact preferences", include_str!("migrations/0007_contact_preferences.sql")),
        (8, "rich content", include_str!("migrations/0008_rich_content.sql")),
        (9, "send pacing", include_str!("migrations/0009_send_pacing.sql")),
        (10, "media", include_str!("migrations/0010_media.sql")),
        (11, "whatsapp matching", include_str!("migrations/0011_whatsapp_matching.sql")),
        (12, "early status details", include_str!("migrations/0012_early_status_details.sql")),
        (13, "email", include_str!("migrations/0013_email.sql")),
        (14, "uploads", include_str!("migrations/0014_uploads.sql")),
        (15, "message words", include_str!("migrations/0015_message_words.sql")),
        (16, "message edits", include_str!("migrations/0016_message_edits.sql")),
        (17, "inbound journal", include_str!("migrations/0017_inbound_journal.sql")),
    ])
}

impl PgStore {
    /// A query for the conversations with a message holding every word (the last one as a
    /// prefix), from the GIN index of the bodies' words (`0015_message_words.sql`).
    pub(crate) fn push_message_words(sql: &mut sqlx::QueryBuilder<Postgres>, words: &[String]) {
        let query: Vec<String> = words
            .iter()
            .enumerate()
            .map(|(i, word)| if i + 1 == words.len() { format!("{word}:*") } else { word.clone() })
            .collect();
        sql.push(
            "select m.conversation_id from messages m where to_tsvector('simple', m.body) @@ to_tsquery('simple', ",
        )
        .push_bind(query.join(" & "))
        .push(")");
    }

    /// The GIN index follows each write: nothing to catch up.
    async fn index_words(&self, _batch: usize) -> StoreResult<usize> {
        Ok(0)
    }

    /// Two transactions about one sent message (its status report, the recording of its send)
    /// take this lock, held to their end, so that neither misses what the other wrote.
    pub(crate) const STATUS_KEY_LOCK_SQL: Option<&'static str> =
        Some("select pg_advisory_xact_lock(hashtextextended($1, 0))");

    pub(crate) const CLAIM_JOBS_SQL: &'static str = "update jobs set state = 'running', lease_owner = $1, \
        lease_until = $2, attempts = attempts + 1, updated_at = $3 \
        where job_id in (select job_id from jobs \
            where (state = 'queued' and run_at <= $3) or (state = 'running' and lease_until < $3) \
            order by run_at limit $4 for update skip locked) \
        returning *";

    /// Connects to the database named by a `postgres://` URL.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        // Keep every statement prepared: the inbox's queries differ by their filters.
        let options = PgConnectOptions::from_str(url)?.statement_cache_capacity(2048);
        let pool = Self::pool(16).connect_with(options.clone()).await?;
        // The ingest path runs a few statements whose texts never change with the batch, over
        // and over; planned afresh for each batch's values they cost a sixth of the database's
        // time. Their best plan does not depend on the values (unique keys looked up by lists),
        // so their connections plan each statement once; ANALYZE still invalidates the plan.
        let ingest_options = options.options([("plan_cache_mode", "force_generic_plan")]);
        let ingest_pool = Self::pool(4).connect_with(ingest_options).await?;
        let statistics = statistics::StatisticsKeeper::load(&pool).await?;
        Ok(Self { pool, ingest_pool, statistics })
    }

    /// A pool of up to `size` connections. No ping per checkout: a broken connection shows on
    /// first use and the pool replaces it.
    fn pool(size: u32) -> PgPoolOptions {
        PgPoolOptions::new()
            .max_connections(size)
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(|conn, _| Box::pin(nodelay::disable_nagle(conn)))
    }

    /// Applies every migration not yet applied (under PostgreSQL's advisory lock, so two nodes
    /// starting at once do not race).
    pub async fn migrate(&self) -> StoreResult<()> {
        migrator().run(&self.pool).await?;
        Ok(())
    }

    pub(crate) fn read_pool(&self) -> &PgPool {
        &self.pool
    }

    pub(crate) fn write_pool(&self) -> &PgPool {
        &self.pool
    }

    /// The connections the ingest committers store batches on.
    pub(crate) fn ingest_pool(&self) -> &PgPool {
        &self.ingest_pool
    }

    /// Called with the number of messages each ingest batch stored.
    pub(crate) fn messages_stored(&self, count: usize) {
        self.statistics.stored(&self.pool, count);
    }

    pub(crate) async fn begin_write(&self) -> StoreResult<Transaction<'static, Postgres>> {
        Ok(self.pool.begin().await?)
    }
}

crate::sql::impl_shared_repos!(PgStore, Postgres);

#[async_trait]
impl crate::repo::HealthRepo for PgStore {
    async fn check_ready(&self) -> StoreResult<()> {
        crate::migrations::check_applied(&migrator(), &self.pool).await
    }

    fn backend(&self) -> &'static str {
        "postgres"
    }
}
