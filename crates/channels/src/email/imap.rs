//! Reading a mailbox over IMAP with async-imap: connect with implicit TLS or STARTTLS, log in,
//! select the folder (its UIDVALIDITY tells whether remembered UIDs still mean anything), fetch
//! every message above the last imported UID without marking it read, then flag it `\Seen` or
//! move it once it is stored, and wait for new mail with IDLE where the server offers it.

use std::time::Duration;

use async_imap::extensions::idle::IdleResponse;
use async_imap::{Client, Session};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_stream::StreamExt;

use super::settings::{AfterImport, MailboxCredentials, MailboxSettings, Security};

type Stream = TlsStream<TcpStream>;

/// How long one connection attempt or command may take.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// Why talking to the IMAP server failed.
#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    #[error("cannot reach the IMAP server {0}: {1}")]
    Connect(String, String),
    #[error("the IMAP server refused the login: {0}")]
    Login(String),
    #[error("the IMAP folder {0:?} cannot be opened: {1}")]
    Folder(String, String),
    #[error("the IMAP server has no UIDVALIDITY for {0:?}; messages cannot be tracked")]
    NoUidValidity(String),
    #[error("IMAP: {0}")]
    Protocol(String),
    #[error("the IMAP server did not answer within {0:?}")]
    Timeout(Duration),
}

/// A folder as selected: the identity of its UIDs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FolderState {
    pub uid_validity: u32,
    pub uid_next: Option<u32>,
}

/// A message fetched from the folder.
#[derive(Debug, Clone)]
pub struct FetchedMail {
    pub uid: u32,
    pub raw: Vec<u8>,
}

/// What ended a wait for new mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wakeup {
    /// The server said something changed.
    NewData,
    /// The wait ran its time (poll now).
    Timeout,
}

/// A logged-in connection to one mailbox.
pub struct ImapMailbox {
    session: Session<Stream>,
    folder: String,
    after_import: AfterImport,
    capabilities: async_imap::types::Capabilities,
}

fn protocol(error: impl std::fmt::Display) -> ImapError {
    ImapError::Protocol(error.to_string())
}

async fn timed<T>(future: impl std::future::Future<Output = Result<T, ImapError>>) -> Result<T, ImapError> {
    tokio::time::timeout(COMMAND_TIMEOUT, future).await.map_err(|_| ImapError::Timeout(COMMAND_TIMEOUT))?
}

impl ImapMailbox {
    /// Connects, secures the connection and logs in.
    pub async fn connect(settings: &MailboxSettings, credentials: &MailboxCredentials) -> Result<Self, ImapError> {
        let imap = &settings.imap;
        let server = format!("{}:{}", imap.host, imap.port);
        let unreachable = |e: &dyn std::fmt::Display| ImapError::Connect(server.clone(), e.to_string());
        let config = super::tls::client_config(settings.trusted_certificate.as_deref()).map_err(|e| unreachable(&e))?;
        let session = timed(async {
            let tcp = TcpStream::connect((imap.host.as_str(), imap.port)).await.map_err(|e| unreachable(&e))?;
            let tls = match imap.security {
                Security::Tls => super::tls::connect(tcp, &imap.host, config).await.map_err(|e| unreachable(&e))?,
                Security::Starttls => {
                    let mut plain = Client::new(tcp);
                    plain.read_response().await.map_err(|e| unreachable(&e))?;
                    plain.run_command_and_check_ok("STARTTLS", None).await.map_err(|e| unreachable(&e))?;
                    super::tls::connect(plain.into_inner(), &imap.host, config).await.map_err(|e| unreachable(&e))?
                }
            };
            let mut client = Client::new(tls);
            if imap.security == Security::Tls {
                client.read_response().await.map_err(|e| unreachable(&e))?;
            }
            client
                .login(&credentials.username, &credentials.password)
                .await
                .map_err(|(e, _)| ImapError::Login(e.to_string()))
        })
        .await?;
        let mut session = session;
        let capabilities = timed(async { session.capabilities().await.map_err(protocol) }).await?;
        Ok(Self { session, folder: settings.folder.clone(), after_import: settings.after_import.clone(), capabilities })
    }

    /// Whether the server announced `capability` (IDLE, MOVE, ...).
    pub fn supports(&self, capability: &str) -> bool {
        self.capabilities.has_str(capability)
    }

