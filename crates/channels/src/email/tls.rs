//! TLS for the mailbox's IMAP connection: rustls with the public roots, plus the channel's own
//! trusted certificate when it has one (a self-hosted mail server with a private CA).

use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

/// A client configuration trusting the public roots and `extra_pem`'s certificates.
pub fn client_config(extra_pem: Option<&str>) -> Result<Arc<tokio_rustls::rustls::ClientConfig>, String> {
    let mut roots = tokio_rustls::rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(pem) = extra_pem {
        for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
            let cert = cert.map_err(|e| format!("the trusted certificate is not valid PEM: {e}"))?;
            roots.add(cert).map_err(|e| format!("the trusted certificate cannot be used: {e}"))?;
        }
    }
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = tokio_rustls::rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Wraps a connected socket in TLS for `host`.
pub async fn connect(
    tcp: TcpStream,
    host: &str,
    config: Arc<tokio_rustls::rustls::ClientConfig>,
) -> std::io::Result<TlsStream<TcpStream>> {
    let name = ServerName::try_from(host.to_owned())
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{host:?} is not a host name")))?;
    TlsConnector::from(config).connect(name, tcp).await
}
