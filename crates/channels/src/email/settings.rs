//! A mailbox channel's settings (where its IMAP and SMTP servers are, how to secure them, what to
//! do with an imported message) and credentials, read from the channel's stored JSON.

use serde::{Deserialize, Serialize};

/// How a connection is secured. Plain text is not offered: credentials never cross the network
/// unencrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// TLS from the first byte (IMAPS on 993, SMTPS on 465).
    Tls,
    /// A plain connection upgraded with STARTTLS before anything else (IMAP 143, submission 587).
    Starttls,
}

/// One server of the mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
}

/// What the importer does with a message once it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "action", content = "folder")]
pub enum AfterImport {
    /// Flag it `\Seen` and leave it where it is.
    MarkSeen,
    /// Move it to another folder (created if missing).
    MoveTo(String),
}

/// A mailbox channel's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxSettings {
    pub imap: ServerSettings,
    pub smtp: ServerSettings,
    /// The folder new mail is read from.
    #[serde(default = "inbox")]
    pub folder: String,
    #[serde(default = "mark_seen")]
    pub after_import: AfterImport,
    /// The name shown beside our address ("Bright Dental").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_name: Option<String>,
    /// The signature under every reply, in both the plain and the HTML part.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// The branding template the HTML part is wrapped in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html_template: Option<String>,
    /// A certificate (PEM) to trust besides the public roots, for a server with its own CA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trusted_certificate: Option<String>,
}

fn inbox() -> String {
    "INBOX".to_owned()
}

fn mark_seen() -> AfterImport {
    AfterImport::MarkSeen
}

/// The login of a mailbox; SMTP uses the IMAP login unless it has its own.
#[derive(Clone, Serialize, Deserialize)]
pub struct MailboxCredentials {
    pub username: String,
    pub password: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp_username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp_password: Option<String>,
}

impl std::fmt::Debug for MailboxCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailboxCredentials").field("username", &self.username).finish_non_exhaustive()
    }
}

impl MailboxCredentials {
    pub fn smtp_login(&self) -> (&str, &str) {
        (
            self.smtp_username.as_deref().unwrap_or(&self.username),
            self.smtp_password.as_deref().unwrap_or(&self.password),
        )
    }
}

impl MailboxSettings {
    pub fn from_json(value: &serde_json::Value) -> Result<Self, String> {
        serde_json::from_value(value.clone()).map_err(|e| format!("the mailbox settings are incomplete: {e}"))
    }
}

impl MailboxCredentials {
    pub fn from_json(value: &serde_json::Value) -> Result<Self, String> {
        serde_json::from_value(value.clone()).map_err(|e| format!("the mailbox login is incomplete: {e}"))
    }
}
