//! The `Store` interface, split by concern. Each backend implements every part; callers hold an
//! `Arc<dyn Store>` and never learn which database is behind it. Every query that reads tenant
//! data takes the workspace id, so one workspace can never see another's rows.

use async_trait::async_trait;
use switchboard_domain::{
    CannedResponseId, ChannelId, ChannelKind, ContactId, ConversationId, ConversationStatus, Identity, IdentityId,
    JobId, LabelId, MediaId, MessageId, Provider, StaffId, WorkspaceId,
};

use crate::error::StoreResult;
use crate::model::*;
use crate::queue::{Job, JobState, NewJob, QueueStats};
use crate::writes::*;

#[async_trait]
pub trait WorkspaceRepo: Send + Sync {
    async fn create_workspace(&self, name: &str, help_text: &str, now: UnixMillis) -> StoreResult<Workspace>;
    async fn get_workspace(&self, workspace_id: WorkspaceId) -> StoreResult<Option<Workspace>>;
    /// Whether WhatsApp senders are matched to SMS senders by number from now on; `false` when
    /// there is no such workspace. Contacts already matched stay as they are.
    async fn set_whatsapp_matching(
        &self,
        workspace_id: WorkspaceId,
        matches_phone: bool,
        now: UnixMillis,
    ) -> StoreResult<bool>;
    async fn find_workspace_by_name(&self, name: &str) -> StoreResult<Option<Workspace>>;
    async fn list_workspaces(&self) -> StoreResult<Vec<Workspace>>;
    async fn create_api_key(
        &self,
        workspace_id: WorkspaceId,
        name: &str,
        prefix: &str,
        key_hash: &[u8],
        now: UnixMillis,
    ) -> StoreResult<ApiKey>;
    /// The live (not revoked) key with this hash.
    async fn find_api_key(&self, key_hash: &[u8]) -> StoreResult<Option<ApiKey>>;
}

#[async_trait]
pub trait ChannelRepo: Send + Sync {
    async fn create_channel(&self, channel: NewChannel) -> StoreResult<Channel>;
    /// A channel by id alone: webhooks name only the channel, and find their workspace here.
    async fn get_channel(&self, channel_id: ChannelId) -> StoreResult<Option<Channel>>;
    /// The channel a provider knows by this id (see [`Channel::external_id`]), in any workspace:
    /// an app-level webhook names only that id.
    async fn find_channel_by_external_id(&self, provider: Provider, external_id: &str) -> StoreResult<Option<Channel>>;
    async fn list_channels(&self, workspace_id: WorkspaceId) -> StoreResult<Vec<Channel>>;
    /// Every enabled channel a provider carries, in all workspaces (the mailboxes to import).
    async fn list_enabled_channels_of(&self, provider: Provider) -> StoreResult<Vec<Channel>>;
    /// Turns a channel on or off (a disabled channel refuses webhooks and sends); `None` when it
    /// is not in the workspace.
    async fn set_channel_enabled(
        &self,
        workspace_id: WorkspaceId,
        channel_id: ChannelId,
        enabled: bool,
        now: UnixMillis,
    ) -> StoreResult<Option<Channel>>;
    /// Replaces a channel's sealed credentials (a rotated key); false when there is no such
    /// channel. Servers holding the channel in their cache see the change once it expires.
    async fn set_channel_credentials(
        &self,
        channel_id: ChannelId,
        sealed_credentials: &[u8],
        now: UnixMillis,
    ) -> StoreResult<bool>;
}

/// Filters for listing conversations. All are optional and combine with AND.
#[derive(Debug, Clone, Default)]
pub struct ConversationFilter {
    pub channel_id: Option<ChannelId>,
    pub status: Option<ConversationStatus>,
    pub contact_id: Option<ContactId>,
    pub updated_since: Option<UnixMillis>,
}

