//! Storing a batch of webhooks in bulk on PostgreSQL: two round trips per batch (one query that
//! finds retries and known senders together, then one write script of the batch's plan, see
//! `script.rs`) instead of a handful of statements per webhook. Lists are bound as arrays, so
//! the statements' texts do not change with a batch's size and stay prepared. Status reports,
//! which touch one row each, are applied one by one before the script.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::{PgConnection, Postgres, QueryBuilder};
use switchboard_domain::{ChannelId, IdentityKind, WorkspaceId};

use super::PgStore;
use super::script::Script;
use crate::StoreResult;
use crate::sql::decode::get;
use crate::sql::ingest_plan::{BatchPlan, Candidate, Lookups, Sender, candidates};
use crate::sql::ingest_rows::{NewContactRow, NewIdentityRow};
use crate::writes::{InboundOutcome, InboundWrite};

impl PgStore {
    /// Stores a batch in bulk: reads first, then status reports one by one (each atomic and
    /// idempotent), then everything else in one write script that commits as a unit.
    pub(crate) async fn ingest_bulk(&self, writes: &[InboundWrite]) -> StoreResult<Vec<InboundOutcome>> {
        let candidates = candidates(writes);
        let mut writer = self.ingest_pool().acquire().await?;
        let lookups =
            if candidates.is_empty() { Lookups::default() } else { lookups(&mut writer, writes, &candidates).await? };
        let mut plan = BatchPlan::new(writes, candidates, lookups);
        Self::apply_reports(&mut writer, writes, &mut plan.outcomes).await?;

        let mut script = Script::new();
        let new_senders = &plan.new_senders;
        script.rows(new_senders.iter().map(NewContactRow));
        script.rows(new_senders.iter().map(NewIdentityRow));
        if !plan.renames.is_empty() {
            let (names, contacts): (Vec<String>, Vec<uuid::Uuid>) =
                plan.renames.iter().map(|rename| (rename.name.to_owned(), rename.contact_id.0)).unzip();
            let part = script.part();
            part.push("update contacts c set display_name = r.name from unnest(")
                .push_bind(names)
                .push("::text[], ")
                .push_bind(contacts)
                .push("::uuid[]) as r (name, contact_id) where c.contact_id = r.contact_id and c.display_name is null");
        }
        script.rows(&plan.conversations);
        script.rows(&plan.spans);
        script.rows(&plan.messages);
        script.rows(&plan.opt_outs);
        script.rows(&plan.jobs);
        let events = plan.webhook_events(writes);
        script.rows(&events);
        if let Some(mut query) = script.finish() {
            query.build().execute(&mut *writer).await?;
        }
        Ok(plan.outcomes)
    }
}

/// What the batch needs to know before writing, in one round trip: which provider ids are
/// already stored (by channel), and which senders are already known.
async fn lookups(
    conn: &mut PgConnection,
    writes: &[InboundWrite],
    candidates: &[Candidate<'_>],
) -> StoreResult<Lookups> {
    let mut ids_by_channel: BTreeMap<ChannelId, BTreeSet<&str>> = BTreeMap::new();
    let mut senders_by_group: BTreeMap<(WorkspaceId, &str), BTreeSet<&str>> = BTreeMap::new();
    for (w, message) in candidates {
        ids_by_channel.entry(writes[*w].channel_id).or_default().insert(&message.provider_message_id);
        senders_by_group
            .entry((writes[*w].workspace_id, message.from.kind.as_str()))
            .or_default()
            .insert(&message.from.value);
    }
    // Stored ids first, then senders; the branches' columns line up, unused ones null. Each list
    // is one array, so the query's text does not change with the batch's size.
    let mut query = QueryBuilder::<Postgres>::new("");
    for (branch, (channel, ids)) in ids_by_channel.iter().enumerate() {
        if branch > 0 {
            query.push(" union all ");
        }
        query.push(
            "select 'stored' as found, m.channel_id as owner_id, m.provider_message_id as value, \
             null as kind, null as identity_id, null as contact_id, null as display_name, \
             null as conversation_id from messages m where m.channel_id = ",
        );
        let ids: Vec<&str> = ids.iter().copied().collect();
        query.push_bind(channel.0).push(" and m.provider_message_id = any(").push_bind(ids).push("::text[])");
    }
    for ((workspace_id, kind), values) in &senders_by_group {
        query.push(
            " union all select 'sender', i.workspace_id, i.value, i.kind, i.identity_id, i.contact_id, \
             c.display_name, v.conversation_id \
             from contact_identities i join contacts c on c.contact_id = i.contact_id \
             left join conversations v on v.workspace_id = i.workspace_id and v.contact_id = i.contact_id \
             where i.workspace_id = ",
        );
        let values: Vec<&str> = values.iter().copied().collect();
        query.push_bind(workspace_id.0).push(" and i.kind = ").push_bind(*kind);
        query.push(" and i.value = any(").push_bind(values).push("::text[])");
    }
    let mut lookups = Lookups::default();
    for row in query.build().fetch_all(&mut *conn).await? {
        let found: String = get!(&row, "found");
        let owner: uuid::Uuid = get!(&row, "owner_id");
        let value: String = get!(&row, "value");
        if found == "stored" {
            lookups.stored.entry(ChannelId(owner)).or_default().insert(value);
            continue;
        }
        let name: Option<String> = get!(&row, "display_name");
        let kind: IdentityKind = get!(&row, "kind" as IdentityKind);
        lookups.senders.insert(
            (WorkspaceId(owner), kind, value),
            Sender {
                identity_id: get!(&row, "identity_id" as id IdentityId),
                contact_id: get!(&row, "contact_id" as id ContactId),
                conversation_id: get!(&row, "conversation_id" as opt_id ConversationId).unwrap_or_default(),
                named: name.is_some(),
            },
        );
    }
    Ok(lookups)
}
