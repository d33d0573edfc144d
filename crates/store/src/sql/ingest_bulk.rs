//! Storing a batch of webhooks in bulk: two round trips per batch (one query that finds retries
//! and known senders together, then one write script: new contacts, conversations, the channels
//! they span, messages, the raw webhooks) instead of a handful of statements per webhook. The write script reaches the
//! database in one round trip: on SQLite as several statements in one call inside
//! `BEGIN IMMEDIATE`/`COMMIT`, on PostgreSQL as one statement of data-modifying common table
//! expressions (see `script.rs`). Rows are written in a stable order (by contact, by provider
//! id), so concurrent batches on PostgreSQL take their locks in the same order. Status reports,
//! which touch one row each, are applied one by one before the script.

/// What a keyword changes about the sender's opt-out state.
pub(crate) fn opt_change(keyword: Option<switchboard_domain::keywords::Keyword>) -> Option<crate::writes::OptChange> {
    use switchboard_domain::keywords::Keyword;
    match keyword {
        Some(Keyword::OptOut) => Some(crate::writes::OptChange::OptedOut),
        Some(Keyword::OptIn) => Some(crate::writes::OptChange::OptedIn),
        _ => None,
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
            /// Stores a batch in bulk: reads first, then status reports one by one (each atomic
            /// and idempotent), then everything else in one write script that commits as a unit.
            /// A script that fails is rolled back whole. Everything runs on one writer
            /// connection: on SQLite its page cache holds what the last batch wrote, where a
            /// reader's would have to be refilled from the log, and no other write comes
            /// between the reads and the script.
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
                            _ => None,
                        })
                    })
                    .collect();
                let mut writer = self.write_pool().acquire().await?;
                let (existing, known) = if candidates.is_empty() {
                    Default::default()
                } else {
                    Self::bulk_lookups(&mut *writer, writes, &candidates).await?
                };
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
                let mut script = $crate::sql::script::Script::<$db>::new(Self::SCRIPT_FORM);
                let senders = Self::bulk_senders(&mut script, writes, &fresh, known);

                for (w, write) in writes.iter().enumerate() {
                    for event in &write.events {
                        match event {
                            InboundEvent::Status(update) => {
                                if Self::ingest_status(&mut *writer, write, update).await? {
                                    outcomes[w].statuses_applied += 1;
                                } else {
                                    outcomes[w].statuses_ignored += 1;
                                }
                            }
                            InboundEvent::ReadUpTo(read) => {
                                outcomes[w].statuses_applied += Self::ingest_read_up_to(&mut *writer, write, read).await?;
                            }
                            // Consent reports, edits and unsupported updates never reach a bulk
                            // batch (see `fits_bulk`).
                            _ => {}
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
                            fetches_media: message.attachments.iter().any(switchboard_domain::Attachment::awaits_fetch),
                        });
                    }
                    Self::bulk_keywords(&mut script, writes, &fresh, &senders, &outcomes);
                }
                Self::bulk_webhook_events(&mut script, writes, &mut outcomes);
                Self::run_script(&mut *writer, script).await?;
                Ok(outcomes)
            }
            /// What the batch needs to know before writing, in one round trip: which provider ids
            /// are already stored (by channel), and which senders are already known.
            #[allow(clippy::type_complexity)]
            async fn bulk_lookups(
                conn: &mut <$db as sqlx::Database>::Connection,
                writes: &[$crate::writes::InboundWrite],
                candidates: &[(usize, &switchboard_domain::inbound::InboundMessage)],
            ) -> $crate::StoreResult<(
                std::collections::HashMap<switchboard_domain::ChannelId, std::collections::HashSet<String>>,
                std::collections::HashMap<$crate::sql::ingest_bulk::SenderKey, $crate::sql::ingest_bulk::Sender>,
            )> {
                use $crate::sql::decode::get;
                use $crate::sql::ingest_bulk::Sender;
                let mut ids_by_channel: std::collections::BTreeMap<switchboard_domain::ChannelId, std::collections::BTreeSet<&str>> =
                    Default::default();
                let mut senders_by_group: std::collections::BTreeMap<
                    (switchboard_domain::WorkspaceId, &str),
                    std::collections::BTreeSet<&str>,
                > = Default::default();
                for (w, message) in candidates {
                    ids_by_channel.entry(writes[*w].channel_id).or_default().insert(&message.provider_message_id);
                    senders_by_group
                        .entry((writes[*w].workspace_id, message.from.kind.as_str()))
                        .or_default()
                        .insert(&message.from.value);
                }
                // Stored ids first, then senders; the branches' columns line up, unused ones null.
                let mut query = sqlx::QueryBuilder::<$db>::new("");
                let mut branches = 0;
                for (channel, ids) in &ids_by_channel {
                    if branches > 0 {
                        query.push(" union all ");
                    }
                    branches += 1;
                    query.push(
                        "select 'stored' as found, m.channel_id as owner_id, m.provider_message_id as value, \
                         null as kind, null as identity_id, null as contact_id, null as display_name, \
                         null as conversation_id from messages m where m.channel_id = ",
                    );
                    query.push_bind(channel.0).push(" and m.provider_message_id in (");
                    let mut list = query.separated(", ");
                    for id in ids {
                        list.push_bind(*id);
                    }
                    query.push(")");
                }
                for ((workspace_id, kind), values) in &senders_by_group {
                    query.push(
                        " union all select 'sender', i.workspace_id, i.value, i.kind, i.identity_id, i.contact_id, \
                         c.display_name, v.conversation_id \
                         from contact_identities i join contacts c on c.contact_id = i.contact_id \
                         left join conversations v on v.workspace_id = i.workspace_id and v.contact_id = i.contact_id \
                         where i.workspace_id = ",
                    );
                    query.push_bind(workspace_id.0).push(" and i.kind = ").push_bind(*kind).push(" and i.value in (");
                    let mut list = query.separated(", ");
                    for value in values {
                        list.push_bind(*value);
                    }
                    query.push(")");
                }
                let mut existing: std::collections::HashMap<_, std::collections::HashSet<String>> = Default::default();
                let mut senders = std::collections::HashMap::new();
                for row in query.build().fetch_all(&mut *conn).await? {
                    let found: String = get!(&row, "found");
                    let owner: uuid::Uuid = get!(&row, "owner_id");
                    let value: String = get!(&row, "value");
                    if found == "stored" {
                        existing.entry(switchboard_domain::ChannelId(owner)).or_default().insert(value);
                        continue;
                    }
                    let name: Option<String> = get!(&row, "display_name");
                    let kind: switchboard_domain::IdentityKind = get!(&row, "kind" as switchboard_domain::IdentityKind);
                    senders.insert(
                        (switchboard_domain::WorkspaceId(owner), kind, value),
                        Sender {
                            identity_id: get!(&row, "identity_id" as id IdentityId),
                            contact_id: get!(&row, "contact_id" as id ContactId),
                            conversation_id: get!(&row, "conversation_id" as opt_id ConversationId).unwrap_or_default(),
                            named: name.is_some(),
                        },
                    );
                }
                Ok((existing, senders))
            }

            /// Settles each fresh message's sender: a known one (named now if the message carries a
            /// profile name and the contact had none), or a new contact and identity, added to the
            /// write script.
            fn bulk_senders(
                script: &mut $crate::sql::script::Script<$db>,
                writes: &[$crate::writes::InboundWrite],
                fresh: &[(usize, &switchboard_domain::inbound::InboundMessage)],
                mut senders: std::collections::HashMap<$crate::sql::ingest_bulk::SenderKey, $crate::sql::ingest_bulk::Sender>,
            ) -> std::collections::HashMap<$crate::sql::ingest_bulk::SenderKey, $crate::sql::ingest_bulk::Sender> {
                use $crate::sql::ingest_bulk::Sender;
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
                senders
            }
        }
    };
}
pub(crate) use impl_ingest_bulk;
