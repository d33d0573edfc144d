//! Storing a batch of webhooks in bulk: a fixed handful of statements per batch (find retries,
//! find senders, create new contacts, touch conversations, insert messages, keep the raw
//! webhooks) instead of a handful per webhook. Rows are written in a stable order (by contact,
//! by provider id), so concurrent batches on PostgreSQL take their locks in the same order.
//! Status reports and keywords, which touch one row each, are applied one by one.

/// A sender found or created for the batch.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sender {
    pub identity_id: switchboard_domain::IdentityId,
    pub contact_id: switchboard_domain::ContactId,
    /// Whether the contact already has a display name.
    pub named: bool,
}

/// The key a sender is known by within a workspace.
pub(crate) type SenderKey = (switchboard_domain::WorkspaceId, switchboard_domain::IdentityKind, String);

macro_rules! impl_ingest_bulk {
    ($store:ty, $db:ty) => {
        impl $store {
            async fn ingest_bulk(
                conn: &mut <$db as sqlx::Database>::Connection,
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
                let existing = Self::bulk_existing(&mut *conn, writes, &candidates).await?;
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
                if !fresh.is_empty() {
                    let senders = Self::bulk_senders(&mut *conn, writes, &fresh).await?;
                    let conversations = Self::bulk_conversations(&mut *conn, writes, &fresh, &senders).await?;
                    let message_ids = Self::bulk_messages(&mut *conn, writes, &fresh, &senders, &conversations).await?;
                    for ((w, message), message_id) in fresh.iter().zip(message_ids) {
                        let key = (writes[*w].workspace_id, message.from.kind, message.from.value.clone());
                        let sender = senders[&key];
                        let stored = Self::apply_keyword(
                            &mut *conn, &writes[*w], message, sender.identity_id, message_id, sender.contact_id,
                        )
                        .await?;
                        outcomes[*w].new_messages.push(stored);
                    }
                }
                for (w, write) in writes.iter().enumerate() {
                    for event in &write.events {
                        if let InboundEvent::Status(update) = event {
                            if Self::ingest_status(&mut *conn, write, update).await? {
                                outcomes[w].statuses_applied += 1;
                            } else {
                                outcomes[w].statuses_ignored += 1;
                            }
                        }
                    }
                }
                Self::bulk_webhook_events(&mut *conn, writes, &mut outcomes).await?;
                Ok(outcomes)
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
                        "select i.value, i.identity_id, i.contact_id, c.display_name from contact_identities i \
                         join contacts c on c.contact_id = i.contact_id where i.workspace_id = ",
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
                                named: message.profile_name.is_some(),
                            };
                            senders.insert(key, sender);
                            new_senders.push((sender, write, *message));
                        }
                    }
                }
                if !new_senders.is_empty() {
                    new_senders.sort_by(|a, b| a.2.from.value.cmp(&b.2.from.value));
                    let mut contacts = sqlx::QueryBuilder::<$db>::new(
                        "insert into contacts (contact_id, workspace_id, display_name, created_at, updated_at) ",
                    );
                    contacts.push_values(&new_senders, |mut row, (sender, write, message)| {
                        row.push_bind(sender.contact_id.0)
                            .push_bind(write.workspace_id.0)
                            .push_bind(message.profile_name.clone())
                            .push_bind(write.received_at)
                            .push_bind(write.received_at);
                    });
                    contacts.build().execute(&mut *conn).await?;
                    let mut identities = sqlx::QueryBuilder::<$db>::new(
                        "insert into contact_identities (identity_id, workspace_id, contact_id, kind, value, created_at) ",
                    );
                    identities.push_values(&new_senders, |mut row, (sender, write, message)| {
                        row.push_bind(sender.identity_id.0)
                            .push_bind(write.workspace_id.0)
                            .push_bind(sender.contact_id.0)
                            .push_bind(message.from.kind.as_str())
                            .push_bind(message.from.value.clone())
                            .push_bind(write.received_at);
                    });
                    identities.build().execute(&mut *conn).await?;
                }
                for (contact_id, name) in renames {
                    sqlx::query("update contacts set display_name = $1 where contact_id = $2 and display_name is null")
                        .bind(name)
                        .bind(contact_id.0)
                        .execute(&mut *conn)
                        .await?;
                }
                Ok(senders)
            }

            /// Opens or touches each sender's conversation (reopening it, counting unread) and
            /// records the channels it spans. Returns the conversation of each contact.
            async fn bulk_conversations(
                conn: &mut <$db as sqlx::Database>::Connection,
                writes: &[$crate::writes::InboundWrite],
                fresh: &[(usize, &switchboard_domain::inbound::InboundMessage)],
                senders: &std::collections::HashMap<$crate::sql::ingest_bulk::SenderKey, $crate::sql::ingest_bulk::Sender>,
            ) -> $crate::StoreResult<std::collections::HashMap<switchboard_domain::ContactId, switchboard_domain::ConversationId>> {
                use $crate::sql::decode::get;
                // Per contact: workspace, latest activity, its channel, how many new messages.
                let mut touches: std::collections::BTreeMap<
                    switchboard_domain::ContactId,
                    (switchboard_domain::WorkspaceId, i64, switchboard_domain::ChannelId, i32),
                > = Default::default();
                let mut spans = std::collections::BTreeSet::new();
                for (w, message) in fresh {
                    let write = &writes[*w];
                    let contact = senders[&(write.workspace_id, message.from.kind, message.from.value.clone())].contact_id;
                    let touch = touches.entry(contact).or_insert((write.workspace_id, write.received_at, write.channel_id, 0));
                    if write.received_at >= touch.1 {
                        touch.1 = write.received_at;
                        touch.2 = write.channel_id;
                    }
                    touch.3 += 1;
                    spans.insert((contact, write.channel_id));
                }
                let mut upsert = sqlx::QueryBuilder::<$db>::new(
                    "insert into conversations (conversation_id, workspace_id, contact_id, status, last_message_at, \
                     last_channel_id, unread_count, created_at, updated_at) ",
                );
                upsert.push_values(&touches, |mut row, (contact, (workspace, at, channel, unread))| {
                    row.push_bind(switchboard_domain::ConversationId::new().0)
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
                     updated_at = excluded.updated_at returning contact_id, conversation_id",
                );
                let mut conversations = std::collections::HashMap::new();
                for row in upsert.build().fetch_all(&mut *conn).await? {
                    conversations.insert(get!(&row, "contact_id" as id ContactId), get!(&row, "conversation_id" as id ConversationId));
                }
                let mut channels = sqlx::QueryBuilder::<$db>::new("insert into conversation_channels (conversation_id, channel_id) ");
                channels.push_values(&spans, |mut row, (contact, channel)| {
                    row.push_bind(conversations.get(contact).map(|c| c.0)).push_bind(channel.0);
                });
                channels.push(" on conflict do nothing");
                channels.build().execute(&mut *conn).await?;
                Ok(conversations)
            }

            /// Inserts the new messages; returns their ids in the order of `fresh`.
            async fn bulk_messages(
                conn: &mut <$db as sqlx::Database>::Connection,
                writes: &[$crate::writes::InboundWrite],
                fresh: &[(usize, &switchboard_domain::inbound::InboundMessage)],
                senders: &std::collections::HashMap<$crate::sql::ingest_bulk::SenderKey, $crate::sql::ingest_bulk::Sender>,
                conversations: &std::collections::HashMap<switchboard_domain::ContactId, switchboard_domain::ConversationId>,
            ) -> $crate::StoreResult<Vec<switchboard_domain::MessageId>> {
                let ids: Vec<switchboard_domain::MessageId> = fresh.iter().map(|_| switchboard_domain::MessageId::new()).collect();
                let mut order: Vec<usize> = (0..fresh.len()).collect();
                order.sort_by(|&a, &b| fresh[a].1.provider_message_id.cmp(&fresh[b].1.provider_message_id));
                let mut insert = sqlx::QueryBuilder::<$db>::new(
                    "insert into messages (message_id, workspace_id, conversation_id, contact_id, channel_id, \
                     direction, sender_kind, body, attachments, from_address, to_address, provider_message_id, \
                     status, received_at, created_at, updated_at) ",
                );
                insert.push_values(order, |mut row, i| {
                    let (w, message) = fresh[i];
                    let write = &writes[w];
                    let contact = senders[&(write.workspace_id, message.from.kind, message.from.value.clone())].contact_id;
                    row.push_bind(ids[i].0)
                        .push_bind(write.workspace_id.0)
                        .push_bind(conversations.get(&contact).map(|c| c.0))
                        .push_bind(contact.0)
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
                insert.build().execute(&mut *conn).await?;
                Ok(ids)
            }

            /// Keeps every webhook of the batch as received, with what became of it.
            async fn bulk_webhook_events(
                conn: &mut <$db as sqlx::Database>::Connection,
                writes: &[$crate::writes::InboundWrite],
                outcomes: &mut [$crate::writes::InboundOutcome],
            ) -> $crate::StoreResult<()> {
                for outcome in outcomes.iter_mut() {
                    outcome.webhook_event_id = Some(switchboard_domain::WebhookEventId::new());
                }
                let mut insert = sqlx::QueryBuilder::<$db>::new(
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
                insert.build().execute(&mut *conn).await?;
                Ok(())
            }
        }
    };
}
pub(crate) use impl_ingest_bulk;
