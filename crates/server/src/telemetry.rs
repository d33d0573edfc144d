//! Metrics (Prometheus text at `/metrics`) and their names, in one place so dashboards and code
//! agree. The recorder is process-wide; every application in the process shares it.

use std::sync::OnceLock;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// Webhooks received, by `provider` and `outcome` (`stored`, `duplicate`, `rejected`, `malformed`, `error`).
pub const WEBHOOKS: &str = "switchboard_webhooks_total";
/// Send attempts, by `provider` and `outcome` (`sent`, `retry`, `failed`).
pub const SENDS: &str = "switchboard_sends_total";
/// Jobs ready to run now.
pub const QUEUE_READY: &str = "switchboard_queue_ready_jobs";
/// Jobs leased to a worker.
pub const QUEUE_RUNNING: &str = "switchboard_queue_running_jobs";
/// Jobs waiting for a later `run_at` (retries, schedules).
pub const QUEUE_SCHEDULED: &str = "switchboard_queue_scheduled_jobs";
/// Jobs that failed for good.
pub const QUEUE_DEAD: &str = "switchboard_queue_dead_jobs";
/// Age in seconds of the oldest ready job.
pub const QUEUE_OLDEST_AGE: &str = "switchboard_queue_oldest_ready_age_seconds";
/// Webhooks per group-commit batch.
pub const INGEST_BATCH_SIZE: &str = "switchboard_ingest_batch_size";
/// Webhooks answered once kept in the inbound journal, before they were stored in full (their
/// outcome is counted in `switchboard_webhooks_total` when they are).
pub const JOURNALED: &str = "switchboard_webhooks_journaled_total";
/// Journaled webhooks waiting to be stored in full.
pub const JOURNAL_DEPTH: &str = "switchboard_inbound_journal_depth";
/// Journaled webhooks that could not be stored in full and wait for `switchboard journal retry`.
pub const JOURNAL_SET_ASIDE: &str = "switchboard_inbound_journal_set_aside";

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's Prometheus handle, installing the recorder on first use.
pub fn prometheus() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            // Another recorder may already be installed (a host application); then ours only renders.
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}
