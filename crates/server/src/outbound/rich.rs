//! Which channels carry rich content, and its rules there: WhatsApp through Meta takes every
//! kind (one media file a message; buttons and lists need a text above them); Messenger and
//! Instagram take text or one file, with buttons sent as quick replies; Telegram takes buttons
//! and lists (as an inline keyboard) and keyboards (a reply keyboard); other channels take plain
//! text and media links only.

use switchboard_domain::{ChannelKind, Content, Provider};
use switchboard_store::model::Channel;

use super::SendRequest;
use super::policy::SendRefusal;

fn refuse(reason: impl Into<String>) -> SendRefusal {
    SendRefusal::InvalidContent(reason.into())
}

fn content_name(content: &Content) -> String {
    serde_json::to_value(content).ok().and_then(|v| v["kind"].as_str().map(str::to_owned)).unwrap_or_default()
}

/// Refuses content the channel cannot carry, with the reason.
pub(super) fn check(channel: &Channel, request: &SendRequest) -> Result<(), SendRefusal> {
    let through_meta = channel.provider == Provider::Meta;
    let messaging = through_meta && matches!(channel.kind, ChannelKind::Messenger | ChannelKind::Instagram);
    let cloud_whatsapp = through_meta && channel.kind == ChannelKind::Whatsapp;
    if (cloud_whatsapp || messaging) && request.media_urls.len() > 1 {
        return Err(refuse(format!(
            "a {} message carries at most one media file; send each file as its own message",
            channel.kind
        )));
    }
    if messaging && !request.media_urls.is_empty() && !request.body.trim().is_empty() {
        return Err(refuse(format!(
            "a {} message is either text or one file; send the text and the file as two messages",
            channel.kind
        )));
    }
    let Some(content) = &request.content else { return Ok(()) };
    let telegram = channel.provider == Provider::Telegram;
    let carried = match content {
        Content::Keyboard { .. } => telegram,
        Content::Buttons { .. } => cloud_whatsapp || messaging || telegram,
        Content::List { .. } => cloud_whatsapp || telegram,
        _ => cloud_whatsapp,
    };
    if !carried {
        return Err(refuse(format!(
            "{} content cannot be sent on this {} channel through {}; only WhatsApp channels connected through Meta carry it (Messenger and Instagram carry buttons, as quick replies; Telegram carries buttons, lists and keyboards)",
            content_name(content),
            channel.kind,
            channel.provider
        )));
    }
    content.check_sendable().map_err(|e| refuse(e.to_string()))?;
    let needs_text = matches!(content, Content::Buttons { .. } | Content::List { .. } | Content::Keyboard { .. });
    if needs_text && request.body.trim().is_empty() {
        return Err(refuse("buttons, lists and keyboards need a body text to show above them"));
    }
    Ok(())
}
