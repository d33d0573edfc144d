//! Group commit for the inbound hot path. Webhook handlers hand their verified, parsed webhook
//! to a committer and wait; a committer takes every webhook waiting (up to a batch limit) and
//! answers each one only after a transaction that holds it is durable. When idle a batch is a
//! single webhook, so nothing waits for a timer.
//!
//! A batch is stored in full (contacts, conversation, message, opt-outs, jobs) in one
//! transaction, unless the webhooks come in faster than that: when a batch holds at least
//! `ingest_journal_from_batch` webhooks (8 by default), or the inbound journal still holds
//! earlier ones, the batch is only appended to the journal (one cheap row each, one
//! transaction) and answered, and the journal worker (`workers/journal.rs`) stores it in full
//! shortly after, oldest first. Providers are answered quickly through a burst, and nothing
//! answered is lost: the journal is as durable as the rest. A webhook that brings files of its
//! own, or whose caller needs its outcome (the chat widget, the mailbox importer), is always
//! stored in full before it is answered, even while the journal holds earlier ones.
//!
//! Through a burst a committer that finds only a few webhooks waiting (fewer than
//! [`LINGER_BELOW`]) lingers for `ingest_linger` before it appends them, so that each sync to
//! disk carries more: the other handlers are still verifying theirs. On SQLite every sync costs
//! this process CPU and time, the same for one webhook as for fifty. A webhook that comes alone,
//! with no burst going on, is never held, nor is a batch of webhooks that are all to be stored in
//! full.
//!
//! With several committers (PostgreSQL), each webhook goes to the committer chosen by its
//! sender (or, for a delivery report, its message): one customer's messages and a webhook's
//! retries are always stored by the same committer, in order, and concurrent batches never race
//! for the same contact or message. A sender's webhook goes to the journal whenever an earlier
//! one may still be there, so its webhooks are stored in full in the order they came.

use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use switchboard_domain::inbound::InboundEvent;
use switchboard_store::writes::{InboundOutcome, InboundWrite};
use switchboard_store::{Store, StoreError};
use tokio::sync::{Notify, mpsc, oneshot};

type Reply = oneshot::Sender<Result<Stored, Arc<StoreError>>>;

/// Through a burst, a batch smaller than this waits `ingest_linger` for more before it is
/// appended; from this size on, its sync is spread thin enough.
pub const LINGER_BELOW: usize = 32;

/// A webhook waiting for its committer.
struct Submission {
    write: InboundWrite,
    may_journal: bool,
    reply: Reply,
}

/// How a submitted webhook was kept.
#[derive(Debug)]
pub enum Stored {
    /// Stored in full; what it did.
    Now(InboundOutcome),
    /// Kept in the inbound journal; the journal worker stores it in full shortly.
    Journaled,
}

/// Submits webhooks to the committers.
#[derive(Clone)]
pub struct IngestHandle {
    committers: Arc<[mpsc::Sender<Submission>]>,
    journal: Arc<JournalState>,
    runtime: tokio::runtime::Handle,
}

/// What this node knows of the inbound journal: how many appends its committers made, and how
/// many of those are known stored in full (the journal was found empty after them). While the
/// two differ, a webhook of a sender with an entry in the journal could overtake it, so every
/// batch goes to the journal.
#[derive(Default)]
pub struct JournalState {
    appended: AtomicU64,
    settled: AtomicU64,
    /// Wakes the journal worker after an append.
    appended_wakeup: Notify,
}

impl JournalState {
    /// How many appends this node's committers made so far.
    pub fn appends(&self) -> u64 {
        self.appended.load(Ordering::Acquire)
    }

    /// The journal was found empty after `appends` appends: all of them are stored in full.
    pub fn settle(&self, appends: u64) {
        self.settled.fetch_max(appends, Ordering::AcqRel);
    }

    fn is_settled(&self) -> bool {
        self.settled.load(Ordering::Acquire) >= self.appended.load(Ordering::Acquire)
    }

    fn record_append(&self) {
        self.appended.fetch_add(1, Ordering::AcqRel);
        self.appended_wakeup.notify_one();
    }

    /// Resolves after the next append (or at once if one happened since the last call).
    pub async fn appended(&self) {
        self.appended_wakeup.notified().await;
    }
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("the ingest pipeline is shutting down")]
    ShuttingDown,
    #[error("storing the webhook failed: {0}")]
    Store(Arc<StoreError>),
}

