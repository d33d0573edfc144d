//! Webhooks refused at the door, per channel, kept in memory for the channel's settings page: a
//! refused webhook stores nothing in the database (anyone can post to a webhook URL), but an
//! administrator setting up a provider needs to see that requests arrive and why they fail.
//! Counts start again when the process starts; the metrics keep the totals.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::Serialize;
use switchboard_domain::ChannelId;

/// What was refused on one channel.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ChannelRejections {
    pub count: u64,
    pub last_at: i64,
    pub last_reason: String,
}

#[derive(Debug, Default)]
pub struct WebhookRejections {
    by_channel: Mutex<HashMap<ChannelId, ChannelRejections>>,
}

impl WebhookRejections {
    pub fn record(&self, channel_id: ChannelId, at: i64, reason: &str) {
        let mut by_channel = self.by_channel.lock().expect("rejections lock");
        let entry = by_channel.entry(channel_id).or_default();
        entry.count += 1;
        entry.last_at = at;
        entry.last_reason = reason.to_owned();
    }

    /// What this process refused on the channel since it started.
    pub fn of(&self, channel_id: ChannelId) -> Option<ChannelRejections> {
        self.by_channel.lock().expect("rejections lock").get(&channel_id).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_reason_is_kept_with_the_count() {
        let rejections = WebhookRejections::default();
        let channel = ChannelId::new();
        assert!(rejections.of(channel).is_none());
        rejections.record(channel, 1, "no signature");
        rejections.record(channel, 2, "signature does not match");
        let seen = rejections.of(channel).unwrap();
        assert_eq!((seen.count, seen.last_at, seen.last_reason.as_str()), (2, 2, "signature does not match"));
    }
}
