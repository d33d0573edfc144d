//! Group commit for the inbound hot path. Webhook handlers hand their verified, parsed webhook
//! to a committer and wait; a committer takes every webhook waiting (up to a batch limit),
//! stores them in one transaction and answers each one only after that transaction is durable.
//! Under load many webhooks share one commit (one fsync); when idle a batch is a single webhook,
//! so nothing waits for a timer.
//!
//! With several committers (PostgreSQL), each webhook goes to the committer chosen by its
//! sender (or, for a delivery report, its message): one customer's messages and a webhook's
//! retries are always stored by the same committer, in order, and concurrent batches never race
//! for the same contact or message.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use switchboard_domain::inbound::InboundEvent;
use switchboard_store::writes::{InboundOutcome, InboundWrite};
use switchboard_store::{Store, StoreError};
use tokio::sync::{mpsc, oneshot};

type Reply = oneshot::Sender<Result<InboundOutcome, Arc<StoreError>>>;

/// Submits webhooks to the committers.
#[derive(Clone)]
pub struct IngestHandle {
    committers: Arc<[mpsc::Sender<(InboundWrite, Reply)>]>,
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("the ingest pipeline is shutting down")]
    ShuttingDown,
    #[error("storing the webhook failed: {0}")]
    Store(Arc<StoreError>),
}

impl IngestHandle {
    /// Stores one webhook; returns once it is committed.
    pub async fn submit(&self, write: InboundWrite) -> Result<InboundOutcome, IngestError> {
        let (reply, answer) = oneshot::channel();
        let committer = &self.committers[partition(&write) % self.committers.len()];
        committer.send((write, reply)).await.map_err(|_| IngestError::ShuttingDown)?;
        match answer.await {
            Ok(Ok(outcome)) => Ok(outcome),
            Ok(Err(error)) => Err(IngestError::Store(error)),
            Err(_) => Err(IngestError::ShuttingDown),
        }
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
pub fn start(
    store: Arc<dyn Store>,
    committers: usize,
    batch_max: usize,
) -> std::io::Result<(IngestHandle, Committers)> {
    let (senders, receivers): (Vec<_>, Vec<_>) = (0..committers.max(1)).map(|_| mpsc::channel(batch_max * 4)).unzip();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let thread = std::thread::Builder::new().name("ingest-commit".into()).spawn(move || {
        runtime.block_on(async move {
            let tasks: Vec<_> = receivers
                .into_iter()
                .map(|receiver| tokio::spawn(run_committer(store.clone(), receiver, batch_max)))
                .collect();
            for task in tasks {
                let _ = task.await;
            }
        });
    })?;
    Ok((IngestHandle { committers: senders.into() }, Committers { thread }))
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

async fn run_committer(store: Arc<dyn Store>, mut receiver: mpsc::Receiver<(InboundWrite, Reply)>, batch_max: usize) {
    let mut batch = Vec::with_capacity(batch_max);
    loop {
        if receiver.recv_many(&mut batch, batch_max).await == 0 {
            return;
        }
        let (writes, replies): (Vec<InboundWrite>, Vec<Reply>) = batch.drain(..).unzip();
        metrics::histogram!(crate::telemetry::INGEST_BATCH_SIZE).record(writes.len() as f64);
        let started = std::time::Instant::now();
        let stored = store.ingest_batch(&writes).await;
        tracing::debug!(batch = writes.len(), elapsed_us = started.elapsed().as_micros() as u64, "batch committed");
        match stored {
            Ok(outcomes) => {
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    let _ = reply.send(outcome.map_err(Arc::new));
                }
            }
            Err(error) => {
                tracing::error!(%error, batch = writes.len(), "a webhook batch could not be committed");
                let error = Arc::new(error);
                for reply in replies {
                    let _ = reply.send(Err(error.clone()));
                }
            }
        }
    }
}
