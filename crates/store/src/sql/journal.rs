//! The inbound journal (`inbound_journal`), shared by both backends. Under load the webhook
//! handlers' committers answer a verified webhook once it is kept here (one cheap append per
//! webhook, in one transaction per batch), and the journal worker stores the oldest entries in
//! full, as `ingest_batch` stores a batch handed to it directly, then deletes them. Each backend
//! appends its own fastest way (`append_journal`) and says whose turn it is to work the journal
//! off (`take_journal_turn`: always ours on SQLite, one node at a time on PostgreSQL).
//!
//! An entry stored in full but not yet deleted when the process dies is stored again after the
//! restart: its messages are then recognised as retries by their provider ids, so it never
//! becomes a second message (the webhook log shows the repeat as a duplicate). An entry that
//! cannot be stored keeps its reason in `failure` and is skipped until an operator puts it back
//! in line (`switchboard journal retry`).

use crate::StoreResult;
use crate::error::StoreError;
use crate::writes::InboundWrite;

/// A webhook as the journal keeps it. Files that came inside a webhook are not kept there, so
/// such a webhook is refused: it must be stored in full directly.
pub(crate) fn encode(write: &InboundWrite) -> StoreResult<String> {
    if !write.media.is_empty() {
        return Err(StoreError::Conflict("a webhook with files of its own cannot be journaled".into()));
    }
    serde_json::to_string(write).map_err(|e| StoreError::corrupt(format!("journal entry: {e}")))
}

/// A journal entry read back; `Err` holds why it cannot be (a version that wrote it differently).
pub(crate) fn decode(entry: &str) -> Result<InboundWrite, String> {
    serde_json::from_str(entry).map_err(|e| format!("the journal entry cannot be read: {e}"))
}

/// Stamps out the journal's operations that both backends share. The backend provides
/// `append_journal`, `take_journal_turn` and `end_journal_turn`.
macro_rules! impl_journal {
    ($store:ty, $db:ty) => {
        impl $store {
            /// Stores up to `limit` of the oldest journal entries in full and deletes them; an
            /// entry that cannot be stored keeps its reason and is not tried again.
            pub(crate) async fn work_off_journal_entries(
                &self,
                limit: usize,
            ) -> $crate::StoreResult<Vec<$crate::writes::JournaledOutcome>> {
                use sqlx::Row;
                let rows = sqlx::query(
                    "select journal_id, entry from inbound_journal where failure is null \
                     order by journal_id limit $1",
                )
                .bind(limit as i64)
                .fetch_all(self.read_pool())
                .await?;
                let mut ids = Vec::with_capacity(rows.len());
                let mut writes = Vec::with_capacity(rows.len());
                let mut failures = Vec::new();
                for row in &rows {
                    let id: i64 = row.try_get("journal_id")?;
                    let entry: String = row.try_get("entry")?;
                    match $crate::sql::journal::decode(&entry) {
                        Ok(write) => {
                            ids.push(id);
                            writes.push(write);
                        }
                        Err(reason) => failures.push((id, reason)),
                    }
                }
                let outcomes = if writes.is_empty() {
                    Vec::new()
                } else {
                    $crate::repo::IngestRepo::ingest_batch(self, &writes).await?
                };
                let mut stored = Vec::with_capacity(ids.len());
                let mut worked = Vec::with_capacity(ids.len());
                for ((id, write), outcome) in ids.into_iter().zip(writes).zip(outcomes) {
                    match &outcome {
                        Ok(_) => stored.push(id),
                        Err(error) => failures.push((id, error.to_string())),
                    }
                    worked.push($crate::writes::JournaledOutcome { write, outcome });
                }
                if !stored.is_empty() {
                    let mut delete =
                        sqlx::QueryBuilder::<$db>::new("delete from inbound_journal where journal_id in (");
                    let mut list = delete.separated(", ");
                    for id in stored {
                        list.push_bind(id);
                    }
                    delete.push(")").build().execute(self.write_pool()).await?;
                }
                for (id, reason) in failures {
                    tracing::error!(
                        journal_id = id,
                        %reason,
                        "a journaled webhook could not be stored; it stays in the journal, set aside"
                    );
                    sqlx::query("update inbound_journal set failure = $1 where journal_id = $2")
                        .bind(reason)
                        .bind(id)
                        .execute(self.write_pool())
                        .await?;
                }
                Ok(worked)
            }

            pub(crate) async fn count_journal_entries(&self) -> $crate::StoreResult<$crate::writes::JournalDepth> {
                let (waiting, set_aside): (i64, i64) = sqlx::query_as(
                    "select (select count(*) from inbound_journal where failure is null), \
                     (select count(*) from inbound_journal where failure is not null)",
                )
                .fetch_one(self.read_pool())
                .await?;
                Ok($crate::writes::JournalDepth { waiting: waiting as u64, set_aside: set_aside as u64 })
            }

            pub(crate) async fn list_set_aside_entries(
                &self,
                limit: u32,
            ) -> $crate::StoreResult<Vec<$crate::writes::SetAsideEntry>> {
                let rows: Vec<(i64, String, String)> = sqlx::query_as(
                    "select journal_id, entry, failure from inbound_journal where failure is not null \
                     order by journal_id limit $1",
                )
                .bind(i64::from(limit))
                .fetch_all(self.read_pool())
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(journal_id, entry, failure)| $crate::writes::SetAsideEntry {
                        journal_id,
                        failure,
                        webhook: $crate::sql::journal::decode(&entry).ok(),
                    })
                    .collect())
            }

            pub(crate) async fn retry_set_aside_entries(&self, journal_ids: Option<&[i64]>) -> $crate::StoreResult<u64> {
                let mut update =
                    sqlx::QueryBuilder::<$db>::new("update inbound_journal set failure = null where failure is not null");
                if let Some(ids) = journal_ids {
                    if ids.is_empty() {
                        return Ok(0);
                    }
                    update.push(" and journal_id in (");
                    let mut list = update.separated(", ");
                    for id in ids {
                        list.push_bind(*id);
                    }
                    update.push(")");
                }
                Ok(update.build().execute(self.write_pool()).await?.rows_affected())
            }
        }
    };
}
pub(crate) use impl_journal;
