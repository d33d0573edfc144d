//! Spacing of one channel's sends in this process. The store gives every paced send a slot at
//! the channel's rate, but a dispatcher that fell behind (a slow disk, a pause) would then send
//! the overdue ones back to back, over the provider's per-second limit. Here each send waits
//! for its turn: no two leave closer together than the channel's interval.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use switchboard_domain::ChannelId;
use tokio::time::Instant;

#[derive(Debug, Default)]
pub struct SendPacers {
    /// When each channel may send next.
    next: Mutex<HashMap<ChannelId, Instant>>,
}

impl SendPacers {
    /// Takes the channel's next turn and waits for it.
    pub async fn wait_turn(&self, channel_id: ChannelId, interval: Duration) {
        let turn = {
            let mut next = self.next.lock().expect("pacer lock");
            let now = Instant::now();
            let slot = next.get(&channel_id).copied().unwrap_or(now).max(now);
            next.insert(channel_id, slot + interval);
            slot
        };
        tokio::time::sleep_until(turn).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn sends_of_one_channel_leave_an_interval_apart_and_channels_do_not_wait_for_each_other() {
        let pacers = SendPacers::default();
        let (one, other) = (ChannelId::new(), ChannelId::new());
        let interval = Duration::from_millis(100);
        let start = Instant::now();
        pacers.wait_turn(one, interval).await;
        pacers.wait_turn(other, interval).await;
        assert_eq!(start.elapsed(), Duration::ZERO, "first turns are at once");
        pacers.wait_turn(one, interval).await;
        pacers.wait_turn(one, interval).await;
        assert_eq!(start.elapsed(), 2 * interval, "the paused clock advanced exactly two intervals");
    }
}
