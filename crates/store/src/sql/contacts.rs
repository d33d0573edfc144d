//! Contacts, their identities and the opt-out state of each identity per channel kind.

macro_rules! impl_contact_repo {
    ($store:ty, $db:ty) => {
        impl $store {
            /// Loads a contact with its identities and their opt-outs.
            async fn load_contact(
                conn: &mut <$db as sqlx::Database>::Connection,
                workspace_id: switchboard_domain::WorkspaceId,
                contact_id: switchboard_domain::ContactId,
            ) -> $crate::StoreResult<Option<$crate::model::Contact>> {
                use $crate::sql::decode::get;
                let Some(row) = sqlx::query("select * from contacts where workspace_id = $1 and contact_id = $2")
                    .bind(workspace_id.0)
                    .bind(contact_id.0)
                    .fetch_optional(&mut *conn)
                    .await?
                else {
                    return Ok(None);
                };
                let rows = sqlx::query(
                    "select i.identity_id, i.kind, i.value, o.channel_kind \
                     from contact_identities i \
                     left join opt_outs o on o.identity_id = i.identity_id and o.opted_out = true \
                     where i.contact_id = $1 order by i.created_at, i.identity_id, o.channel_kind",
                )
                .bind(contact_id.0)
                .fetch_all(&mut *conn)
                .await?;
                let mut identities: Vec<$crate::model::ContactIdentity> = Vec::new();
                for r in &rows {
                    let identity_id = get!(r, "identity_id" as id IdentityId);
                    let opted: Option<String> = get!(r, "channel_kind");
                    let opted = opted.map(|k| $crate::sql::decode::parse("channel_kind", k)).transpose()?;
                    match identities.last_mut() {
                        Some(last) if last.identity_id == identity_id => last.opted_out.extend(opted),
                        _ => identities.push($crate::model::ContactIdentity {
                            identity_id,
                            kind: get!(r, "kind" as switchboard_domain::IdentityKind),
                            value: get!(r, "value"),
                            opted_out: opted.into_iter().collect(),
                        }),
                    }
                }
                Ok(Some($crate::model::Contact {
                    contact_id,
                    workspace_id,
                    display_name: get!(&row, "display_name"),
                    identities,
                    preferred_channel_kind: {
                        let kind: Option<String> = get!(&row, "preferred_channel_kind");
                        kind.map(|k| $crate::sql::decode::parse("preferred_channel_kind", k)).transpose()?
                    },
                    created_at: get!(&row, "created_at"),
                    updated_at: get!(&row, "updated_at"),
                }))
            }

            fn identity_conflict(identity: &switchboard_domain::Identity) -> $crate::StoreError {
                $crate::StoreError::Conflict(format!(
                    "the {} {} already belongs to another contact in this workspace",
                    identity.kind, identity.value
                ))
            }
        }

        #[async_trait::async_trait]
        impl $crate::repo::ContactRepo for $store {
            #[tracing::instrument(skip_all, fields(workspace_id = %contact.workspace_id))]
            async fn create_contact(&self, contact: $crate::writes::NewContact) -> $crate::StoreResult<$crate::model::Contact> {
                let id = switchboard_domain::ContactId::new();
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "insert into contacts (contact_id, workspace_id, display_name, created_at, updated_at) \
                     values ($1, $2, $3, $4, $4)",
                )
                .bind(id.0)
                .bind(contact.workspace_id.0)
                .bind(&contact.display_name)
                .bind(contact.now)
                .execute(&mut *tx)
                .await?;
                for identity in &contact.identities {
                    let inserted = sqlx::query(
                        "insert into contact_identities (identity_id, workspace_id, contact_id, kind, value, created_at) \
                         values ($1, $2, $3, $4, $5, $6) on conflict do nothing",
                    )
                    .bind(switchboard_domain::IdentityId::new().0)
                    .bind(contact.workspace_id.0)
                    .bind(id.0)
                    .bind(identity.kind.as_str())
                    .bind(&identity.value)
                    .bind(contact.now)
                    .execute(&mut *tx)
                    .await?;
                    if inserted.rows_affected() == 0 {
                        return Err(Self::identity_conflict(identity));
                    }
                }
                let created = Self::load_contact(&mut *tx, contact.workspace_id, id).await?;
                tx.commit().await?;
                created.ok_or($crate::StoreError::NotFound("contact"))
            }

            async fn get_contact(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                contact_id: switchboard_domain::ContactId,
            ) -> $crate::StoreResult<Option<$crate::model::Contact>> {
                Self::load_contact(&mut *self.read_pool().acquire().await?, workspace_id, contact_id).await
            }

            async fn list_contacts(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                cursor: Option<&str>,
                limit: u32,
            ) -> $crate::StoreResult<$crate::model::Page<$crate::model::Contact>> {
                let after = cursor.map($crate::sql::cursor::decode).transpose()?;
                let rows = sqlx::query(
                    "select contact_id, created_at from contacts where workspace_id = $1 \
                     and ($2 is null or (created_at, contact_id) < ($2, $3)) \
                     order by created_at desc, contact_id desc limit $4",
                )
                .bind(workspace_id.0)
                .bind(after.map(|(at, _)| at))
                .bind(after.map(|(_, id)| id))
                .bind(i64::from(limit) + 1)
                .fetch_all(self.read_pool())
                .await?;
                let mut keys = Vec::with_capacity(rows.len());
                for row in &rows {
                    keys.push((
                        sqlx::Row::try_get::<i64, _>(row, "created_at")?,
                        sqlx::Row::try_get::<uuid::Uuid, _>(row, "contact_id")?,
                    ));
                }
                let (keys, next_cursor) = $crate::sql::cursor::paginate(keys, limit, |k| *k);
                let mut items = Vec::with_capacity(keys.len());
                for (_, id) in keys {
                    let contact_id = switchboard_domain::ContactId(id);
                    if let Some(contact) = Self::load_contact(&mut *self.read_pool().acquire().await?, workspace_id, contact_id).await? {
                        items.push(contact);
                    }
                }
                Ok($crate::model::Page { items, next_cursor })
            }

            #[tracing::instrument(skip_all, fields(workspace_id = %workspace_id, contact_id = %contact_id))]
            async fn add_identity(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                contact_id: switchboard_domain::ContactId,
                identity: &switchboard_domain::Identity,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<$crate::model::Contact> {
                let mut tx = self.begin_write().await?;
                let exists = sqlx::query("select 1 from contacts where workspace_id = $1 and contact_id = $2")
                    .bind(workspace_id.0)
                    .bind(contact_id.0)
                    .fetch_optional(&mut *tx)
                    .await?;
                if exists.is_none() {
                    return Err($crate::StoreError::NotFound("contact"));
                }
                let owner: Option<uuid::Uuid> = sqlx::query_scalar(
                    "select contact_id from contact_identities where workspace_id = $1 and kind = $2 and value = $3",
                )
                .bind(workspace_id.0)
                .bind(identity.kind.as_str())
                .bind(&identity.value)
                .fetch_optional(&mut *tx)
                .await?;
                match owner {
                    Some(owner) if owner == contact_id.0 => {}
                    Some(_) => return Err(Self::identity_conflict(identity)),
                    None => {
                        sqlx::query(
                            "insert into contact_identities (identity_id, workspace_id, contact_id, kind, value, created_at) \
                             values ($1, $2, $3, $4, $5, $6)",
                        )
                        .bind(switchboard_domain::IdentityId::new().0)
                        .bind(workspace_id.0)
                        .bind(contact_id.0)
                        .bind(identity.kind.as_str())
                        .bind(&identity.value)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                        sqlx::query("update contacts set updated_at = $1 where contact_id = $2")
                            .bind(now)
                            .bind(contact_id.0)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                let contact = Self::load_contact(&mut *tx, workspace_id, contact_id).await?;
                tx.commit().await?;
                contact.ok_or($crate::StoreError::NotFound("contact"))
            }

            async fn find_contact_by_identity(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                identity: &switchboard_domain::Identity,
            ) -> $crate::StoreResult<Option<$crate::model::Contact>> {
                let owner: Option<uuid::Uuid> = sqlx::query_scalar(
                    "select contact_id from contact_identities where workspace_id = $1 and kind = $2 and value = $3",
                )
                .bind(workspace_id.0)
                .bind(identity.kind.as_str())
                .bind(&identity.value)
                .fetch_optional(self.read_pool())
                .await?;
                match owner {
                    Some(id) => {
                        let mut conn = self.read_pool().acquire().await?;
                        Self::load_contact(&mut *conn, workspace_id, switchboard_domain::ContactId(id)).await
                    }
                    None => Ok(None),
                }
            }

            async fn is_opted_out(
                &self,
                identity_id: switchboard_domain::IdentityId,
                channel_kind: switchboard_domain::ChannelKind,
            ) -> $crate::StoreResult<bool> {
                let opted: Option<bool> = sqlx::query_scalar(
                    "select opted_out from opt_outs where identity_id = $1 and channel_kind = $2",
                )
                .bind(identity_id.0)
                .bind(channel_kind.as_str())
                .fetch_optional(self.read_pool())
                .await?;
                Ok(opted.unwrap_or(false))
            }

            async fn set_opted_out(
                &self,
                identity_id: switchboard_domain::IdentityId,
                channel_kind: switchboard_domain::ChannelKind,
                opted_out: bool,
                reason: &str,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<()> {
                sqlx::query(
                    "insert into opt_outs (identity_id, channel_kind, opted_out, keyword, updated_at) \
                     values ($1, $2, $3, $4, $5) on conflict (identity_id, channel_kind) do update set \
                     opted_out = excluded.opted_out, keyword = excluded.keyword, updated_at = excluded.updated_at",
                )
                .bind(identity_id.0)
                .bind(channel_kind.as_str())
                .bind(opted_out)
                .bind(reason)
                .bind(now)
                .execute(self.write_pool())
                .await?;
                Ok(())
            }
        }
    };
}
pub(crate) use impl_contact_repo;
