//! Workspaces (tenants) and their API keys.

macro_rules! impl_workspace_repo {
    ($store:ty, $db:ty) => {
        impl $store {
            fn decode_workspace(row: &<$db as sqlx::Database>::Row) -> $crate::StoreResult<$crate::model::Workspace> {
                use $crate::sql::decode::get;
                Ok($crate::model::Workspace {
                    workspace_id: get!(row, "workspace_id" as id WorkspaceId),
                    name: get!(row, "name"),
                    help_text: get!(row, "help_text"),
                    whatsapp_matches_phone: get!(row, "whatsapp_matches_phone"),
                    created_at: get!(row, "created_at"),
                })
            }

            fn decode_api_key(row: &<$db as sqlx::Database>::Row) -> $crate::StoreResult<$crate::model::ApiKey> {
                use $crate::sql::decode::get;
                Ok($crate::model::ApiKey {
                    api_key_id: get!(row, "api_key_id" as id ApiKeyId),
                    workspace_id: get!(row, "workspace_id" as id WorkspaceId),
                    name: get!(row, "name"),
                    prefix: get!(row, "prefix"),
                    created_at: get!(row, "created_at"),
                })
            }
        }

        #[async_trait::async_trait]
        impl $crate::repo::WorkspaceRepo for $store {
            #[tracing::instrument(skip_all)]
            async fn create_workspace(
                &self,
                name: &str,
                help_text: &str,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<$crate::model::Workspace> {
                let id = switchboard_domain::WorkspaceId::new();
                let result = sqlx::query(
                    "insert into workspaces (workspace_id, name, help_text, created_at, updated_at) \
                     values ($1, $2, $3, $4, $4)",
                )
                .bind(id.0)
                .bind(name)
                .bind(help_text)
                .bind(now)
                .execute(self.write_pool())
                .await;
                match result {
                    Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                        Err($crate::StoreError::Conflict(format!("a workspace named {name:?} already exists")))
                    }
                    other => {
                        other?;
                        Ok($crate::model::Workspace {
                            workspace_id: id,
                            name: name.to_owned(),
                            help_text: help_text.to_owned(),
                            whatsapp_matches_phone: true,
                            created_at: now,
                        })
                    }
                }
            }

            async fn set_whatsapp_matching(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                matches_phone: bool,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<bool> {
                let done = sqlx::query(
                    "update workspaces set whatsapp_matches_phone = $1, updated_at = $2 where workspace_id = $3",
                )
                .bind(matches_phone)
                .bind(now)
                .bind(workspace_id.0)
                .execute(self.write_pool())
                .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn get_workspace(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
            ) -> $crate::StoreResult<Option<$crate::model::Workspace>> {
                let row = sqlx::query("select * from workspaces where workspace_id = $1")
                    .bind(workspace_id.0)
                    .fetch_optional(self.read_pool())
                    .await?;
                row.as_ref().map(Self::decode_workspace).transpose()
            }

            async fn find_workspace_by_name(&self, name: &str) -> $crate::StoreResult<Option<$crate::model::Workspace>> {
                let row = sqlx::query("select * from workspaces where name = $1")
                    .bind(name)
                    .fetch_optional(self.read_pool())
                    .await?;
                row.as_ref().map(Self::decode_workspace).transpose()
            }

            async fn list_workspaces(&self) -> $crate::StoreResult<Vec<$crate::model::Workspace>> {
                let rows = sqlx::query("select * from workspaces order by name")
                    .fetch_all(self.read_pool())
                    .await?;
                rows.iter().map(Self::decode_workspace).collect()
            }

            #[tracing::instrument(skip_all, fields(workspace_id = %workspace_id))]
            async fn create_api_key(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                name: &str,
                prefix: &str,
                key_hash: &[u8],
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<$crate::model::ApiKey> {
                let id = switchboard_domain::ApiKeyId::new();
                sqlx::query(
                    "insert into api_keys (api_key_id, workspace_id, name, prefix, key_hash, created_at) \
                     values ($1, $2, $3, $4, $5, $6)",
                )
                .bind(id.0)
                .bind(workspace_id.0)
                .bind(name)
                .bind(prefix)
                .bind(key_hash)
                .bind(now)
                .execute(self.write_pool())
                .await?;
                Ok($crate::model::ApiKey {
                    api_key_id: id,
                    workspace_id,
                    name: name.to_owned(),
                    prefix: prefix.to_owned(),
                    created_at: now,
                })
            }

            async fn find_api_key(&self, key_hash: &[u8]) -> $crate::StoreResult<Option<$crate::model::ApiKey>> {
                let row = sqlx::query("select * from api_keys where key_hash = $1 and revoked_at is null")
                    .bind(key_hash)
                    .fetch_optional(self.read_pool())
                    .await?;
                row.as_ref().map(Self::decode_api_key).transpose()
            }
        }
    };
}
pub(crate) use impl_workspace_repo;
