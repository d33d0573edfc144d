//! The job queue's records and its retry policy. Jobs live in the same database as the data
//! they act on, so a job is enqueued in the same transaction as the write that needs it.

use rand::RngExt;
use serde::Serialize;
use switchboard_domain::{JobId, WorkspaceId};

use crate::model::UnixMillis;

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting for `run_at`.
    Queued,
    /// Leased by a worker until `lease_until`; an expired lease makes it claimable again.
    Running,
    Done,
    /// Failed permanently or out of attempts; kept with its last error.
    Dead,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Dead => "dead",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "queued" => Some(Self::Queued),
            "running" => Some(Self::Running),
            "done" => Some(Self::Done),
            "dead" => Some(Self::Dead),
            _ => None,
        }
    }
}

/// What a job does.
/// Tries at downloading a message's files before giving up (with backoff: about a day in all).
pub const FETCH_MEDIA_ATTEMPTS: i32 = 8;

pub mod kinds {
    /// Send one queued outbound message; payload `{"message_id": ...}`.
    pub const SEND: &str = "send";
    /// Answer a HELP keyword with the workspace's help text; payload `{"message_id": ...}`.
    pub const HELP_REPLY: &str = "help_reply";
    /// Download the files of an inbound message from its provider; payload `{"message_id": ...}`.
    pub const FETCH_MEDIA: &str = "fetch_media";
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Job {
    pub job_id: JobId,
    pub workspace_id: WorkspaceId,
    pub kind: String,
    pub payload: serde_json::Value,
    pub dedupe_key: Option<String>,
    pub state: JobState,
    pub run_at: UnixMillis,
    pub attempts: i32,
    pub max_attempts: i32,
    pub lease_owner: Option<String>,
    pub lease_until: Option<UnixMillis>,
    pub last_error: Option<String>,
    pub created_at: UnixMillis,
    pub updated_at: UnixMillis,
}

/// A job to enqueue. With a dedupe key, enqueueing the same key twice keeps one job.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub workspace_id: WorkspaceId,
    pub kind: &'static str,
    pub payload: serde_json::Value,
    pub dedupe_key: Option<String>,
    pub run_at: UnixMillis,
    pub max_attempts: i32,
}

/// How deep and how old the queue is, for metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct QueueStats {
    pub ready: i64,
    pub running: i64,
    pub scheduled: i64,
    pub dead: i64,
    /// Age of the oldest ready job, in milliseconds.
    pub oldest_ready_age_ms: i64,
}

/// Exponential backoff with full jitter: attempt `n` waits a random time up to
/// `base * 2^(n-1)`, capped, and never less than a floor.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Total attempts, the first one included: 4 means the first try plus 3 retries.
    pub max_attempts: i32,
    pub base_ms: i64,
    pub cap_ms: i64,
    pub floor_ms: i64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { max_attempts: 4, base_ms: 2_000, cap_ms: 10 * 60_000, floor_ms: 500 }
    }
}

impl RetryPolicy {
    /// The delay before the retry that follows failed attempt `attempt` (1-based).
    pub fn backoff_ms(&self, attempt: i32) -> i64 {
        let exp = attempt.clamp(1, 30) - 1;
        let ceiling = self.base_ms.saturating_mul(1_i64 << exp).min(self.cap_ms);
        let jittered = rand::rng().random_range(0..=ceiling.max(1));
        jittered.max(self.floor_ms)
    }

    /// Whether a job that has made `attempts` attempts may try again.
    pub fn may_retry(&self, attempts: i32) -> bool {
        attempts < self.max_attempts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_stays_within_the_doubling_ceiling_and_the_cap() {
        let policy = RetryPolicy { max_attempts: 4, base_ms: 1_000, cap_ms: 5_000, floor_ms: 100 };
        for _ in 0..200 {
            assert!((100..=1_000).contains(&policy.backoff_ms(1)));
            assert!((100..=2_000).contains(&policy.backoff_ms(2)));
            assert!((100..=5_000).contains(&policy.backoff_ms(9)));
        }
    }

    #[test]
    fn three_retries_follow_the_first_attempt_by_default() {
        let policy = RetryPolicy::default();
        assert!(policy.may_retry(3));
        assert!(!policy.may_retry(4));
    }
}