#[async_trait]
pub trait ContactRepo: Send + Sync {
    /// Creates a contact; fails with a conflict when one of its identities is taken.
    async fn create_contact(&self, contact: NewContact) -> StoreResult<Contact>;
    async fn get_contact(&self, workspace_id: WorkspaceId, contact_id: ContactId) -> StoreResult<Option<Contact>>;
    async fn list_contacts(
        &self,
        workspace_id: WorkspaceId,
        cursor: Option<&str>,
        limit: u32,
    ) -> StoreResult<Page<Contact>>;
    async fn add_identity(
        &self,
        workspace_id: WorkspaceId,
        contact_id: ContactId,
        identity: &Identity,
        now: UnixMillis,
    ) -> StoreResult<Contact>;
    async fn find_contact_by_identity(
        &self,
        workspace_id: WorkspaceId,
        identity: &Identity,
    ) -> StoreResult<Option<Contact>>;
    async fn is_opted_out(&self, identity_id: IdentityId, channel_kind: ChannelKind) -> StoreResult<bool>;
    /// Records an identity's opt-out state for a channel kind (a provider told us, or staff did).
    async fn set_opted_out(
        &self,
        identity_id: IdentityId,
        channel_kind: ChannelKind,
        opted_out: bool,
        reason: &str,
        now: UnixMillis,
    ) -> StoreResult<()>;
}

#[async_trait]
pub trait ConversationRepo: Send + Sync {
    async fn list_conversations(
        &self,
        workspace_id: WorkspaceId,
        filter: &ConversationFilter,
        cursor: Option<&str>,
        limit: u32,
    ) -> StoreResult<Page<Conversation>>;
    async fn get_conversation(
        &self,
        workspace_id: WorkspaceId,
        conversation_id: ConversationId,
    ) -> StoreResult<Option<Conversation>>;
    async fn set_conversation_status(
        &self,
        workspace_id: WorkspaceId,
        conversation_id: ConversationId,
        status: ConversationStatus,
        now: UnixMillis,
    ) -> StoreResult<Option<Conversation>>;
}

#[async_trait]
pub trait MessageRepo: Send + Sync {
    async fn list_messages(
        &self,
        workspace_id: WorkspaceId,
        conversation_id: ConversationId,
        cursor: Option<&str>,
        limit: u32,
    ) -> StoreResult<Page<Message>>;
    async fn get_message(&self, workspace_id: WorkspaceId, message_id: MessageId) -> StoreResult<Option<Message>>;
    /// The texts an edited message had before, oldest first.
    async fn message_edits(
        &self,
        workspace_id: WorkspaceId,
        message_id: MessageId,
    ) -> StoreResult<Vec<crate::model::MessageEditRecord>>;
    /// The outbound message an `Idempotency-Key` already produced in this workspace.
    async fn find_message_by_idempotency_key(
        &self,
        workspace_id: WorkspaceId,
        key: &str,
    ) -> StoreResult<Option<Message>>;
    /// The message a provider knows by this id on this channel (unique by constraint).
    async fn find_message_by_provider_id(
        &self,
        channel_id: ChannelId,
        provider_message_id: &str,
    ) -> StoreResult<Option<Message>>;
    /// How many messages a channel has carried (both directions).
    async fn count_channel_messages(&self, workspace_id: WorkspaceId, channel_id: ChannelId) -> StoreResult<i64>;
    /// When the contact last wrote to us on this channel (for the WhatsApp 24-hour window).
    async fn last_inbound_at(
        &self,
        workspace_id: WorkspaceId,
        contact_id: ContactId,
        channel_id: ChannelId,
    ) -> StoreResult<Option<UnixMillis>>;
    /// Records a queued outbound message and its send job in one transaction. With an
    /// idempotency key already used in the workspace, returns the earlier message and `false`.
    async fn create_outbound(&self, write: OutboundWrite) -> StoreResult<(Message, bool)>;
    /// Records what a send attempt did, and settles its job, in one transaction.
    async fn record_send_result(
        &self,
        job_id: JobId,
        message_id: MessageId,
        result: &SendResult,
        now: UnixMillis,
    ) -> StoreResult<()>;
}

