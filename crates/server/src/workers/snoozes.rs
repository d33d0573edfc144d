//! Wakes snoozed conversations when their time comes: reopens them and tells every open inbox.
//! It sleeps until the earliest snooze ends, re-reading that time when a conversation is snoozed
//! in this process, and at most a minute (a snooze set by another node).

use std::time::Duration;

use tokio::sync::watch;

use crate::clock::now_ms;
use crate::live::{Change, ChangeKind};
use crate::state::AppState;

/// The longest sleep between two looks.
const MAX_SLEEP: Duration = Duration::from_secs(60);

/// Runs until `shutdown` turns true.
pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    while !*shutdown.borrow() {
        match state.store.wake_snoozed(now_ms()).await {
            Ok(woken) => {
                for conversation in woken {
                    tracing::info!(conversation_id = %conversation.conversation_id, "snooze ended; conversation reopened");
                    state.live.publish(Change {
                        workspace_id: conversation.workspace_id,
                        conversation_id: Some(conversation.conversation_id),
                        kind: ChangeKind::Conversation,
                    });
                }
            }
            Err(error) => tracing::error!(%error, "could not wake snoozed conversations; retrying shortly"),
        }
        let sleep = match state.store.next_wake_at().await {
            Ok(Some(at)) => Duration::from_millis(u64::try_from(at - now_ms()).unwrap_or(0)).min(MAX_SLEEP),
            Ok(None) => MAX_SLEEP,
            Err(_) => Duration::from_secs(5),
        };
        tokio::select! {
            _ = tokio::time::sleep(sleep) => {}
            _ = state.snooze_wakeup.notified() => {}
            _ = shutdown.changed() => {}
        }
    }
}