    /// Selects the folder to read.
    pub async fn select(&mut self) -> Result<FolderState, ImapError> {
        let folder = self.folder.clone();
        let selected = timed(async {
            self.session.select(&folder).await.map_err(|e| ImapError::Folder(folder.clone(), e.to_string()))
        })
        .await?;
        let uid_validity = selected.uid_validity.ok_or_else(|| ImapError::NoUidValidity(folder.clone()))?;
        Ok(FolderState { uid_validity, uid_next: selected.uid_next })
    }

    /// Up to `limit` messages with a UID above `last_uid`, oldest first, fetched without
    /// setting `\Seen`.
    pub async fn fetch_after(&mut self, last_uid: u32, limit: usize) -> Result<Vec<FetchedMail>, ImapError> {
        let range = format!("{}:*", last_uid.saturating_add(1));
        let session = &mut self.session;
        let mut fetched = timed(async {
            let stream = session.uid_fetch(&range, "(UID BODY.PEEK[])").await.map_err(protocol)?;
            let all: Vec<_> = stream.collect::<Vec<_>>().await;
            let mut mails = Vec::with_capacity(all.len());
            for item in all {
                let fetch = item.map_err(protocol)?;
                // `n:*` always includes the highest UID, even when it is below n.
                if let (Some(uid), Some(body)) = (fetch.uid, fetch.body())
                    && uid > last_uid
                {
                    mails.push(FetchedMail { uid, raw: body.to_vec() });
                }
            }
            Ok(mails)
        })
        .await?;
        fetched.sort_by_key(|m| m.uid);
        fetched.truncate(limit);
        Ok(fetched)
    }

    /// How many messages of the selected folder are not flagged `\Seen`.
    pub async fn unseen_count(&mut self) -> Result<usize, ImapError> {
        let session = &mut self.session;
        timed(async { session.uid_search("UNSEEN").await.map(|uids| uids.len()).map_err(protocol) }).await
    }

    /// Does what the settings ask with a message that is now stored.
    pub async fn finish(&mut self, uid: u32) -> Result<(), ImapError> {
        let uid = uid.to_string();
        match self.after_import.clone() {
            AfterImport::MarkSeen => {
                let session = &mut self.session;
                timed(async {
                    let updates = session.uid_store(&uid, "+FLAGS.SILENT (\\Seen)").await.map_err(protocol)?;
                    let _: Vec<_> = updates.collect().await;
                    Ok(())
                })
                .await
            }
            AfterImport::MoveTo(target) => {
                let has_move = self.supports("MOVE");
                let session = &mut self.session;
                timed(async {
                    // Creating a folder that exists is an error we do not care about.
                    let _ = session.create(&target).await;
                    if has_move {
                        return session.uid_mv(&uid, &target).await.map_err(protocol);
                    }
                    session.uid_copy(&uid, &target).await.map_err(protocol)?;
                    let updates = session.uid_store(&uid, "+FLAGS.SILENT (\\Deleted)").await.map_err(protocol)?;
                    let _: Vec<_> = updates.collect().await;
                    let expunged = session.uid_expunge(&uid).await.map_err(protocol)?;
                    let _: Vec<_> = expunged.collect().await;
                    Ok(())
                })
                .await
            }
        }
    }

    /// Waits for the server to report new mail (IDLE) for at most `wait`; returns the mailbox
    /// ready for commands again. Servers without IDLE are polled: the wait simply runs out.
    pub async fn wait_for_mail(self, wait: Duration) -> Result<(Self, Wakeup), ImapError> {
        if !self.supports("IDLE") {
            tokio::time::sleep(wait).await;
            return Ok((self, Wakeup::Timeout));
        }
        let Self { session, folder, after_import, capabilities } = self;
        let mut idle = session.idle();
        timed(async { idle.init().await.map_err(protocol) }).await?;
        let (response, _stop) = idle.wait_with_timeout(wait);
        let wakeup = match response.await.map_err(protocol)? {
            IdleResponse::NewData(_) => Wakeup::NewData,
            IdleResponse::Timeout | IdleResponse::ManualInterrupt => Wakeup::Timeout,
        };
        let session = timed(async { idle.done().await.map_err(protocol) }).await?;
        Ok((Self { session, folder, after_import, capabilities }, wakeup))
    }

    /// Logs out politely.
    pub async fn logout(mut self) {
        let _ = tokio::time::timeout(Duration::from_secs(5), self.session.logout()).await;
    }
}
