//! Channels: a provider account and address connected to a workspace.

macro_rules! impl_channel_repo {
    ($store:ty, $db:ty) => {
        impl $store {
            fn decode_channel(row: &<$db as sqlx::Database>::Row) -> $crate::StoreResult<$crate::model::Channel> {
                use $crate::sql::decode::get;
                Ok($crate::model::Channel {
                    channel_id: get!(row, "channel_id" as id ChannelId),
                    workspace_id: get!(row, "workspace_id" as id WorkspaceId),
                    kind: get!(row, "kind" as switchboard_domain::ChannelKind),
                    provider: get!(row, "provider" as switchboard_domain::Provider),
                    name: get!(row, "name"),
                    address: get!(row, "address"),
                    sealed_credentials: get!(row, "sealed_credentials"),
                    settings: get!(row, "settings" as json),
                    external_id: get!(row, "external_id"),
                    enabled: get!(row, "enabled"),
                    created_at: get!(row, "created_at"),
                })
            }
        }

        #[async_trait::async_trait]
        impl $crate::repo::ChannelRepo for $store {
            #[tracing::instrument(skip_all, fields(workspace_id = %channel.workspace_id, kind = %channel.kind))]
            async fn create_channel(&self, channel: $crate::writes::NewChannel) -> $crate::StoreResult<$crate::model::Channel> {
                let id = channel.channel_id;
                let result = sqlx::query(
                    "insert into channels (channel_id, workspace_id, kind, provider, name, address, \
                     sealed_credentials, settings, enabled, created_at, updated_at, external_id) \
                     values ($1, $2, $3, $4, $5, $6, $7, $8, true, $9, $9, $10)",
                )
                .bind(id.0)
                .bind(channel.workspace_id.0)
                .bind(channel.kind.as_str())
                .bind(channel.provider.as_str())
                .bind(&channel.name)
                .bind(&channel.address)
                .bind(&channel.sealed_credentials)
                .bind(sqlx::types::Json(&channel.settings))
                .bind(channel.now)
                .bind(&channel.external_id)
                .execute(self.write_pool())
                .await;
                if let Err(sqlx::Error::Database(e)) = &result {
                    if e.is_unique_violation() && e.message().contains("external_id") {
                        return Err($crate::StoreError::Conflict(format!(
                            "{} {} is already connected as a channel; disconnect it there first",
                            channel.provider,
                            channel.external_id.as_deref().unwrap_or_default()
                        )));
                    }
                    if e.is_unique_violation() {
                        return Err($crate::StoreError::Conflict(format!(
                            "this workspace already has a {} channel for {}",
                            channel.kind, channel.address
                        )));
                    }
                }
                result?;
                Ok($crate::model::Channel {
                    channel_id: id,
                    workspace_id: channel.workspace_id,
                    kind: channel.kind,
                    provider: channel.provider,
                    name: channel.name,
                    address: channel.address,
                    sealed_credentials: channel.sealed_credentials,
                    settings: channel.settings,
                    external_id: channel.external_id,
                    enabled: true,
                    created_at: channel.now,
                })
            }

            async fn get_channel(
                &self,
                channel_id: switchboard_domain::ChannelId,
            ) -> $crate::StoreResult<Option<$crate::model::Channel>> {
                let row = sqlx::query("select * from channels where channel_id = $1")
                    .bind(channel_id.0)
                    .fetch_optional(self.read_pool())
                    .await?;
                row.as_ref().map(Self::decode_channel).transpose()
            }

            async fn find_channel_by_external_id(
                &self,
                provider: switchboard_domain::Provider,
                external_id: &str,
            ) -> $crate::StoreResult<Option<$crate::model::Channel>> {
                let row = sqlx::query("select * from channels where provider = $1 and external_id = $2")
                    .bind(provider.as_str())
                    .bind(external_id)
                    .fetch_optional(self.read_pool())
                    .await?;
                row.as_ref().map(Self::decode_channel).transpose()
            }

            async fn list_channels(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
            ) -> $crate::StoreResult<Vec<$crate::model::Channel>> {
                let rows = sqlx::query("select * from channels where workspace_id = $1 order by created_at, channel_id")
                    .bind(workspace_id.0)
                    .fetch_all(self.read_pool())
                    .await?;
                rows.iter().map(Self::decode_channel).collect()
            }

            async fn list_enabled_channels_of(
                &self,
                provider: switchboard_domain::Provider,
            ) -> $crate::StoreResult<Vec<$crate::model::Channel>> {
                let rows = sqlx::query("select * from channels where provider = $1 and enabled order by channel_id")
                    .bind(provider.as_str())
                    .fetch_all(self.read_pool())
                    .await?;
                rows.iter().map(Self::decode_channel).collect()
            }

            #[tracing::instrument(skip_all, fields(channel_id = %channel_id, enabled))]
            async fn set_channel_enabled(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                channel_id: switchboard_domain::ChannelId,
                enabled: bool,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<Option<$crate::model::Channel>> {
                let row = sqlx::query(
                    "update channels set enabled = $1, updated_at = $2 where channel_id = $3 and workspace_id = $4 \
                     returning *",
                )
                .bind(enabled)
                .bind(now)
                .bind(channel_id.0)
                .bind(workspace_id.0)
                .fetch_optional(self.write_pool())
                .await?;
                row.as_ref().map(Self::decode_channel).transpose()
            }

            async fn set_channel_credentials(
                &self,
                channel_id: switchboard_domain::ChannelId,
                sealed_credentials: &[u8],
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<bool> {
                let done = sqlx::query(
                    "update channels set sealed_credentials = $1, updated_at = $2 where channel_id = $3",
                )
                .bind(sealed_credentials)
                .bind(now)
                .bind(channel_id.0)
                .execute(self.write_pool())
                .await?;
                Ok(done.rows_affected() == 1)
            }
        }
    };
}
pub(crate) use impl_channel_repo;