#[async_trait]
pub trait IngestRepo: Send + Sync {
    /// Stores several verified webhooks in one transaction (group commit). Each webhook gets its
    /// own outcome; one that fails is rolled back alone and the others still commit.
    async fn ingest_batch(&self, writes: &[InboundWrite]) -> StoreResult<Vec<StoreResult<InboundOutcome>>>;
    /// Keeps verified webhooks in the inbound journal, in order, in one transaction: once this
    /// returns they are durable, and [`IngestRepo::work_off_journal`] stores them in full later.
    /// A webhook with files of its own (`media`) must be stored directly instead.
    async fn journal_inbound(&self, writes: &[InboundWrite]) -> StoreResult<()>;
    /// Stores up to `limit` of the oldest journaled webhooks in full, as
    /// [`IngestRepo::ingest_batch`] does, and takes them out of the journal; each comes back with
    /// its outcome. `None` when another node is working the journal off right now.
    async fn work_off_journal(&self, limit: usize) -> StoreResult<Option<Vec<JournaledOutcome>>>;
    /// How many journaled webhooks wait to be stored in full, and how many were set aside.
    async fn journal_depth(&self) -> StoreResult<JournalDepth>;
    /// The journaled webhooks that could not be stored in full, oldest first, `limit` at most.
    async fn set_aside_journal_entries(&self, limit: u32) -> StoreResult<Vec<SetAsideEntry>>;
    /// Puts set-aside journal entries (those of `journal_ids`, or all) back in line, to be stored
    /// in full again in the order they came; returns how many.
    async fn retry_set_aside_journal_entries(&self, journal_ids: Option<&[i64]>) -> StoreResult<u64>;
    async fn list_webhook_events(
        &self,
        workspace_id: WorkspaceId,
        channel_id: Option<ChannelId>,
        limit: u32,
    ) -> StoreResult<Vec<WebhookEvent>>;
}

#[async_trait]
pub trait QueueRepo: Send + Sync {
    /// Enqueues a job; `None` when a job with the same dedupe key exists.
    async fn enqueue(&self, job: NewJob, now: UnixMillis) -> StoreResult<Option<JobId>>;
    /// Leases up to `limit` ready jobs (or jobs whose lease expired) to `worker`.
    async fn claim_jobs(&self, worker: &str, limit: u32, lease_ms: i64, now: UnixMillis) -> StoreResult<Vec<Job>>;
    async fn complete_job(&self, job_id: JobId, now: UnixMillis) -> StoreResult<()>;
    async fn retry_job(&self, job_id: JobId, error: &str, retry_at: UnixMillis, now: UnixMillis) -> StoreResult<()>;
    async fn bury_job(&self, job_id: JobId, error: &str, now: UnixMillis) -> StoreResult<()>;
    /// Hands a claimed job back to run at `run_at`, without counting an attempt (a rate limit of
    /// ours said "not yet").
    async fn postpone_job(&self, job_id: JobId, run_at: UnixMillis, now: UnixMillis) -> StoreResult<()>;
    /// Hands back every job leased by `worker` (on shutdown), without counting an attempt.
    async fn release_leases(&self, worker: &str, now: UnixMillis) -> StoreResult<u64>;
    async fn list_jobs(&self, workspace_id: WorkspaceId, state: JobState, limit: u32) -> StoreResult<Vec<Job>>;
    async fn queue_stats(&self, now: UnixMillis) -> StoreResult<QueueStats>;
    /// The earliest `run_at` of a queued job, so the dispatcher can sleep until then.
    async fn next_run_at(&self) -> StoreResult<Option<UnixMillis>>;
}

/// Readiness facts for `/readyz`.
#[async_trait]
pub trait HealthRepo: Send + Sync {
    /// Ok when the database answers and every migration is applied.
    async fn check_ready(&self) -> StoreResult<()>;
    /// Which backend this is (`sqlite`, `postgres`).
    fn backend(&self) -> &'static str;
}

