//! Live updates for open inbox pages. After a commit that changes what staff see (a message
//! received, a reply queued, a delivery status), the change is published here as ids only;
//! each open page's event stream passes on its own workspace's changes and the page re-reads
//! what changed. Within one process this is a broadcast channel.

use serde::Serialize;
use switchboard_domain::{ConversationId, WorkspaceId};
use tokio::sync::broadcast;

/// How many changes a slow subscriber may fall behind before it is told to reload.
const BACKLOG: usize = 1024;

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Change {
    #[serde(skip)]
    pub workspace_id: WorkspaceId,
    /// `None` when the change cannot be tied to one conversation; pages then re-read all.
    pub conversation_id: Option<ConversationId>,
    pub kind: ChangeKind,
}

/// The publishing side, shared by everything that commits changes.
#[derive(Clone)]
pub struct LiveUpdates {
    sender: broadcast::Sender<Change>,
}

impl Default for LiveUpdates {
    fn default() -> Self {
        Self { sender: broadcast::channel(BACKLOG).0 }
    }
}

impl LiveUpdates {
    /// Publishes a committed change; nobody listening is fine.
    pub fn publish(&self, change: Change) {
        let _ = self.sender.send(change);
    }

    /// A new subscription, starting now.
    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.sender.subscribe()
    }
}