impl IngestHandle {
    /// Stores one webhook, in full or (`may_journal`, under load) in the journal; returns once
    /// it is durable.
    pub async fn submit(&self, write: InboundWrite, may_journal: bool) -> Result<Stored, IngestError> {
        let (reply, answer) = oneshot::channel();
        let committer = match self.committers.len() {
            1 => &self.committers[0],
            count => &self.committers[partition(&write) % count],
        };
        let submission = Submission { may_journal: may_journal && write.media.is_empty(), write, reply };
        committer.send(submission).await.map_err(|_| IngestError::ShuttingDown)?;
        match answer.await {
            Ok(Ok(outcome)) => Ok(outcome),
            Ok(Err(error)) => Err(IngestError::Store(error)),
            Err(_) => Err(IngestError::ShuttingDown),
        }
    }

    /// The inbound journal as this node knows it.
    pub fn journal(&self) -> &Arc<JournalState> {
        &self.journal
    }

    /// Runs a task on the committers' thread (the journal worker, whose chunks, like the
    /// committers' batches, may run SQLite on the calling thread). It must end before every
    /// handle is dropped, when the thread stops.
    pub fn spawn_beside_committers<F>(&self, task: F) -> tokio::task::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.runtime.spawn(task)
    }
}

/// The committers' thread; joins when every [`IngestHandle`] is dropped and the queue is drained.
pub struct Committers {
    thread: std::thread::JoinHandle<()>,
}

impl Committers {
    /// Waits until the committers have stored everything submitted and stopped.
    pub async fn join(self) {
        let _ = tokio::task::spawn_blocking(move || self.thread.join()).await;
    }
}