#[async_trait]
pub trait StaffRepo: Send + Sync {
    /// Fails with `Conflict` when the email already has an account.
    async fn create_staff(&self, staff: NewStaff, now: UnixMillis) -> StoreResult<StaffMember>;
    /// The account for an email (any case) and its password hash, for signing in.
    async fn find_staff_login(&self, email: &str) -> StoreResult<Option<(StaffMember, String)>>;
    async fn list_staff(&self, workspace_id: WorkspaceId) -> StoreResult<Vec<StaffMember>>;
    async fn create_session(
        &self,
        token_hash: &[u8],
        staff_id: StaffId,
        csrf_token: &str,
        now: UnixMillis,
        expires_at: UnixMillis,
    ) -> StoreResult<()>;
    /// The live session of an active staff member, by the hash of its token.
    async fn find_session(&self, token_hash: &[u8], now: UnixMillis) -> StoreResult<Option<StaffSession>>;
    async fn delete_session(&self, token_hash: &[u8]) -> StoreResult<()>;
    /// Creates an account without a password and an invitation to choose one, found by
    /// `token_hash` until `expires_at`; an email already in use is a conflict.
    async fn invite_staff(
        &self,
        staff: NewStaff,
        token_hash: &[u8],
        now: UnixMillis,
        expires_at: UnixMillis,
    ) -> StoreResult<StaffMember>;
    /// The account an unexpired invitation is for.
    async fn find_invitation(&self, token_hash: &[u8], now: UnixMillis) -> StoreResult<Option<StaffMember>>;
    /// Sets the invited account's password and uses the invitation up; `None` when it is
    /// unknown or expired.
    async fn accept_invitation(
        &self,
        token_hash: &[u8],
        password_hash: &str,
        now: UnixMillis,
    ) -> StoreResult<Option<StaffMember>>;
    /// Changes a staff member's role and whether they may sign in; deactivating ends their
    /// sessions. Refused (a conflict) when it would leave the workspace without an active
    /// administrator. `None` when the staff member is not in the workspace.
    async fn update_staff(
        &self,
        workspace_id: WorkspaceId,
        staff_id: StaffId,
        role: switchboard_domain::StaffRole,
        active: bool,
        now: UnixMillis,
    ) -> StoreResult<Option<StaffMember>>;
}

#[async_trait]
pub trait InboxRepo: Send + Sync {
    /// Conversations newest activity first, with what the inbox list shows of each.
    async fn list_inbox(
        &self,
        workspace_id: WorkspaceId,
        query: &InboxQuery,
        limit: u32,
    ) -> StoreResult<Page<InboxEntry>>;
    /// The latest `limit` messages of a conversation, oldest first, as its timeline shows them.
    async fn latest_messages(
        &self,
        workspace_id: WorkspaceId,
        conversation_id: ConversationId,
        limit: u32,
    ) -> StoreResult<Vec<Message>>;
    /// Clears the unread count of a conversation a staff member opened.
    /// Marks the conversation read by staff (and, on a web chat, the visitor's messages read).
    async fn mark_read(
        &self,
        workspace_id: WorkspaceId,
        conversation_id: ConversationId,
        now: UnixMillis,
    ) -> StoreResult<()>;
}

/// Staff working together on conversations: who looks after each, and private notes.
#[async_trait]
pub trait TeamworkRepo: Send + Sync {
    /// Assigns a conversation to a staff member of its workspace, or to nobody. `None` when the
    /// conversation or the staff member is not in the workspace.
    async fn assign_conversation(
        &self,
        workspace_id: WorkspaceId,
        conversation_id: ConversationId,
        assignee: Option<StaffId>,
        now: UnixMillis,
    ) -> StoreResult<Option<Conversation>>;
    /// Leaves a private note on a conversation, by a staff member of the workspace or (`None`)
    /// through the API; `None` when the conversation or the author is not in the workspace.
    async fn add_note(
        &self,
        workspace_id: WorkspaceId,
        conversation_id: ConversationId,
        staff_id: Option<StaffId>,
        body: &str,
        now: UnixMillis,
    ) -> StoreResult<Option<Note>>;
    /// A conversation's notes, oldest first.
    async fn list_notes(&self, workspace_id: WorkspaceId, conversation_id: ConversationId) -> StoreResult<Vec<Note>>;
    /// Snoozes a conversation until a time; it reopens then, or when the customer writes first.
    /// `None` when the conversation is not in the workspace.
    async fn snooze_conversation(
        &self,
        workspace_id: WorkspaceId,
        conversation_id: ConversationId,
        until: UnixMillis,
        now: UnixMillis,
    ) -> StoreResult<Option<Conversation>>;
    /// Reopens every conversation whose snooze has ended, in every workspace; returns them.
    async fn wake_snoozed(&self, now: UnixMillis) -> StoreResult<Vec<Conversation>>;
    /// When the next snoozed conversation wakes, if any is snoozed.
    async fn next_wake_at(&self) -> StoreResult<Option<UnixMillis>>;
    /// Adds up to `batch` newly written messages to the index search by words reads; returns how
    /// many. 0 when the index is current, and always on a backend whose index follows each write.
    async fn index_message_words(&self, batch: usize) -> StoreResult<usize>;
}

