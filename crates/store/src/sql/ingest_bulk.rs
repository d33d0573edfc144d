//! Storing a batch of webhooks in bulk: a fixed handful of statements per batch (find retries,
//! find senders, then one write script: new contacts, conversations, the channels they span,
//! messages, the raw webhooks) instead of a handful per webhook. The write script reaches the
//! database in one round trip: on SQLite as several statements in one call inside
//! `BEGIN IMMEDIATE`/`COMMIT`, on PostgreSQL as one statement of data-modifying common table
//! expressions. Rows are written in a stable order (by contact, by provider
//! id), so concurrent batches on PostgreSQL take their locks in the same order. Status reports
//! and keywords, which touch one row each, are applied one by one.

/// What a keyword changes about the sender's opt-out state.
pub(crate) fn opt_change(keyword: Option<switchboard_domain::keywords::Keyword>) -> Option<crate::writes::OptChange> {
    use switchboard_domain::keywords::Keyword;
    match keyword {
        Some(Keyword::OptOut) => Some(crate::writes::OptChange::OptedOut),
        Some(Keyword::OptIn) => Some(crate::writes::OptChange::OptedIn),
        _ => None,
    }
}

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

/// A sender found or created for the batch.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sender {
    pub identity_id: switchboard_domain::IdentityId,
    pub contact_id: switchboard_domain::ContactId,
    /// The contact's conversation: the stored one, or the id it will be created with. Knowing it
    /// up front lets every statement of the write script stand alone.
    pub conversation_id: switchboard_domain::ConversationId,
    /// Whether the contact already has a display name.
    pub named: bool,
}

/// The key a sender is known by within a workspace.
pub(crate) type SenderKey = (switchboard_domain::WorkspaceId, switchboard_domain::IdentityKind, String);

