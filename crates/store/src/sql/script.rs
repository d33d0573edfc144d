//! The write script of a bulk ingest: the statements that store a batch (conversations, the
//! channels they span, messages, keyword effects, raw webhooks), built into one query of the
//! form the backend takes in a single round trip.

/// How a backend takes a write script in one round trip.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ScriptForm {
    /// Several statements with their parameters in one call, wrapped in `BEGIN IMMEDIATE` and
    /// `COMMIT` (SQLite).
    MultiStatement,
    /// One statement whose parts are data-modifying common table expressions, atomic on its own
    /// (PostgreSQL). Every part stands alone: none reads what another writes.
    CommonTableExpressions,
}

/// The statements of one write script, built into a single query of the backend's form.
pub(crate) struct Script<DB: sqlx::Database> {
    builder: sqlx::QueryBuilder<DB>,
    form: ScriptForm,
    parts: usize,
}

impl<DB: sqlx::Database> Script<DB> {
    pub fn new(form: ScriptForm) -> Self {
        let start = match form {
            ScriptForm::MultiStatement => "BEGIN IMMEDIATE",
            ScriptForm::CommonTableExpressions => "with ",
        };
        Self { builder: sqlx::QueryBuilder::new(start), form, parts: 0 }
    }

    /// The builder to append the next statement to.
    pub fn statement(&mut self) -> &mut sqlx::QueryBuilder<DB> {
        match self.form {
            ScriptForm::MultiStatement => {
                self.builder.push("; ");
            }
            ScriptForm::CommonTableExpressions => {
                if self.parts > 0 {
                    self.builder.push("), ");
                }
                self.builder.push(format_args!("part{} as (", self.parts));
            }
        }
        self.parts += 1;
        &mut self.builder
    }

