//! What a batch of webhooks writes, decided before anything is written. Given what the database
//! already holds (the provider ids stored before, the senders known), the plan says which
//! messages are retries, which senders become new contacts, and every row the batch inserts or
//! updates (`ingest_rows.rs`). Each backend then writes the plan its own fastest way
//! (`postgres/ingest_bulk.rs`, `sqlite/ingest_native.rs`), so the decisions are made once.

use std::collections::{BTreeMap, HashMap, HashSet};

use switchboard_domain::inbound::{InboundEvent, InboundMessage};
use switchboard_domain::keywords::{Keyword, classify};
use switchboard_domain::{
    Attachment, ChannelId, ContactId, ConversationId, IdentityId, IdentityKind, JobId, MessageId, WebhookEventId,
    WorkspaceId,
};

use super::ingest_rows::{
    ChannelSpan, ConversationTouch, JobRow, MessageRow, NewSender, OptOutRow, Rename, WebhookEventRow,
};
use crate::writes::{InboundOutcome, InboundWrite, OptChange, StoredInbound};

/// A sender found or created for the batch.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sender {
    pub identity_id: IdentityId,
    pub contact_id: ContactId,
    /// The contact's conversation: the stored one, or the id it will be created with. Knowing it
    /// up front lets every statement of the batch stand alone.
    pub conversation_id: ConversationId,
    /// Whether the contact already has a display name.
    pub named: bool,
}

/// The key a sender is known by within a workspace.
pub(crate) type SenderKey = (WorkspaceId, IdentityKind, String);

/// A message of the batch, with the index of the webhook that carried it.
pub(crate) type Candidate<'a> = (usize, &'a InboundMessage);

/// What the database holds that the batch needs to know.
#[derive(Debug, Default)]
pub(crate) struct Lookups {
    /// Provider ids already stored, by channel.
    pub stored: HashMap<ChannelId, HashSet<String>>,
    /// The senders already known.
    pub senders: HashMap<SenderKey, Sender>,
}

/// The messages of a batch, in order.
pub(crate) fn candidates(writes: &[InboundWrite]) -> Vec<Candidate<'_>> {
    writes
        .iter()
        .enumerate()
        .flat_map(|(w, write)| {
            write.events.iter().filter_map(move |event| match event {
                InboundEvent::Message(message) => Some((w, message)),
                _ => None,
            })
        })
        .collect()
}

/// What a keyword changes about the sender's opt-out state.
pub(crate) fn opt_change(keyword: Option<Keyword>) -> Option<OptChange> {
    match keyword {
        Some(Keyword::OptOut) => Some(OptChange::OptedOut),
        Some(Keyword::OptIn) => Some(OptChange::OptedIn),
        _ => None,
    }
}

/// Everything a batch writes, in the order it must be written (contacts before what refers to
/// them). Rows are in a stable order (by contact, by provider id), so concurrent batches on
/// PostgreSQL take their locks in the same order.
#[derive(Debug, Default)]
pub(crate) struct BatchPlan<'a> {
    /// One per webhook; status counts are added by whoever applies the status reports.
    pub outcomes: Vec<InboundOutcome>,
    pub new_senders: Vec<NewSender<'a>>,
    pub renames: Vec<Rename<'a>>,
    pub conversations: Vec<ConversationTouch>,
    pub spans: Vec<ChannelSpan>,
    pub messages: Vec<MessageRow<'a>>,
    pub opt_outs: Vec<OptOutRow>,
    pub jobs: Vec<JobRow>,
}

