//! Storing a batch of webhooks on SQLite through its C API, on the committer's own thread.
//!
//! sqlx runs each SQLite connection on a worker thread and hands every statement, and every
//! row and result back, across threads; under load each handoff wakes a thread, and on two
//! cores the writer was preempted by the threads it woke. Here the writer connection is locked
//! out from its worker for the batch (`lock_handle`), and the lookups and writes run as plain
//! calls: each kind of row is one compiled statement run once per row, in one `BEGIN
//! IMMEDIATE` … `COMMIT`. What the batch writes is decided by the shared plan
//! (`sql/ingest_plan.rs`), as on PostgreSQL.

use std::collections::HashSet;

use switchboard_domain::{ContactId, ConversationId, IdentityId};

use super::SqliteStore;
use super::raw::{Connection, Statement, Value};
use crate::StoreResult;
use crate::error::StoreError;
use crate::sql::ingest_plan::{BatchPlan, Candidate, Lookups, Sender, candidates};
use crate::sql::ingest_rows::{NewContactRow, NewIdentityRow, Param, PlannedRow, Rename};
use crate::writes::{InboundOutcome, InboundWrite};

impl SqliteStore {
    /// Stores a batch: status reports first, one by one (each atomic and idempotent), then the
    /// lookups and every write of the batch's plan in one transaction.
    pub(crate) async fn ingest_bulk(&self, writes: &[InboundWrite]) -> StoreResult<Vec<InboundOutcome>> {
        let mut writer = self.write_pool().acquire().await?;
        let mut reports = vec![InboundOutcome::default(); writes.len()];
        Self::apply_reports(&mut writer, writes, &mut reports).await?;

        let mut handle = writer.lock_handle().await?;
        let conn = Connection::of(&mut handle);
        let transaction = conn.begin_immediate()?;
        let outcomes = store_batch(&conn, writes, reports)?;
        transaction.commit()?;
        Ok(outcomes)
    }
}

/// Finds what the batch needs, plans it and writes the plan, inside the open transaction.
fn store_batch(
    conn: &Connection<'_>,
    writes: &[InboundWrite],
    reports: Vec<InboundOutcome>,
) -> StoreResult<Vec<InboundOutcome>> {
    let candidates = candidates(writes);
    let lookups = lookups(conn, writes, &candidates)?;
    let mut plan = BatchPlan::new(writes, candidates, lookups);
    for (outcome, report) in plan.outcomes.iter_mut().zip(reports) {
        outcome.statuses_applied = report.statuses_applied;
        outcome.statuses_ignored = report.statuses_ignored;
    }
    write_rows(conn, plan.new_senders.iter().map(NewContactRow))?;
    write_rows(conn, plan.new_senders.iter().map(NewIdentityRow))?;
    if !plan.renames.is_empty() {
        let mut rename =
            conn.prepare("update contacts set display_name = ?1 where contact_id = ?2 and display_name is null")?;
        for Rename { contact_id, name } in &plan.renames {
            rename.run(&[Value::Text(name), Value::Blob(contact_id.0.as_bytes())])?;
        }
    }
    write_rows(conn, &plan.conversations)?;
    write_rows(conn, &plan.spans)?;
    write_rows(conn, &plan.messages)?;
    write_rows(conn, &plan.opt_outs)?;
    write_rows(conn, &plan.jobs)?;
    let events = plan.webhook_events(writes);
    write_rows(conn, &events)?;
    Ok(plan.outcomes)
}

/// Which provider ids of the batch are stored already, and which senders are known: one
/// compiled query each, run per message and per distinct sender.
fn lookups(conn: &Connection<'_>, writes: &[InboundWrite], candidates: &[Candidate<'_>]) -> StoreResult<Lookups> {
    let mut lookups = Lookups::default();
    if candidates.is_empty() {
        return Ok(lookups);
    }
    let mut stored = conn.prepare("select 1 from messages where channel_id = ?1 and provider_message_id = ?2")?;
    let mut known = conn.prepare(
        "select i.identity_id, i.contact_id, c.display_name is not null, v.conversation_id \
         from contact_identities i join contacts c on c.contact_id = i.contact_id \
         left join conversations v on v.workspace_id = i.workspace_id and v.contact_id = i.contact_id \
         where i.workspace_id = ?1 and i.kind = ?2 and i.value = ?3",
    )?;
    let mut asked = HashSet::new();
    for (w, message) in candidates {
        let write = &writes[*w];
        let id = &message.provider_message_id;
        stored.bind(&[Value::Blob(write.channel_id.0.as_bytes()), Value::Text(id)])?;
        let found = stored.step();
        stored.reset();
        if found? {
            lookups.stored.entry(write.channel_id).or_default().insert(id.clone());
        }
        let key = (write.workspace_id, message.from.kind, message.from.value.clone());
        if !asked.insert(key.clone()) {
            continue;
        }
        known.bind(&[
            Value::Blob(write.workspace_id.0.as_bytes()),
            Value::Text(message.from.kind.as_str()),
            Value::Text(&message.from.value),
        ])?;
        let sender = read_sender(&mut known);
        known.reset();
        if let Some(sender) = sender? {
            lookups.senders.insert(key, sender);
        }
    }
    Ok(lookups)
}

/// The sender on the lookup's current row, if it found one.
fn read_sender(known: &mut Statement<'_>) -> StoreResult<Option<Sender>> {
    if !known.step()? {
        return Ok(None);
    }
    let id = |i| uuid::Uuid::from_slice(known.bytes(i)).map_err(|e| StoreError::corrupt(format!("sender lookup: {e}")));
    Ok(Some(Sender {
        identity_id: IdentityId(id(0)?),
        contact_id: ContactId(id(1)?),
        named: known.int(2) != 0,
        conversation_id: if known.is_null(3) { ConversationId::default() } else { ConversationId(id(3)?) },
    }))
}

/// Writes rows of one kind with one compiled statement, run once per row.
fn write_rows<R: PlannedRow>(conn: &Connection<'_>, rows: impl IntoIterator<Item = R>) -> StoreResult<()> {
    let mut statement: Option<Statement<'_>> = None;
    for row in rows {
        let params = row.params();
        let statement = match &mut statement {
            Some(statement) => statement,
            None => {
                let placeholders: Vec<String> = (1..=params.len()).map(|i| format!("?{i}")).collect();
                let sql = format!("{}values ({}){}", R::INSERT, placeholders.join(", "), R::ON_CONFLICT);
                statement.insert(conn.prepare(&sql)?)
            }
        };
        let json: Vec<Option<String>> = params
            .iter()
            .map(|param| match param {
                Param::Json(value) | Param::OptJson(Some(value)) => Some(value.to_string()),
                _ => None,
            })
            .collect();
        let values: Vec<Value<'_>> = params.iter().zip(&json).map(|(param, json)| value(param, json)).collect();
        statement.run(&values)?;
    }
    Ok(())
}

/// How SQLite stores a parameter, as sqlx would bind it: ids as 16-byte blobs, booleans as 0
/// and 1, JSON as its text.
fn value<'p>(param: &'p Param<'_>, json: &'p Option<String>) -> Value<'p> {
    match param {
        Param::Id(id) => Value::Blob(id.as_bytes()),
        Param::Int(int) => Value::Int(*int),
        Param::Int32(int) => Value::Int(i64::from(*int)),
        Param::Bool(flag) => Value::Int(i64::from(*flag)),
        Param::Text(text) => Value::Text(text),
        Param::OptText(text) => text.map_or(Value::Null, Value::Text),
        Param::Json(_) | Param::OptJson(_) => json.as_deref().map_or(Value::Null, Value::Text),
    }
}
