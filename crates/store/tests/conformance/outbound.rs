//! Outbound messages: recorded with their send job, idempotent by key, settled by the dispatcher.

use switchboard_domain::MessageStatus;
use switchboard_store::queue::{JobState, kinds};
use switchboard_store::testing::on_every_backend;
use switchboard_store::writes::{NewContact, SendResult};

use crate::fixtures::*;

async fn contact(store: &std::sync::Arc<dyn switchboard_store::Store>, fx: &Fixture) -> switchboard_domain::ContactId {
    let new = NewContact { workspace_id: fx.workspace.workspace_id, display_name: None, identities: vec![], now: NOW };
    store.create_contact(new).await.unwrap().contact_id
}

#[tokio::test]
async fn an_outbound_message_is_queued_with_exactly_one_send_job() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Shop").await;
        let contact_id = contact(&store, &fx).await;
        let (message, created) =
            store.create_outbound(outbound(&fx, contact_id, "Your order shipped", None)).await.unwrap();
        assert!(created);
        assert_eq!(message.status, MessageStatus::Queued, "{backend}");
        assert_eq!(message.times.queued_at, Some(NOW));
        let jobs = store.claim_jobs("w1", 10, 30_000, NOW).await.unwrap();
        assert_eq!(jobs.len(), 1, "{backend}");
        assert_eq!(jobs[0].kind, kinds::SEND);
        assert_eq!(jobs[0].payload["message_id"], message.message_id.to_string());
        assert_eq!(jobs[0].attempts, 1);
    })
    .await;
}

#[tokio::test]
async fn the_same_idempotency_key_returns_the_first_message_and_sends_once() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Shop").await;
        let contact_id = contact(&store, &fx).await;
        let (first, created) = store.create_outbound(outbound(&fx, contact_id, "Hi", Some("k-1"))).await.unwrap();
        let (second, created_again) =
            store.create_outbound(outbound(&fx, contact_id, "Hi", Some("k-1"))).await.unwrap();
        assert!(created && !created_again, "{backend}");
        assert_eq!(first.message_id, second.message_id);
        assert_eq!(second.request_fingerprint.as_deref(), Some("fp-k-1"));
        assert_eq!(store.claim_jobs("w1", 10, 30_000, NOW).await.unwrap().len(), 1, "{backend}");
    })
    .await;
}

#[tokio::test]
async fn a_permanent_failure_fails_the_message_and_buries_the_job_with_its_reason() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Shop").await;
        let contact_id = contact(&store, &fx).await;
        let (message, _) = store.create_outbound(outbound(&fx, contact_id, "Hi", None)).await.unwrap();
        let job = store.claim_jobs("w1", 1, 30_000, NOW).await.unwrap().remove(0);
        let failure = SendResult::Failed {
            error_code: Some("21610".into()),
            error_reason: "Attempt to send to unsubscribed recipient".into(),
        };
        store.record_send_result(job.job_id, message.message_id, &failure, NOW + 1).await.unwrap();
        let message = store.get_message(fx.workspace.workspace_id, message.message_id).await.unwrap().unwrap();
        assert_eq!(message.status, MessageStatus::Failed, "{backend}");
        assert_eq!(message.error_code.as_deref(), Some("21610"));
        let dead = store.list_jobs(fx.workspace.workspace_id, JobState::Dead, 10).await.unwrap();
        assert_eq!(dead.len(), 1, "{backend}");
        assert_eq!(dead[0].last_error.as_deref(), Some("Attempt to send to unsubscribed recipient"));
    })
    .await;
}

#[tokio::test]
async fn a_transient_failure_requeues_the_job_for_later_and_keeps_the_message_queued() {
    on_every_backend(|store, backend| async move {
        let fx = workspace_with_sms_channel(&store, "Shop").await;
        let contact_id = contact(&store, &fx).await;
        let (message, _) = store.create_outbound(outbound(&fx, contact_id, "Hi", None)).await.unwrap();
        let job = store.claim_jobs("w1", 1, 30_000, NOW).await.unwrap().remove(0);
        let retry = SendResult::Retry { error: "HTTP 503".into(), retry_at: NOW + 5_000 };
        store.record_send_result(job.job_id, message.message_id, &retry, NOW + 1).await.unwrap();
        assert!(
            store.claim_jobs("w1", 1, 30_000, NOW + 4_999).await.unwrap().is_empty(),
            "{backend}: not before run_at"
        );
        let again = store.claim_jobs("w1", 1, 30_000, NOW + 5_000).await.unwrap();
        assert_eq!(again.len(), 1, "{backend}");
        assert_eq!(again[0].attempts, 2);
        assert_eq!(again[0].last_error.as_deref(), Some("HTTP 503"));
        let message = store.get_message(fx.workspace.workspace_id, message.message_id).await.unwrap().unwrap();
        assert_eq!(message.status, MessageStatus::Queued);
    })
    .await;
}
