//! Per-recipient rate limits. WhatsApp's pair rate limit: one phone number may send the same
//! customer one message every six seconds, with bursts of up to 45 that borrow from the time
//! after (beyond it Meta answers 131056). Telegram: a bot may send one chat about one message a
//! second (beyond it, 429 with `retry_after`). A generic cell rate algorithm per (channel,
//! recipient): each pair keeps the time at which its quota is fully back, and a send is allowed
//! while that time is at most a burst ahead. Kept in memory per process: with several
//! dispatchers each holds its own view, and the provider's refusal (retried after the wait it
//! asks) covers the rest.

use std::collections::HashMap;
use std::sync::Mutex;

use switchboard_domain::ChannelId;

/// How often one channel may send one recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairRule {
    /// One message per pair every this many milliseconds, on average.
    pub interval_ms: i64,
    /// Messages a pair may send at once before the average applies.
    pub burst: i64,
}

/// WhatsApp through Meta.
pub const WHATSAPP: PairRule = PairRule { interval_ms: 6_000, burst: 45 };
/// A Telegram bot and one chat.
pub const TELEGRAM: PairRule = PairRule { interval_ms: 1_000, burst: 1 };

/// Pairs kept before idle ones are forgotten.
const PRUNE_ABOVE: usize = 10_000;

#[derive(Debug, Default)]
pub struct PairLimits {
    /// (channel, recipient) → when the pair's quota is fully back, in milliseconds.
    ready_at: Mutex<HashMap<(ChannelId, String), i64>>,
}

impl PairLimits {
    /// Takes a slot for a send to `recipient` now, or says how many milliseconds to wait.
    pub fn acquire(&self, channel_id: ChannelId, recipient: &str, rule: PairRule, now: i64) -> Result<(), i64> {
        let mut ready_at = self.ready_at.lock().expect("pair limit lock");
        if ready_at.len() > PRUNE_ABOVE {
            ready_at.retain(|_, at| *at > now);
        }
        let entry = ready_at.entry((channel_id, recipient.to_owned())).or_insert(now);
        let theoretical = (*entry).max(now);
        let earliest = theoretical - (rule.burst - 1) * rule.interval_ms;
        if earliest > now {
            return Err(earliest - now);
        }
        *entry = theoretical + rule.interval_ms;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INTERVAL_MS: i64 = WHATSAPP.interval_ms;
    const BURST: i64 = WHATSAPP.burst;

    #[test]
    fn a_burst_of_45_goes_then_one_every_six_seconds() {
        let limits = PairLimits::default();
        let channel = ChannelId::new();
        for i in 0..BURST {
            assert_eq!(limits.acquire(channel, "+14155550123", WHATSAPP, 0), Ok(()), "send {i} of the burst");
        }
        assert_eq!(limits.acquire(channel, "+14155550123", WHATSAPP, 0), Err(INTERVAL_MS));
        assert_eq!(limits.acquire(channel, "+14155550123", WHATSAPP, INTERVAL_MS - 1), Err(1));
        assert_eq!(limits.acquire(channel, "+14155550123", WHATSAPP, INTERVAL_MS), Ok(()));
        assert_eq!(limits.acquire(channel, "+14155550123", WHATSAPP, INTERVAL_MS), Err(INTERVAL_MS));
    }

    #[test]
    fn pairs_are_independent() {
        let limits = PairLimits::default();
        let (one, other) = (ChannelId::new(), ChannelId::new());
        for _ in 0..BURST {
            limits.acquire(one, "+14155550123", WHATSAPP, 0).unwrap();
        }
        assert!(limits.acquire(one, "+14155550123", WHATSAPP, 0).is_err());
        assert_eq!(limits.acquire(one, "+14155550124", WHATSAPP, 0), Ok(()), "another customer");
        assert_eq!(limits.acquire(other, "+14155550123", WHATSAPP, 0), Ok(()), "another number");
    }

    #[test]
    fn a_quiet_pair_gets_its_whole_burst_back() {
        let limits = PairLimits::default();
        let channel = ChannelId::new();
        for _ in 0..BURST {
            limits.acquire(channel, "+14155550123", WHATSAPP, 0).unwrap();
        }
        let later = BURST * INTERVAL_MS;
        for _ in 0..BURST {
            assert_eq!(limits.acquire(channel, "+14155550123", WHATSAPP, later), Ok(()));
        }
    }

    #[test]
    fn a_telegram_chat_gets_one_message_a_second() {
        let limits = PairLimits::default();
        let channel = ChannelId::new();
        assert_eq!(limits.acquire(channel, "111222333", TELEGRAM, 0), Ok(()));
        assert_eq!(limits.acquire(channel, "111222333", TELEGRAM, 400), Err(600));
        assert_eq!(limits.acquire(channel, "444555666", TELEGRAM, 400), Ok(()), "another chat");
        assert_eq!(limits.acquire(channel, "111222333", TELEGRAM, 1_000), Ok(()));
    }
}
