//! Generated inbox data for the inbox render benchmark: many contacts, each with a phone
//! identity, one conversation on one channel and a run of messages, written by the database
//! itself in a few set-based statements (a recursive count on SQLite, `generate_series` on
//! PostgreSQL) so that a million messages take seconds, not the hours the API would.
//! Ids carry their time in their first six bytes, as the UUIDv7 ids Switchboard writes do.
//! Contact `i` has the valid number +1 415 2XX XXXX: `200 + i / 10000`, then `i % 10000`.

use sqlx::{Connection, PgConnection, SqliteConnection};
use switchboard_domain::{ChannelId, WorkspaceId};

use crate::testing::TestDatabase;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct InboxSeed {
    pub workspace_id: WorkspaceId,
    pub channel_id: ChannelId,
    pub conversations: i64,
    pub messages_per_conversation: i64,
    /// The newest conversation's last message; older ones are spaced 20 s apart before it.
    pub newest_at: i64,
}

/// Spacing of the conversations' last activity, and of the messages within one.
const CONVERSATION_GAP_MS: i64 = 20_000;
const MESSAGE_GAP_MS: i64 = 1_000;

/// The statements, in order, with `{N}`, `{M}`, `{T0}`, `{GAP}` and `{MGAP}` to fill in; `$1` is
/// the workspace and `$2` the channel. `{id(ts, tag, i)}` is written out per backend.
const SQLITE: &[&str] = &[
    "with recursive n(i) as (select 0 union all select i + 1 from n where i + 1 < {N}) \
     insert into contacts (contact_id, workspace_id, display_name, created_at, updated_at) \
     select unhex(printf('%012x', {T0} + i * {GAP}) || printf('1%019x', i)), $1, 'Customer ' || i, {T0}, {T0} from n",
    "with recursive n(i) as (select 0 union all select i + 1 from n where i + 1 < {N}) \
     insert into contact_identities (identity_id, workspace_id, contact_id, kind, value, created_at) \
     select unhex(printf('%012x', {T0} + i * {GAP}) || printf('2%019x', i)), $1, \
            unhex(printf('%012x', {T0} + i * {GAP}) || printf('1%019x', i)), 'phone', printf('+1415%03d%04d', 200 + i / 10000, i % 10000), {T0} from n",
    "with recursive n(i) as (select 0 union all select i + 1 from n where i + 1 < {N}) \
     insert into conversations (conversation_id, workspace_id, contact_id, status, last_message_at, last_channel_id, \
            unread_count, created_at, updated_at) \
     select unhex(printf('%012x', {T0} + i * {GAP}) || printf('3%019x', i)), $1, \
            unhex(printf('%012x', {T0} + i * {GAP}) || printf('1%019x', i)), \
            case when i % 7 = 0 then 'resolved' else 'open' end, {T0} + i * {GAP}, $2, i % 3, {T0}, {T0} + i * {GAP} from n",
    "insert into conversation_channels (conversation_id, channel_id, last_inbound_at) \
     select conversation_id, $2, last_message_at from conversations where workspace_id = $1",
    "with recursive n(i) as (select 0 union all select i + 1 from n where i + 1 < {N}), \
          m(j) as (select 0 union all select j + 1 from m where j + 1 < {M}) \
     insert into messages (message_id, workspace_id, conversation_id, contact_id, channel_id, direction, sender_kind, \
            body, attachments, from_address, to_address, provider_message_id, status, received_at, created_at, updated_at) \
     select unhex(printf('%012x', {T0} + i * {GAP} - ({M} - 1 - j) * {MGAP}) || printf('4%03x%016x', j, i)), $1, \
            unhex(printf('%012x', {T0} + i * {GAP}) || printf('3%019x', i)), \
            unhex(printf('%012x', {T0} + i * {GAP}) || printf('1%019x', i)), $2, \
            case when j % 2 = 0 then 'inbound' else 'outbound' end, case when j % 2 = 0 then 'contact' else 'staff' end, \
            'Message ' || j || ' about the appointment of customer ' || i, '[]', printf('+1415%03d%04d', 200 + i / 10000, i % 10000), '+14155550100', \
            printf('SM%030x', i * {M} + j), case when j % 2 = 0 then 'received' else 'delivered' end, \
            {T0} + i * {GAP} - ({M} - 1 - j) * {MGAP}, {T0} + i * {GAP} - ({M} - 1 - j) * {MGAP}, \
            {T0} + i * {GAP} - ({M} - 1 - j) * {MGAP} \
     from n, m",
];

