//! Files downloaded from providers, and files uploaded to send, kept in the database (so every
//! node serves them) with their type, size and SHA-256.

macro_rules! impl_media_repo {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::repo::MediaRepo for $store {
            #[tracing::instrument(skip_all, fields(message_id = %message_id, files = files.len()))]
            async fn save_media(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                message_id: switchboard_domain::MessageId,
                files: &[$crate::model::NewMedia],
                attachments: &[switchboard_domain::Attachment],
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                for file in files {
                    sqlx::query(
                        "insert into media (media_id, workspace_id, message_id, content_type, size_bytes, sha256, \
                         bytes, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(file.media_id.0)
                    .bind(workspace_id.0)
                    .bind(message_id.0)
                    .bind(&file.content_type)
                    .bind(file.bytes.len() as i64)
                    .bind(&file.sha256)
                    .bind(&file.bytes)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                sqlx::query(
                    "update messages set attachments = $1, updated_at = $2 where message_id = $3 and workspace_id = $4",
                )
                .bind(sqlx::types::Json(attachments))
                .bind(now)
                .bind(message_id.0)
                .bind(workspace_id.0)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn save_upload(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                file: &$crate::model::NewMedia,
                filename: Option<&str>,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<()> {
                sqlx::query(
                    "insert into media (media_id, workspace_id, content_type, size_bytes, sha256, bytes, created_at, \
                     filename) values ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(file.media_id.0)
                .bind(workspace_id.0)
                .bind(&file.content_type)
                .bind(file.bytes.len() as i64)
                .bind(&file.sha256)
                .bind(&file.bytes)
                .bind(now)
                .bind(filename)
                .execute(self.write_pool())
                .await?;
                Ok(())
            }

            async fn get_media(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                media_id: switchboard_domain::MediaId,
            ) -> $crate::StoreResult<Option<$crate::model::StoredMedia>> {
                use $crate::sql::decode::get;
                let row = sqlx::query("select * from media where media_id = $1 and workspace_id = $2")
                    .bind(media_id.0)
                    .bind(workspace_id.0)
                    .fetch_optional(self.read_pool())
                    .await?;
                row.map(|row| {
                    Ok($crate::model::StoredMedia {
                        media_id: get!(&row, "media_id" as id MediaId),
                        message_id: get!(&row, "message_id" as opt_id MessageId),
                        filename: get!(&row, "filename"),
                        content_type: get!(&row, "content_type"),
                        sha256: get!(&row, "sha256"),
                        bytes: get!(&row, "bytes"),
                    })
                })
                .transpose()
            }
        }
    };
}
pub(crate) use impl_media_repo;