impl<'a> BatchPlan<'a> {
    /// Decides what the batch writes: retries (stored before, or twice in this batch) are only
    /// counted; every other message gets its sender (a new contact when unknown), its
    /// conversation touched and the keyword effects and jobs it asks for.
    pub fn new(writes: &'a [InboundWrite], candidates: Vec<Candidate<'a>>, lookups: Lookups) -> Self {
        let mut plan = Self { outcomes: vec![InboundOutcome::default(); writes.len()], ..Self::default() };
        let mut seen = HashSet::new();
        let mut fresh = Vec::with_capacity(candidates.len());
        for (w, message) in candidates {
            let channel = writes[w].channel_id;
            let id = message.provider_message_id.as_str();
            let stored_before = lookups.stored.get(&channel).is_some_and(|ids| ids.contains(id));
            if stored_before || !seen.insert((channel, id)) {
                plan.outcomes[w].duplicates.push(id.to_owned());
            } else {
                fresh.push((w, message));
            }
        }
        let senders = plan.settle_senders(writes, &fresh, lookups.senders);
        let sender_of = |(w, message): &Candidate<'a>| {
            senders[&(writes[*w].workspace_id, message.from.kind, message.from.value.clone())]
        };
        plan.touch_conversations(writes, &fresh, &sender_of);
        let mut messages: Vec<MessageRow<'a>> = fresh
            .iter()
            .map(|candidate| MessageRow {
                message_id: MessageId::new(),
                write: &writes[candidate.0],
                message: candidate.1,
                sender: sender_of(candidate),
            })
            .collect();
        let stored: Vec<StoredInbound> = messages
            .iter()
            .map(|row| {
                let keyword = classify(&row.message.text);
                StoredInbound {
                    message_id: row.message_id,
                    contact_id: row.sender.contact_id,
                    provider_message_id: row.message.provider_message_id.clone(),
                    opt_change: opt_change(keyword),
                    help_requested: keyword == Some(Keyword::Help),
                    fetches_media: row.message.attachments.iter().any(Attachment::awaits_fetch),
                }
            })
            .collect();
        plan.keyword_effects(&messages, &stored);
        for ((w, _), stored) in fresh.iter().zip(stored) {
            plan.outcomes[*w].new_messages.push(stored);
        }
        messages.sort_by(|a, b| a.message.provider_message_id.cmp(&b.message.provider_message_id));
        plan.messages = messages;
        plan
    }

    /// Settles each fresh message's sender: a known one (named now if the message carries a
    /// profile name and the contact had none), or a new contact and identity.
    fn settle_senders(
        &mut self,
        writes: &'a [InboundWrite],
        fresh: &[Candidate<'a>],
        mut senders: HashMap<SenderKey, Sender>,
    ) -> HashMap<SenderKey, Sender> {
        for (w, message) in fresh {
            let write = &writes[*w];
            let key = (write.workspace_id, message.from.kind, message.from.value.clone());
            match senders.get_mut(&key) {
                Some(sender) => {
                    if let (false, Some(name)) = (sender.named, &message.profile_name) {
                        sender.named = true;
                        self.renames.push(Rename { contact_id: sender.contact_id, name });
                    }
                }
                None => {
                    let sender = Sender {
                        identity_id: IdentityId::new(),
                        contact_id: ContactId::new(),
                        conversation_id: ConversationId::new(),
                        named: message.profile_name.is_some(),
                    };
                    senders.insert(key, sender);
                    self.new_senders.push(NewSender {
                        sender,
                        workspace_id: write.workspace_id,
                        kind: message.from.kind,
                        value: &message.from.value,
                        name: message.profile_name.as_deref(),
                        at: write.received_at,
                    });
                }
            }
        }
        self.new_senders.sort_by(|a, b| a.value.cmp(b.value));
        senders
    }

    /// Opens or touches each sender's conversation (reopening it, counting unread) and records
    /// the channels it spans with the time the customer last wrote on each.
    fn touch_conversations(
        &mut self,
        writes: &[InboundWrite],
        fresh: &[Candidate<'a>],
        sender_of: &impl Fn(&Candidate<'a>) -> Sender,
    ) {
        let mut touches: BTreeMap<ContactId, ConversationTouch> = BTreeMap::new();
        let mut spans: BTreeMap<(ConversationId, ChannelId), i64> = BTreeMap::new();
        for candidate in fresh {
            let write = &writes[candidate.0];
            let sender = sender_of(candidate);
            let touch = touches.entry(sender.contact_id).or_insert(ConversationTouch {
                conversation_id: sender.conversation_id,
                workspace_id: write.workspace_id,
                contact_id: sender.contact_id,
                last_message_at: write.received_at,
                last_channel_id: write.channel_id,
                unread: 0,
            });
            if write.received_at >= touch.last_message_at {
                touch.last_message_at = write.received_at;
                touch.last_channel_id = write.channel_id;
            }
            touch.unread += 1;
            let span = spans.entry((sender.conversation_id, write.channel_id)).or_insert(write.received_at);
            *span = (*span).max(write.received_at);
        }
        self.conversations = touches.into_values().collect();
        self.spans = spans
            .into_iter()
            .map(|((conversation_id, channel_id), last_inbound_at)| ChannelSpan {
                conversation_id,
                channel_id,
                last_inbound_at,
            })
            .collect();
    }

    /// Records what the keywords of the batch ask (opt-out changes, help replies) and the media
    /// fetches its messages need, as each message's stored outcome says.
    fn keyword_effects(&mut self, messages: &[MessageRow<'a>], stored: &[StoredInbound]) {
        let mut opt_outs: BTreeMap<(IdentityId, &'static str), OptOutRow> = BTreeMap::new();
        for (row, stored) in messages.iter().zip(stored) {
            let write = row.write;
            if let Some(change) = stored.opt_change {
                // The last keyword of the batch wins, as it would one by one.
                let kind = write.channel_kind.as_str();
                opt_outs.insert(
                    (row.sender.identity_id, kind),
                    OptOutRow {
                        identity_id: row.sender.identity_id,
                        channel_kind: kind,
                        opted_out: change == OptChange::OptedOut,
                        keyword: row.message.text.trim().to_ascii_uppercase(),
                        at: write.received_at,
                    },
                );
            }
            let job = |kind: &'static str, key: &str, max_attempts: i32| JobRow {
                job_id: JobId::new(),
                workspace_id: write.workspace_id,
                kind,
                message_id: row.message_id,
                dedupe_key: format!("{key}:{}", row.message_id),
                max_attempts,
                at: write.received_at,
            };
            if stored.help_requested {
                self.jobs.push(job(crate::queue::kinds::HELP_REPLY, "help", 1));
            }
            if stored.fetches_media {
                self.jobs.push(job(crate::queue::kinds::FETCH_MEDIA, "media", crate::queue::FETCH_MEDIA_ATTEMPTS));
            }
        }
        self.opt_outs = opt_outs.into_values().collect();
    }

    /// The batch's webhooks as the log keeps them, each with what became of it; call once the
    /// outcomes are complete (status reports applied). Gives each outcome its event id.
    pub fn webhook_events(&mut self, writes: &'a [InboundWrite]) -> Vec<WebhookEventRow<'a>> {
        writes
            .iter()
            .zip(self.outcomes.iter_mut())
            .map(|(write, outcome)| {
                let webhook_event_id = WebhookEventId::new();
                outcome.webhook_event_id = Some(webhook_event_id);
                WebhookEventRow { webhook_event_id, write, outcome: outcome.summary() }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use switchboard_domain::inbound::{InboundEvent, InboundMessage};
    use switchboard_domain::{ChannelKind, Identity, IdentityKind, Provider};

    use super::*;

    fn message(id: &str, from: &str, text: &str, name: Option<&str>) -> InboundMessage {
        InboundMessage {
            channel_kind: ChannelKind::Sms,
            provider_message_id: id.into(),
            from: Identity { kind: IdentityKind::Phone, value: from.into() },
            from_address: from.into(),
            to_address: "+14155550100".into(),
            profile_name: name.map(Into::into),
            text: text.into(),
            attachments: Vec::new(),
            content: None,
            reply_to: None,
            email: None,
            referral: None,
        }
    }

    fn webhook(workspace: WorkspaceId, channel: ChannelId, at: i64, message: InboundMessage) -> InboundWrite {
        InboundWrite {
            workspace_id: workspace,
            channel_id: channel,
            channel_kind: ChannelKind::Sms,
            provider: Provider::Twilio,
            verification: "valid".into(),
            content_type: "application/x-www-form-urlencoded".into(),
            payload: String::new(),
            events: vec![InboundEvent::Message(message)],
            media: Vec::new(),
            received_at: at,
        }
    }

    fn known(contact: ContactId, named: bool) -> Sender {
        Sender { identity_id: IdentityId::new(), contact_id: contact, conversation_id: ConversationId::new(), named }
    }

    #[test]
    fn retries_stored_before_or_twice_in_the_batch_become_no_rows() {
        let (workspace, channel) = (WorkspaceId::new(), ChannelId::new());
        let writes = vec![
            webhook(workspace, channel, 1, message("SM1", "+15550001", "hello", None)),
            webhook(workspace, channel, 2, message("SM2", "+15550001", "again", None)),
            webhook(workspace, channel, 3, message("SM2", "+15550001", "again", None)),
        ];
        let mut lookups = Lookups::default();
        lookups.stored.entry(channel).or_default().insert("SM1".into());
        let plan = BatchPlan::new(&writes, candidates(&writes), lookups);
        let duplicates: Vec<_> = plan.outcomes.iter().map(|o| o.duplicates.clone()).collect();
        assert_eq!(duplicates, vec![vec!["SM1".to_string()], vec![], vec!["SM2".to_string()]]);
        let stored: Vec<_> = plan.messages.iter().map(|m| m.message.provider_message_id.as_str()).collect();
        assert_eq!(stored, ["SM2"]);
        assert_eq!(plan.outcomes[1].new_messages.len(), 1);
        assert_eq!(plan.new_senders.len(), 1, "the one new customer becomes one contact");
    }

    #[test]
    fn a_known_sender_is_named_only_when_nameless_and_a_new_one_becomes_a_contact() {
        let (workspace, channel) = (WorkspaceId::new(), ChannelId::new());
        let (nameless, named) = (ContactId::new(), ContactId::new());
        let writes = vec![
            webhook(workspace, channel, 1, message("SM1", "+15550001", "hi", Some("Ada"))),
            webhook(workspace, channel, 2, message("SM2", "+15550002", "hi", Some("Bea"))),
            webhook(workspace, channel, 3, message("SM3", "+15550003", "hi", Some("Cy"))),
            webhook(workspace, channel, 4, message("SM4", "+15550001", "hi", Some("Ada L."))),
        ];
        let mut lookups = Lookups::default();
        lookups.senders.insert((workspace, IdentityKind::Phone, "+15550001".into()), known(nameless, false));
        lookups.senders.insert((workspace, IdentityKind::Phone, "+15550002".into()), known(named, true));
        let plan = BatchPlan::new(&writes, candidates(&writes), lookups);
        let renames: Vec<_> = plan.renames.iter().map(|r| (r.contact_id, r.name)).collect();
        assert_eq!(renames, [(nameless, "Ada")], "named once, by the first name that came");
        let new: Vec<_> = plan.new_senders.iter().map(|s| (s.value, s.name)).collect();
        assert_eq!(new, [("+15550003", Some("Cy"))]);
        let contacts: Vec<_> = plan.messages.iter().map(|m| m.sender.contact_id).collect();
        assert_eq!(contacts, [nameless, named, plan.new_senders[0].sender.contact_id, nameless]);
    }

    #[test]
    fn one_sender_touches_one_conversation_and_the_last_keyword_wins() {
        let (workspace, sms, whatsapp) = (WorkspaceId::new(), ChannelId::new(), ChannelId::new());
        let writes = vec![
            webhook(workspace, sms, 10, message("SM1", "+15550001", "STOP", None)),
            webhook(workspace, whatsapp, 30, message("SM2", "+15550001", "help", None)),
            webhook(workspace, sms, 20, message("SM3", "+15550001", " start ", None)),
        ];
        let plan = BatchPlan::new(&writes, candidates(&writes), Lookups::default());
        assert_eq!(plan.conversations.len(), 1);
        let touch = &plan.conversations[0];
        assert_eq!((touch.unread, touch.last_message_at, touch.last_channel_id), (3, 30, whatsapp));
        let mut spans: Vec<_> = plan.spans.iter().map(|s| (s.channel_id, s.last_inbound_at)).collect();
        spans.sort();
        let mut expected = vec![(sms, 20), (whatsapp, 30)];
        expected.sort();
        assert_eq!(spans, expected);
        let opt_outs: Vec<_> = plan.opt_outs.iter().map(|o| (o.opted_out, o.keyword.as_str())).collect();
        assert_eq!(opt_outs, [(false, "START")], "the batch's last keyword on SMS stands");
        assert_eq!(plan.jobs.len(), 1);
        assert_eq!(plan.jobs[0].kind, crate::queue::kinds::HELP_REPLY);
        assert_eq!(plan.jobs[0].message_id, plan.outcomes[1].new_messages[0].message_id);
    }
}
