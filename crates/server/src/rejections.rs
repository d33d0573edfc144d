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
    /// Refusals at an app-level endpoint (one URL for every channel of a provider app), before
    /// any channel is known.
    app_level: Mutex<ChannelRejections>,
    /// Parts of verified app-level webhooks for a provider id no channel has, by that id.
    unrouted: Mutex<HashMap<String, ChannelRejections>>,
}

fn note(entry: &mut ChannelRejections, at: i64, reason: &str) {
    entry.count += 1;
    entry.last_at = at;
    entry.last_reason = reason.to_owned();
}

impl WebhookRejections {
    pub fn record(&self, channel_id: ChannelId, at: i64, reason: &str) {
        let mut by_channel = self.by_channel.lock().expect("rejections lock");
        note(by_channel.entry(channel_id).or_default(), at, reason);
    }

    /// A request refused at an app-level endpoint.
    pub fn record_app_level(&self, at: i64, reason: &str) {
        note(&mut self.app_level.lock().expect("rejections lock"), at, reason);
    }

    /// What this process refused at app-level endpoints since it started.
    pub fn app_level(&self) -> Option<ChannelRejections> {
        Some(self.app_level.lock().expect("rejections lock").clone()).filter(|r| r.count > 0)
    }

    /// A verified webhook part for a provider id that no (enabled) channel has.
    pub fn record_unrouted(&self, external_id: &str, at: i64, reason: &str) {
        note(self.unrouted.lock().expect("rejections lock").entry(external_id.to_owned()).or_default(), at, reason);
    }

    /// The provider ids webhooks arrived for without a channel, most recent first.
    pub fn unrouted(&self) -> Vec<(String, ChannelRejections)> {
        let mut all: Vec<_> =
            self.unrouted.lock().expect("rejections lock").iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        all.sort_by_key(|(_, seen)| std::cmp::Reverse(seen.last_at));
        all
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

    #[test]
    fn unrouted_ids_are_listed_most_recent_first() {
        let rejections = WebhookRejections::default();
        rejections.record_unrouted("111", 1, "no channel");
        rejections.record_unrouted("222", 3, "no channel");
        rejections.record_unrouted("111", 2, "no channel");
        let seen = rejections.unrouted();
        assert_eq!(seen.iter().map(|(id, r)| (id.as_str(), r.count)).collect::<Vec<_>>(), [("222", 1), ("111", 2)]);
    }
}