/// Editing contacts: their name and channel preference, and merging two that are one person.
#[async_trait]
pub trait ContactEditRepo: Send + Sync {
    /// Sets the name (`None` clears it) and the preferred channel; `None` when the contact is not
    /// in the workspace.
    async fn update_contact(
        &self,
        workspace_id: WorkspaceId,
        contact_id: ContactId,
        display_name: Option<&str>,
        preferred_channel_kind: Option<ChannelKind>,
        now: UnixMillis,
    ) -> StoreResult<Option<Contact>>;
    /// Merges `absorb` into `keep`: its identities, messages, notes and labels move over, the two
    /// conversations become one, and `absorb` is deleted. `None` when either is not in the
    /// workspace; a conflict when they are the same contact.
    async fn merge_contacts(
        &self,
        workspace_id: WorkspaceId,
        keep: ContactId,
        absorb: ContactId,
        now: UnixMillis,
    ) -> StoreResult<Option<Contact>>;
}

/// Labels, and which conversations carry them.
#[async_trait]
pub trait LabelRepo: Send + Sync {
    /// Creates a label; a name already taken in the workspace (in any case) is a conflict.
    async fn create_label(
        &self,
        workspace_id: WorkspaceId,
        name: &str,
        colour: &str,
        now: UnixMillis,
    ) -> StoreResult<Label>;
    /// The workspace's labels by name.
    async fn list_labels(&self, workspace_id: WorkspaceId) -> StoreResult<Vec<Label>>;
    /// Deletes a label and takes it off every conversation; `false` when it is not in the workspace.
    async fn delete_label(&self, workspace_id: WorkspaceId, label_id: LabelId) -> StoreResult<bool>;
    /// Puts a label on a conversation (again is a no-op); `false` when either is not in the workspace.
    async fn label_conversation(
        &self,
        workspace_id: WorkspaceId,
        conversation_id: ConversationId,
        label_id: LabelId,
        now: UnixMillis,
    ) -> StoreResult<bool>;
    /// Takes a label off a conversation; `false` when the conversation did not carry it.
    async fn unlabel_conversation(
        &self,
        workspace_id: WorkspaceId,
        conversation_id: ConversationId,
        label_id: LabelId,
    ) -> StoreResult<bool>;
    /// The labels of each of the given conversations, by name.
    async fn conversation_labels(
        &self,
        workspace_id: WorkspaceId,
        conversation_ids: &[ConversationId],
    ) -> StoreResult<Vec<(ConversationId, Label)>>;
}

/// The message templates a channel's provider approved, as last synced.
#[async_trait]
pub trait TemplateRepo: Send + Sync {
    /// Replaces the channel's templates with the provider's current list, in one transaction.
    async fn replace_templates(
        &self,
        channel_id: ChannelId,
        templates: &[MessageTemplate],
        now: UnixMillis,
    ) -> StoreResult<()>;
    /// The channel's templates by name and language.
    async fn list_templates(&self, channel_id: ChannelId) -> StoreResult<Vec<MessageTemplate>>;
}

/// What only email needs: the importer's place in each mailbox, and the headers of the email
/// a reply answers.
#[async_trait]
pub trait EmailRepo: Send + Sync {
    /// Where the mailbox's importer stands; `None` before its first import.
    async fn mailbox_cursor(&self, channel_id: ChannelId) -> StoreResult<Option<MailboxCursor>>;
    /// Records that everything up to `cursor.last_uid` is stored.
    async fn save_mailbox_cursor(
        &self,
        channel_id: ChannelId,
        cursor: &MailboxCursor,
        now: UnixMillis,
    ) -> StoreResult<()>;
    /// The newest email of a conversation, either way, on the channel (what a reply answers).
    async fn last_email(
        &self,
        conversation_id: switchboard_domain::ConversationId,
        channel_id: ChannelId,
    ) -> StoreResult<Option<Message>>;
    /// Records an outbound message's email headers: before it is sent, and again when the
    /// provider replaced its Message-ID.
    async fn set_message_email(
        &self,
        message_id: switchboard_domain::MessageId,
        email: &switchboard_domain::EmailDetails,
    ) -> StoreResult<()>;
}

