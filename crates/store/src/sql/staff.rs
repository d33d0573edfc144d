//! Staff accounts and their browser sessions.

macro_rules! impl_staff_repo {
    ($store:ty, $db:ty) => {
        impl $store {
            fn decode_staff(row: &<$db as sqlx::Database>::Row) -> $crate::StoreResult<$crate::model::StaffMember> {
                use $crate::sql::decode::get;
                Ok($crate::model::StaffMember {
                    staff_id: get!(row, "staff_id" as id StaffId),
                    workspace_id: get!(row, "workspace_id" as id WorkspaceId),
                    email: get!(row, "email"),
                    name: get!(row, "name"),
                    role: get!(row, "role" as switchboard_domain::StaffRole),
                    active: get!(row, "active"),
                    created_at: get!(row, "created_at"),
                })
            }

            /// Inserts a new, active account; an email already in use is a conflict.
            async fn insert_staff(
                conn: &mut <$db as sqlx::Database>::Connection,
                staff: $crate::writes::NewStaff,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<$crate::model::StaffMember> {
                let member = $crate::model::StaffMember {
                    staff_id: switchboard_domain::StaffId::new(),
                    workspace_id: staff.workspace_id,
                    email: staff.email.trim().to_lowercase(),
                    name: staff.name,
                    role: staff.role,
                    active: true,
                    created_at: now,
                };
                let result = sqlx::query(
                    "insert into staff (staff_id, workspace_id, email, name, role, password_hash, active, created_at, \
                     updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
                )
                .bind(member.staff_id.0)
                .bind(member.workspace_id.0)
                .bind(&member.email)
                .bind(&member.name)
                .bind(member.role.as_str())
                .bind(&staff.password_hash)
                .bind(true)
                .bind(now)
                .execute(&mut *conn)
                .await;
                match result {
                    Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                        Err($crate::StoreError::Conflict(format!("a staff account for {} already exists", member.email)))
                    }
                    other => other.map(|_| member).map_err(Into::into),
                }
            }
        }

        #[async_trait::async_trait]
        impl $crate::repo::StaffRepo for $store {
            #[tracing::instrument(skip_all, fields(workspace_id = %staff.workspace_id))]
            async fn create_staff(
                &self,
                staff: $crate::writes::NewStaff,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<$crate::model::StaffMember> {
                Self::insert_staff(&mut *self.write_pool().acquire().await?, staff, now).await
            }

            async fn find_staff_login(
                &self,
                email: &str,
            ) -> $crate::StoreResult<Option<($crate::model::StaffMember, String)>> {
                let row = sqlx::query("select * from staff where email = $1")
                    .bind(email.trim().to_lowercase())
                    .fetch_optional(self.read_pool())
                    .await?;
                match row {
                    Some(row) => {
                        let hash: String = sqlx::Row::try_get(&row, "password_hash")?;
                        Ok(Some((Self::decode_staff(&row)?, hash)))
                    }
                    None => Ok(None),
                }
            }

            async fn list_staff(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
            ) -> $crate::StoreResult<Vec<$crate::model::StaffMember>> {
                let rows = sqlx::query("select * from staff where workspace_id = $1 order by name, staff_id")
                    .bind(workspace_id.0)
                    .fetch_all(self.read_pool())
                    .await?;
                rows.iter().map(Self::decode_staff).collect()
            }

            async fn create_session(
                &self,
                token_hash: &[u8],
                staff_id: switchboard_domain::StaffId,
                csrf_token: &str,
                now: $crate::model::UnixMillis,
                expires_at: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<()> {
                sqlx::query(
                    "insert into staff_sessions (token_hash, staff_id, csrf_token, created_at, expires_at) \
                     values ($1, $2, $3, $4, $5)",
                )
                .bind(token_hash)
                .bind(staff_id.0)
                .bind(csrf_token)
                .bind(now)
                .bind(expires_at)
                .execute(self.write_pool())
                .await?;
                Ok(())
            }

            async fn find_session(
                &self,
                token_hash: &[u8],
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<Option<$crate::model::StaffSession>> {
                let row = sqlx::query(
                    "select s.*, ss.csrf_token, ss.expires_at from staff_sessions ss \
                     join staff s on s.staff_id = ss.staff_id \
                     where ss.token_hash = $1 and ss.expires_at > $2 and s.active = $3",
                )
                .bind(token_hash)
                .bind(now)
                .bind(true)
                .fetch_optional(self.read_pool())
                .await?;
                match row {
                    Some(row) => Ok(Some($crate::model::StaffSession {
                        staff: Self::decode_staff(&row)?,
                        csrf_token: sqlx::Row::try_get(&row, "csrf_token")?,
                        expires_at: sqlx::Row::try_get(&row, "expires_at")?,
                    })),
                    None => Ok(None),
                }
            }

            async fn delete_session(&self, token_hash: &[u8]) -> $crate::StoreResult<()> {
                sqlx::query("delete from staff_sessions where token_hash = $1")
                    .bind(token_hash)
                    .execute(self.write_pool())
                    .await?;
                Ok(())
            }

            #[tracing::instrument(skip_all, fields(workspace_id = %staff.workspace_id))]
            async fn invite_staff(
                &self,
                staff: $crate::writes::NewStaff,
                token_hash: &[u8],
                now: $crate::model::UnixMillis,
                expires_at: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<$crate::model::StaffMember> {
                let mut tx = self.begin_write().await?;
                // No password hash: the account cannot sign in until the invitation is used.
                let member =
                    Self::insert_staff(&mut *tx, $crate::writes::NewStaff { password_hash: String::new(), ..staff }, now)
                        .await?;
                sqlx::query(
                    "insert into staff_invitations (token_hash, staff_id, created_at, expires_at) values ($1, $2, $3, $4)",
                )
                .bind(token_hash)
                .bind(member.staff_id.0)
                .bind(now)
                .bind(expires_at)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(member)
            }

            async fn find_invitation(
                &self,
                token_hash: &[u8],
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<Option<$crate::model::StaffMember>> {
                let row = sqlx::query(
                    "select s.* from staff_invitations i join staff s on s.staff_id = i.staff_id \
                     where i.token_hash = $1 and i.expires_at > $2",
                )
                .bind(token_hash)
                .bind(now)
                .fetch_optional(self.read_pool())
                .await?;
                row.as_ref().map(Self::decode_staff).transpose()
            }

            #[tracing::instrument(skip_all)]
            async fn accept_invitation(
                &self,
                token_hash: &[u8],
                password_hash: &str,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<Option<$crate::model::StaffMember>> {
                let mut tx = self.begin_write().await?;
                let staff_id: Option<uuid::Uuid> = sqlx::query_scalar(
                    "delete from staff_invitations where token_hash = $1 and expires_at > $2 returning staff_id",
                )
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(staff_id) = staff_id else { return Ok(None) };
                let row = sqlx::query(
                    "update staff set password_hash = $1, updated_at = $2 where staff_id = $3 returning *",
                )
                .bind(password_hash)
                .bind(now)
                .bind(staff_id)
                .fetch_one(&mut *tx)
                .await?;
                let member = Self::decode_staff(&row)?;
                tx.commit().await?;
                Ok(Some(member))
            }

            #[tracing::instrument(skip_all, fields(staff_id = %staff_id))]
            async fn update_staff(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                staff_id: switchboard_domain::StaffId,
                role: switchboard_domain::StaffRole,
                active: bool,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<Option<$crate::model::StaffMember>> {
                let mut tx = self.begin_write().await?;
                let row = sqlx::query(
                    "update staff set role = $1, active = $2, updated_at = $3 \
                     where staff_id = $4 and workspace_id = $5 returning *",
                )
                .bind(role.as_str())
                .bind(active)
                .bind(now)
                .bind(staff_id.0)
                .bind(workspace_id.0)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(row) = row else { return Ok(None) };
                let admins: i64 = sqlx::query_scalar(
                    "select count(*) from staff where workspace_id = $1 and role = 'admin' and active = $2",
                )
                .bind(workspace_id.0)
                .bind(true)
                .fetch_one(&mut *tx)
                .await?;
                if admins == 0 {
                    // Dropping the transaction rolls the change back.
                    return Err($crate::StoreError::Conflict(
                        "the workspace needs at least one active administrator; make someone else an administrator first"
                            .to_owned(),
                    ));
                }
                if !active {
                    sqlx::query("delete from staff_sessions where staff_id = $1")
                        .bind(staff_id.0)
                        .execute(&mut *tx)
                        .await?;
                }
                let member = Self::decode_staff(&row)?;
                tx.commit().await?;
                Ok(Some(member))
            }
        }
    };
}
pub(crate) use impl_staff_repo;
