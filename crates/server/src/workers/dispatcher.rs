//! The dispatcher: claims due jobs with a lease, runs up to N at once, and settles each one.
//! It sleeps until woken (a send was queued in this process), until the next scheduled retry is
//! due, or until the poll interval passes (work queued by another node). On shutdown it stops
//! claiming, lets running jobs finish, and hands back any lease it still holds.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use crate::clock::now_ms;
use crate::state::AppState;

pub struct Dispatcher {
    state: AppState,
    worker_id: String,
}

impl Dispatcher {
    pub fn new(state: AppState) -> Self {
        let worker_id = format!("{}-{}", hostname(), uuid::Uuid::now_v7().simple());
        Self { state, worker_id }
    }

    /// Runs until `shutdown` turns true.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let config = self.state.config.clone();
        let slots = Arc::new(Semaphore::new(config.dispatch_concurrency));
        let mut running = JoinSet::new();
        let lease_ms = config.job_lease.as_millis() as i64;
        tracing::info!(worker = %self.worker_id, "dispatcher started");
        while !*shutdown.borrow() {
            while running.try_join_next().is_some() {}
            let free = slots.available_permits() as u32;
            let claimed = if free == 0 {
                Vec::new()
            } else {
                match self.state.store.claim_jobs(&self.worker_id, free, lease_ms, now_ms()).await {
                    Ok(jobs) => jobs,
                    Err(error) => {
                        tracing::error!(%error, "could not claim jobs; retrying shortly");
                        Vec::new()
                    }
                }
            };
            let got_work = !claimed.is_empty();
            for job in claimed {
                let permit = slots.clone().acquire_owned().await.expect("semaphore is never closed");
                let state = self.state.clone();
                running.spawn(async move {
                    super::jobs::run(&state, job).await;
                    drop(permit);
                });
            }
            if got_work && slots.available_permits() > 0 {
                continue;
            }
            let wait = self.idle_wait(config.dispatch_poll).await;
            tokio::select! {
                _ = self.state.dispatch_wakeup.notified() => {}
                _ = tokio::time::sleep(wait) => {}
                _ = running.join_next(), if !running.is_empty() => {}
                _ = shutdown.changed() => {}
            }
        }
        while running.join_next().await.is_some() {}
        match self.state.store.release_leases(&self.worker_id, now_ms()).await {
            Ok(0) => {}
            Ok(released) => tracing::info!(released, "released job leases on shutdown"),
            Err(error) => tracing::warn!(%error, "could not release job leases; they expire on their own"),
        }
        tracing::info!(worker = %self.worker_id, "dispatcher stopped");
    }

    /// How long to sleep: until the next scheduled job, at most the poll interval.
    async fn idle_wait(&self, poll: Duration) -> Duration {
        match self.state.store.next_run_at().await {
            Ok(Some(at)) => Duration::from_millis((at - now_ms()).clamp(0, poll.as_millis() as i64) as u64),
            _ => poll,
        }
    }
}

fn hostname() -> String {
    std::env::var("HOSTNAME").ok().filter(|h| !h.is_empty()).unwrap_or_else(|| "node".to_owned())
}
