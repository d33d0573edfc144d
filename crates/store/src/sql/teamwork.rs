//! Staff working together: who looks after a conversation, the private notes they leave on it,
//! and snoozing it until a time. All are scoped to the workspace: a staff member of another workspace cannot be assigned,
//! and a note cannot be left on another workspace's conversation.

/// Notes with their author's name; callers add the `where` and `order by`.
pub(crate) const NOTES_SQL: &str =
    "select n.*, s.name as author from conversation_notes n left join staff s on s.staff_id = n.staff_id";

macro_rules! impl_teamwork_repo {
    ($store:ty, $db:ty) => {
        impl $store {
            fn decode_note(row: &<$db as sqlx::Database>::Row) -> $crate::StoreResult<$crate::model::Note> {
                use $crate::sql::decode::get;
                Ok($crate::model::Note {
                    note_id: get!(row, "note_id" as id NoteId),
                    conversation_id: get!(row, "conversation_id" as id ConversationId),
                    staff_id: get!(row, "staff_id" as opt_id StaffId),
                    author: get!(row, "author"),
                    body: get!(row, "body"),
                    created_at: get!(row, "created_at"),
                })
            }
        }

        #[async_trait::async_trait]
        impl $crate::repo::TeamworkRepo for $store {
            #[tracing::instrument(skip_all, fields(conversation_id = %conversation_id))]
            async fn assign_conversation(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                conversation_id: switchboard_domain::ConversationId,
                assignee: Option<switchboard_domain::StaffId>,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<Option<$crate::model::Conversation>> {
                let row = sqlx::query(
                    "update conversations set assignee_staff_id = $3, updated_at = $4 \
                     where workspace_id = $1 and conversation_id = $2 \
                     and ($3 is null or exists (select 1 from staff s where s.staff_id = $3 and s.workspace_id = $1)) \
                     returning *",
                )
                .bind(workspace_id.0)
                .bind(conversation_id.0)
                .bind(assignee.map(|s| s.0))
                .bind(now)
                .fetch_optional(self.write_pool())
                .await?;
                row.as_ref().map(Self::decode_conversation).transpose()
            }

            #[tracing::instrument(skip_all, fields(conversation_id = %conversation_id))]
            async fn add_note(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                conversation_id: switchboard_domain::ConversationId,
                staff_id: Option<switchboard_domain::StaffId>,
                body: &str,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<Option<$crate::model::Note>> {
                let note_id = switchboard_domain::NoteId::new();
                let inserted = sqlx::query(
                    "insert into conversation_notes (note_id, workspace_id, conversation_id, staff_id, body, created_at) \
                     select $1, c.workspace_id, c.conversation_id, $4, $5, $6 from conversations c \
                     where c.workspace_id = $2 and c.conversation_id = $3 \
                     and ($4 is null or exists (select 1 from staff s where s.staff_id = $4 and s.workspace_id = $2))",
                )
                .bind(note_id.0)
                .bind(workspace_id.0)
                .bind(conversation_id.0)
                .bind(staff_id.map(|s| s.0))
                .bind(body)
                .bind(now)
                .execute(self.write_pool())
                .await?;
                if inserted.rows_affected() == 0 {
                    return Ok(None);
                }
                let row = sqlx::query(sqlx::AssertSqlSafe(format!("{} where n.note_id = $1", $crate::sql::teamwork::NOTES_SQL)))
                    .bind(note_id.0)
                    .fetch_one(self.write_pool())
                    .await?;
                Self::decode_note(&row).map(Some)
            }

            async fn list_notes(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                conversation_id: switchboard_domain::ConversationId,
            ) -> $crate::StoreResult<Vec<$crate::model::Note>> {
                let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "{} where n.workspace_id = $1 and n.conversation_id = $2 order by n.note_id",
                    $crate::sql::teamwork::NOTES_SQL
                )))
                .bind(workspace_id.0)
                .bind(conversation_id.0)
                .fetch_all(self.read_pool())
                .await?;
                rows.iter().map(Self::decode_note).collect()
            }

            #[tracing::instrument(skip_all, fields(conversation_id = %conversation_id))]
            async fn snooze_conversation(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                conversation_id: switchboard_domain::ConversationId,
                until: $crate::model::UnixMillis,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<Option<$crate::model::Conversation>> {
                let row = sqlx::query(
                    "update conversations set status = 'snoozed', snoozed_until = $3, updated_at = $4 \
                     where workspace_id = $1 and conversation_id = $2 returning *",
                )
                .bind(workspace_id.0)
                .bind(conversation_id.0)
                .bind(until)
                .bind(now)
                .fetch_optional(self.write_pool())
                .await?;
                row.as_ref().map(Self::decode_conversation).transpose()
            }

            async fn wake_snoozed(
                &self,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<Vec<$crate::model::Conversation>> {
                let rows = sqlx::query(
                    "update conversations set status = 'open', snoozed_until = null, updated_at = $1 \
                     where snoozed_until is not null and snoozed_until <= $1 returning *",
                )
                .bind(now)
                .fetch_all(self.write_pool())
                .await?;
                rows.iter().map(Self::decode_conversation).collect()
            }

            async fn next_wake_at(&self) -> $crate::StoreResult<Option<$crate::model::UnixMillis>> {
                let next: Option<i64> =
                    sqlx::query_scalar("select min(snoozed_until) from conversations where snoozed_until is not null")
                        .fetch_one(self.read_pool())
                        .await?;
                Ok(next)
            }

            async fn index_message_words(&self, batch: usize) -> $crate::StoreResult<usize> {
                self.index_words(batch).await
            }
        }
    };
}
pub(crate) use impl_teamwork_repo;
