//! The job queue on its own: dedupe keys, leases, release on shutdown, statistics.

use switchboard_store::queue::{JobState, NewJob};
use switchboard_store::testing::on_every_backend;

use crate::fixtures::*;

fn job(ws: switchboard_domain::WorkspaceId, key: Option<&str>, run_at: i64) -> NewJob {
    NewJob {
        workspace_id: ws,
        kind: "send",
        payload: serde_json::json!({ "n": 1 }),
        dedupe_key: key.map(str::to_owned),
        run_at,
        max_attempts: 4,
    }
}

#[tokio::test]
async fn enqueueing_the_same_dedupe_key_twice_keeps_one_job() {
    on_every_backend(|store, backend| async move {
        let ws = store.create_workspace("Q", "h", NOW).await.unwrap().workspace_id;
        assert!(store.enqueue(job(ws, Some("k"), NOW), NOW).await.unwrap().is_some());
        assert!(store.enqueue(job(ws, Some("k"), NOW), NOW).await.unwrap().is_none(), "{backend}");
        assert!(store.enqueue(job(ws, None, NOW), NOW).await.unwrap().is_some());
        assert!(store.enqueue(job(ws, None, NOW), NOW).await.unwrap().is_some());
        assert_eq!(store.claim_jobs("w", 10, 1_000, NOW).await.unwrap().len(), 3, "{backend}");
    })
    .await;
}

#[tokio::test]
async fn a_leased_job_is_invisible_until_its_lease_expires() {
    on_every_backend(|store, backend| async move {
        let ws = store.create_workspace("Q", "h", NOW).await.unwrap().workspace_id;
        store.enqueue(job(ws, None, NOW), NOW).await.unwrap();
        let first = store.claim_jobs("w1", 10, 1_000, NOW).await.unwrap();
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].lease_owner.as_deref(), Some("w1"));
        assert!(store.claim_jobs("w2", 10, 1_000, NOW + 999).await.unwrap().is_empty(), "{backend}");
        let stolen = store.claim_jobs("w2", 10, 1_000, NOW + 1_001).await.unwrap();
        assert_eq!(stolen.len(), 1, "{backend}: a crashed worker's job is retried");
        assert_eq!(stolen[0].attempts, 2);
        assert_eq!(stolen[0].lease_owner.as_deref(), Some("w2"));
    })
    .await;
}

#[tokio::test]
async fn released_leases_are_claimable_at_once_without_spending_an_attempt() {
    on_every_backend(|store, backend| async move {
        let ws = store.create_workspace("Q", "h", NOW).await.unwrap().workspace_id;
        store.enqueue(job(ws, None, NOW), NOW).await.unwrap();
        store.claim_jobs("w1", 10, 60_000, NOW).await.unwrap();
        assert_eq!(store.release_leases("w1", NOW + 1).await.unwrap(), 1, "{backend}");
        let again = store.claim_jobs("w2", 10, 60_000, NOW + 2).await.unwrap();
        assert_eq!(again.len(), 1, "{backend}");
        assert_eq!(again[0].attempts, 1);
    })
    .await;
}

#[tokio::test]
async fn queue_statistics_count_ready_scheduled_running_and_dead_jobs() {
    on_every_backend(|store, backend| async move {
        let ws = store.create_workspace("Q", "h", NOW).await.unwrap().workspace_id;
        store.enqueue(job(ws, None, NOW - 500), NOW).await.unwrap();
        store.enqueue(job(ws, None, NOW + 60_000), NOW).await.unwrap();
        let dead = store.enqueue(job(ws, None, NOW - 100), NOW).await.unwrap().unwrap();
        store.bury_job(dead, "gave up", NOW).await.unwrap();
        let stats = store.queue_stats(NOW).await.unwrap();
        assert_eq!((stats.ready, stats.scheduled, stats.running, stats.dead), (1, 1, 0, 1), "{backend}");
        assert_eq!(stats.oldest_ready_age_ms, 500);
        assert_eq!(store.next_run_at().await.unwrap(), Some(NOW - 500));
        let claimed = store.claim_jobs("w", 10, 1_000, NOW).await.unwrap();
        assert_eq!(claimed.len(), 1);
        store.complete_job(claimed[0].job_id, NOW).await.unwrap();
        let stats = store.queue_stats(NOW).await.unwrap();
        assert_eq!((stats.ready, stats.running), (0, 0), "{backend}");
        assert_eq!(store.list_jobs(ws, JobState::Dead, 10).await.unwrap()[0].last_error.as_deref(), Some("gave up"));
    })
    .await;
}
