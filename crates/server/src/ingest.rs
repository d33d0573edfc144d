//! Group commit for the inbound hot path. Webhook handlers hand their verified, parsed webhook
//! to a committer and wait; a committer takes every webhook waiting (up to a batch limit),
//! stores them in one transaction and answers each one only after that transaction is durable.
//! Under load many webhooks share one commit (one fsync); when idle a batch is a single webhook,
//! so nothing waits for a timer.

use std::sync::Arc;

use switchboard_store::writes::{InboundOutcome, InboundWrite};
use switchboard_store::{Store, StoreError};
use tokio::sync::{Mutex, mpsc, oneshot};

type Reply = oneshot::Sender<Result<InboundOutcome, Arc<StoreError>>>;

/// Submits webhooks to the committers.
#[derive(Clone)]
pub struct IngestHandle {
    sender: mpsc::Sender<(InboundWrite, Reply)>,
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
        self.sender.send((write, reply)).await.map_err(|_| IngestError::ShuttingDown)?;
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
    let (sender, receiver) = mpsc::channel(batch_max * committers.max(1) * 4);
    let receiver = Arc::new(Mutex::new(receiver));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let thread = std::thread::Builder::new().name("ingest-commit".into()).spawn(move || {
        runtime.block_on(async move {
            let tasks: Vec<_> = (0..committers.max(1))
                .map(|_| tokio::spawn(run_committer(store.clone(), receiver.clone(), batch_max)))
                .collect();
            for task in tasks {
                let _ = task.await;
            }
        });
    })?;
    Ok((IngestHandle { sender }, Committers { thread }))
}

async fn run_committer(
    store: Arc<dyn Store>,
    receiver: Arc<Mutex<mpsc::Receiver<(InboundWrite, Reply)>>>,
    batch_max: usize,
) {
    let mut batch = Vec::with_capacity(batch_max);
    loop {
        {
            let mut receiver = receiver.lock().await;
            if receiver.recv_many(&mut batch, batch_max).await == 0 {
                return;
            }
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
