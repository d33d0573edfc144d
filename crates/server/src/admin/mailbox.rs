//! Connecting a business's own mailbox: its address, its IMAP and SMTP servers and its login.
//! The settings are checked for shape here; the importer reports a wrong password or an
//! unreachable server on the channel page.

use std::sync::Arc;

use anyhow::Context;
use switchboard_channels::email::{AfterImport, MailboxCredentials, MailboxSettings, Security, ServerSettings};
use switchboard_domain::{ChannelKind, EmailAddress, Provider};
use switchboard_store::Store;
use switchboard_store::model::{Channel, Workspace};

use super::{ChannelToSeal, create_sealed};
use crate::secrets::SecretBox;

/// A mailbox to connect.
#[derive(Debug, Clone)]
pub struct MailboxInput {
    pub name: Option<String>,
    /// The address customers write to.
    pub address: String,
    pub imap: ServerSettings,
    pub smtp: ServerSettings,
    pub folder: Option<String>,
    /// Move imported mail to this folder instead of flagging it read.
    pub move_to: Option<String>,
    pub from_name: Option<String>,
    /// The signature under every reply.
    pub signature: Option<String>,
    /// The branding template the HTML part is wrapped in (see `outbound::email_branding`).
    pub html_template: Option<String>,
    /// A certificate (PEM) to trust besides the public roots.
    pub trusted_certificate: Option<String>,
    pub credentials: MailboxCredentials,
}

/// The usual security of a well-known port, for a server given without one.
pub fn security_of_port(port: u16) -> Security {
    match port {
        993 | 465 => Security::Tls,
        _ => Security::Starttls,
    }
}

pub async fn add_mailbox_channel(
    store: &Arc<dyn Store>,
    secrets: &SecretBox,
    workspace: &Workspace,
    input: MailboxInput,
) -> anyhow::Result<Channel> {
    let address = EmailAddress::parse(&input.address)?;
    super::check_branding(input.html_template.as_deref())?;
    let settings = MailboxSettings {
        imap: input.imap,
        smtp: input.smtp,
        folder: input.folder.unwrap_or_else(|| "INBOX".to_owned()),
        after_import: input.move_to.map_or(AfterImport::MarkSeen, AfterImport::MoveTo),
        from_name: input.from_name,
        signature: input.signature,
        html_template: input.html_template,
        trusted_certificate: input.trusted_certificate,
    };
    for (what, server) in [("IMAP", &settings.imap), ("SMTP", &settings.smtp)] {
        anyhow::ensure!(!server.host.trim().is_empty(), "the {what} server needs a host name");
        anyhow::ensure!(server.port != 0, "the {what} server needs a port");
    }
    let channel = ChannelToSeal {
        kind: ChannelKind::Email,
        provider: Provider::Mailbox,
        name: input.name.unwrap_or_else(|| address.to_string()),
        address: address.to_string(),
        external_id: None,
        credentials: serde_json::to_value(&input.credentials).context("the mailbox login")?,
        settings: serde_json::to_value(&settings).context("the mailbox settings")?,
    };
    create_sealed(store, secrets, workspace, channel).await
}
