//! Labels and the conversations that carry them. Every statement is scoped to the workspace: a
//! label of another workspace cannot be put on a conversation, nor found, nor deleted.

macro_rules! impl_label_repo {
    ($store:ty, $db:ty) => {
        impl $store {
            fn decode_label(row: &<$db as sqlx::Database>::Row) -> $crate::StoreResult<$crate::model::Label> {
                use $crate::sql::decode::get;
                Ok($crate::model::Label {
                    label_id: get!(row, "label_id" as id LabelId),
                    workspace_id: get!(row, "workspace_id" as id WorkspaceId),
                    name: get!(row, "name"),
                    colour: get!(row, "colour"),
                    created_at: get!(row, "created_at"),
                })
            }
        }

        #[async_trait::async_trait]
        impl $crate::repo::LabelRepo for $store {
            #[tracing::instrument(skip_all, fields(workspace_id = %workspace_id))]
            async fn create_label(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                name: &str,
                colour: &str,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<$crate::model::Label> {
                let label = $crate::model::Label {
                    label_id: switchboard_domain::LabelId::new(),
                    workspace_id,
                    name: name.trim().to_owned(),
                    colour: colour.to_owned(),
                    created_at: now,
                };
                let result = sqlx::query(
                    "insert into labels (label_id, workspace_id, name, colour, created_at) values ($1, $2, $3, $4, $5)",
                )
                .bind(label.label_id.0)
                .bind(workspace_id.0)
                .bind(&label.name)
                .bind(&label.colour)
                .bind(now)
                .execute(self.write_pool())
                .await;
                match result {
                    Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                        Err($crate::StoreError::Conflict(format!("a label named {:?} already exists", label.name)))
                    }
                    other => other.map(|_| label).map_err(Into::into),
                }
            }

            async fn list_labels(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
            ) -> $crate::StoreResult<Vec<$crate::model::Label>> {
                let rows = sqlx::query("select * from labels where workspace_id = $1 order by lower(name)")
                    .bind(workspace_id.0)
                    .fetch_all(self.read_pool())
                    .await?;
                rows.iter().map(Self::decode_label).collect()
            }

            #[tracing::instrument(skip_all, fields(label_id = %label_id))]
            async fn delete_label(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                label_id: switchboard_domain::LabelId,
            ) -> $crate::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "delete from conversation_labels where label_id = $1 \
                     and exists (select 1 from labels l where l.label_id = $1 and l.workspace_id = $2)",
                )
                .bind(label_id.0)
                .bind(workspace_id.0)
                .execute(&mut *tx)
                .await?;
                let deleted = sqlx::query("delete from labels where label_id = $1 and workspace_id = $2")
                    .bind(label_id.0)
                    .bind(workspace_id.0)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(deleted.rows_affected() > 0)
            }

            #[tracing::instrument(skip_all, fields(conversation_id = %conversation_id, label_id = %label_id))]
            async fn label_conversation(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                conversation_id: switchboard_domain::ConversationId,
                label_id: switchboard_domain::LabelId,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                let found: Option<i32> = sqlx::query_scalar(
                    "select 1 from conversations c join labels l on l.workspace_id = c.workspace_id \
                     where c.workspace_id = $1 and c.conversation_id = $2 and l.label_id = $3",
                )
                .bind(workspace_id.0)
                .bind(conversation_id.0)
                .bind(label_id.0)
                .fetch_optional(&mut *tx)
                .await?;
                if found.is_none() {
                    return Ok(false);
                }
                sqlx::query(
                    "insert into conversation_labels (conversation_id, label_id, created_at) values ($1, $2, $3) \
                     on conflict do nothing",
                )
                .bind(conversation_id.0)
                .bind(label_id.0)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                sqlx::query("update conversations set updated_at = $1 where conversation_id = $2")
                    .bind(now)
                    .bind(conversation_id.0)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(true)
            }

            #[tracing::instrument(skip_all, fields(conversation_id = %conversation_id, label_id = %label_id))]
            async fn unlabel_conversation(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                conversation_id: switchboard_domain::ConversationId,
                label_id: switchboard_domain::LabelId,
            ) -> $crate::StoreResult<bool> {
                let deleted = sqlx::query(
                    "delete from conversation_labels where conversation_id = $1 and label_id = $2 \
                     and exists (select 1 from conversations c where c.conversation_id = $1 and c.workspace_id = $3)",
                )
                .bind(conversation_id.0)
                .bind(label_id.0)
                .bind(workspace_id.0)
                .execute(self.write_pool())
                .await?;
                Ok(deleted.rows_affected() > 0)
            }

            async fn conversation_labels(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                conversation_ids: &[switchboard_domain::ConversationId],
            ) -> $crate::StoreResult<Vec<(switchboard_domain::ConversationId, $crate::model::Label)>> {
                use $crate::sql::decode::get;
                if conversation_ids.is_empty() {
                    return Ok(Vec::new());
                }
                let mut query = sqlx::QueryBuilder::<$db>::new(
                    "select cl.conversation_id, l.* from conversation_labels cl \
                     join labels l on l.label_id = cl.label_id where l.workspace_id = ",
                );
                query.push_bind(workspace_id.0).push(" and cl.conversation_id in (");
                let mut list = query.separated(", ");
                for id in conversation_ids {
                    list.push_bind(id.0);
                }
                query.push(") order by lower(l.name)");
                let rows = query.build().fetch_all(self.read_pool()).await?;
                rows.iter()
                    .map(|row| Ok((get!(row, "conversation_id" as id ConversationId), Self::decode_label(row)?)))
                    .collect()
            }
        }
    };
}
pub(crate) use impl_label_repo;