macro_rules! impl_ingest_bulk {
    ($store:ty, $db:ty) => {
        impl $store {
            /// Stores a batch in bulk: reads first (on a reader), then status reports one by
            /// one (each atomic and idempotent), then everything else in one write script that
            /// commits as a unit. A script that fails is rolled back whole.
            async fn ingest_bulk(
                &self,
                writes: &[$crate::writes::InboundWrite],
            ) -> $crate::StoreResult<Vec<$crate::writes::InboundOutcome>> {
                use switchboard_domain::inbound::InboundEvent;
                let mut outcomes = vec![$crate::writes::InboundOutcome::default(); writes.len()];
                let candidates: Vec<(usize, &switchboard_domain::inbound::InboundMessage)> = writes
                    .iter()
                    .enumerate()
                    .flat_map(|(w, write)| {
                        write.events.iter().filter_map(move |event| match event {
                            InboundEvent::Message(message) => Some((w, message)),
                            InboundEvent::Status(_) => None,
                        })
                    })
                    .collect();
                let mut reader = self.read_pool().acquire().await?;
                let existing = Self::bulk_existing(&mut *reader, writes, &candidates).await?;
                let mut seen = std::collections::HashSet::new();
                let mut fresh = Vec::with_capacity(candidates.len());
                for (w, message) in candidates {
                    let channel = writes[w].channel_id;
                    let id = message.provider_message_id.as_str();
                    let stored_before = existing.get(&channel).is_some_and(|ids| ids.contains(id));
                    if stored_before || !seen.insert((channel, id)) {
                        outcomes[w].duplicates.push(id.to_owned());
                    } else {
                        fresh.push((w, message));
                    }
                }
                let mut script = $crate::sql::ingest_bulk::Script::<$db>::new(Self::SCRIPT_FORM);
                let senders = if fresh.is_empty() {
                    Default::default()
                } else {
                    Self::bulk_senders(&mut *reader, &mut script, writes, &fresh).await?
                };
                drop(reader);

                let mut writer = self.write_pool().acquire().await?;
                for (w, write) in writes.iter().enumerate() {
                    for event in &write.events {
                        if let InboundEvent::Status(update) = event {
                            if Self::ingest_status(&mut *writer, write, update).await? {
                                outcomes[w].statuses_applied += 1;
                            } else {
                                outcomes[w].statuses_ignored += 1;
                            }
                        }
                    }
                }
                if !fresh.is_empty() {
                    Self::bulk_conversations(&mut script, writes, &fresh, &senders);
                    let message_ids = Self::bulk_messages(&mut script, writes, &fresh, &senders);
                    for ((w, message), message_id) in fresh.iter().zip(message_ids) {
                        let sender = senders[&(writes[*w].workspace_id, message.from.kind, message.from.value.clone())];
                        let keyword = switchboard_domain::keywords::classify(&message.text);
                        outcomes[*w].new_messages.push($crate::writes::StoredInbound {
                            message_id,
                            contact_id: sender.contact_id,
                            provider_message_id: message.provider_message_id.clone(),
                            opt_change: $crate::sql::ingest_bulk::opt_change(keyword),
                            help_requested: keyword == Some(switchboard_domain::keywords::Keyword::Help),
                        });
                    }
                    Self::bulk_keywords(&mut script, writes, &fresh, &senders, &outcomes);
                }
                Self::bulk_webhook_events(&mut script, writes, &mut outcomes);
                Self::run_script(&mut *writer, script).await?;
                Ok(outcomes)
            }

            /// Records what the keywords of the batch ask: opt-out changes and help replies.
            fn bulk_keywords(
                script: &mut $crate::sql::ingest_bulk::Script<$db>,
                writes: &[$crate::writes::InboundWrite],
                fresh: &[(usize, &switchboard_domain::inbound::InboundMessage)],
                senders: &std::collections::HashMap<$crate::sql::ingest_bulk::SenderKey, $crate::sql::ingest_bulk::Sender>,
                outcomes: &[$crate::writes::InboundOutcome],
            ) {
                let mut opt_rows = std::collections::BTreeMap::new();
                let mut help_rows = Vec::new();
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
                        help_rows.push((write, stored.message_id));
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
                if !help_rows.is_empty() {
                    let jobs = script.statement();
                    jobs.push(
                        "insert into jobs (job_id, workspace_id, kind, payload, dedupe_key, state, run_at, attempts, \
                         max_attempts, created_at, updated_at) ",
                    );
                    jobs.push_values(&help_rows, |mut row, (write, message_id)| {
                        row.push_bind(switchboard_domain::JobId::new().0)
                            .push_bind(write.workspace_id.0)
                            .push_bind($crate::queue::kinds::HELP_REPLY)
                            .push_bind(sqlx::types::Json(serde_json::json!({ "message_id": message_id })))
                            .push_bind(format!("help:{message_id}"))
                            .push_bind("queued")
                            .push_bind(write.received_at)
                            .push_bind(0_i32)
                            .push_bind(1_i32)
                            .push_bind(write.received_at)
                            .push_bind(write.received_at);
                    });
                    jobs.push(" on conflict do nothing");
                }
            }

            /// Provider ids of the batch that are already stored, by channel.
            async fn bulk_existing(
                conn: &mut <$db as sqlx::Database>::Connection,
                writes: &[$crate::writes::InboundWrite],
                candidates: &[(usize, &switchboard_domain::inbound::InboundMessage)],
            ) -> $crate::StoreResult<std::collections::HashMap<switchboard_domain::ChannelId, std::collections::HashSet<String>>> {
                let mut by_channel: std::collections::BTreeMap<switchboard_domain::ChannelId, Vec<&str>> = Default::default();
                for (w, message) in candidates {
                    by_channel.entry(writes[*w].channel_id).or_default().push(&message.provider_message_id);
                }
                let mut existing: std::collections::HashMap<_, std::collections::HashSet<String>> = Default::default();
                for (channel, ids) in by_channel {
                    let mut query = sqlx::QueryBuilder::<$db>::new("select provider_message_id from messages where channel_id = ");
                    query.push_bind(channel.0).push(" and provider_message_id in (");
                    let mut list = query.separated(", ");
                    for id in ids {
                        list.push_bind(id);
                    }
                    query.push(")");
                    let found: Vec<String> = query.build_query_scalar().fetch_all(&mut *conn).await?;
                    existing.entry(channel).or_default().extend(found);
                }
                Ok(existing)
            }

            /// Finds each sender's identity and contact, creating those seen for the first time.
            async fn bulk_senders(
                conn: &mut <$db as sqlx::Database>::Connection,
                script: &mut $crate::sql::ingest_bulk::Script<$db>,
                writes: &[$crate::writes::InboundWrite],
                fresh: &[(usize, &switchboard_domain::inbound::InboundMessage)],
            ) -> $crate::StoreResult<std::collections::HashMap<$crate::sql::ingest_bulk::SenderKey, $crate::sql::ingest_bulk::Sender>> {
                use $crate::sql::decode::get;
                use $crate::sql::ingest_bulk::Sender;
                let mut groups: std::collections::BTreeMap<(switchboard_domain::WorkspaceId, &str), std::collections::BTreeSet<&str>> =
                    Default::default();
                for (w, message) in fresh {
                    groups.entry((writes[*w].workspace_id, message.from.kind.as_str())).or_default().insert(&message.from.value);
                }
                let mut senders = std::collections::HashMap::new();
                for ((workspace_id, kind), values) in groups {
                    let mut query = sqlx::QueryBuilder::<$db>::new(
                        "select i.value, i.identity_id, i.contact_id, c.display_name, v.conversation_id \
                         from contact_identities i join contacts c on c.contact_id = i.contact_id \
                         left join conversations v on v.workspace_id = i.workspace_id and v.contact_id = i.contact_id \
                         where i.workspace_id = ",
                    );
                    query.push_bind(workspace_id.0).push(" and i.kind = ").push_bind(kind).push(" and i.value in (");
                    let mut list = query.separated(", ");
                    for value in values {
                        list.push_bind(value);
                    }
                    query.push(")");
                    for row in query.build().fetch_all(&mut *conn).await? {
                        let value: String = get!(&row, "value");
                        let name: Option<String> = get!(&row, "display_name");
                        let parsed: switchboard_domain::IdentityKind = $crate::sql::decode::parse("kind", kind.to_owned())?;
                        senders.insert(
                            (workspace_id, parsed, value),
                            Sender {
                                identity_id: get!(&row, "identity_id" as id IdentityId),
                                contact_id: get!(&row, "contact_id" as id ContactId),
                                conversation_id: get!(&row, "conversation_id" as opt_id ConversationId)
                                    .unwrap_or_default(),
                                named: name.is_some(),
                            },
                        );
                    }
                }
                let mut new_senders = Vec::new();
                let mut renames = Vec::new();
                for (w, message) in fresh {
                    let write = &writes[*w];
                    let key = (write.workspace_id, message.from.kind, message.from.value.clone());
                    match senders.get_mut(&key) {
                        Some(sender) => {
                            if let (false, Some(name)) = (sender.named, &message.profile_name) {
                                sender.named = true;
                                renames.push((sender.contact_id, name));
                            }
                        }
                        None => {
                            let sender = Sender {
                                identity_id: switchboard_domain::IdentityId::new(),
                                contact_id: switchboard_domain::ContactId::new(),
                                conversation_id: switchboard_domain::ConversationId::new(),
                                named: message.profile_name.is_some(),
                            };
                            senders.insert(key, sender);
                            new_senders.push((sender, write, *message));
                        }
                    }
                }
                if !new_senders.is_empty() {
                    new_senders.sort_by(|a, b| a.2.from.value.cmp(&b.2.from.value));
                    let contacts = script.statement();
                    contacts.push("insert into contacts (contact_id, workspace_id, display_name, created_at, updated_at) ");
                    contacts.push_values(&new_senders, |mut row, (sender, write, message)| {
                        row.push_bind(sender.contact_id.0)
                            .push_bind(write.workspace_id.0)
                            .push_bind(message.profile_name.clone())
                            .push_bind(write.received_at)
                            .push_bind(write.received_at);
                    });
                    let identities = script.statement();
                    identities.push("insert into contact_identities (identity_id, workspace_id, contact_id, kind, value, created_at) ");
                    identities.push_values(&new_senders, |mut row, (sender, write, message)| {
                        row.push_bind(sender.identity_id.0)
                            .push_bind(write.workspace_id.0)
                            .push_bind(sender.contact_id.0)
                            .push_bind(message.from.kind.as_str())
                            .push_bind(message.from.value.clone())
                            .push_bind(write.received_at);
                    });
                }
                for (contact_id, name) in renames {
                    let rename = script.statement();
                    rename.push("update contacts set display_name = ").push_bind(name.clone());
                    rename.push(" where contact_id = ").push_bind(contact_id.0).push(" and display_name is null");
                }
                Ok(senders)
            }

            /// Opens or touches each sender's conversation (reopening it, counting unread) and
            /// records the channels it spans with the time the customer last wrote on each.
            fn bulk_conversations(
                script: &mut $crate::sql::ingest_bulk::Script<$db>,
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
                     unread_count = conversations.unread_count + excluded.unread_count, status = 'open', \
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
                script: &mut $crate::sql::ingest_bulk::Script<$db>,
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
                     status, received_at, created_at, updated_at) ",
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
                        .push_bind(write.received_at);
                });
                ids
            }

            /// Keeps every webhook of the batch as received, with what became of it.
            fn bulk_webhook_events(
                script: &mut $crate::sql::ingest_bulk::Script<$db>,
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
pub(crate) use impl_ingest_bulk;
