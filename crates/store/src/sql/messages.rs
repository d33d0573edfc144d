//! Messages: reading a conversation's timeline, recording an outbound message with its send job,
//! and recording what each send attempt did.

macro_rules! impl_message_repo {
    ($store:ty, $db:ty) => {
        impl $store {
            fn decode_message(row: &<$db as sqlx::Database>::Row) -> $crate::StoreResult<$crate::model::Message> {
                use $crate::sql::decode::get;
                Ok($crate::model::Message {
                    message_id: get!(row, "message_id" as id MessageId),
                    workspace_id: get!(row, "workspace_id" as id WorkspaceId),
                    conversation_id: get!(row, "conversation_id" as id ConversationId),
                    contact_id: get!(row, "contact_id" as id ContactId),
                    channel_id: get!(row, "channel_id" as id ChannelId),
                    direction: get!(row, "direction" as switchboard_domain::Direction),
                    sender_kind: get!(row, "sender_kind" as switchboard_domain::SenderKind),
                    body: get!(row, "body"),
                    attachments: get!(row, "attachments" as json),
                    content: get!(row, "content" as opt_json),
                    reply_to: get!(row, "reply_to"),
                    email: get!(row, "email" as opt_json),
                    provider_details: get!(row, "provider_details" as opt_json),
                    from_address: get!(row, "from_address"),
                    to_address: get!(row, "to_address"),
                    provider_message_id: get!(row, "provider_message_id"),
                    status: get!(row, "status" as switchboard_domain::MessageStatus),
                    error_code: get!(row, "error_code"),
                    error_reason: get!(row, "error_reason"),
                    segments: get!(row, "segments"),
                    encoding: get!(row, "encoding"),
                    idempotency_key: get!(row, "idempotency_key"),
                    request_fingerprint: get!(row, "request_fingerprint"),
                    times: $crate::model::StatusTimes {
                        received_at: get!(row, "received_at"),
                        queued_at: get!(row, "queued_at"),
                        sent_at: get!(row, "sent_at"),
                        delivered_at: get!(row, "delivered_at"),
                        read_at: get!(row, "read_at"),
                        failed_at: get!(row, "failed_at"),
                    },
                    edited_at: get!(row, "edited_at"),
                    created_at: get!(row, "created_at"),
                })
            }

            /// Finds or opens the contact's conversation and records activity on it: an inbound
            /// message (`unread` 1) reopens it, an outbound one (`unread` 0) leaves its status.
            async fn touch_conversation(
                conn: &mut <$db as sqlx::Database>::Connection,
                workspace_id: switchboard_domain::WorkspaceId,
                contact_id: switchboard_domain::ContactId,
                channel_id: switchboard_domain::ChannelId,
                unread: i32,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<switchboard_domain::ConversationId> {
                let id: uuid::Uuid = sqlx::query_scalar(
                    "insert into conversations (conversation_id, workspace_id, contact_id, status, \
                     last_message_at, last_channel_id, unread_count, created_at, updated_at) \
                     values ($1, $2, $3, 'open', $4, $5, $6, $4, $4) \
                     on conflict (workspace_id, contact_id) do update set \
                     last_message_at = excluded.last_message_at, last_channel_id = excluded.last_channel_id, \
                     unread_count = conversations.unread_count + excluded.unread_count, \
                     status = case when excluded.unread_count > 0 then 'open' else conversations.status end, \
                     snoozed_until = case when excluded.unread_count > 0 then null else conversations.snoozed_until end, \
                     updated_at = excluded.updated_at \
                     returning conversation_id",
                )
                .bind(switchboard_domain::ConversationId::new().0)
                .bind(workspace_id.0)
                .bind(contact_id.0)
                .bind(now)
                .bind(channel_id.0)
                .bind(unread)
                .fetch_one(&mut *conn)
                .await?;
                let inbound_at = (unread > 0).then_some(now);
                sqlx::query(
                    "insert into conversation_channels (conversation_id, channel_id, last_inbound_at) values ($1, $2, $3) \
                     on conflict (conversation_id, channel_id) do update set last_inbound_at = \
                     case when excluded.last_inbound_at is null then conversation_channels.last_inbound_at \
                     when conversation_channels.last_inbound_at is null \
                     or excluded.last_inbound_at > conversation_channels.last_inbound_at \
                     then excluded.last_inbound_at else conversation_channels.last_inbound_at end",
                )
                .bind(id)
                .bind(channel_id.0)
                .bind(inbound_at)
                .execute(&mut *conn)
                .await?;
                Ok(switchboard_domain::ConversationId(id))
            }

            async fn find_by_idempotency_key(
                conn: &mut <$db as sqlx::Database>::Connection,
                workspace_id: switchboard_domain::WorkspaceId,
                key: &str,
            ) -> $crate::StoreResult<Option<$crate::model::Message>> {
                let row = sqlx::query("select * from messages where workspace_id = $1 and idempotency_key = $2")
                    .bind(workspace_id.0)
                    .bind(key)
                    .fetch_optional(&mut *conn)
                    .await?;
                row.as_ref().map(Self::decode_message).transpose()
            }

            /// Takes the channel's next free send slot (never in the past) and moves the next one
            /// an interval on; returns when the send may run, in milliseconds.
            async fn take_send_slot(
                conn: &mut <$db as sqlx::Database>::Connection,
                channel_id: switchboard_domain::ChannelId,
                interval_us: i64,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<$crate::model::UnixMillis> {
                let now_us = now * 1000;
                let next: i64 = sqlx::query_scalar(
                    "insert into send_pacing (channel_id, next_at_us) values ($1, $2 + $3) \
                     on conflict (channel_id) do update set next_at_us = \
                     case when send_pacing.next_at_us > $2 then send_pacing.next_at_us else $2 end + $3 \
                     returning next_at_us",
                )
                .bind(channel_id.0)
                .bind(now_us)
                .bind(interval_us)
                .fetch_one(&mut *conn)
                .await?;
                Ok((next - interval_us) / 1000)
            }

            /// Moves one message forward to the reported status; false when that would be a step back.
            async fn advance_status(
                conn: &mut <$db as sqlx::Database>::Connection,
                channel_id: switchboard_domain::ChannelId,
                update: &switchboard_domain::inbound::StatusUpdate,
                at: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<bool> {
                let Some(sql) = $crate::sql::statuses::advance_sql(update.status) else {
                    return Ok(false);
                };
                let done = sqlx::query(sql)
                    .bind(update.status.as_str())
                    .bind(at)
                    .bind(&update.error_code)
                    .bind(&update.error_reason)
                    .bind(channel_id.0)
                    .bind(&update.provider_message_id)
                    .bind(update.details.as_ref().map(sqlx::types::Json))
                    .execute(&mut *conn)
                    .await?;
                Ok(done.rows_affected() > 0)
            }
        }

        #[async_trait::async_trait]
        impl $crate::repo::MessageRepo for $store {
            async fn list_messages(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                conversation_id: switchboard_domain::ConversationId,
                cursor: Option<&str>,
                limit: u32,
            ) -> $crate::StoreResult<$crate::model::Page<$crate::model::Message>> {
                let after = cursor.map($crate::sql::cursor::decode).transpose()?;
                let rows = sqlx::query(
                    "select * from messages where workspace_id = $1 and conversation_id = $2 \
                     and ($3 is null or message_id > $3) order by message_id limit $4",
                )
                .bind(workspace_id.0)
                .bind(conversation_id.0)
                .bind(after.map(|(_, id)| id))
                .bind(i64::from(limit) + 1)
                .fetch_all(self.read_pool())
                .await?;
                let items: Vec<$crate::model::Message> =
                    rows.iter().map(Self::decode_message).collect::<Result<_, _>>()?;
                let (items, next_cursor) =
                    $crate::sql::cursor::paginate(items, limit, |m| (m.created_at, m.message_id.0));
                Ok($crate::model::Page { items, next_cursor })
            }

            async fn get_message(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                message_id: switchboard_domain::MessageId,
            ) -> $crate::StoreResult<Option<$crate::model::Message>> {
                let row = sqlx::query("select * from messages where workspace_id = $1 and message_id = $2")
                    .bind(workspace_id.0)
                    .bind(message_id.0)
                    .fetch_optional(self.read_pool())
                    .await?;
                row.as_ref().map(Self::decode_message).transpose()
            }

            async fn message_edits(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                message_id: switchboard_domain::MessageId,
            ) -> $crate::StoreResult<Vec<$crate::model::MessageEditRecord>> {
                let rows: Vec<(i64, String)> = sqlx::query_as(
                    "select e.edited_at, e.previous_body from message_edits e \
                     join messages m on m.message_id = e.message_id \
                     where m.workspace_id = $1 and e.message_id = $2 order by e.edited_at",
                )
                .bind(workspace_id.0)
                .bind(message_id.0)
                .fetch_all(self.read_pool())
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(replaced_at, body)| $crate::model::MessageEditRecord { replaced_at, body })
                    .collect())
            }

            async fn find_message_by_idempotency_key(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                key: &str,
            ) -> $crate::StoreResult<Option<$crate::model::Message>> {
                let mut conn = self.read_pool().acquire().await?;
                Self::find_by_idempotency_key(&mut *conn, workspace_id, key).await
            }

            async fn find_message_by_provider_id(
                &self,
                channel_id: switchboard_domain::ChannelId,
                provider_message_id: &str,
            ) -> $crate::StoreResult<Option<$crate::model::Message>> {
                let row = sqlx::query("select * from messages where channel_id = $1 and provider_message_id = $2")
                    .bind(channel_id.0)
                    .bind(provider_message_id)
                    .fetch_optional(self.read_pool())
                    .await?;
                row.as_ref().map(Self::decode_message).transpose()
            }

            async fn count_channel_messages(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                channel_id: switchboard_domain::ChannelId,
            ) -> $crate::StoreResult<i64> {
                let count: i64 = sqlx::query_scalar(
                    "select count(*) from messages where workspace_id = $1 and channel_id = $2",
                )
                .bind(workspace_id.0)
                .bind(channel_id.0)
                .fetch_one(self.read_pool())
                .await?;
                Ok(count)
            }

            async fn last_inbound_at(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                contact_id: switchboard_domain::ContactId,
                channel_id: switchboard_domain::ChannelId,
            ) -> $crate::StoreResult<Option<$crate::model::UnixMillis>> {
                let at: Option<Option<i64>> = sqlx::query_scalar(
                    "select cc.last_inbound_at from conversation_channels cc \
                     join conversations c on c.conversation_id = cc.conversation_id \
                     where c.workspace_id = $1 and c.contact_id = $2 and cc.channel_id = $3",
                )
                .bind(workspace_id.0)
                .bind(contact_id.0)
                .bind(channel_id.0)
                .fetch_optional(self.read_pool())
                .await?;
                Ok(at.flatten())
            }

            #[tracing::instrument(skip_all, fields(workspace_id = %write.workspace_id, channel_id = %write.channel_id))]
            async fn create_outbound(
                &self,
                write: $crate::writes::OutboundWrite,
            ) -> $crate::StoreResult<($crate::model::Message, bool)> {
                let mut tx = self.begin_write().await?;
                if let Some(key) = &write.idempotency_key {
                    if let Some(existing) = Self::find_by_idempotency_key(&mut *tx, write.workspace_id, key).await? {
                        return Ok((existing, false));
                    }
                }
                let conversation_id = Self::touch_conversation(
                    &mut *tx, write.workspace_id, write.contact_id, write.channel_id, 0, write.now,
                )
                .await?;
                let message_id = switchboard_domain::MessageId::new();
                let inserted = sqlx::query(
                    "insert into messages (message_id, workspace_id, conversation_id, contact_id, channel_id, \
                     direction, sender_kind, body, attachments, from_address, to_address, status, segments, \
                     encoding, idempotency_key, request_fingerprint, queued_at, created_at, updated_at, content, \
                     reply_to, email) \
                     values ($1, $2, $3, $4, $5, 'outbound', $6, $7, $8, $9, $10, 'queued', $11, $12, $13, $14, \
                     $15, $15, $15, $16, $17, $18) returning *",
                )
                .bind(message_id.0)
                .bind(write.workspace_id.0)
                .bind(conversation_id.0)
                .bind(write.contact_id.0)
                .bind(write.channel_id.0)
                .bind(write.sender_kind.as_str())
                .bind(&write.body)
                .bind(sqlx::types::Json(&write.attachments))
                .bind(&write.from_address)
                .bind(&write.to_address)
                .bind(write.segments)
                .bind(&write.encoding)
                .bind(&write.idempotency_key)
                .bind(&write.request_fingerprint)
                .bind(write.now)
                .bind(write.content.as_ref().map(sqlx::types::Json))
                .bind(&write.reply_to)
                .bind(write.email.as_ref().map(sqlx::types::Json))
                .fetch_one(&mut *tx)
                .await;
                let row = match inserted {
                    Err(sqlx::Error::Database(e)) if e.is_unique_violation() && write.idempotency_key.is_some() => {
                        // A concurrent request with the same key won the race: answer with its message.
                        tx.rollback().await?;
                        let mut conn = self.read_pool().acquire().await?;
                        let key = write.idempotency_key.as_deref().unwrap_or_default();
                        let existing = Self::find_by_idempotency_key(&mut *conn, write.workspace_id, key).await?;
                        return existing.map(|m| (m, false)).ok_or($crate::StoreError::NotFound("message"));
                    }
                    other => other?,
                };
                let message = Self::decode_message(&row)?;
                let run_at = match write.send_interval_us {
                    Some(interval) => Self::take_send_slot(&mut *tx, write.channel_id, interval, write.now).await?,
                    None => write.now,
                };
                Self::insert_job(
                    &mut *tx,
                    &$crate::queue::NewJob {
                        workspace_id: write.workspace_id,
                        kind: $crate::queue::kinds::SEND,
                        payload: serde_json::json!({ "message_id": message_id }),
                        dedupe_key: Some(format!("send:{message_id}")),
                        run_at,
                        max_attempts: write.max_attempts,
                    },
                    write.now,
                )
                .await?;
                tx.commit().await?;
                Ok((message, true))
            }

            #[tracing::instrument(skip_all, fields(job_id = %job_id, message_id = %message_id))]
            async fn record_send_result(
                &self,
                job_id: switchboard_domain::JobId,
                message_id: switchboard_domain::MessageId,
                result: &$crate::writes::SendResult,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<()> {
                use $crate::writes::SendResult;
                let mut tx = self.begin_write().await?;
                match result {
                    SendResult::Sent { provider_message_id } => {
                        let channel_id: Option<uuid::Uuid> =
                            sqlx::query_scalar("select channel_id from messages where message_id = $1")
                                .bind(message_id.0)
                                .fetch_optional(&mut *tx)
                                .await?;
                        if let Some(channel_id) = channel_id {
                            let channel_id = switchboard_domain::ChannelId(channel_id);
                            Self::lock_status_key(&mut *tx, channel_id, provider_message_id).await?;
                        }
                        let channel: Option<uuid::Uuid> = sqlx::query_scalar(
                            "update messages set status = 'sent', provider_message_id = $1, sent_at = $2, \
                             updated_at = $2 where message_id = $3 and status = 'queued' returning channel_id",
                        )
                        .bind(provider_message_id)
                        .bind(now)
                        .bind(message_id.0)
                        .fetch_optional(&mut *tx)
                        .await?;
                        if let Some(channel) = channel {
                            Self::apply_early_statuses(
                                &mut *tx,
                                switchboard_domain::ChannelId(channel),
                                provider_message_id,
                            )
                            .await?;
                        }
                        Self::set_job_state(&mut *tx, job_id, "done", None, None, now).await?;
                    }
                    SendResult::Retry { error, retry_at } => {
                        Self::set_job_state(&mut *tx, job_id, "queued", Some(error), Some(*retry_at), now).await?;
                    }
                    SendResult::Failed { error_code, error_reason } => {
                        sqlx::query(
                            "update messages set status = 'failed', failed_at = $1, updated_at = $1, \
                             error_code = $2, error_reason = $3 where message_id = $4 and status = 'queued'",
                        )
                        .bind(now)
                        .bind(error_code)
                        .bind(error_reason)
                        .bind(message_id.0)
                        .execute(&mut *tx)
                        .await?;
                        Self::set_job_state(&mut *tx, job_id, "dead", Some(error_reason), None, now).await?;
                    }
                }
                tx.commit().await?;
                Ok(())
            }
        }

        impl $store {
            /// Makes a status report and the recording of the send it reports on wait for each
            /// other (on a backend with concurrent writers), so a report that arrives while the
            /// send is being recorded is either seen by it or sees it.
            pub(crate) async fn lock_status_key(
                conn: &mut <$db as sqlx::Database>::Connection,
                channel_id: switchboard_domain::ChannelId,
                provider_message_id: &str,
            ) -> $crate::StoreResult<()> {
                if let Some(sql) = Self::STATUS_KEY_LOCK_SQL {
                    sqlx::query(sql).bind(format!("{channel_id}/{provider_message_id}")).execute(&mut *conn).await?;
                }
                Ok(())
            }

            /// Applies status callbacks that arrived before the send was recorded, in ladder order.
            async fn apply_early_statuses(
                conn: &mut <$db as sqlx::Database>::Connection,
                channel_id: switchboard_domain::ChannelId,
                provider_message_id: &str,
            ) -> $crate::StoreResult<()> {
                use $crate::sql::decode::get;
                let rows = sqlx::query(
                    "delete from early_statuses where channel_id = $1 and provider_message_id = $2 returning *",
                )
                .bind(channel_id.0)
                .bind(provider_message_id)
                .fetch_all(&mut *conn)
                .await?;
                let mut early = Vec::with_capacity(rows.len());
                for row in &rows {
                    let update = switchboard_domain::inbound::StatusUpdate {
                        provider_message_id: provider_message_id.to_owned(),
                        status: get!(row, "status" as switchboard_domain::MessageStatus),
                        error_code: get!(row, "error_code"),
                        error_reason: get!(row, "error_reason"),
                        details: get!(row, "details" as opt_json),
                    };
                    let at: i64 = get!(row, "reported_at");
                    early.push((update, at));
                }
                early.sort_by_key(|(update, at)| (update.status.advances_from().len(), *at));
                for (update, at) in early {
                    Self::advance_status(&mut *conn, channel_id, &update, at).await?;
                }
                Ok(())
            }
        }
    };
}
pub(crate) use impl_message_repo;
