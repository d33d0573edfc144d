//! A mailbox channel on the real mail servers the test starts (Dovecot and the SMTP submission
//! server), and a customer's side of it: sending raw mail by SMTP, reading what arrived by IMAP.
#![allow(dead_code)] // each test binary uses only part of `common`

use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use switchboard_channels::email::imap::ImapMailbox;
use switchboard_channels::email::{AfterImport, MailboxCredentials, MailboxSettings, Security, ServerSettings};
use switchboard_server::admin::{self, MailboxInput};
use switchboard_server::secrets::SecretBox;
use switchboard_store::model::Channel;

#[path = "../../../channels/tests/common/mail_servers.rs"]
pub mod mail_servers;

pub use mail_servers::MailServers;

use super::TestApp;

/// The domain every test mailbox is at.
pub const DOMAIN: &str = "example.test";

fn settings(servers: &MailServers) -> MailboxSettings {
    MailboxSettings {
        imap: ServerSettings { host: mail_servers::HOST.into(), port: servers.imap_port, security: Security::Starttls },
        smtp: ServerSettings { host: mail_servers::HOST.into(), port: servers.smtps_port, security: Security::Tls },
        folder: "INBOX".into(),
        after_import: AfterImport::MarkSeen,
        from_name: Some("Riverside Vet".into()),
        signature: Some("Riverside Vet\n12 River Road".into()),
        html_template: None,
        trusted_certificate: Some(servers.ca_pem.clone()),
    }
}

fn credentials(servers: &MailServers, user: &str) -> MailboxCredentials {
    MailboxCredentials {
        username: user.into(),
        password: servers.password().into(),
        smtp_username: Some(servers.smtp_user.clone()),
        smtp_password: Some(servers.smtp_password.clone()),
    }
}

/// Connects the mailbox of `user` as a channel of the app's workspace.
pub async fn add_mailbox(app: &TestApp, servers: &MailServers, user: &str) -> Channel {
    let secrets = SecretBox::load(&super::test_config(app.database_url()).secret_key).unwrap();
    let settings = settings(servers);
    let input = MailboxInput {
        name: None,
        address: format!("{user}@{DOMAIN}"),
        imap: settings.imap,
        smtp: settings.smtp,
        folder: None,
        move_to: None,
        from_name: settings.from_name,
        signature: settings.signature,
        html_template: settings.html_template,
        trusted_certificate: settings.trusted_certificate,
        credentials: credentials(servers, user),
    };
    admin::add_mailbox_channel(&app.store, &secrets, &app.workspace, input).await.unwrap()
}

/// Submits a raw email as a customer's mail client would.
pub async fn submit(servers: &MailServers, from: &str, to: &str, raw: &str) {
    let tls = TlsParameters::builder(mail_servers::HOST.into())
        .add_root_certificate(Certificate::from_pem(servers.ca_pem.as_bytes()).unwrap())
        .build_rustls()
        .unwrap();
    let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(mail_servers::HOST)
        .port(servers.smtp_port)
        .tls(Tls::Required(tls))
        .credentials(Credentials::new(servers.smtp_user.clone(), servers.smtp_password.clone()))
        .build();
    let envelope = Envelope::new(Some(from.parse().unwrap()), vec![to.parse().unwrap()]).unwrap();
    transport.send_raw(&envelope, raw.replace('\n', "\r\n").as_bytes()).await.unwrap();
}

/// Waits for the `n`th message (from 1) in `user`'s INBOX and returns it raw.
pub async fn nth_received(servers: &MailServers, user: &str, n: usize) -> Vec<u8> {
    let mut settings = settings(servers);
    settings.imap.security = Security::Tls;
    settings.imap.port = servers.imaps_port;
    let mut mailbox = ImapMailbox::connect(&settings, &credentials(servers, user)).await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        mailbox.select().await.unwrap();
        let mut mails = mailbox.fetch_after(0, 100).await.unwrap();
        if mails.len() >= n {
            mailbox.logout().await;
            return mails.swap_remove(n - 1).raw;
        }
        assert!(tokio::time::Instant::now() < deadline, "{user} never received message {n}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Whether every message in `user`'s INBOX carries `\Seen`.
pub async fn all_seen(servers: &MailServers, user: &str) -> bool {
    let mut mailbox = ImapMailbox::connect(&settings(servers), &credentials(servers, user)).await.unwrap();
    mailbox.select().await.unwrap();
    let unseen = mailbox.unseen_count().await.unwrap();
    mailbox.logout().await;
    unseen == 0
}
