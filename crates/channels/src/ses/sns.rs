//! Amazon SNS messages posted to an HTTP endpoint: the message itself, its signature and the
//! certificate that verifies it. The string that is signed lists the message's fields in a fixed
//! order; SignatureVersion 1 signs it with SHA1withRSA, version 2 with SHA256withRSA. The
//! certificate must come over HTTPS from an SNS host (`sns.<region>.amazonaws.com`); it is
//! fetched once and kept, and a test or the demo hands the cache its certificate beforehand.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ring::signature::{RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY, RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};
use serde::Deserialize;

use crate::adapter::VerifyError;

/// An SNS message as posted (the JSON body).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SnsMessage {
    #[serde(rename = "Type")]
    pub kind: String,
    pub message_id: String,
    pub topic_arn: String,
    #[serde(default)]
    pub subject: Option<String>,
    pub message: String,
    pub timestamp: String,
    pub signature_version: String,
    pub signature: String,
    #[serde(rename = "SigningCertURL")]
    pub signing_cert_url: String,
    #[serde(default, rename = "SubscribeURL")]
    pub subscribe_url: Option<String>,
    #[serde(default)]
    pub token: Option<String>,
}

impl SnsMessage {
    pub fn parse(body: &[u8]) -> Result<Self, String> {
        serde_json::from_slice(body).map_err(|e| format!("not an SNS message: {e}"))
    }

    /// The text SNS signed: the fields of the message's type, each name then value on a line.
    pub fn string_to_sign(&self) -> String {
        let mut fields: Vec<(&str, &str)> = vec![("Message", &self.message), ("MessageId", &self.message_id)];
        if self.kind == "Notification" {
            if let Some(subject) = &self.subject {
                fields.push(("Subject", subject));
            }
        } else {
            fields.push(("SubscribeURL", self.subscribe_url.as_deref().unwrap_or_default()));
        }
        fields.push(("Timestamp", &self.timestamp));
        if self.kind != "Notification" {
            fields.push(("Token", self.token.as_deref().unwrap_or_default()));
        }
        fields.push(("TopicArn", &self.topic_arn));
        fields.push(("Type", &self.kind));
        fields.iter().map(|(name, value)| format!("{name}\n{value}\n")).collect()
    }
}

/// Which URLs may hold SNS certificates and subscription links.
#[derive(Debug, Clone, Default)]
pub struct SnsOrigins {
    /// Another origin to trust besides AWS's SNS hosts (the emulator's, in tests and the demo).
    pub extra: Option<String>,
}

impl SnsOrigins {
    /// Whether `url` is an SNS URL: HTTPS on `sns.<region>.amazonaws.com` (or `.com.cn`), or
    /// under the extra origin.
    pub fn allows(&self, url: &str) -> bool {
        if let Some(extra) = &self.extra
            && url.starts_with(&format!("{}/", extra.trim_end_matches('/')))
        {
            return true;
        }
        let Some(rest) = url.strip_prefix("https://") else { return false };
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default().to_ascii_lowercase();
        let Some(region) = host.strip_prefix("sns.") else { return false };
        let region = region.strip_suffix(".amazonaws.com").or_else(|| region.strip_suffix(".amazonaws.com.cn"));
        region.is_some_and(|r| {
            !r.is_empty() && r.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
    }
}

/// SNS signing certificates by URL, as RSA public keys.
#[derive(Debug, Clone, Default)]
pub struct CertificateCache {
    keys: Arc<RwLock<HashMap<String, Vec<u8>>>>,
}

impl CertificateCache {
    /// Keeps the certificate (PEM) found at `url`.
    pub fn insert_pem(&self, url: &str, pem: &str) -> Result<(), String> {
        let der = crate::der::pem_block(pem, "CERTIFICATE").ok_or("not a PEM certificate")?;
        let spki = crate::der::certificate_public_key_info(&der).ok_or("the certificate cannot be read")?;
        let key = crate::der::public_key_bits(spki).ok_or("the certificate has no public key")?;
        self.keys.write().unwrap_or_else(|e| e.into_inner()).insert(url.to_owned(), key.to_vec());
        Ok(())
    }

    pub fn contains(&self, url: &str) -> bool {
        self.keys.read().unwrap_or_else(|e| e.into_inner()).contains_key(url)
    }

    fn key(&self, url: &str) -> Option<Vec<u8>> {
        self.keys.read().unwrap_or_else(|e| e.into_inner()).get(url).cloned()
    }
}

/// Checks the message's signature with its certificate, which must be cached already.
pub fn verify(message: &SnsMessage, origins: &SnsOrigins, certificates: &CertificateCache) -> Result<(), VerifyError> {
    const NAME: &str = "SNS Signature";
    if !origins.allows(&message.signing_cert_url) {
        return Err(VerifyError::BadSignature("SigningCertURL (not an SNS host)"));
    }
    let key = certificates.key(&message.signing_cert_url).ok_or(VerifyError::BadSignature("SigningCertURL"))?;
    let algorithm = match message.signature_version.as_str() {
        "1" => &RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
        "2" => &RSA_PKCS1_2048_8192_SHA256,
        _ => return Err(VerifyError::BadSignature("SignatureVersion")),
    };
    let signature = STANDARD.decode(message.signature.trim()).map_err(|_| VerifyError::BadSignature(NAME))?;
    UnparsedPublicKey::new(algorithm, key)
        .verify(message.string_to_sign().as_bytes(), &signature)
        .map_err(|_| VerifyError::BadSignature(NAME))
}

/// Fetches and keeps the message's certificate unless it is kept already.
pub async fn fetch_certificate(
    client: &reqwest::Client,
    message: &SnsMessage,
    origins: &SnsOrigins,
    certificates: &CertificateCache,
) -> Result<(), VerifyError> {
    let url = &message.signing_cert_url;
    if certificates.contains(url) {
        return Ok(());
    }
    if !origins.allows(url) {
        return Err(VerifyError::BadSignature("SigningCertURL (not an SNS host)"));
    }
    let unreachable =
        |e: String| VerifyError::Credentials(format!("the SNS certificate {url} could not be fetched: {e}"));
    let response = client.get(url).send().await.map_err(|e| unreachable(e.without_url().to_string()))?;
    if !response.status().is_success() {
        return Err(unreachable(format!("HTTP {}", response.status())));
    }
    let pem = response.text().await.map_err(|e| unreachable(e.to_string()))?;
    certificates.insert_pem(url, &pem).map_err(|e| unreachable(e.to_owned()))
}

#[cfg(test)]
mod tests;
