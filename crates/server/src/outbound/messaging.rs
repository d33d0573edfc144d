//! Messenger's and Instagram's window: a business may answer for 24 hours after the customer's
//! last message, and a person on staff for 7 days, with the `HUMAN_AGENT` tag. Bots and
//! automated messages get the 24 hours only.

use switchboard_domain::{ChannelKind, SenderKind};

use super::policy::SendRefusal;
use crate::clock::rfc3339;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// How long a staff member may still answer, tagged `HUMAN_AGENT`.
const HUMAN_AGENT_MS: i64 = 7 * DAY_MS;

/// Refuses a reply outside the window that applies to its sender.
pub(super) fn check_window(
    kind: ChannelKind,
    last_inbound_at: Option<i64>,
    sender: SenderKind,
    now: i64,
) -> Result<(), SendRefusal> {
    let allowed = if sender == SenderKind::Staff { HUMAN_AGENT_MS } else { DAY_MS };
    if last_inbound_at.is_some_and(|at| now - at <= allowed) {
        return Ok(());
    }
    Err(SendRefusal::OutsideMessagingWindow {
        kind,
        since: last_inbound_at.map(rfc3339).unwrap_or_else(|| "never".into()),
    })
}

/// Whether a send goes with the `HUMAN_AGENT` tag: a staff reply after the first 24 hours.
pub fn needs_human_agent_tag(last_inbound_at: Option<i64>, sender: SenderKind, now: i64) -> bool {
    sender == SenderKind::Staff && last_inbound_at.is_none_or(|at| now - at > DAY_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_may_answer_for_seven_days_and_bots_for_one() {
        let now = 100 * DAY_MS;
        let two_days_ago = Some(now - 2 * DAY_MS);
        assert!(check_window(ChannelKind::Messenger, two_days_ago, SenderKind::Staff, now).is_ok());
        assert!(needs_human_agent_tag(two_days_ago, SenderKind::Staff, now));
        assert!(check_window(ChannelKind::Messenger, two_days_ago, SenderKind::Bot, now).is_err());
        let eight_days_ago = Some(now - 8 * DAY_MS);
        assert!(check_window(ChannelKind::Instagram, eight_days_ago, SenderKind::Staff, now).is_err());
        assert!(check_window(ChannelKind::Instagram, None, SenderKind::Staff, now).is_err(), "they never wrote");
        let an_hour_ago = Some(now - DAY_MS / 24);
        assert!(!needs_human_agent_tag(an_hour_ago, SenderKind::Staff, now), "inside 24 hours it is a plain response");
    }
}