const POSTGRES: &[&str] = &[
    "insert into contacts (contact_id, workspace_id, display_name, created_at, updated_at) \
     select (lpad(to_hex({T0} + i * {GAP}), 12, '0') || '1' || lpad(to_hex(i), 19, '0'))::uuid, $1, 'Customer ' || i, {T0}, {T0} \
     from generate_series(0, {N} - 1) i",
    "insert into contact_identities (identity_id, workspace_id, contact_id, kind, value, created_at) \
     select (lpad(to_hex({T0} + i * {GAP}), 12, '0') || '2' || lpad(to_hex(i), 19, '0'))::uuid, $1, \
            (lpad(to_hex({T0} + i * {GAP}), 12, '0') || '1' || lpad(to_hex(i), 19, '0'))::uuid, 'phone', \
            '+1415' || (200 + i / 10000)::text || lpad((i % 10000)::text, 4, '0'), {T0} \
     from generate_series(0, {N} - 1) i",
    "insert into conversations (conversation_id, workspace_id, contact_id, status, last_message_at, last_channel_id, \
            unread_count, created_at, updated_at) \
     select (lpad(to_hex({T0} + i * {GAP}), 12, '0') || '3' || lpad(to_hex(i), 19, '0'))::uuid, $1, \
            (lpad(to_hex({T0} + i * {GAP}), 12, '0') || '1' || lpad(to_hex(i), 19, '0'))::uuid, \
            case when i % 7 = 0 then 'resolved' else 'open' end, {T0} + i * {GAP}, $2, i % 3, {T0}, {T0} + i * {GAP} \
     from generate_series(0, {N} - 1) i",
    "insert into conversation_channels (conversation_id, channel_id, last_inbound_at) \
     select conversation_id, $2, last_message_at from conversations where workspace_id = $1",
    "insert into messages (message_id, workspace_id, conversation_id, contact_id, channel_id, direction, sender_kind, \
            body, attachments, from_address, to_address, provider_message_id, status, received_at, created_at, updated_at) \
     select (lpad(to_hex({T0} + i * {GAP} - ({M} - 1 - j) * {MGAP}), 12, '0') || '4' || lpad(to_hex(j), 3, '0') \
                || lpad(to_hex(i), 16, '0'))::uuid, $1, \
            (lpad(to_hex({T0} + i * {GAP}), 12, '0') || '3' || lpad(to_hex(i), 19, '0'))::uuid, \
            (lpad(to_hex({T0} + i * {GAP}), 12, '0') || '1' || lpad(to_hex(i), 19, '0'))::uuid, $2, \
            case when j % 2 = 0 then 'inbound' else 'outbound' end, case when j % 2 = 0 then 'contact' else 'staff' end, \
            'Message ' || j || ' about the appointment of customer ' || i, '[]', '+1415' || (200 + i / 10000)::text || lpad((i % 10000)::text, 4, '0'), \
            '+14155550100', 'SM' || lpad(to_hex(i * {M} + j), 30, '0'), \
            case when j % 2 = 0 then 'received' else 'delivered' end, \
            {T0} + i * {GAP} - ({M} - 1 - j) * {MGAP}, {T0} + i * {GAP} - ({M} - 1 - j) * {MGAP}, \
            {T0} + i * {GAP} - ({M} - 1 - j) * {MGAP} \
     from generate_series(0, {N} - 1) i, generate_series(0, {M} - 1) j",
    "analyze",
];

impl InboxSeed {
    /// The id the `index`-th generated conversation gets (0 is the oldest).
    pub fn conversation_id(&self, index: i64) -> switchboard_domain::ConversationId {
        let at = self.oldest_at() + index * CONVERSATION_GAP_MS;
        let hex = format!("{at:012x}3{index:019x}");
        switchboard_domain::ConversationId(uuid::Uuid::parse_str(&hex).expect("32 hex digits"))
    }

    fn oldest_at(&self) -> i64 {
        self.newest_at - (self.conversations - 1) * CONVERSATION_GAP_MS
    }

    fn fill(&self, statement: &str) -> String {
        let oldest = self.oldest_at();
        statement
            .replace("{N}", &self.conversations.to_string())
            .replace("{M}", &self.messages_per_conversation.to_string())
            .replace("{T0}", &oldest.to_string())
            .replace("{MGAP}", &MESSAGE_GAP_MS.to_string())
            .replace("{GAP}", &CONVERSATION_GAP_MS.to_string())
    }

    /// Writes the data into `db`, whose workspace and channel already exist.
    pub async fn write(&self, db: &TestDatabase) -> Result<(), sqlx::Error> {
        match db.backend {
            "sqlite" => {
                let mut conn = SqliteConnection::connect(&db.url).await?;
                for statement in SQLITE {
                    self.bound(statement).execute(&mut conn).await?;
                }
                conn.close().await
            }
            _ => {
                let mut conn = PgConnection::connect(&db.url).await?;
                for statement in POSTGRES {
                    self.bound(statement).execute(&mut conn).await?;
                }
                conn.close().await
            }
        }
    }

    /// A statement filled in, with the workspace and channel bound where it uses them.
    fn bound<DB: sqlx::Database>(
        &self,
        statement: &str,
    ) -> sqlx::query::Query<'static, DB, <DB as sqlx::Database>::Arguments>
    where
        uuid::Uuid: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(self.fill(statement)));
        if statement.contains("$1") {
            query = query.bind(self.workspace_id.0);
        }
        if statement.contains("$2") {
            query = query.bind(self.channel_id.0);
        }
        query
    }
}