/// Files downloaded from providers, and files uploaded to send.
#[async_trait]
pub trait MediaRepo: Send + Sync {
    /// Keeps a file uploaded to send, under the name it was uploaded with.
    async fn save_upload(
        &self,
        workspace_id: WorkspaceId,
        file: &NewMedia,
        filename: Option<&str>,
        now: UnixMillis,
    ) -> StoreResult<()>;
    /// Keeps the files fetched for a message and records its attachments as they now are
    /// (pointing at the files kept, or noting why a fetch failed), in one transaction.
    async fn save_media(
        &self,
        workspace_id: WorkspaceId,
        message_id: MessageId,
        files: &[NewMedia],
        attachments: &[switchboard_domain::Attachment],
        now: UnixMillis,
    ) -> StoreResult<()>;
    /// A kept file, with its bytes; `None` when it is not in the workspace.
    async fn get_media(&self, workspace_id: WorkspaceId, media_id: MediaId) -> StoreResult<Option<StoredMedia>>;
}

/// Saved replies.
#[async_trait]
pub trait CannedResponseRepo: Send + Sync {
    /// Saves a reply; a shortcut already taken in the workspace (in any case) is a conflict.
    async fn create_canned_response(
        &self,
        workspace_id: WorkspaceId,
        shortcut: &str,
        body: &str,
        now: UnixMillis,
    ) -> StoreResult<CannedResponse>;
    /// The workspace's saved replies by shortcut.
    async fn list_canned_responses(&self, workspace_id: WorkspaceId) -> StoreResult<Vec<CannedResponse>>;
    /// Changes a saved reply; `None` when it is not in the workspace.
    async fn update_canned_response(
        &self,
        workspace_id: WorkspaceId,
        canned_response_id: CannedResponseId,
        shortcut: &str,
        body: &str,
        now: UnixMillis,
    ) -> StoreResult<Option<CannedResponse>>;
    /// Deletes a saved reply; `false` when it is not in the workspace.
    async fn delete_canned_response(
        &self,
        workspace_id: WorkspaceId,
        canned_response_id: CannedResponseId,
    ) -> StoreResult<bool>;
}

/// What a listener hears from other nodes sharing the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeNotice {
    /// A change another node (or this one) announced, as it was announced.
    Announced(String),
    /// The listening connection was lost and re-established: announcements in between are gone.
    Gap,
}

#[async_trait]
pub trait ChangeFeedRepo: Send + Sync {
    /// Whether other nodes may share this database and want to hear of changes.
    fn shares_changes(&self) -> bool;
    /// Announces a committed change to every node listening (PostgreSQL `NOTIFY`). A no-op on
    /// SQLite, where one process is the only node.
    async fn announce_change(&self, payload: &str) -> StoreResult<()>;
    /// Starts listening to every node's announcements; `None` where there are no other nodes.
    async fn listen_for_changes(&self) -> StoreResult<Option<tokio::sync::mpsc::Receiver<ChangeNotice>>>;
}

/// The whole store.
pub trait Store:
    WorkspaceRepo
    + ChannelRepo
    + ContactRepo
    + ContactEditRepo
    + ConversationRepo
    + MessageRepo
    + IngestRepo
    + QueueRepo
    + StaffRepo
    + InboxRepo
    + TeamworkRepo
    + LabelRepo
    + CannedResponseRepo
    + TemplateRepo
    + MediaRepo
    + EmailRepo
    + ChangeFeedRepo
    + HealthRepo
{
}

impl<T> Store for T where
    T: WorkspaceRepo
        + ChannelRepo
        + ContactRepo
        + ContactEditRepo
        + ConversationRepo
        + MessageRepo
        + IngestRepo
        + QueueRepo
        + StaffRepo
        + InboxRepo
        + TeamworkRepo
        + LabelRepo
        + CannedResponseRepo
        + TemplateRepo
        + MediaRepo
        + EmailRepo
        + ChangeFeedRepo
        + HealthRepo
{
}
