//! Editing a contact from the inbox or the API: the name and channel preference, and merging two
//! contacts that turn out to be the same person. A merge moves everything of the absorbed
//! contact (identities with their opt-outs, messages, notes, labels, the channels spanned) to the
//! kept one, folds the two conversations into one, and deletes the absorbed contact, all in one
//! transaction.

macro_rules! impl_contact_edit_repo {
    ($store:ty, $db:ty) => {
        impl $store {
            /// Moves everything of the `absorbed` conversation into the `kept` one (messages,
            /// notes, labels, the channels spanned, unread messages) and deletes it.
            async fn fold_conversations(
                conn: &mut <$db as sqlx::Database>::Connection,
                keep: switchboard_domain::ContactId,
                kept: uuid::Uuid,
                absorbed: uuid::Uuid,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<()> {
                sqlx::query("update messages set conversation_id = $1, contact_id = $2 where conversation_id = $3")
                    .bind(kept)
                    .bind(keep.0)
                    .bind(absorbed)
                    .execute(&mut *conn)
                    .await?;
                for statement in [
                    "update conversation_notes set conversation_id = $1 where conversation_id = $2",
                    "insert into conversation_labels (conversation_id, label_id, created_at) \
                     select $1, label_id, created_at from conversation_labels where conversation_id = $2 \
                     on conflict do nothing",
                    "insert into conversation_channels (conversation_id, channel_id, last_inbound_at) \
                     select $1, channel_id, last_inbound_at from conversation_channels where conversation_id = $2 \
                     on conflict (conversation_id, channel_id) do update set last_inbound_at = \
                     case when conversation_channels.last_inbound_at is null \
                     or excluded.last_inbound_at > conversation_channels.last_inbound_at \
                     then excluded.last_inbound_at else conversation_channels.last_inbound_at end",
                ] {
                    sqlx::query(statement).bind(kept).bind(absorbed).execute(&mut *conn).await?;
                }
                sqlx::query(
                    "update conversations set \
                     unread_count = unread_count + (select a.unread_count from conversations a where a.conversation_id = $2), \
                     last_message_at = (select max(m.created_at) from messages m where m.conversation_id = $1), \
                     last_channel_id = coalesce((select m.channel_id from messages m where m.conversation_id = $1 \
                                                 order by m.message_id desc limit 1), last_channel_id), \
                     updated_at = $3 where conversation_id = $1",
                )
                .bind(kept)
                .bind(absorbed)
                .bind(now)
                .execute(&mut *conn)
                .await?;
                // Its labels and channel spans go with it (cascade); the rest was moved above.
                sqlx::query("delete from conversations where conversation_id = $1").bind(absorbed).execute(&mut *conn).await?;
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl $crate::repo::ContactEditRepo for $store {
            #[tracing::instrument(skip_all, fields(contact_id = %contact_id))]
            async fn update_contact(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                contact_id: switchboard_domain::ContactId,
                display_name: Option<&str>,
                preferred_channel_kind: Option<switchboard_domain::ChannelKind>,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<Option<$crate::model::Contact>> {
                let updated = sqlx::query(
                    "update contacts set display_name = $1, preferred_channel_kind = $2, updated_at = $3 \
                     where workspace_id = $4 and contact_id = $5",
                )
                .bind(display_name)
                .bind(preferred_channel_kind.map(|k| k.as_str()))
                .bind(now)
                .bind(workspace_id.0)
                .bind(contact_id.0)
                .execute(self.write_pool())
                .await?;
                if updated.rows_affected() == 0 {
                    return Ok(None);
                }
                Self::load_contact(&mut *self.write_pool().acquire().await?, workspace_id, contact_id).await
            }

            #[tracing::instrument(skip_all, fields(keep = %keep, absorb = %absorb))]
            async fn merge_contacts(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                keep: switchboard_domain::ContactId,
                absorb: switchboard_domain::ContactId,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<Option<$crate::model::Contact>> {
                if keep == absorb {
                    return Err($crate::StoreError::Conflict("a contact cannot be merged with itself".to_owned()));
                }
                let mut tx = self.begin_write().await?;
                let found: i64 = sqlx::query_scalar(
                    "select count(*) from contacts where workspace_id = $1 and (contact_id = $2 or contact_id = $3)",
                )
                .bind(workspace_id.0)
                .bind(keep.0)
                .bind(absorb.0)
                .fetch_one(&mut *tx)
                .await?;
                if found != 2 {
                    return Ok(None);
                }
                let conversation_of = |contact: switchboard_domain::ContactId| {
                    sqlx::query_scalar::<_, uuid::Uuid>(
                        "select conversation_id from conversations where workspace_id = $1 and contact_id = $2",
                    )
                    .bind(workspace_id.0)
                    .bind(contact.0)
                };
                let kept_conversation = conversation_of(keep).fetch_optional(&mut *tx).await?;
                let absorbed_conversation = conversation_of(absorb).fetch_optional(&mut *tx).await?;
                match (kept_conversation, absorbed_conversation) {
                    (Some(kept), Some(absorbed)) => {
                        Self::fold_conversations(&mut *tx, keep, kept, absorbed, now).await?;
                    }
                    (None, Some(absorbed)) => {
                        sqlx::query("update conversations set contact_id = $1, updated_at = $2 where conversation_id = $3")
                            .bind(keep.0)
                            .bind(now)
                            .bind(absorbed)
                            .execute(&mut *tx)
                            .await?;
                        sqlx::query("update messages set contact_id = $1 where conversation_id = $2")
                            .bind(keep.0)
                            .bind(absorbed)
                            .execute(&mut *tx)
                            .await?;
                    }
                    (_, None) => {}
                }
                sqlx::query("update contact_identities set contact_id = $1 where contact_id = $2")
                    .bind(keep.0)
                    .bind(absorb.0)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "update contacts set display_name = coalesce(display_name, \
                     (select a.display_name from contacts a where a.contact_id = $2)), \
                     preferred_channel_kind = coalesce(preferred_channel_kind, \
                     (select a.preferred_channel_kind from contacts a where a.contact_id = $2)), updated_at = $3 \
                     where contact_id = $1",
                )
                .bind(keep.0)
                .bind(absorb.0)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                sqlx::query("delete from contacts where contact_id = $1")
                    .bind(absorb.0)
                    .execute(&mut *tx)
                    .await?;
                let merged = Self::load_contact(&mut *tx, workspace_id, keep).await?;
                tx.commit().await?;
                Ok(merged)
            }
        }
    };
}
pub(crate) use impl_contact_edit_repo;
