//! What the SES and SNS part knows: access keys, verified identities, topics and their HTTP
//! subscriptions, which topic hears about which identity's mail, receipt rules, the emails
//! sent and the recipients whose server bounces.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

/// An HTTP subscription of a topic.
#[derive(Clone, Debug)]
pub(crate) struct Subscription {
    pub url: String,
    pub token: String,
    pub confirmed: bool,
}

/// An email our side sent through `SendEmail`.
#[derive(Clone, Debug, Serialize)]
pub struct SesSentEmail {
    /// The id answered as `MessageId`.
    pub message_id: String,
    pub from: String,
    pub to: Vec<String>,
    pub reply_to: Vec<String>,
    /// The raw message as sent.
    pub raw: String,
    /// The last notification published for it (`Delivery`, `Bounce`, `Complaint`).
    pub status: String,
}

#[derive(Default)]
pub(crate) struct SesWorld {
    /// Access key id → secret access key.
    pub access_keys: HashMap<String, String>,
    /// Verified addresses and domains, lowercase.
    pub identities: HashSet<String>,
    /// Topic ARN → its subscriptions.
    pub topics: HashMap<String, Vec<Subscription>>,
    /// Identity (address or domain) → the topic its deliveries, bounces and complaints go to.
    pub notification_topics: HashMap<String, String>,
    /// Receiving domain → the topic its receipt rule publishes to.
    pub receipt_rules: HashMap<String, String>,
    pub sent: Vec<SesSentEmail>,
    /// Recipient → the diagnostic their server answers with.
    pub bounces: HashMap<String, String>,
    /// SNS message ids our server answered with a 2xx, with what they told.
    pub answered: HashSet<(String, String)>,
}

impl SesWorld {
    /// The topic that hears about mail from `address`: its own, else its domain's.
    pub fn notification_topic(&self, address: &str) -> Option<String> {
        let address = address.to_ascii_lowercase();
        let domain = address.rsplit('@').next().unwrap_or_default().to_owned();
        self.notification_topics.get(&address).or_else(|| self.notification_topics.get(&domain)).cloned()
    }

    pub fn is_verified(&self, address: &str) -> bool {
        let address = address.to_ascii_lowercase();
        let domain = address.rsplit('@').next().unwrap_or_default();
        self.identities.contains(&address) || self.identities.contains(domain)
    }
}
