//! The inbox list: conversations newest activity first (the activity index), a page at a time by
//! cursor, each with its contact, the channels it spans, its labels and its last message;
//! filtered by status, assignee, channel and label, and searched by name, identity or words.

/// A search term as a `like` pattern: lowercase, its wildcards escaped, matching anywhere.
pub(crate) fn like_pattern(term: &str) -> String {
    let mut pattern = String::with_capacity(term.len() + 2);
    pattern.push('%');
    for c in term.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// The words of a search term for the message index: letters and digits, lowercase, at most
/// eight (punctuation separates words, as the indexes read bodies).
pub(crate) fn search_words(term: &str) -> Vec<String> {
    term.split(|c: char| !c.is_alphanumeric()).filter(|word| !word.is_empty()).map(str::to_lowercase).take(8).collect()
}

/// A search term that is a whole phone number (with its `+` country code) or email address, as
/// the identity it names.
pub(crate) fn whole_identity(term: &str) -> Option<switchboard_domain::Identity> {
    use switchboard_domain::{Identity, IdentityKind};
    let term = term.trim();
    let kind = if term.contains('@') {
        IdentityKind::Email
    } else if term.starts_with('+') {
        IdentityKind::Phone
    } else {
        return None;
    };
    Identity::parse(kind, term).ok()
}

macro_rules! impl_inbox_repo {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::repo::InboxRepo for $store {
            #[tracing::instrument(skip_all, fields(workspace_id = %workspace_id))]
            async fn list_inbox(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                query: &$crate::writes::InboxQuery,
                limit: u32,
            ) -> $crate::StoreResult<$crate::model::Page<$crate::model::InboxEntry>> {
                use $crate::sql::decode::get;
                let after = query.after.as_deref().map($crate::sql::cursor::decode).transpose()?;
                // Only the conditions asked for, so that each shape gets its own plan: newest
                // first along the workspace's activity index, stopping after one page.
                let mut sql = sqlx::QueryBuilder::<$db>::new(
                    "select c.*, k.display_name, \
                       (select i.value from contact_identities i where i.contact_id = c.contact_id \
                        order by i.created_at, i.identity_id limit 1) as contact_address, \
                       (select m.body from messages m where m.conversation_id = c.conversation_id \
                        order by m.message_id desc limit 1) as last_body, \
                       (select m.direction from messages m where m.conversation_id = c.conversation_id \
                        order by m.message_id desc limit 1) as last_direction \
                     from conversations c join contacts k on k.contact_id = c.contact_id where c.workspace_id = ",
                );
                sql.push_bind(workspace_id.0);
                if let Some(status) = query.status {
                    sql.push(" and c.status = ").push_bind(status.as_str());
                }
                if let Some(assignee) = query.assignee {
                    sql.push(" and c.assignee_staff_id = ").push_bind(assignee.0);
                }
                if let Some(channel) = query.channel {
                    sql.push(" and exists (select 1 from conversation_channels cc where cc.conversation_id = c.conversation_id and cc.channel_id = ")
                        .push_bind(channel.0)
                        .push(")");
                }
                if let Some(label) = query.label {
                    sql.push(" and exists (select 1 from conversation_labels cl where cl.conversation_id = c.conversation_id and cl.label_id = ")
                        .push_bind(label.0)
                        .push(")");
                }
                let search = query.search.as_deref().filter(|s| !s.trim().is_empty());
                if let Some(identity) = search.and_then($crate::sql::inbox::whole_identity) {
                    // A whole phone number or email address names one contact: found by the
                    // identity key, not by reading every message.
                    sql.push(" and c.contact_id in (select i.contact_id from contact_identities i where i.value = ")
                        .push_bind(identity.value)
                        .push(" and i.kind = ")
                        .push_bind(identity.kind.as_str())
                        .push(" and i.workspace_id = ")
                        .push_bind(workspace_id.0)
                        .push(")");
                } else if let Some(search) = search {
                    // The conversations that match are found first, as one set: those of the contacts
                    // whose name or identity holds the term, and those with a message holding its
                    // words (through the message index, never by reading every body). The list is
                    // then that set, newest first, rather than a walk along every conversation.
                    let pattern = $crate::sql::inbox::like_pattern(search);
                    sql.push(" and c.conversation_id in (select s.conversation_id from conversations s where s.workspace_id = ")
                        .push_bind(workspace_id.0)
                        .push(" and s.contact_id in (select n.contact_id from contacts n where n.workspace_id = ")
                        .push_bind(workspace_id.0)
                        .push(" and lower(coalesce(n.display_name, '')) like ")
                        .push_bind(pattern.clone())
                        .push(" escape '\\' union all select i.contact_id from contact_identities i where i.workspace_id = ")
                        .push_bind(workspace_id.0)
                        .push(" and lower(i.value) like ")
                        .push_bind(pattern)
                        .push(" escape '\\')");
                    let words = $crate::sql::inbox::search_words(search);
                    if !words.is_empty() {
                        sql.push(" union all ");
                        Self::push_message_words(&mut sql, &words);
                    }
                    sql.push(")");
                }
                if let Some((at, id)) = after {
                    sql.push(" and (c.updated_at < ").push_bind(at);
                    sql.push(" or (c.updated_at = ").push_bind(at).push(" and c.conversation_id < ").push_bind(id).push("))");
                }
                sql.push(" order by c.updated_at desc, c.conversation_id desc limit ").push_bind(i64::from(limit) + 1);
                let rows = sql.build().fetch_all(self.read_pool()).await?;
                let mut entries = Vec::with_capacity(rows.len());
                for row in &rows {
                    let direction: Option<String> = get!(row, "last_direction");
                    entries.push($crate::model::InboxEntry {
                        conversation: Self::decode_conversation(row)?,
                        contact_name: get!(row, "display_name"),
                        contact_address: get!(row, "contact_address"),
                        last_body: get!(row, "last_body"),
                        last_direction: direction.map(|d| $crate::sql::decode::parse("last_direction", d)).transpose()?,
                        channel_kinds: Vec::new(),
                        labels: Vec::new(),
                    });
                }
                let (mut entries, next_cursor) = $crate::sql::cursor::paginate(entries, limit, |e: &$crate::model::InboxEntry| {
                    (e.conversation.updated_at, e.conversation.conversation_id.0)
                });
                if entries.is_empty() {
                    return Ok($crate::model::Page { items: entries, next_cursor });
                }
                let mut kinds = sqlx::QueryBuilder::<$db>::new(
                    "select cc.conversation_id, ch.kind from conversation_channels cc \
                     join channels ch on ch.channel_id = cc.channel_id where cc.conversation_id in (",
                );
                let mut list = kinds.separated(", ");
                for entry in &entries {
                    list.push_bind(entry.conversation.conversation_id.0);
                }
                kinds.push(") order by ch.kind");
                for row in kinds.build().fetch_all(self.read_pool()).await? {
                    let conversation_id = get!(&row, "conversation_id" as id ConversationId);
                    let kind: switchboard_domain::ChannelKind = get!(&row, "kind" as switchboard_domain::ChannelKind);
                    if let Some(entry) = entries.iter_mut().find(|e| e.conversation.conversation_id == conversation_id) {
                        if !entry.channel_kinds.contains(&kind) {
                            entry.channel_kinds.push(kind);
                        }
                    }
                }
                let ids: Vec<_> = entries.iter().map(|e| e.conversation.conversation_id).collect();
                for (conversation_id, label) in $crate::repo::LabelRepo::conversation_labels(self, workspace_id, &ids).await? {
                    if let Some(entry) = entries.iter_mut().find(|e| e.conversation.conversation_id == conversation_id) {
                        entry.labels.push(label);
                    }
                }
                Ok($crate::model::Page { items: entries, next_cursor })
            }

            async fn latest_messages(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                conversation_id: switchboard_domain::ConversationId,
                limit: u32,
            ) -> $crate::StoreResult<Vec<$crate::model::Message>> {
                let rows = sqlx::query(
                    "select * from messages where workspace_id = $1 and conversation_id = $2 \
                     order by message_id desc limit $3",
                )
                .bind(workspace_id.0)
                .bind(conversation_id.0)
                .bind(i64::from(limit))
                .fetch_all(self.read_pool())
                .await?;
                let mut messages: Vec<$crate::model::Message> =
                    rows.iter().map(Self::decode_message).collect::<Result<_, _>>()?;
                messages.reverse();
                Ok(messages)
            }

            async fn mark_read(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                conversation_id: switchboard_domain::ConversationId,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "update conversations set unread_count = 0 where workspace_id = $1 and conversation_id = $2 \
                     and unread_count <> 0",
                )
                .bind(workspace_id.0)
                .bind(conversation_id.0)
                .execute(&mut *tx)
                .await?;
                // A web chat visitor sees that their messages were read.
                sqlx::query(
                    "update messages set read_at = $3 where workspace_id = $1 and conversation_id = $2 \
                     and direction = 'inbound' and read_at is null \
                     and channel_id in (select channel_id from channels where provider = 'webchat')",
                )
                .bind(workspace_id.0)
                .bind(conversation_id.0)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}
pub(crate) use impl_inbox_repo;

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn only_a_whole_number_or_address_is_searched_as_an_identity() {
        use super::whole_identity;
        assert_eq!(whole_identity(" +1 (415) 555-0123 ").map(|i| i.value), Some("+14155550123".to_owned()));
        assert_eq!(whole_identity("Ana@Clinic.example").map(|i| i.kind), Some(switchboard_domain::IdentityKind::Email));
        assert!(whole_identity("5550123").is_none(), "part of a number is searched as text");
        assert!(whole_identity("+1").is_none());
        assert!(whole_identity("rex").is_none());
    }

    #[test]
    fn a_search_is_split_into_lowercase_words_as_the_indexes_read_bodies() {
        use super::search_words;
        assert_eq!(search_words("Rex's  appointment, 10:30!"), ["rex", "s", "appointment", "10", "30"]);
        assert_eq!(search_words("Café ÉTÉ"), ["café", "été"]);
        assert!(search_words(" \"*() ").is_empty(), "nothing but punctuation searches no words");
        assert_eq!(search_words("a b c d e f g h i j").len(), 8);
    }

    #[test]
    fn a_search_term_matches_itself_anywhere_and_its_wildcards_literally() {
        assert_eq!(like_pattern(" Ana "), "%ana%");
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
