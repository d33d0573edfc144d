//! WhatsApp's pair rate limit: one phone number may send the same customer one message every
//! six seconds, with bursts of up to 45 that borrow from the time after (beyond it Meta answers
//! 131056). A generic cell rate algorithm per (channel, recipient): each pair keeps the time at
//! which its quota is fully back, and a send is allowed while that time is at most a burst ahead.
//! Kept in memory per process: with several dispatchers each holds its own view, and Meta's
//! 131056 (retried after a backoff) covers the rest.

use std::collections::HashMap;
use std::sync::Mutex;

use switchboard_domain::ChannelId;

/// One message per pair every this many milliseconds, on average.
const INTERVAL_MS: i64 = 6_000;
/// Messages a pair may send at once before the average applies.
const BURST: i64 = 45;
/// Pairs kept before idle ones are forgotten.
const PRUNE_ABOVE: usize = 10_000;

#[derive(Debug, Default)]
pub struct PairLimits {
    /// (channel, recipient) → when the pair's quota is fully back, in milliseconds.
    ready_at: Mutex<HashMap<(ChannelId, String), i64>>,
}

impl PairLimits {
    /// Takes a slot for a send to `recipient` now, or says how many milliseconds to wait.
    pub fn acquire(&self, channel_id: ChannelId, recipient: &str, now: i64) -> Result<(), i64> {
        let mut ready_at = self.ready_at.lock().expect("pair limit lock");
        if ready_at.len() > PRUNE_ABOVE {
            ready_at.retain(|_, at| *at > now);
        }
        let entry = ready_at.entry((channel_id, recipient.to_owned())).or_insert(now);
        let theoretical = (*entry).max(now);
        let earliest = theoretical - (BURST - 1) * INTERVAL_MS;
        if earliest > now {
            return Err(earliest - now);
        }
        *entry = theoretical + INTERVAL_MS;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_of_45_goes_then_one_every_six_seconds() {
        let limits = PairLimits::default();
        let channel = ChannelId::new();
        for i in 0..BURST {
            assert_eq!(limits.acquire(channel, "+14155550123", 0), Ok(()), "send {i} of the burst");
        }
        assert_eq!(limits.acquire(channel, "+14155550123", 0), Err(INTERVAL_MS));
        assert_eq!(limits.acquire(channel, "+14155550123", INTERVAL_MS - 1), Err(1));
        assert_eq!(limits.acquire(channel, "+14155550123", INTERVAL_MS), Ok(()));
        assert_eq!(limits.acquire(channel, "+14155550123", INTERVAL_MS), Err(INTERVAL_MS));
    }

    #[test]
    fn pairs_are_independent() {
        let limits = PairLimits::default();
        let (one, other) = (ChannelId::new(), ChannelId::new());
        for _ in 0..BURST {
            limits.acquire(one, "+14155550123", 0).unwrap();
        }
        assert!(limits.acquire(one, "+14155550123", 0).is_err());
        assert_eq!(limits.acquire(one, "+14155550124", 0), Ok(()), "another customer");
        assert_eq!(limits.acquire(other, "+14155550123", 0), Ok(()), "another number");
    }

    #[test]
    fn a_quiet_pair_gets_its_whole_burst_back() {
        let limits = PairLimits::default();
        let channel = ChannelId::new();
        for _ in 0..BURST {
            limits.acquire(channel, "+14155550123", 0).unwrap();
        }
        let later = BURST * INTERVAL_MS;
        for _ in 0..BURST {
            assert_eq!(limits.acquire(channel, "+14155550123", later), Ok(()));
        }
    }
}
