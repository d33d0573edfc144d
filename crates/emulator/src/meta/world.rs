//! What the Meta part knows (business accounts, phone numbers, templates, media, sent
//! messages, delivered webhooks, service windows, injected failures, OAuth grants, Messenger and
//! Instagram messaging), kept inside the
//! emulator's one [`crate::state::World`] so waiters see every change.

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

use super::messaging_world::MessagingWorld;
use super::oauth_world::OAuthWorld;
use super::types::{MetaTemplate, WhatsappSent};

/// How long a customer's message keeps the customer-service window open.
pub(crate) const SERVICE_WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

/// A WhatsApp Business Account.
#[derive(Clone, Debug)]
pub(crate) struct BusinessAccount {
    pub access_token: String,
    pub app_secret: String,
    /// Templates with the id Meta gave them, in creation order.
    pub templates: Vec<StoredTemplate>,
    /// Whether `POST /{waba_id}/subscribed_apps` was called.
    pub subscribed: bool,
}

/// A template and its Graph id.
#[derive(Clone, Debug)]
pub(crate) struct StoredTemplate {
    pub id: String,
    pub template: MetaTemplate,
}

/// One of an account's phone numbers.
#[derive(Clone, Debug)]
pub(crate) struct PhoneNumber {
    pub waba_id: String,
    pub display_phone_number: String,
    pub webhook_url: String,
    /// The business name WhatsApp shows, if one was set.
    pub verified_name: Option<String>,
}

/// A stored media object.
#[derive(Clone, Debug)]
pub(crate) struct StoredMedia {
    pub mime_type: String,
    pub bytes: Vec<u8>,
}

/// Failures injected with `fail_api` for one recipient.
#[derive(Clone, Copy, Debug)]
pub(crate) struct InjectedFailure {
    pub code: u32,
    pub remaining: u32,
}

/// A webhook exactly as it was POSTed, kept for redelivery.
#[derive(Clone, Debug)]
pub(crate) struct RecordedWebhook {
    pub url: String,
    pub body: String,
    /// `X-Hub-Signature-256` value.
    pub signature_256: String,
    /// `X-Hub-Signature` (SHA-1) value.
    pub signature_sha1: String,
}

/// The pricing conversation a sent message belongs to.
#[derive(Clone, Debug)]
pub(crate) struct Conversation {
    pub id: String,
    /// Unix seconds when it closes.
    pub expires_at: u64,
}

/// One line of the customers' phones' history, in the order things happened.
#[derive(Clone, Debug)]
pub(crate) enum PhoneEvent {
    /// A customer sent this to one of our numbers.
    Sent { wa_id: String, phone_number_id: String, wamid: String, summary: String },
    /// Our side sent the message with this wamid (see `sent`).
    Received { wamid: String },
}

/// Everything the Meta part knows.
#[derive(Default)]
pub(crate) struct MetaWorld {
    /// WABA id → account.
    pub accounts: HashMap<String, BusinessAccount>,
    /// Phone number id → number.
    pub numbers: HashMap<String, PhoneNumber>,
    /// Media id → media.
    pub media: HashMap<String, StoredMedia>,
    /// Messages our side sent, in acceptance order.
    pub sent: Vec<WhatsappSent>,
    /// wamid of a sent message → its pricing category (`service`, or the template's category).
    pub categories: HashMap<String, String>,
    /// Last webhook POSTed about each wamid (inbound message or status), for redelivery.
    pub webhooks: HashMap<String, RecordedWebhook>,
    /// (phone number id, wa_id) → when the customer last wrote.
    pub last_customer_message: HashMap<(String, String), Instant>,
    /// (phone number id, wa_id, category) → open conversation.
    pub conversations: HashMap<(String, String, String), Conversation>,
    /// wa_id → failure the API answers.
    pub api_failures: HashMap<String, InjectedFailure>,
    /// wa_id → error code of the `failed` status webhook.
    pub delivery_failures: HashMap<String, u32>,
    /// Phone number id → accepted messages per second.
    pub rate_limits: HashMap<String, u32>,
    /// Phone number id → when its recent messages were accepted.
    pub recent_accepts: HashMap<String, VecDeque<Instant>>,
    /// (wamid, status) of status webhooks our server answered with 2xx.
    pub answered_statuses: HashSet<(String, String)>,
    /// What customers' phones sent and received, for the control API.
    pub phone_log: Vec<PhoneEvent>,
    /// Meta apps and what Facebook Login granted through them.
    pub oauth: OAuthWorld,
    /// Facebook Pages and Instagram accounts of the Messenger Platform, and their conversations.
    pub messaging: MessagingWorld,
}

impl MetaWorld {
    /// The registered account this token may use at `now` (Unix seconds): the account's own
    /// access token, or a user token Facebook Login granted on it that has not expired.
    pub fn account_for_token(&self, token: &str, now: u64) -> Option<&str> {
        if let Some((waba_id, _)) = self.accounts.iter().find(|(_, account)| account.access_token == token) {
            return Some(waba_id);
        }
        let grant = self.oauth.live_token(token, now)?;
        self.accounts.get_key_value(grant.waba_id.as_deref()?).map(|(waba_id, _)| waba_id.as_str())
    }

    /// Whether `wa_id` wrote to `phone_number_id` less than 24 hours ago.
    pub fn window_open(&self, phone_number_id: &str, wa_id: &str, now: Instant) -> bool {
        let key = (phone_number_id.to_owned(), wa_id.to_owned());
        self.last_customer_message.get(&key).is_some_and(|at| now.duration_since(*at) < SERVICE_WINDOW)
    }

    pub fn sent_mut(&mut self, wamid: &str) -> Option<&mut WhatsappSent> {
        self.sent.iter_mut().find(|s| s.wamid == wamid)
    }

    pub fn sent_message(&self, wamid: &str) -> Option<&WhatsappSent> {
        self.sent.iter().find(|s| s.wamid == wamid)
    }
}
