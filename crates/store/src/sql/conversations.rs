//! Conversations: one per contact per workspace, across every channel, newest activity first.

macro_rules! impl_conversation_repo {
    ($store:ty, $db:ty) => {
        impl $store {
            fn decode_conversation(
                row: &<$db as sqlx::Database>::Row,
            ) -> $crate::StoreResult<$crate::model::Conversation> {
                use $crate::sql::decode::get;
                Ok($crate::model::Conversation {
                    conversation_id: get!(row, "conversation_id" as id ConversationId),
                    workspace_id: get!(row, "workspace_id" as id WorkspaceId),
                    contact_id: get!(row, "contact_id" as id ContactId),
                    status: get!(row, "status" as switchboard_domain::ConversationStatus),
                    last_message_at: get!(row, "last_message_at"),
                    last_channel_id: get!(row, "last_channel_id" as opt_id ChannelId),
                    unread_count: get!(row, "unread_count"),
                    assignee_staff_id: get!(row, "assignee_staff_id" as opt_id StaffId),
                    snoozed_until: get!(row, "snoozed_until"),
                    created_at: get!(row, "created_at"),
                    updated_at: get!(row, "updated_at"),
                })
            }
        }

        #[async_trait::async_trait]
        impl $crate::repo::ConversationRepo for $store {
            async fn list_conversations(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                filter: &$crate::repo::ConversationFilter,
                cursor: Option<&str>,
                limit: u32,
            ) -> $crate::StoreResult<$crate::model::Page<$crate::model::Conversation>> {
                let after = cursor.map($crate::sql::cursor::decode).transpose()?;
                let rows = sqlx::query(
                    "select c.* from conversations c where c.workspace_id = $1 \
                     and ($2 is null or c.status = $2) \
                     and ($3 is null or c.contact_id = $3) \
                     and ($4 is null or c.updated_at >= $4) \
                     and ($5 is null or exists (select 1 from conversation_channels cc \
                          where cc.conversation_id = c.conversation_id and cc.channel_id = $5)) \
                     and ($6 is null or (c.updated_at, c.conversation_id) < ($6, $7)) \
                     order by c.updated_at desc, c.conversation_id desc limit $8",
                )
                .bind(workspace_id.0)
                .bind(filter.status.map(|s| s.as_str()))
                .bind(filter.contact_id.map(|c| c.0))
                .bind(filter.updated_since)
                .bind(filter.channel_id.map(|c| c.0))
                .bind(after.map(|(at, _)| at))
                .bind(after.map(|(_, id)| id))
                .bind(i64::from(limit) + 1)
                .fetch_all(self.read_pool())
                .await?;
                let items: Vec<$crate::model::Conversation> =
                    rows.iter().map(Self::decode_conversation).collect::<Result<_, _>>()?;
                let (items, next_cursor) =
                    $crate::sql::cursor::paginate(items, limit, |c| (c.updated_at, c.conversation_id.0));
                Ok($crate::model::Page { items, next_cursor })
            }

            async fn get_conversation(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                conversation_id: switchboard_domain::ConversationId,
            ) -> $crate::StoreResult<Option<$crate::model::Conversation>> {
                let row = sqlx::query("select * from conversations where workspace_id = $1 and conversation_id = $2")
                    .bind(workspace_id.0)
                    .bind(conversation_id.0)
                    .fetch_optional(self.read_pool())
                    .await?;
                row.as_ref().map(Self::decode_conversation).transpose()
            }

            #[tracing::instrument(skip_all, fields(workspace_id = %workspace_id, conversation_id = %conversation_id))]
            async fn set_conversation_status(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                conversation_id: switchboard_domain::ConversationId,
                status: switchboard_domain::ConversationStatus,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<Option<$crate::model::Conversation>> {
                let row = sqlx::query(
                    "update conversations set status = $1, snoozed_until = null, updated_at = $2 \
                     where workspace_id = $3 and conversation_id = $4 returning *",
                )
                .bind(status.as_str())
                .bind(now)
                .bind(workspace_id.0)
                .bind(conversation_id.0)
                .fetch_optional(self.write_pool())
                .await?;
                row.as_ref().map(Self::decode_conversation).transpose()
            }
        }
    };
}
pub(crate) use impl_conversation_repo;
