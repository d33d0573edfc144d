//! Saved replies ("canned responses"), which staff insert in a reply by typing `/` and the
//! shortcut. A shortcut is unique in its workspace regardless of case.

macro_rules! impl_canned_response_repo {
    ($store:ty, $db:ty) => {
        impl $store {
            fn decode_canned_response(
                row: &<$db as sqlx::Database>::Row,
            ) -> $crate::StoreResult<$crate::model::CannedResponse> {
                use $crate::sql::decode::get;
                Ok($crate::model::CannedResponse {
                    canned_response_id: get!(row, "canned_response_id" as id CannedResponseId),
                    workspace_id: get!(row, "workspace_id" as id WorkspaceId),
                    shortcut: get!(row, "shortcut"),
                    body: get!(row, "body"),
                    created_at: get!(row, "created_at"),
                    updated_at: get!(row, "updated_at"),
                })
            }

            fn shortcut_taken(shortcut: &str) -> $crate::StoreError {
                $crate::StoreError::Conflict(format!("the shortcut /{shortcut} is already taken"))
            }
        }

        #[async_trait::async_trait]
        impl $crate::repo::CannedResponseRepo for $store {
            #[tracing::instrument(skip_all, fields(workspace_id = %workspace_id))]
            async fn create_canned_response(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                shortcut: &str,
                body: &str,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<$crate::model::CannedResponse> {
                let saved = $crate::model::CannedResponse {
                    canned_response_id: switchboard_domain::CannedResponseId::new(),
                    workspace_id,
                    shortcut: shortcut.to_owned(),
                    body: body.to_owned(),
                    created_at: now,
                    updated_at: now,
                };
                let result = sqlx::query(
                    "insert into canned_responses (canned_response_id, workspace_id, shortcut, body, created_at, \
                     updated_at) values ($1, $2, $3, $4, $5, $5)",
                )
                .bind(saved.canned_response_id.0)
                .bind(workspace_id.0)
                .bind(shortcut)
                .bind(body)
                .bind(now)
                .execute(self.write_pool())
                .await;
                match result {
                    Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(Self::shortcut_taken(shortcut)),
                    other => other.map(|_| saved).map_err(Into::into),
                }
            }

            async fn list_canned_responses(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
            ) -> $crate::StoreResult<Vec<$crate::model::CannedResponse>> {
                let rows =
                    sqlx::query("select * from canned_responses where workspace_id = $1 order by lower(shortcut)")
                        .bind(workspace_id.0)
                        .fetch_all(self.read_pool())
                        .await?;
                rows.iter().map(Self::decode_canned_response).collect()
            }

            #[tracing::instrument(skip_all, fields(canned_response_id = %canned_response_id))]
            async fn update_canned_response(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                canned_response_id: switchboard_domain::CannedResponseId,
                shortcut: &str,
                body: &str,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<Option<$crate::model::CannedResponse>> {
                let result = sqlx::query(
                    "update canned_responses set shortcut = $1, body = $2, updated_at = $3 \
                     where canned_response_id = $4 and workspace_id = $5 returning *",
                )
                .bind(shortcut)
                .bind(body)
                .bind(now)
                .bind(canned_response_id.0)
                .bind(workspace_id.0)
                .fetch_optional(self.write_pool())
                .await;
                match result {
                    Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(Self::shortcut_taken(shortcut)),
                    other => other?.as_ref().map(Self::decode_canned_response).transpose(),
                }
            }

            #[tracing::instrument(skip_all, fields(canned_response_id = %canned_response_id))]
            async fn delete_canned_response(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                canned_response_id: switchboard_domain::CannedResponseId,
            ) -> $crate::StoreResult<bool> {
                let deleted = sqlx::query("delete from canned_responses where canned_response_id = $1 and workspace_id = $2")
                    .bind(canned_response_id.0)
                    .bind(workspace_id.0)
                    .execute(self.write_pool())
                    .await?;
                Ok(deleted.rows_affected() > 0)
            }
        }
    };
}
pub(crate) use impl_canned_response_repo;
