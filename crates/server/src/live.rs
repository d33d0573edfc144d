//! Live updates for open inbox pages. After a commit that changes what staff see (a message
//! received, a reply queued, a delivery status), the change is published here as ids only;
//! each open page's event stream passes on its own workspace's changes and the page re-reads
//! what changed. Within one process this is a broadcast channel; when several nodes share a
//! PostgreSQL database, each change is also announced to the others (`NOTIFY`), and what they
//! announce is broadcast here. When changes come faster than they can be announced, those
//! that find the queue full are not announced one by one: the next announcement tells the other
//! nodes' pages to re-read everything instead, so none is missed.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};
use switchboard_domain::{ConversationId, WorkspaceId};
use switchboard_store::{ChangeNotice, Store};
use tokio::sync::{broadcast, mpsc};

/// How many changes a slow subscriber may fall behind before it is told to reload.
const BACKLOG: usize = 1024;
/// Changes announced to other nodes in one notification (each is ~150 bytes of the 8000 a
/// PostgreSQL notification may carry).
const ANNOUNCE_BATCH: usize = 32;

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A message arrived or was queued.
    Message,
    /// A message's delivery status moved.
    Status,
    /// The conversation itself changed (status, read state).
    Conversation,
}

/// One change, as ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub workspace_id: WorkspaceId,
    /// `None` when the change cannot be tied to one conversation; pages then re-read all.
    pub conversation_id: Option<ConversationId>,
    pub kind: ChangeKind,
}

/// What subscribers receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveEvent {
    Changed(Change),
    /// Changes may have been missed (another node's announcements were lost): re-read everything.
    Resync,
}

/// Changes as announced to other nodes, with the announcing node so it can skip its own.
#[derive(Serialize, Deserialize)]
struct Announcement {
    node: String,
    changes: Vec<Change>,
    /// Changes were left out because too many waited: pages re-read everything.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    incomplete: bool,
}

/// The publishing side, shared by everything that commits changes.
#[derive(Clone)]
pub struct LiveUpdates {
    sender: broadcast::Sender<LiveEvent>,
    /// Changes waiting to be announced to other nodes, a batch per notification; `None` where
    /// no other node can share the database.
    to_announce: Option<mpsc::Sender<Change>>,
    /// Changes that found the queue full since the last announcement.
    left_out: Arc<AtomicU64>,
    store: Arc<dyn Store>,
    node: Arc<str>,
    /// Becomes true once other nodes' announcements are being heard (at once without any).
    relaying: Arc<tokio::sync::watch::Sender<bool>>,
}

impl LiveUpdates {
    /// Starts announcing to other nodes in the background (on the current runtime), where the
    /// store has other nodes to tell.
    pub fn new(store: Arc<dyn Store>) -> Self {
        let node: Arc<str> = uuid::Uuid::now_v7().simple().to_string().into();
        let left_out = Arc::new(AtomicU64::new(0));
        let to_announce = store.shares_changes().then(|| {
            let (to_announce, pending) = mpsc::channel(BACKLOG);
            tokio::spawn(announce(store.clone(), node.clone(), pending, left_out.clone()));
            to_announce
        });
        Self {
            sender: broadcast::channel(BACKLOG).0,
            to_announce,
            left_out,
            store,
            node,
            relaying: Arc::new(tokio::sync::watch::channel(false).0),
        }
    }

    /// Waits until this node hears other nodes' changes (immediately where there are none).
    pub async fn relaying(&self) {
        let _ = self.relaying.subscribe().wait_for(|relaying| *relaying).await;
    }

    /// Publishes a committed change here and queues it to be announced to other nodes, if any;
    /// when too many wait already, the next announcement has other nodes' pages re-read
    /// everything instead.
    pub fn publish(&self, change: Change) {
        let _ = self.sender.send(LiveEvent::Changed(change));
        if let Some(to_announce) = &self.to_announce
            && to_announce.try_send(change).is_err()
        {
            self.left_out.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// A new subscription, starting now.
    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.sender.subscribe()
    }

    /// Passes other nodes' announcements on to this node's subscribers, until the store stops
    /// listening. Returns at once where there are no other nodes.
    pub async fn relay_other_nodes(self) {
        let mut notices = match self.store.listen_for_changes().await {
            Ok(Some(notices)) => notices,
            Ok(None) => {
                self.relaying.send_replace(true);
                return;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for other nodes' changes; pages update only from this node");
                return;
            }
        };
        self.relaying.send_replace(true);
        while let Some(notice) = notices.recv().await {
            match notice {
                ChangeNotice::Announced(payload) => match serde_json::from_str::<Announcement>(&payload) {
                    Ok(announced) if *announced.node == *self.node => {}
                    Ok(announced) => {
                        if announced.incomplete {
                            let _ = self.sender.send(LiveEvent::Resync);
                        }
                        for change in announced.changes {
                            let _ = self.sender.send(LiveEvent::Changed(change));
                        }
                    }
                    Err(error) => tracing::warn!(%error, "ignoring an announcement that is not a change"),
                },
                ChangeNotice::Gap => {
                    let _ = self.sender.send(LiveEvent::Resync);
                }
            }
        }
    }
}

/// Announces queued changes to other nodes, as many as are waiting (up to a batch) per
/// notification, so a burst of webhooks costs a handful of notifications, not one each. An
/// announcement after changes were left out says so.
async fn announce(
    store: Arc<dyn Store>,
    node: Arc<str>,
    mut pending: mpsc::Receiver<Change>,
    left_out: Arc<AtomicU64>,
) {
    let mut batch = Vec::with_capacity(ANNOUNCE_BATCH);
    while pending.recv_many(&mut batch, ANNOUNCE_BATCH).await > 0 {
        batch.dedup();
        let left_out = left_out.swap(0, Ordering::Relaxed);
        if left_out > 0 {
            tracing::debug!(
                left_out,
                "changes came faster than they could be announced; other nodes re-read everything"
            );
        }
        let announcement =
            Announcement { node: node.to_string(), changes: std::mem::take(&mut batch), incomplete: left_out > 0 };
        let Ok(payload) = serde_json::to_string(&announcement) else { continue };
        if let Err(error) = store.announce_change(&payload).await {
            tracing::warn!(%error, "announcing changes to other nodes failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use switchboard_store::testing::TestDatabase;

    use super::*;

    #[tokio::test]
    async fn changes_that_come_faster_than_they_can_be_announced_make_other_nodes_re_read_everything() {
        let Some(db) = TestDatabase::postgres().await else { return };
        let store = db.store().await;
        let (busy, other) = (LiveUpdates::new(store.clone()), LiveUpdates::new(store));
        tokio::spawn(other.clone().relay_other_nodes());
        other.relaying().await;
        let mut heard = other.subscribe();

        // Published without a pause, so the announcer gets no turn until the queue is full.
        let change = Change { workspace_id: WorkspaceId::new(), conversation_id: None, kind: ChangeKind::Message };
        for _ in 0..BACKLOG + 10 {
            busy.publish(change);
        }

        let resync = tokio::time::timeout(Duration::from_secs(30), async {
            loop {
                match heard.recv().await {
                    Ok(LiveEvent::Resync) => return true,
                    Ok(LiveEvent::Changed(_)) => {}
                    Err(error) => panic!("the other node stopped hearing announcements: {error}"),
                }
            }
        })
        .await;
        assert_eq!(resync, Ok(true), "the other node's pages are told to re-read everything");
        db.remove().await;
    }
}