/// Starts `committers` committers on a thread of their own. They run on a dedicated runtime so
/// that a batch's statements are never queued behind the request handlers waiting for it: under
/// load, the handlers would otherwise delay every step of the commit they are waiting on.
pub fn start(store: Arc<dyn Store>, config: &crate::config::Config) -> std::io::Result<(IngestHandle, Committers)> {
    let (committers, batch_max) = (config.ingest_committers, config.ingest_batch_max);
    let journal_from_batch = match config.ingest_journal_from_batch {
        0 => usize::MAX,
        size => size,
    };
    let (senders, receivers): (Vec<_>, Vec<_>) = (0..committers.max(1)).map(|_| mpsc::channel(batch_max * 4)).unzip();
    let journal = Arc::new(JournalState::default());
    let committer_journal = journal.clone();
    // Lingering holds the committers' thread, so only a committer that has it to itself lingers.
    let linger = if committers <= 1 { config.ingest_linger } else { Duration::ZERO };
    if linger != config.ingest_linger {
        tracing::warn!(
            committers,
            linger_us = config.ingest_linger.as_micros() as u64,
            "ingest_linger is ignored: several committers share one thread that lingering would hold up"
        );
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let runtime_handle = runtime.handle().clone();
    let thread = std::thread::Builder::new().name("ingest-commit".into()).spawn(move || {
        runtime.block_on(async move {
            let tasks: Vec<_> = receivers
                .into_iter()
                .map(|receiver| {
                    let batching = Batching { max: batch_max, journal_from: journal_from_batch, linger };
                    tokio::spawn(run_committer(store.clone(), receiver, batching, committer_journal.clone()))
                })
                .collect();
            for task in tasks {
                let _ = task.await;
            }
            // Connections the committers and the journal worker gave back are returned to their
            // pools by tasks of this runtime: let those finish (a second at most) before it goes.
            let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(1);
            while tokio::runtime::Handle::current().metrics().num_alive_tasks() > 0
                && tokio::time::Instant::now() < deadline
            {
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
        });
    })?;
    Ok((IngestHandle { committers: senders.into(), journal, runtime: runtime_handle }, Committers { thread }))
}

/// Which committer stores a webhook: the same one for the same sender or the same message.
fn partition(write: &InboundWrite) -> usize {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    write.channel_id.hash(&mut hasher);
    match write.events.first() {
        Some(InboundEvent::Message(message)) => message.from.value.hash(&mut hasher),
        Some(InboundEvent::Status(update)) => update.provider_message_id.hash(&mut hasher),
        Some(InboundEvent::ReadUpTo(read)) => read.reader.value.hash(&mut hasher),
        Some(InboundEvent::Consent(report)) => report.who.value.hash(&mut hasher),
        Some(InboundEvent::Edit(edit)) => edit.provider_message_id.hash(&mut hasher),
        Some(InboundEvent::Unsupported(_)) | None => {}
    }
    hasher.finish() as usize
}

/// How a committer sizes its batches, from which size on it journals them, and how long a small
/// batch waits for more through a burst.
#[derive(Clone, Copy)]
struct Batching {
    max: usize,
    journal_from: usize,
    linger: Duration,
}

async fn run_committer(
    store: Arc<dyn Store>,
    mut receiver: mpsc::Receiver<Submission>,
    batching: Batching,
    journal: Arc<JournalState>,
) {
    let mut batch = Vec::with_capacity(batching.max);
    loop {
        if receiver.recv_many(&mut batch, batching.max).await == 0 {
            return;
        }
        let journaling = batch.len() >= batching.journal_from || !journal.is_settled();
        if journaling
            && batch.len() < LINGER_BELOW
            && !batching.linger.is_zero()
            && batch.iter().any(|submission| submission.may_journal)
        {
            linger_for_more(&mut receiver, &mut batch, batching);
        }
        metrics::histogram!(crate::telemetry::INGEST_BATCH_SIZE).record(batch.len() as f64);
        let (journaled, direct): (Vec<_>, Vec<_>) = batch.drain(..).partition(|s| journaling && s.may_journal);
        if !journaled.is_empty() {
            append_to_journal(store.as_ref(), &journal, journaled).await;
        }
        if !direct.is_empty() {
            store_in_full(store.as_ref(), direct).await;
        }
    }
}

/// Waits `linger` once, then takes what came meanwhile into the batch. The wait blocks the
/// committers' thread, which this committer shares only with the journal worker, resting through
/// a burst (see `start`): a timer of the runtime could not wait less than a millisecond.
fn linger_for_more(receiver: &mut mpsc::Receiver<Submission>, batch: &mut Vec<Submission>, batching: Batching) {
    std::thread::sleep(batching.linger);
    while batch.len() < batching.max {
        match receiver.try_recv() {
            Ok(submission) => batch.push(submission),
            Err(_) => break,
        }
    }
}

/// Appends a batch to the journal and answers each webhook once the append is durable.
async fn append_to_journal(store: &dyn Store, journal: &JournalState, batch: Vec<Submission>) {
    let (writes, replies): (Vec<InboundWrite>, Vec<Reply>) = batch.into_iter().map(|s| (s.write, s.reply)).unzip();
    match store.journal_inbound(&writes).await {
        Ok(()) => {
            journal.record_append();
            metrics::counter!(crate::telemetry::JOURNALED).increment(writes.len() as u64);
            for reply in replies {
                let _ = reply.send(Ok(Stored::Journaled));
            }
        }
        Err(error) => fail_all(error, replies),
    }
}

/// Stores a batch in full and answers each webhook with what storing it did.
async fn store_in_full(store: &dyn Store, batch: Vec<Submission>) {
    let (writes, replies): (Vec<InboundWrite>, Vec<Reply>) = batch.into_iter().map(|s| (s.write, s.reply)).unzip();
    let started = std::time::Instant::now();
    let stored = store.ingest_batch(&writes).await;
    tracing::debug!(batch = writes.len(), elapsed_us = started.elapsed().as_micros() as u64, "batch committed");
    match stored {
        Ok(outcomes) => {
            for (reply, outcome) in replies.into_iter().zip(outcomes) {
                let _ = reply.send(outcome.map(Stored::Now).map_err(Arc::new));
            }
        }
        Err(error) => fail_all(error, replies),
    }
}

fn fail_all(error: StoreError, replies: Vec<Reply>) {
    tracing::error!(%error, batch = replies.len(), "a webhook batch could not be committed");
    let error = Arc::new(error);
    for reply in replies {
        let _ = reply.send(Err(error.clone()));
    }
}

#[cfg(test)]
mod tests {
    use switchboard_domain::ChannelKind;
    use switchboard_store::testing::{TestDatabase, inbound_sms};

    use super::*;
    use crate::admin::{self, TwilioChannelInput};
    use crate::config::{Config, SecretKeySource};
    use crate::secrets::SecretBox;

    const NUMBER: &str = "+14155550100";

    /// A store with one SMS channel, and an SMS from `from` to it.
    async fn channel_store(db: &TestDatabase) -> (Arc<dyn Store>, impl Fn(&str, &str) -> InboundWrite + use<>) {
        let store = db.store().await;
        let secrets = SecretBox::load(&SecretKeySource::Value("11".repeat(32))).unwrap();
        let workspace = admin::create_workspace(&store, "Linger", None).await.unwrap();
        let input = TwilioChannelInput {
            kind: ChannelKind::Sms,
            name: None,
            number: NUMBER.into(),
            account_sid: format!("AC{}", "a".repeat(32)),
            auth_token: "b".repeat(32),
            api_base_url: None,
        };
        let channel = admin::add_twilio_channel(&store, &secrets, &workspace, input).await.unwrap();
        let sms = move |sid: &str, from: &str| {
            inbound_sms(workspace.workspace_id, channel.channel_id, NUMBER, (sid, from, "Hello"), 1)
        };
        (store, sms)
    }

    #[tokio::test]
    async fn through_a_burst_a_webhook_that_comes_while_the_committer_lingers_shares_the_append() {
        let db = TestDatabase::sqlite();
        let (store, sms) = channel_store(&db).await;
        let mut config = Config::new(&db.url);
        // Every batch is journaled, as through a burst.
        config.ingest_journal_from_batch = 1;
        config.ingest_linger = Duration::from_secs(1);
        let (handle, committers) = start(store, &config).unwrap();

        let first = tokio::spawn({
            let (handle, write) = (handle.clone(), sms("SM1", "+14155550101"));
            async move { handle.submit(write, true).await }
        });
        // The committer has taken the first webhook once its place in the queue is free again.
        let queue = &handle.committers[0];
        let taken = async {
            while queue.capacity() < queue.max_capacity() {
                tokio::task::yield_now().await;
            }
        };
        tokio::time::timeout(Duration::from_secs(60), taken).await.expect("the committer takes the first webhook");
        let second = handle.submit(sms("SM2", "+14155550102"), true).await.unwrap();
        let first = first.await.unwrap().unwrap();

        assert!(matches!((&first, &second), (Stored::Journaled, Stored::Journaled)), "{first:?}, {second:?}");
        assert_eq!(handle.journal().appends(), 1, "both webhooks went to the journal in one append");
        drop(handle);
        committers.join().await;
        db.remove().await;
    }

    /// Submits one SMS to a committer that would linger for an hour, so that one that lingered
    /// would never answer within the test; returns how the SMS was kept and the appends made.
    async fn submit_with_an_hours_linger(journal_from_batch: usize, may_journal: bool) -> (Stored, u64) {
        let db = TestDatabase::sqlite();
        let (store, sms) = channel_store(&db).await;
        let mut config = Config::new(&db.url);
        config.ingest_journal_from_batch = journal_from_batch;
        config.ingest_linger = Duration::from_secs(3600);
        let (handle, committers) = start(store, &config).unwrap();

        let submitted = handle.submit(sms("SM1", "+14155550101"), may_journal);
        let stored = tokio::time::timeout(Duration::from_secs(60), submitted).await.expect("answered").unwrap();
        let appends = handle.journal().appends();
        drop(handle);
        committers.join().await;
        db.remove().await;
        (stored, appends)
    }

    #[tokio::test]
    async fn a_webhook_to_be_stored_in_full_is_not_held_through_a_burst() {
        // Every batch is journaled, as through a burst; this webhook may not be.
        let (stored, _) = submit_with_an_hours_linger(1, false).await;
        assert!(matches!(&stored, Stored::Now(outcome) if outcome.new_messages.len() == 1), "{stored:?}");
    }

    #[tokio::test]
    async fn a_webhook_that_comes_alone_is_stored_in_full_without_lingering() {
        let (stored, appends) = submit_with_an_hours_linger(8, true).await;
        assert!(matches!(&stored, Stored::Now(outcome) if outcome.new_messages.len() == 1), "{stored:?}");
        assert_eq!(appends, 0, "nothing went to the journal");
    }
}
