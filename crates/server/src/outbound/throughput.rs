//! How fast a channel may send. WhatsApp through Meta allows a phone number 80 messages a second
//! by default (up to 1,000 once Meta raises it); a channel's `messages_per_second` setting says
//! what its number has. A Telegram bot may send about 30 messages a second in all. Sends are
//! paced in the store (each takes the channel's next free slot) and again by the dispatcher as
//! they leave, 2% under the limit.

use switchboard_domain::{ChannelKind, Provider};
use switchboard_store::model::Channel;

/// Meta's default throughput for a WhatsApp Business phone number.
pub const DEFAULT_WHATSAPP_CLOUD_RATE: u32 = 80;
/// What Telegram lets one bot send in all.
pub const TELEGRAM_BOT_RATE: u32 = 30;
/// The highest throughput Meta grants a number.
pub const MAX_RATE: u32 = 1_000;

/// The channel's send rate in messages a second, when it has a limit.
pub fn messages_per_second(channel: &Channel) -> Option<u32> {
    let configured = channel.settings.get("messages_per_second").and_then(|v| v.as_u64());
    let default = match (channel.provider, channel.kind) {
        (Provider::Meta, ChannelKind::Whatsapp) => Some(DEFAULT_WHATSAPP_CLOUD_RATE),
        (Provider::Telegram, _) => Some(TELEGRAM_BOT_RATE),
        _ => None,
    };
    configured.map(|rate| rate.clamp(1, u64::from(MAX_RATE)) as u32).or(default)
}

/// How far under its limit a channel is paced: a send that the scheduler delays by a few
/// milliseconds must not push the next second over the limit.
const HEADROOM_PERCENT: i64 = 2;

/// The interval between two sends of the channel, in microseconds.
pub fn send_interval_us(channel: &Channel) -> Option<i64> {
    messages_per_second(channel).map(|rate| 1_000_000 * (100 + HEADROOM_PERCENT) / 100 / i64::from(rate))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel(provider: Provider, settings: serde_json::Value) -> Channel {
        Channel {
            channel_id: switchboard_domain::ChannelId::new(),
            workspace_id: switchboard_domain::WorkspaceId::new(),
            kind: ChannelKind::Whatsapp,
            provider,
            name: "WhatsApp".into(),
            address: "+14155550100".into(),
            sealed_credentials: vec![],
            settings,
            external_id: None,
            enabled: true,
            created_at: 0,
        }
    }

    #[test]
    fn whatsapp_through_meta_sends_80_a_second_unless_configured() {
        assert_eq!(send_interval_us(&channel(Provider::Meta, serde_json::json!({}))), Some(12_750));
        let raised = channel(Provider::Meta, serde_json::json!({ "messages_per_second": 1000 }));
        assert_eq!(send_interval_us(&raised), Some(1_020));
        let too_high = channel(Provider::Meta, serde_json::json!({ "messages_per_second": 5000 }));
        assert_eq!(messages_per_second(&too_high), Some(MAX_RATE));
    }

    #[test]
    fn a_telegram_bot_sends_30_a_second() {
        let mut bot = channel(Provider::Telegram, serde_json::json!({}));
        bot.kind = ChannelKind::Telegram;
        assert_eq!(messages_per_second(&bot), Some(TELEGRAM_BOT_RATE));
    }

    #[test]
    fn twilio_channels_are_not_paced_unless_configured() {
        assert_eq!(send_interval_us(&channel(Provider::Twilio, serde_json::json!({}))), None);
        let paced = channel(Provider::Twilio, serde_json::json!({ "messages_per_second": 1 }));
        assert_eq!(send_interval_us(&paced), Some(1_020_000));
    }
}
