//! Sending through the mailbox's SMTP submission server with lettre: STARTTLS or implicit TLS,
//! AUTH, and one pooled transport per channel so consecutive sends reuse the connection. A 4xx
//! reply or a lost connection is worth retrying; a 5xx reply is the server's final word.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use switchboard_domain::ChannelId;

use super::settings::{MailboxCredentials, MailboxSettings, Security};
use crate::adapter::SendError;

type Transport = AsyncSmtpTransport<Tokio1Executor>;

/// The SMTP transports of every mailbox channel, kept between sends.
#[derive(Default)]
pub struct SmtpPool {
    /// By channel, with the settings the transport was built from (a changed setting builds anew).
    transports: Mutex<HashMap<ChannelId, (String, Arc<Transport>)>>,
}

impl SmtpPool {
    /// Submits `raw` from `from` to `to`.
    pub async fn send(
        &self,
        channel: ChannelId,
        settings: &MailboxSettings,
        credentials: &MailboxCredentials,
        from: &str,
        to: &str,
        raw: &[u8],
    ) -> Result<(), SendError> {
        let transport = self.transport(channel, settings, credentials)?;
        let envelope = Envelope::new(
            Some(from.parse().map_err(|e| SendError::permanent(None, format!("our address {from:?}: {e}")))?),
            vec![to.parse().map_err(|e| SendError::permanent(None, format!("{to:?} is not an email address: {e}")))?],
        )
        .map_err(|e| SendError::permanent(None, e.to_string()))?;
        transport.send_raw(&envelope, raw).await.map(|_| ()).map_err(classify)
    }

    fn transport(
        &self,
        channel: ChannelId,
        settings: &MailboxSettings,
        credentials: &MailboxCredentials,
    ) -> Result<Arc<Transport>, SendError> {
        let (user, password) = credentials.smtp_login();
        let key = format!("{:?}|{user}|{password}", settings.smtp);
        let mut transports = self.transports.lock().expect("the SMTP pool lock is never poisoned");
        if let Some((built_from, transport)) = transports.get(&channel)
            && *built_from == key
        {
            return Ok(transport.clone());
        }
        let transport = Arc::new(build_transport(settings, credentials)?);
        transports.insert(channel, (key, transport.clone()));
        Ok(transport)
    }
}

fn build_transport(settings: &MailboxSettings, credentials: &MailboxCredentials) -> Result<Transport, SendError> {
    let smtp = &settings.smtp;
    let mut tls = TlsParameters::builder(smtp.host.clone());
    if let Some(pem) = &settings.trusted_certificate {
        let cert = Certificate::from_pem(pem.as_bytes())
            .map_err(|e| SendError::permanent(None, format!("the trusted certificate cannot be used: {e}")))?;
        tls = tls.add_root_certificate(cert);
    }
    let tls = tls.build_rustls().map_err(|e| SendError::permanent(None, format!("TLS setup failed: {e}")))?;
    let (user, password) = credentials.smtp_login();
    Ok(Transport::builder_dangerous(smtp.host.clone())
        .port(smtp.port)
        .tls(match smtp.security {
            Security::Tls => Tls::Wrapper(tls),
            Security::Starttls => Tls::Required(tls),
        })
        .credentials(Credentials::new(user.to_owned(), password.to_owned()))
        .timeout(Some(Duration::from_secs(30)))
        .build())
}

/// 5xx is final; 4xx, timeouts and connection trouble are worth another try.
fn classify(error: lettre::transport::smtp::Error) -> SendError {
    let code = error.status().map(|code| code.to_string());
    let reason = format!("the mail server refused the message: {error}");
    if error.is_permanent() {
        SendError::permanent(code, reason)
    } else {
        SendError { code, ..SendError::transient(reason) }
    }
}