    /// The finished query; `None` when the script has no statement.
    pub fn finish(mut self) -> Option<sqlx::QueryBuilder<DB>> {
        if self.parts == 0 {
            return None;
        }
        match self.form {
            ScriptForm::MultiStatement => self.builder.push("; COMMIT"),
            ScriptForm::CommonTableExpressions => self.builder.push(") select 1"),
        };
        Some(self.builder)
    }
}
macro_rules! impl_ingest_script {
    ($store:ty, $db:ty) => {
        impl $store {

            /// Records what the keywords of the batch ask (opt-out changes, help replies) and the
            /// media fetches its messages need.
            fn bulk_keywords(
                script: &mut $crate::sql::script::Script<$db>,
                writes: &[$crate::writes::InboundWrite],
                fresh: &[(usize, &switchboard_domain::inbound::InboundMessage)],
                senders: &std::collections::HashMap<$crate::sql::ingest_bulk::SenderKey, $crate::sql::ingest_bulk::Sender>,
                outcomes: &[$crate::writes::InboundOutcome],
            ) {
                let mut opt_rows = std::collections::BTreeMap::new();
                let mut job_rows = Vec::new();
                for (w, message) in fresh {
                    let write = &writes[*w];
                    let Some(stored) =
                        outcomes[*w].new_messages.iter().find(|m| m.provider_message_id == message.provider_message_id)
                    else {
                        continue;
                    };
                    let sender = senders[&(write.workspace_id, message.from.kind, message.from.value.clone())];
                    if let Some(change) = stored.opt_change {
                        // The last keyword of the batch wins, as it would one by one.
                        opt_rows.insert(
                            (sender.identity_id, write.channel_kind.as_str()),
                            (change == $crate::writes::OptChange::OptedOut, message.text.trim().to_ascii_uppercase(), write.received_at),
                        );
                    }
                    if stored.help_requested {
                        job_rows.push((write, stored.message_id, $crate::queue::kinds::HELP_REPLY, "help", 1_i32));
                    }
                    if stored.fetches_media {
                        let kind = $crate::queue::kinds::FETCH_MEDIA;
                        job_rows.push((write, stored.message_id, kind, "media", $crate::queue::FETCH_MEDIA_ATTEMPTS));
                    }
                }
                if !opt_rows.is_empty() {
                    let upsert = script.statement();
                    upsert.push("insert into opt_outs (identity_id, channel_kind, opted_out, keyword, updated_at) ");
                    upsert.push_values(&opt_rows, |mut row, ((identity, kind), (opted_out, keyword, at))| {
                        row.push_bind(identity.0).push_bind(*kind).push_bind(*opted_out).push_bind(keyword.clone()).push_bind(*at);
                    });
                    upsert.push(
                        " on conflict (identity_id, channel_kind) do update set opted_out = excluded.opted_out, \
                         keyword = excluded.keyword, updated_at = excluded.updated_at",
                    );
                }
                if !job_rows.is_empty() {
                    let jobs = script.statement();
                    jobs.push(
                        "insert into jobs (job_id, workspace_id, kind, payload, dedupe_key, state, run_at, attempts, \
                         max_attempts, created_at, updated_at) ",
                    );
                    jobs.push_values(&job_rows, |mut row, (write, message_id, kind, key, max_attempts)| {
                        row.push_bind(switchboard_domain::JobId::new().0)
                            .push_bind(write.workspace_id.0)
                            .push_bind(*kind)
                            .push_bind(sqlx::types::Json(serde_json::json!({ "message_id": message_id })))
                            .push_bind(format!("{key}:{message_id}"))
                            .push_bind("queued")
                            .push_bind(write.received_at)
                            .push_bind(0_i32)
                            .push_bind(*max_attempts)
                            .push_bind(write.received_at)
                            .push_bind(write.received_at);
                    });
                    jobs.push(" on conflict do nothing");
                }
            }
            /// Opens or touches each sender's conversation (reopening it, counting unread) and
            /// records the channels it spans with the time the customer last wrote on each.
            fn bulk_conversations(
                script: &mut $crate::sql::script::Script<$db>,
                writes: &[$crate::writes::InboundWrite],
                fresh: &[(usize, &switchboard_domain::inbound::InboundMessage)],
                senders: &std::collections::HashMap<$crate::sql::ingest_bulk::SenderKey, $crate::sql::ingest_bulk::Sender>,
            ) {
                // Per contact: workspace, latest activity, its channel, how many new messages.
                let mut touches: std::collections::BTreeMap<
                    switchboard_domain::ContactId,
                    (switchboard_domain::WorkspaceId, i64, switchboard_domain::ChannelId, i32, switchboard_domain::ConversationId),
                > = Default::default();
                // Per conversation and channel: latest inbound time.
                let mut spans: std::collections::BTreeMap<
                    (switchboard_domain::ConversationId, switchboard_domain::ChannelId),
                    i64,
                > = Default::default();
                for (w, message) in fresh {
                    let write = &writes[*w];
                    let sender = senders[&(write.workspace_id, message.from.kind, message.from.value.clone())];
                    let touch = touches.entry(sender.contact_id).or_insert((
                        write.workspace_id,
                        write.received_at,
                        write.channel_id,
                        0,
                        sender.conversation_id,
                    ));
                    if write.received_at >= touch.1 {
                        touch.1 = write.received_at;
                        touch.2 = write.channel_id;
                    }
                    touch.3 += 1;
                    let span = spans.entry((sender.conversation_id, write.channel_id)).or_insert(write.received_at);
                    *span = (*span).max(write.received_at);
                }
                let upsert = script.statement();
                upsert.push(
                    "insert into conversations (conversation_id, workspace_id, contact_id, status, last_message_at, \
                     last_channel_id, unread_count, created_at, updated_at) ",
                );
                upsert.push_values(&touches, |mut row, (contact, (workspace, at, channel, unread, conversation))| {
                    row.push_bind(conversation.0)
                        .push_bind(workspace.0)
                        .push_bind(contact.0)
                        .push_bind("open")
                        .push_bind(*at)
                        .push_bind(channel.0)
                        .push_bind(*unread)
                        .push_bind(*at)
                        .push_bind(*at);
                });
                upsert.push(
                    " on conflict (workspace_id, contact_id) do update set \
                     last_message_at = excluded.last_message_at, last_channel_id = excluded.last_channel_id, \
                     unread_count = conversations.unread_count + excluded.unread_count, status = 'open', snoozed_until = null, \
                     updated_at = excluded.updated_at",
                );
                let channels = script.statement();
                channels.push("insert into conversation_channels (conversation_id, channel_id, last_inbound_at) ");
                channels.push_values(&spans, |mut row, ((conversation, channel), at)| {
                    row.push_bind(conversation.0).push_bind(channel.0).push_bind(*at);
                });
                channels.push(
                    " on conflict (conversation_id, channel_id) do update set last_inbound_at = \
                     case when conversation_channels.last_inbound_at is null \
                     or excluded.last_inbound_at > conversation_channels.last_inbound_at \
                     then excluded.last_inbound_at else conversation_channels.last_inbound_at end",
                );
            }

            /// Inserts the new messages; returns their ids in the order of `fresh`.
            fn bulk_messages(
                script: &mut $crate::sql::script::Script<$db>,
                writes: &[$crate::writes::InboundWrite],
                fresh: &[(usize, &switchboard_domain::inbound::InboundMessage)],
                senders: &std::collections::HashMap<$crate::sql::ingest_bulk::SenderKey, $crate::sql::ingest_bulk::Sender>,
            ) -> Vec<switchboard_domain::MessageId> {
                let ids: Vec<switchboard_domain::MessageId> = fresh.iter().map(|_| switchboard_domain::MessageId::new()).collect();
                let mut order: Vec<usize> = (0..fresh.len()).collect();
                order.sort_by(|&a, &b| fresh[a].1.provider_message_id.cmp(&fresh[b].1.provider_message_id));
                let insert = script.statement();
                insert.push(
                    "insert into messages (message_id, workspace_id, conversation_id, contact_id, channel_id, \
                     direction, sender_kind, body, attachments, from_address, to_address, provider_message_id, \
                     status, received_at, created_at, updated_at, content, reply_to) ",
                );
                insert.push_values(order, |mut row, i| {
                    let (w, message) = fresh[i];
                    let write = &writes[w];
                    let sender = senders[&(write.workspace_id, message.from.kind, message.from.value.clone())];
                    row.push_bind(ids[i].0)
                        .push_bind(write.workspace_id.0)
                        .push_bind(sender.conversation_id.0)
                        .push_bind(sender.contact_id.0)
                        .push_bind(write.channel_id.0)
                        .push_bind("inbound")
                        .push_bind("contact")
                        .push_bind(message.text.clone())
                        .push_bind(sqlx::types::Json(message.attachments.clone()))
                        .push_bind(message.from_address.clone())
                        .push_bind(message.to_address.clone())
                        .push_bind(message.provider_message_id.clone())
                        .push_bind("received")
                        .push_bind(write.received_at)
                        .push_bind(write.received_at)
                        .push_bind(write.received_at)
                        .push_bind(message.content.clone().map(sqlx::types::Json))
                        .push_bind(message.reply_to.clone());
                });
                ids
            }

            /// Keeps every webhook of the batch as received, with what became of it.
            fn bulk_webhook_events(
                script: &mut $crate::sql::script::Script<$db>,
                writes: &[$crate::writes::InboundWrite],
                outcomes: &mut [$crate::writes::InboundOutcome],
            ) {
                for outcome in outcomes.iter_mut() {
                    outcome.webhook_event_id = Some(switchboard_domain::WebhookEventId::new());
                }
                let insert = script.statement();
                insert.push(
                    "insert into webhook_events (webhook_event_id, workspace_id, channel_id, provider, verification, \
                     content_type, payload, outcome, received_at) ",
                );
                insert.push_values(writes.iter().zip(outcomes.iter()), |mut row, (write, outcome)| {
                    row.push_bind(outcome.webhook_event_id.map(|id| id.0))
                        .push_bind(write.workspace_id.0)
                        .push_bind(write.channel_id.0)
                        .push_bind(write.provider.as_str())
                        .push_bind(write.verification)
                        .push_bind(write.content_type.clone())
                        .push_bind(write.payload.clone())
                        .push_bind(outcome.summary())
                        .push_bind(write.received_at);
                });
            }
        }
    };
}
pub(crate) use impl_ingest_script;
