//! What an email carries beyond its new text, and the rules that thread it: our Message-IDs
//! (`<message id@domain>`), reply addresses (`reply+<conversation>@domain`), the keys an inbound
//! email is matched by (reply address, then In-Reply-To, then References, newest first) and a
//! subject that stays stable across replies ("Re: " never stacked).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ids::{ConversationId, MessageId};

/// The email side of a message: headers that thread it, and the parts the timeline keeps apart
/// from the new text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailDetails {
    pub subject: String,
    /// The Message-ID header, without angle brackets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_reply_to: Option<String>,
    /// The References header, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// The token of the `reply+<token>@` address the email was sent to, when it was one of ours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_token: Option<String>,
    /// Other recipients (To and Cc besides us), as written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<String>,
    /// The HTML body as received. It is never shown as is: the inbox sanitises it first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// The quoted earlier messages, kept apart from the new text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quoted: Option<String>,
    /// The sender's signature, kept apart from the new text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// Set when the email was written by a machine (an auto-reply, a bounce): never answered by
    /// a bot, never treated as a keyword.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automated: Option<Automated>,
    /// What was wrong with the email but did not stop it being stored (an attachment over the
    /// size limit, an unknown charset, ...), in words for the staff.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

/// The kind of machine-written email.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Automated {
    /// An out-of-office or other auto-reply (`Auto-Submitted`, `X-Autoreply`, ...).
    AutoReply,
    /// A delivery status notification: a bounce or a delay warning.
    DeliveryReport,
    /// Our own email coming back (a mail loop).
    OwnMessage,
}

/// Something an inbound email can be threaded by, strongest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThreadKey {
    /// The conversation named by a reply address of ours.
    Conversation(ConversationId),
    /// A message we sent (its Message-ID is ours).
    OurMessage(MessageId),
    /// A message the customer sent, by its Message-ID.
    TheirMessage(String),
}

impl EmailDetails {
    /// The keys to thread this email by, in the order they are tried: the reply address, then
    /// In-Reply-To, then References from the newest back.
    pub fn thread_keys(&self) -> Vec<ThreadKey> {
        let mut keys = Vec::new();
        if let Some(conversation) = self.reply_token.as_deref().and_then(parse_reply_token) {
            keys.push(ThreadKey::Conversation(conversation));
        }
        let referenced = self.in_reply_to.iter().chain(self.references.iter().rev());
        for id in referenced {
            let key = match parse_our_message_id(id) {
                Some(ours) => ThreadKey::OurMessage(ours),
                None => ThreadKey::TheirMessage(id.clone()),
            };
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        keys
    }
}

/// The Message-ID we give an outbound message: its id at the sending domain.
pub fn our_message_id(message: MessageId, domain: &str) -> String {
    format!("{}@{}", message.0.simple(), domain)
}

/// The message id inside one of our Message-IDs (whatever the domain: a workspace may change it).
pub fn parse_our_message_id(header: &str) -> Option<MessageId> {
    let (local, _) = header.trim_matches(['<', '>']).split_once('@')?;
    (local.len() == 32).then(|| Uuid::try_parse(local).ok().map(MessageId)).flatten()
}

/// Our reply address for a conversation: `reply+<conversation>@domain`. Mail clients that drop
/// threading headers still answer to it.
pub fn reply_address(conversation: ConversationId, domain: &str) -> String {
    format!("reply+{}@{}", conversation.0.simple(), domain)
}

/// The token of a `reply+<token>@...` address, when the address is one.
pub fn reply_token_of(address: &str) -> Option<String> {
    let local = address.split('@').next()?;
    let token = local.strip_prefix("reply+")?;
    (!token.is_empty()).then(|| token.to_ascii_lowercase())
}

fn parse_reply_token(token: &str) -> Option<ConversationId> {
    (token.len() == 32).then(|| Uuid::try_parse(token).ok().map(ConversationId)).flatten()
}

/// The subject of a reply: the original with one "Re: ", however many "Re:", "RE:", "Fwd:",
/// "AW:" or "[#...]" prefixes it had gathered.
pub fn reply_subject(original: &str) -> String {
    let base = base_subject(original);
    if base.is_empty() { "Re: your message".to_owned() } else { format!("Re: {base}") }
}

/// The subject without reply and forward prefixes.
pub fn base_subject(subject: &str) -> &str {
    const PREFIXES: [&str; 8] = ["re:", "fw:", "fwd:", "aw:", "sv:", "wg:", "antw:", "tr:"];
    let mut rest = subject.trim();
    loop {
        let lower = rest.to_ascii_lowercase();
        let Some(prefix) = PREFIXES.iter().find(|p| lower.starts_with(*p)) else {
            return rest;
        };
        rest = rest[prefix.len()..].trim_start();
    }
}

/// The References header of a reply: the parent's References, then the parent itself (RFC 5322
/// 3.6.4), trimmed to the first and the last ten so long threads stay within line limits.
pub fn reply_references(parent_references: &[String], parent_message_id: &str) -> Vec<String> {
    let mut all: Vec<String> = parent_references.to_vec();
    if !all.iter().any(|r| r == parent_message_id) {
        all.push(parent_message_id.to_owned());
    }
    if all.len() > 11 {
        let tail = all.split_off(all.len() - 10);
        all.truncate(1);
        all.extend(tail);
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn re_is_never_stacked() {
        assert_eq!(reply_subject("Appointment on Friday"), "Re: Appointment on Friday");
        assert_eq!(reply_subject("Re: Appointment on Friday"), "Re: Appointment on Friday");
        assert_eq!(reply_subject("RE: Re: AW: Fwd: Appointment"), "Re: Appointment");
        assert_eq!(reply_subject("   "), "Re: your message");
        assert_eq!(base_subject("Reservation"), "Reservation", "a word starting with re is no prefix");
    }

    #[test]
    fn our_message_ids_and_reply_addresses_round_trip() {
        let message = MessageId::new();
        let header = our_message_id(message, "shop.example");
        assert_eq!(parse_our_message_id(&format!("<{header}>")), Some(message));
        assert_eq!(parse_our_message_id("CAF=abc@mail.gmail.com"), None);

        let conversation = ConversationId::new();
        let address = reply_address(conversation, "shop.example");
        let details = EmailDetails { reply_token: reply_token_of(&address), ..Default::default() };
        assert_eq!(details.thread_keys(), vec![ThreadKey::Conversation(conversation)]);
    }

    #[test]
    fn keys_try_the_reply_address_then_in_reply_to_then_references_newest_first() {
        let ours = MessageId::new();
        let details = EmailDetails {
            reply_token: Some("not-a-token".into()),
            in_reply_to: Some("b@customer.example".into()),
            references: vec![
                "a@customer.example".into(),
                our_message_id(ours, "x.example"),
                "b@customer.example".into(),
            ],
            ..Default::default()
        };
        assert_eq!(
            details.thread_keys(),
            vec![
                ThreadKey::TheirMessage("b@customer.example".into()),
                ThreadKey::OurMessage(ours),
                ThreadKey::TheirMessage("a@customer.example".into()),
            ]
        );
    }

    #[test]
    fn long_reference_chains_keep_the_root_and_the_newest() {
        let refs: Vec<String> = (0..30).map(|i| format!("m{i}@x")).collect();
        let out = reply_references(&refs, "parent@x");
        assert_eq!(out.len(), 11);
        assert_eq!(out[0], "m0@x");
        assert_eq!(out.last().unwrap(), "parent@x");
    }
}
