//! Live changes between nodes that share one PostgreSQL database: each node announces its
//! committed changes with `NOTIFY` (ids only, so the payload stays far below PostgreSQL's 8000
//! byte limit) and listens on a connection of its own. When that connection drops, the
//! listener reconnects and reports the gap, so pages re-read what they show.

use async_trait::async_trait;
use sqlx::postgres::PgListener;
use tokio::sync::mpsc;

use super::PgStore;
use crate::error::StoreResult;
use crate::repo::ChangeNotice;

/// The notification channel every node listens on.
const CHANNEL: &str = "switchboard_changes";
/// Announcements a slow consumer may fall behind by before the oldest are dropped (as a gap).
const BACKLOG: usize = 1024;

#[async_trait]
impl crate::repo::ChangeFeedRepo for PgStore {
    fn shares_changes(&self) -> bool {
        true
    }

    async fn announce_change(&self, payload: &str) -> StoreResult<()> {
        sqlx::query("select pg_notify($1, $2)").bind(CHANNEL).bind(payload).execute(&self.pool).await?;
        Ok(())
    }

    async fn listen_for_changes(&self) -> StoreResult<Option<mpsc::Receiver<ChangeNotice>>> {
        let mut listener = PgListener::connect_with(&self.pool).await?;
        listener.listen(CHANNEL).await?;
        let (sender, receiver) = mpsc::channel(BACKLOG);
        tokio::spawn(async move {
            // Set when a notice had to be dropped because the reader fell behind; the reader is
            // told of the gap as soon as there is room again.
            let mut dropped = false;
            loop {
                // Stop listening (and give the connection back) as soon as nobody reads.
                let received = tokio::select! {
                    _ = sender.closed() => return,
                    received = listener.try_recv() => received,
                };
                let notice = match received {
                    Ok(Some(notification)) => ChangeNotice::Announced(notification.payload().to_owned()),
                    // The connection was lost; the next call reconnects and listens again.
                    Ok(None) => ChangeNotice::Gap,
                    Err(error) => {
                        tracing::warn!(%error, "listening for other nodes' changes failed; retrying");
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                        ChangeNotice::Gap
                    }
                };
                if dropped && sender.try_send(ChangeNotice::Gap).is_ok() {
                    dropped = false;
                }
                match sender.try_send(notice) {
                    Ok(()) => {}
                    Err(mpsc::error::TrySendError::Full(_)) => dropped = true,
                    Err(mpsc::error::TrySendError::Closed(_)) => return,
                }
            }
        });
        Ok(Some(receiver))
    }
}
