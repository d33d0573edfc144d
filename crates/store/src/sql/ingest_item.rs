//! The per-webhook ingest path: one webhook stored by itself, statement by statement. It is the
//! fallback when a batch cannot be stored in bulk (a unique key raced by another node, a
//! deadlock), and the way status reports and keywords are applied inside a bulk batch.

macro_rules! impl_ingest_item {
    ($store:ty, $db:ty) => {
        impl $store {
            /// Stores one webhook in a transaction of its own, retrying when it raced another
            /// writer: the retry sees what the other writer committed.
            async fn ingest_alone(
                &self,
                write: &$crate::writes::InboundWrite,
            ) -> $crate::StoreResult<$crate::writes::InboundOutcome> {
                let mut attempt = 0;
                loop {
                    attempt += 1;
                    let mut tx = self.begin_write().await?;
                    match Self::ingest_one(&mut *tx, write).await {
                        Ok(outcome) => {
                            tx.commit().await?;
                            return Ok(outcome);
                        }
                        Err(error) if error.is_retryable() && attempt < 5 => {
                            let _ = tx.rollback().await;
                        }
                        Err(error) => {
                            let _ = tx.rollback().await;
                            return Err(error);
                        }
                    }
                }
            }

            /// Stores one webhook inside the current transaction.
            async fn ingest_one(
                conn: &mut <$db as sqlx::Database>::Connection,
                write: &$crate::writes::InboundWrite,
            ) -> $crate::StoreResult<$crate::writes::InboundOutcome> {
                use switchboard_domain::inbound::InboundEvent;
                let mut outcome = $crate::writes::InboundOutcome::default();
                for event in &write.events {
                    match event {
                        InboundEvent::Message(message) => {
                            match Self::ingest_message(&mut *conn, write, message).await? {
                                Some(stored) => outcome.new_messages.push(stored),
                                None => outcome.duplicates.push(message.provider_message_id.clone()),
                            }
                        }
                        InboundEvent::Status(_) | InboundEvent::ReadUpTo(_) => {
                            Self::apply_report(&mut *conn, write, event, &mut outcome).await?;
                        }
                        InboundEvent::Consent(report) => {
                            outcome.consent_changes += Self::ingest_consent(&mut *conn, write, report).await?;
                        }
                        InboundEvent::Edit(edit) => {
                            outcome.edits_applied += Self::ingest_edit(&mut *conn, write, edit).await?;
                        }
                        InboundEvent::Unsupported(_) => outcome.unsupported += 1,
                    }
                }
                let event_id = switchboard_domain::WebhookEventId::new();
                sqlx::query(
                    "insert into webhook_events (webhook_event_id, workspace_id, channel_id, provider, \
                     verification, content_type, payload, outcome, received_at) \
                     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(event_id.0)
                .bind(write.workspace_id.0)
                .bind(write.channel_id.0)
                .bind(write.provider.as_str())
                .bind(write.verification.as_ref())
                .bind(&write.content_type)
                .bind(&write.payload)
                .bind(outcome.summary())
                .bind(write.received_at)
                .execute(&mut *conn)
                .await?;
                outcome.webhook_event_id = Some(event_id);
                Ok(outcome)
            }

            /// Stores a new inbound message; `None` when it is a provider retry.
            async fn ingest_message(
                conn: &mut <$db as sqlx::Database>::Connection,
                write: &$crate::writes::InboundWrite,
                message: &switchboard_domain::inbound::InboundMessage,
            ) -> $crate::StoreResult<Option<$crate::writes::StoredInbound>> {
                let seen: Option<i32> = sqlx::query_scalar(
                    "select 1 from messages where channel_id = $1 and provider_message_id = $2",
                )
                .bind(write.channel_id.0)
                .bind(&message.provider_message_id)
                .fetch_optional(&mut *conn)
                .await?;
                if seen.is_some() {
                    return Ok(None);
                }
                let (identity_id, contact_id) = match message.email.as_deref() {
                    Some(email) => Self::resolve_email_sender(&mut *conn, write, message, email).await?,
                    None => Self::resolve_identity(&mut *conn, write, message).await?,
                };
                let conversation_id = Self::touch_conversation(
                    &mut *conn, write.workspace_id, contact_id, write.channel_id, 1, write.received_at,
                )
                .await?;
                let message_id = switchboard_domain::MessageId::new();
                sqlx::query(
                    "insert into messages (message_id, workspace_id, conversation_id, contact_id, channel_id, \
                     direction, sender_kind, body, attachments, from_address, to_address, provider_message_id, \
                     status, received_at, created_at, updated_at, content, reply_to, email, email_message_id) \
                     values ($1, $2, $3, $4, $5, 'inbound', 'contact', $6, $7, $8, $9, $10, 'received', $11, $11, $11, \
                     $12, $13, $14, $15)",
                )
                .bind(message_id.0)
                .bind(write.workspace_id.0)
                .bind(conversation_id.0)
                .bind(contact_id.0)
                .bind(write.channel_id.0)
                .bind(&message.text)
                .bind(sqlx::types::Json(&message.attachments))
                .bind(&message.from_address)
                .bind(&message.to_address)
                .bind(&message.provider_message_id)
                .bind(write.received_at)
                .bind(message.content.as_ref().map(sqlx::types::Json))
                .bind(&message.reply_to)
                .bind(message.email.as_deref().map(sqlx::types::Json))
                .bind(message.email.as_ref().and_then(|e| e.message_id.as_deref()))
                .execute(&mut *conn)
                .await?;
                for file in &write.media {
                    sqlx::query(
                        "insert into media (media_id, workspace_id, message_id, content_type, size_bytes, sha256, \
                         bytes, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(file.media_id.0)
                    .bind(write.workspace_id.0)
                    .bind(message_id.0)
                    .bind(&file.content_type)
                    .bind(file.bytes.len() as i64)
                    .bind(&file.sha256)
                    .bind(&file.bytes)
                    .bind(write.received_at)
                    .execute(&mut *conn)
                    .await?;
                }
                Self::apply_keyword(&mut *conn, write, message, identity_id, message_id, contact_id).await.map(Some)
            }

            /// Records what a keyword in a new message asks: an opt-out change, a help reply job.
            async fn apply_keyword(
                conn: &mut <$db as sqlx::Database>::Connection,
                write: &$crate::writes::InboundWrite,
                message: &switchboard_domain::inbound::InboundMessage,
                identity_id: switchboard_domain::IdentityId,
                message_id: switchboard_domain::MessageId,
                contact_id: switchboard_domain::ContactId,
            ) -> $crate::StoreResult<$crate::writes::StoredInbound> {
                use switchboard_domain::keywords::{classify, Keyword};
                // A machine's email (an auto-reply, a bounce) never speaks for the customer.
                let automated = message.email.as_ref().is_some_and(|e| e.automated.is_some());
                let keyword = if automated { None } else { classify(&message.text) };
                let opt_change = match keyword {
                    Some(Keyword::OptOut) => Some($crate::writes::OptChange::OptedOut),
                    Some(Keyword::OptIn) => Some($crate::writes::OptChange::OptedIn),
                    _ => None,
                };
                if let Some(change) = opt_change {
                    sqlx::query(
                        "insert into opt_outs (identity_id, channel_kind, opted_out, keyword, updated_at) \
                         values ($1, $2, $3, $4, $5) on conflict (identity_id, channel_kind) do update set \
                         opted_out = excluded.opted_out, keyword = excluded.keyword, updated_at = excluded.updated_at",
                    )
                    .bind(identity_id.0)
                    .bind(write.channel_kind.as_str())
                    .bind(change == $crate::writes::OptChange::OptedOut)
                    .bind(message.text.trim().to_ascii_uppercase())
                    .bind(write.received_at)
                    .execute(&mut *conn)
                    .await?;
                }
                let help_requested = keyword == Some(Keyword::Help);
                if help_requested {
                    Self::insert_job(
                        &mut *conn,
                        &$crate::queue::NewJob {
                            workspace_id: write.workspace_id,
                            kind: $crate::queue::kinds::HELP_REPLY,
                            payload: serde_json::json!({ "message_id": message_id }),
                            dedupe_key: Some(format!("help:{message_id}")),
                            run_at: write.received_at,
                            max_attempts: 1,
                        },
                        write.received_at,
                    )
                    .await?;
                }
                let fetches_media = message.attachments.iter().any(switchboard_domain::Attachment::awaits_fetch);
                if fetches_media {
                    Self::insert_job(
                        &mut *conn,
                        &$crate::queue::NewJob {
                            workspace_id: write.workspace_id,
                            kind: $crate::queue::kinds::FETCH_MEDIA,
                            payload: serde_json::json!({ "message_id": message_id }),
                            dedupe_key: Some(format!("media:{message_id}")),
                            run_at: write.received_at,
                            max_attempts: $crate::queue::FETCH_MEDIA_ATTEMPTS,
                        },
                        write.received_at,
                    )
                    .await?;
                }
                Ok($crate::writes::StoredInbound {
                    message_id,
                    contact_id,
                    provider_message_id: message.provider_message_id.clone(),
                    opt_change,
                    help_requested,
                    fetches_media,
                })
            }

            /// The sender of an email and the contact it belongs to: the contact of the thread it
            /// answers (by our reply address, then In-Reply-To, then References), else the
            /// sender's own. An address the workspace has not seen joins the thread's contact.
            async fn resolve_email_sender(
                conn: &mut <$db as sqlx::Database>::Connection,
                write: &$crate::writes::InboundWrite,
                message: &switchboard_domain::inbound::InboundMessage,
                email: &switchboard_domain::EmailDetails,
            ) -> $crate::StoreResult<(switchboard_domain::IdentityId, switchboard_domain::ContactId)> {
                let Some(thread_contact) = Self::thread_contact(&mut *conn, write.workspace_id, email).await? else {
                    return Self::resolve_identity(&mut *conn, write, message).await;
                };
                let known: Option<uuid::Uuid> = sqlx::query_scalar(
                    "select identity_id from contact_identities where workspace_id = $1 and kind = $2 and value = $3",
                )
                .bind(write.workspace_id.0)
                .bind(message.from.kind.as_str())
                .bind(&message.from.value)
                .fetch_optional(&mut *conn)
                .await?;
                if let Some(identity) = known {
                    return Ok((switchboard_domain::IdentityId(identity), thread_contact));
                }
                let identity_id = switchboard_domain::IdentityId::new();
                sqlx::query(
                    "insert into contact_identities (identity_id, workspace_id, contact_id, kind, value, created_at) \
                     values ($1, $2, $3, $4, $5, $6)",
                )
                .bind(identity_id.0)
                .bind(write.workspace_id.0)
                .bind(thread_contact.0)
                .bind(message.from.kind.as_str())
                .bind(&message.from.value)
                .bind(write.received_at)
                .execute(&mut *conn)
                .await?;
                Ok((identity_id, thread_contact))
            }

            /// The contact whose conversation an email's threading keys lead to, if any.
            async fn thread_contact(
                conn: &mut <$db as sqlx::Database>::Connection,
                workspace_id: switchboard_domain::WorkspaceId,
                email: &switchboard_domain::EmailDetails,
            ) -> $crate::StoreResult<Option<switchboard_domain::ContactId>> {
                use switchboard_domain::email_thread::ThreadKey;
                for key in email.thread_keys() {
                    let found: Option<uuid::Uuid> = match key {
                        ThreadKey::Conversation(conversation) => {
                            sqlx::query_scalar(
                                "select contact_id from conversations where workspace_id = $1 and conversation_id = $2",
                            )
                            .bind(workspace_id.0)
                            .bind(conversation.0)
                            .fetch_optional(&mut *conn)
                            .await?
                        }
                        ThreadKey::OurMessage(message) => {
                            sqlx::query_scalar(
                                "select contact_id from messages where workspace_id = $1 and message_id = $2 \
                                 and direction = 'outbound'",
                            )
                            .bind(workspace_id.0)
                            .bind(message.0)
                            .fetch_optional(&mut *conn)
                            .await?
                        }
                        ThreadKey::TheirMessage(header) => {
                            sqlx::query_scalar(
                                "select contact_id from messages where workspace_id = $1 and email_message_id = $2 \
                                 order by message_id desc limit 1",
                            )
                            .bind(workspace_id.0)
                            .bind(header)
                            .fetch_optional(&mut *conn)
                            .await?
                        }
                    };
                    if let Some(contact) = found {
                        return Ok(Some(switchboard_domain::ContactId(contact)));
                    }
                }
                Ok(None)
            }

            /// The contact who owns the sender's identity, created on first contact.
            async fn resolve_identity(
                conn: &mut <$db as sqlx::Database>::Connection,
                write: &$crate::writes::InboundWrite,
                message: &switchboard_domain::inbound::InboundMessage,
            ) -> $crate::StoreResult<(switchboard_domain::IdentityId, switchboard_domain::ContactId)> {
                let found: Option<(uuid::Uuid, uuid::Uuid)> = sqlx::query_as(
                    "select identity_id, contact_id from contact_identities \
                     where workspace_id = $1 and kind = $2 and value = $3",
                )
                .bind(write.workspace_id.0)
                .bind(message.from.kind.as_str())
                .bind(&message.from.value)
                .fetch_optional(&mut *conn)
                .await?;
                if let Some((identity, contact)) = found {
                    if let Some(name) = &message.profile_name {
                        sqlx::query("update contacts set display_name = $1 where contact_id = $2 and display_name is null")
                            .bind(name)
                            .bind(contact)
                            .execute(&mut *conn)
                            .await?;
                    }
                    return Ok((switchboard_domain::IdentityId(identity), switchboard_domain::ContactId(contact)));
                }
                let identity_id = switchboard_domain::IdentityId::new();
                let contact_id = match Self::referred_contact(&mut *conn, write, message).await? {
                    Some(contact_id) => contact_id,
                    None => {
                        let contact_id = switchboard_domain::ContactId::new();
                        sqlx::query(
                            "insert into contacts (contact_id, workspace_id, display_name, created_at, updated_at) \
                             values ($1, $2, $3, $4, $4)",
                        )
                        .bind(contact_id.0)
                        .bind(write.workspace_id.0)
                        .bind(&message.profile_name)
                        .bind(write.received_at)
                        .execute(&mut *conn)
                        .await?;
                        contact_id
                    }
                };
                sqlx::query(
                    "insert into contact_identities (identity_id, workspace_id, contact_id, kind, value, created_at) \
                     values ($1, $2, $3, $4, $5, $6)",
                )
                .bind(identity_id.0)
                .bind(write.workspace_id.0)
                .bind(contact_id.0)
                .bind(message.from.kind.as_str())
                .bind(&message.from.value)
                .bind(write.received_at)
                .execute(&mut *conn)
                .await?;
                Ok((identity_id, contact_id))
            }

            /// The contact a checked referral names, when it is one of this workspace's.
            async fn referred_contact(
                conn: &mut <$db as sqlx::Database>::Connection,
                write: &$crate::writes::InboundWrite,
                message: &switchboard_domain::inbound::InboundMessage,
            ) -> $crate::StoreResult<Option<switchboard_domain::ContactId>> {
                let Some(contact) = message.referral.as_ref().and_then(|r| r.contact) else { return Ok(None) };
                let found: Option<uuid::Uuid> = sqlx::query_scalar(
                    "select contact_id from contacts where contact_id = $1 and workspace_id = $2",
                )
                .bind(contact.0)
                .bind(write.workspace_id.0)
                .fetch_optional(&mut *conn)
                .await?;
                Ok(found.map(switchboard_domain::ContactId))
            }

            /// Replaces the text of a stored message the customer edited, keeping the text it
            /// replaces; returns 1 when applied, 0 for a retry or a message we never stored.
            async fn ingest_edit(
                conn: &mut <$db as sqlx::Database>::Connection,
                write: &$crate::writes::InboundWrite,
                edit: &switchboard_domain::inbound::MessageEdit,
            ) -> $crate::StoreResult<usize> {
                let kept = sqlx::query(
                    "insert into message_edits (message_id, edited_at, previous_body) \
                     select message_id, $1, body from messages \
                     where channel_id = $2 and provider_message_id = $3 and direction = 'inbound' \
                     on conflict do nothing",
                )
                .bind(edit.edited_at)
                .bind(write.channel_id.0)
                .bind(&edit.provider_message_id)
                .execute(&mut *conn)
                .await?;
                if kept.rows_affected() == 0 {
                    return Ok(0);
                }
                sqlx::query(
                    "update messages set body = $1, updated_at = $2, edited_at = $5 \
                     where channel_id = $3 and provider_message_id = $4 and direction = 'inbound'",
                )
                .bind(&edit.text)
                .bind(write.received_at)
                .bind(write.channel_id.0)
                .bind(&edit.provider_message_id)
                .bind(edit.edited_at)
                .execute(&mut *conn)
                .await?;
                Ok(1)
            }

            /// Marks read every message we sent the reader on the channel, sent by the watermark and
            /// not read yet; returns how many.
            async fn ingest_read_up_to(
                conn: &mut <$db as sqlx::Database>::Connection,
                write: &$crate::writes::InboundWrite,
                read: &switchboard_domain::inbound::ReadUpTo,
            ) -> $crate::StoreResult<usize> {
                let done = sqlx::query(
                    "update messages set status = 'read', read_at = $1, updated_at = $1 \
                     where channel_id = $2 and direction = 'outbound' and to_address = $3 \
                     and status in ('sent', 'delivered') and sent_at <= $4",
                )
                .bind(write.received_at)
                .bind(write.channel_id.0)
                .bind(&read.reader.value)
                .bind(read.up_to)
                .execute(&mut *conn)
                .await?;
                Ok(done.rows_affected() as usize)
            }

            /// Records a provider's opt-out (or opt-in) report for the customer's identity on the
            /// channel's kind; returns 1 when the workspace knows the identity, else 0 (nobody to
            /// record it for: we never wrote to them).
            async fn ingest_consent(
                conn: &mut <$db as sqlx::Database>::Connection,
                write: &$crate::writes::InboundWrite,
                report: &switchboard_domain::inbound::ConsentReport,
            ) -> $crate::StoreResult<usize> {
                let identity: Option<uuid::Uuid> = sqlx::query_scalar(
                    "select identity_id from contact_identities where workspace_id = $1 and kind = $2 and value = $3",
                )
                .bind(write.workspace_id.0)
                .bind(report.who.kind.as_str())
                .bind(&report.who.value)
                .fetch_optional(&mut *conn)
                .await?;
                let Some(identity) = identity else { return Ok(0) };
                sqlx::query(
                    "insert into opt_outs (identity_id, channel_kind, opted_out, keyword, updated_at) \
                     values ($1, $2, $3, $4, $5) on conflict (identity_id, channel_kind) do update set \
                     opted_out = excluded.opted_out, keyword = excluded.keyword, updated_at = excluded.updated_at",
                )
                .bind(identity)
                .bind(write.channel_kind.as_str())
                .bind(report.opted_out)
                .bind(&report.reason)
                .bind(write.received_at)
                .execute(&mut *conn)
                .await?;
                Ok(1)
            }

            /// Applies a batch's status reports and read receipts, each on its own (atomic and
            /// idempotent), counting them in the webhooks' outcomes.
            pub(crate) async fn apply_reports(
                conn: &mut <$db as sqlx::Database>::Connection,
                writes: &[$crate::writes::InboundWrite],
                outcomes: &mut [$crate::writes::InboundOutcome],
            ) -> $crate::StoreResult<()> {
                for (write, outcome) in writes.iter().zip(outcomes.iter_mut()) {
                    for event in &write.events {
                        Self::apply_report(&mut *conn, write, event, outcome).await?;
                    }
                }
                Ok(())
            }

            /// Applies a status report or a read receipt, counting it in the outcome; any other
            /// event is left alone.
            async fn apply_report(
                conn: &mut <$db as sqlx::Database>::Connection,
                write: &$crate::writes::InboundWrite,
                event: &switchboard_domain::inbound::InboundEvent,
                outcome: &mut $crate::writes::InboundOutcome,
            ) -> $crate::StoreResult<()> {
                use switchboard_domain::inbound::InboundEvent;
                match event {
                    InboundEvent::Status(update) => {
                        if Self::ingest_status(&mut *conn, write, update).await? {
                            outcome.statuses_applied += 1;
                        } else {
                            outcome.statuses_ignored += 1;
                        }
                    }
                    InboundEvent::ReadUpTo(read) => {
                        outcome.statuses_applied += Self::ingest_read_up_to(&mut *conn, write, read).await?;
                    }
                    _ => {}
                }
                Ok(())
            }

            /// Applies a status report; false when it was stale. A report about a message whose
            /// send is not recorded yet is kept and applied when the send is recorded. Where
            /// writers run concurrently the two wait for each other (`lock_status_key`) in a
            /// transaction of their own (a savepoint inside a webhook's transaction).
            async fn ingest_status(
                conn: &mut <$db as sqlx::Database>::Connection,
                write: &$crate::writes::InboundWrite,
                update: &switchboard_domain::inbound::StatusUpdate,
            ) -> $crate::StoreResult<bool> {
                if Self::STATUS_KEY_LOCK_SQL.is_none() {
                    // One writer: nothing can come between, and no transaction is worth its cost.
                    return Self::apply_status(&mut *conn, write, update).await;
                }
                let mut tx = sqlx::Connection::begin(&mut *conn).await?;
                Self::lock_status_key(&mut *tx, write.channel_id, &update.provider_message_id).await?;
                let applied = Self::apply_status(&mut *tx, write, update).await?;
                tx.commit().await?;
                Ok(applied)
            }

            /// What [`Self::ingest_status`] does under its lock.
            async fn apply_status(
                conn: &mut <$db as sqlx::Database>::Connection,
                write: &$crate::writes::InboundWrite,
                update: &switchboard_domain::inbound::StatusUpdate,
            ) -> $crate::StoreResult<bool> {
                let applied = Self::advance_status(&mut *conn, write.channel_id, update, write.received_at).await?;
                if applied {
                    return Ok(true);
                }
                let known: Option<i32> = sqlx::query_scalar(
                    "select 1 from messages where channel_id = $1 and provider_message_id = $2",
                )
                .bind(write.channel_id.0)
                .bind(&update.provider_message_id)
                .fetch_optional(&mut *conn)
                .await?;
                if known.is_none() {
                    sqlx::query(
                        "insert into early_statuses (channel_id, provider_message_id, status, error_code, \
                         error_reason, reported_at, details) values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing",
                    )
                    .bind(write.channel_id.0)
                    .bind(&update.provider_message_id)
                    .bind(update.status.as_str())
                    .bind(&update.error_code)
                    .bind(&update.error_reason)
                    .bind(write.received_at)
                    .bind(update.details.as_ref().map(sqlx::types::Json))
                    .execute(&mut *conn)
                    .await?;
                }
                Ok(false)
            }
        }

    };
}
pub(crate) use impl_ingest_item;
