//! What the SendGrid part knows: API keys and where their events go, the parse routes of the
//! receiving domains, the emails sent, the recipients whose server bounces, and the key the
//! Event Webhook is signed with.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair};
use serde::Serialize;

/// An API key of the emulated account.
#[derive(Clone, Debug)]
pub(crate) struct ApiKey {
    /// Where the account's Event Webhook posts, if it is on.
    pub event_webhook_url: Option<String>,
}

/// Inbound Parse settings for one receiving domain.
#[derive(Clone, Debug)]
pub(crate) struct ParseRoute {
    /// The destination URL; `user:password@` in it becomes Basic auth, as SendGrid does.
    pub url: String,
    /// Post the full MIME message (`email` field) instead of its parts.
    pub raw: bool,
}

/// An email our side sent through Mail Send.
#[derive(Clone, Debug, Serialize)]
pub struct SentEmail {
    /// The id answered in `X-Message-Id`.
    pub x_message_id: String,
    pub from: String,
    pub from_name: Option<String>,
    pub to: Vec<String>,
    pub subject: String,
    pub text: Option<String>,
    pub html: Option<String>,
    pub reply_to: Option<String>,
    /// Custom headers (`Message-ID`, `In-Reply-To`, `References`), as sent.
    pub headers: HashMap<String, String>,
    /// The files it carries, decoded.
    pub attachments: Vec<SentFile>,
    /// The last event played for it (`processed`, `delivered`, `bounce`).
    pub status: String,
    /// The API key it was sent with (whose Event Webhook hears about it).
    #[serde(skip)]
    pub(crate) api_key: String,
}

/// A file of a sent email.
#[derive(Clone, Debug, Serialize)]
pub struct SentFile {
    pub filename: String,
    pub content_type: Option<String>,
    #[serde(skip)]
    pub bytes: Vec<u8>,
    pub size_bytes: usize,
}

/// The SendGrid world.
pub(crate) struct SendgridWorld {
    pub api_keys: HashMap<String, ApiKey>,
    /// Receiving domain (lowercase) → its parse route.
    pub parse_routes: HashMap<String, ParseRoute>,
    pub sent: Vec<SentEmail>,
    /// Recipient → the reason their server gives for bouncing.
    pub bounces: HashMap<String, String>,
    /// `(x_message_id, event)` pairs our server answered with a 2xx.
    pub answered_events: HashSet<(String, String)>,
    pub signing_key: Arc<EcdsaKeyPair>,
    /// The public half, as SendGrid shows it: a base64 DER SubjectPublicKeyInfo.
    pub verification_key: String,
}

impl Default for SendgridWorld {
    fn default() -> Self {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).expect("P-256 key generation");
        let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng).expect("a fresh key");
        let verification_key = super::event_webhook::public_key_info(&key);
        Self {
            api_keys: HashMap::new(),
            parse_routes: HashMap::new(),
            sent: Vec::new(),
            bounces: HashMap::new(),
            answered_events: HashSet::new(),
            signing_key: Arc::new(key),
            verification_key,
        }
    }
}
