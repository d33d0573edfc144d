//! The Meta side of the customer's phone page: the WhatsApp Cloud numbers, Facebook Pages and
//! Instagram accounts a customer can write to, and the customer's side of those conversations
//! with each reply's status (WhatsApp's `sent`, `delivered`, `read`, `failed`; the Send API's
//! accepted messages as `sent`).

use serde_json::Value;

use super::messaging_types::MessagingPlatform;
use super::summary::outbound_summary;
use super::world::{MetaWorld, PhoneEvent};
use crate::phone_texts::PersonText;
use crate::phone_view::{Destination, ThreadMessage};

/// The prefix of a WhatsApp Cloud API destination id.
pub(crate) const WA_CLOUD: &str = "wa-cloud:";
/// The prefix of a Facebook Page destination id.
pub(crate) const MESSENGER: &str = "messenger:";
/// The prefix of an Instagram account destination id.
pub(crate) const INSTAGRAM: &str = "instagram:";

const WA_CHANNEL: &str = "WhatsApp (Cloud API)";

/// Digits as a phone shows them: North American numbers as `+1 415 555 0102`, others as `+` and the digits.
fn spaced_number(digits: &str) -> String {
    match digits.strip_prefix('1') {
        Some(national) if national.len() == 10 && national.chars().all(|c| c.is_ascii_digit()) => {
            format!("+1 {} {} {}", &national[..3], &national[3..6], &national[6..])
        }
        _ => format!("+{digits}"),
    }
}

fn number_label(meta: &MetaWorld, phone_number_id: &str) -> String {
    meta.numbers
        .get(phone_number_id)
        .map_or_else(|| phone_number_id.to_owned(), |n| spaced_number(&n.display_phone_number))
}

fn channel(platform: MessagingPlatform) -> &'static str {
    match platform {
        MessagingPlatform::Messenger => "Messenger",
        MessagingPlatform::Instagram => "Instagram",
    }
}

fn account_label(platform: MessagingPlatform, account_id: &str) -> String {
    match platform {
        MessagingPlatform::Messenger => format!("Messenger Page {account_id}"),
        MessagingPlatform::Instagram => format!("Instagram {account_id}"),
    }
}

/// Every registered WhatsApp Cloud number, then every Page, then every Instagram account.
pub(crate) fn destinations(meta: &MetaWorld) -> Vec<Destination> {
    let mut numbers: Vec<&String> = meta.numbers.keys().collect();
    numbers.sort();
    let mut accounts: Vec<(MessagingPlatform, &String)> =
        meta.messaging.accounts.iter().map(|(id, account)| (account.platform, id)).collect();
    accounts.sort_by_key(|(platform, id)| (*platform == MessagingPlatform::Instagram, *id));
    let numbers = numbers.into_iter().map(|id| Destination {
        id: format!("{WA_CLOUD}{id}"),
        label: format!("{WA_CHANNEL} {}", number_label(meta, id)),
    });
    let accounts = accounts.into_iter().map(|(platform, id)| {
        let prefix = if platform == MessagingPlatform::Messenger { MESSENGER } else { INSTAGRAM };
        Destination { id: format!("{prefix}{id}"), label: account_label(platform, id) }
    });
    numbers.chain(accounts).collect()
}

/// The WhatsApp Cloud conversations of the customer with this WhatsApp id (digits), in order.
pub(crate) fn whatsapp_thread(meta: &MetaWorld, wa_id: &str) -> Vec<ThreadMessage> {
    meta.phone_log
        .iter()
        .filter_map(|event| match event {
            PhoneEvent::Sent { wa_id: from, phone_number_id, summary, .. } if from == wa_id => Some(ThreadMessage {
                direction: "sent",
                channel: WA_CHANNEL,
                ours: number_label(meta, phone_number_id),
                body: summary.clone(),
                status: None,
            }),
            PhoneEvent::Received { wamid } => {
                meta.sent_message(wamid).filter(|sent| sent.to == wa_id).map(|sent| ThreadMessage {
                    direction: "received",
                    channel: WA_CHANNEL,
                    ours: number_label(meta, &sent.phone_number_id),
                    body: outbound_summary(&sent.request),
                    status: Some(sent.status.clone()),
                })
            }
            PhoneEvent::Sent { .. } => None,
        })
        .collect()
}

/// What a person sees of a Send API request: the text, else `[image]`, `[template]`, ….
fn messaging_summary(request: &Value) -> String {
    let message = &request["message"];
    if let Some(text) = message["text"].as_str() {
        return text.to_owned();
    }
    let attachment = &message["attachment"];
    let kind = attachment["payload"]["template_type"].as_str().or_else(|| attachment["type"].as_str());
    format!("[{}]", kind.unwrap_or("message"))
}

/// The Messenger and Instagram conversations of the person with this PSID/IGSID: what they typed
/// on the page and what the Send API accepted for them, in time order.
pub(crate) fn messaging_thread(meta: &MetaWorld, texts: &[PersonText], sender_id: &str) -> Vec<ThreadMessage> {
    let platform_of = |account_id: &str| meta.messaging.accounts.get(account_id).map(|a| a.platform);
    let typed = texts.iter().filter(|t| t.sender_id == sender_id).filter_map(|text| {
        let platform = platform_of(&text.account_id)?;
        let line = ThreadMessage {
            direction: "sent",
            channel: channel(platform),
            ours: account_label(platform, &text.account_id),
            body: text.text.clone(),
            status: None,
        };
        Some((text.at, line))
    });
    let replies = meta.messaging.sent.iter().filter(|s| s.recipient_id == sender_id).filter_map(|sent| {
        let platform = platform_of(&sent.account_id)?;
        let line = ThreadMessage {
            direction: "received",
            channel: channel(platform),
            ours: account_label(platform, &sent.account_id),
            body: messaging_summary(&sent.request),
            status: Some("sent".to_owned()),
        };
        Some((sent.accepted_at, line))
    });
    let mut lines: Vec<_> = typed.chain(replies).collect();
    lines.sort_by_key(|(at, _)| *at);
    lines.into_iter().map(|(_, line)| line).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_and_replies_read_like_a_phone_shows_them() {
        assert_eq!(spaced_number("14155550102"), "+1 415 555 0102");
        assert_eq!(spaced_number("447700900123"), "+447700900123");
        assert_eq!(messaging_summary(&json!({"message": {"text": "hi"}})), "hi");
        assert_eq!(messaging_summary(&json!({"message": {"attachment": {"type": "image"}}})), "[image]");
    }
}
