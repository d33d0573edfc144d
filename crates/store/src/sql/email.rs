//! Email's own records: each mailbox importer's cursor (UIDVALIDITY and last stored UID) and the
//! headers of outbound email, recorded before the send so a retry reuses the same Message-ID.

macro_rules! impl_email_repo {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::repo::EmailRepo for $store {
            async fn mailbox_cursor(
                &self,
                channel_id: switchboard_domain::ChannelId,
            ) -> $crate::StoreResult<Option<$crate::model::MailboxCursor>> {
                let row: Option<(String, i64, i64)> = sqlx::query_as(
                    "select folder, uid_validity, last_uid from mailbox_cursors where channel_id = $1",
                )
                .bind(channel_id.0)
                .fetch_optional(self.read_pool())
                .await?;
                Ok(row.map(|(folder, uid_validity, last_uid)| $crate::model::MailboxCursor {
                    folder,
                    uid_validity,
                    last_uid,
                }))
            }

            async fn save_mailbox_cursor(
                &self,
                channel_id: switchboard_domain::ChannelId,
                cursor: &$crate::model::MailboxCursor,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<()> {
                sqlx::query(
                    "insert into mailbox_cursors (channel_id, folder, uid_validity, last_uid, updated_at) \
                     values ($1, $2, $3, $4, $5) on conflict (channel_id) do update set folder = excluded.folder, \
                     uid_validity = excluded.uid_validity, last_uid = excluded.last_uid, updated_at = excluded.updated_at",
                )
                .bind(channel_id.0)
                .bind(&cursor.folder)
                .bind(cursor.uid_validity)
                .bind(cursor.last_uid)
                .bind(now)
                .execute(self.write_pool())
                .await?;
                Ok(())
            }

            async fn last_email(
                &self,
                conversation_id: switchboard_domain::ConversationId,
                channel_id: switchboard_domain::ChannelId,
            ) -> $crate::StoreResult<Option<$crate::model::Message>> {
                let row = sqlx::query(
                    "select * from messages where conversation_id = $1 and channel_id = $2 and email is not null \
                     order by message_id desc limit 1",
                )
                .bind(conversation_id.0)
                .bind(channel_id.0)
                .fetch_optional(self.read_pool())
                .await?;
                row.as_ref().map(Self::decode_message).transpose()
            }

            async fn set_message_email(
                &self,
                message_id: switchboard_domain::MessageId,
                email: &switchboard_domain::EmailDetails,
            ) -> $crate::StoreResult<()> {
                sqlx::query("update messages set email = $1, email_message_id = $2 where message_id = $3")
                    .bind(sqlx::types::Json(email))
                    .bind(&email.message_id)
                    .bind(message_id.0)
                    .execute(self.write_pool())
                    .await?;
                Ok(())
            }
        }
    };
}
pub(crate) use impl_email_repo;
