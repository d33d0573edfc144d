//! The inbound journal on SQLite: a batch of entries is appended through SQLite's C API on the
//! committer's thread (as a batch of webhooks is stored, see `ingest_native.rs`), one compiled
//! insert run per entry inside one `BEGIN IMMEDIATE` … `COMMIT`. One process owns the database
//! file, so working the journal off is always this node's turn.

use super::SqliteStore;
use super::raw::{Connection, Value};
use crate::StoreResult;

impl SqliteStore {
    /// Appends journal entries, in order, in one transaction.
    pub(crate) async fn append_journal(&self, entries: &[String]) -> StoreResult<()> {
        let mut writer = self.write_pool().acquire().await?;
        let mut handle = writer.lock_handle().await?;
        let conn = Connection::of(&mut handle);
        let transaction = conn.begin_immediate()?;
        {
            let mut insert = conn.prepare("insert into inbound_journal (entry) values (?1)")?;
            for entry in entries {
                insert.run(&[Value::Text(entry)])?;
            }
        }
        transaction.commit()?;
        Ok(())
    }

    pub(crate) async fn take_journal_turn(&self) -> StoreResult<Option<()>> {
        Ok(Some(()))
    }

    pub(crate) async fn end_journal_turn(&self, _turn: ()) {}
}
