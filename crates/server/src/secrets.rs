//! Encryption at rest for provider credentials: XChaCha20-Poly1305 with a 32-byte key from
//! `SWITCHBOARD_SECRET_KEY` or a key file. A sealed value is a version byte, the 24-byte random
//! nonce and the ciphertext with its tag; the channel id is bound in as associated data, so a
//! sealed blob copied onto another channel does not open.

use std::io::Write;
use std::path::Path;

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngExt;

use crate::config::SecretKeySource;

const VERSION: u8 = 1;
const NONCE_LEN: usize = 24;

/// `len` random letters and digits (base62): API keys, URL secrets, public keys.
pub fn random_base62(len: usize) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut rng = rand::rng();
    (0..len).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

/// Seals and opens secrets with the deployment's key.
#[derive(Clone)]
pub struct SecretBox {
    cipher: XChaCha20Poly1305,
    /// A key of its own for signing what we hand out (links), derived from the same key.
    signing_key: [u8; 32],
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("the secret key must be 32 bytes, written as 64 hex digits or base64")]
    BadKey,
    #[error("could not read or create the key file {path}: {source}")]
    KeyFile { path: String, source: std::io::Error },
    #[error("a stored secret could not be decrypted: wrong SWITCHBOARD_SECRET_KEY or key file, or corrupt data")]
    Open,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(<key>)")
    }
}

impl SecretBox {
    pub fn from_key(key: &[u8; 32]) -> Self {
        use hmac::Mac;
        let mut derive = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes any key length");
        derive.update(b"switchboard signing key v1");
        Self { cipher: XChaCha20Poly1305::new(key.into()), signing_key: derive.finalize().into_bytes().into() }
    }

    /// An HMAC-SHA256 of `message` under the deployment's signing key.
    pub fn sign(&self, message: &[u8]) -> [u8; 32] {
        use hmac::Mac;
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&self.signing_key).expect("HMAC takes any key length");
        mac.update(message);
        mac.finalize().into_bytes().into()
    }

    /// Loads the key from its source, creating the key file (mode 0600) when it is missing.
    pub fn load(source: &SecretKeySource) -> Result<Self, SecretError> {
        match source {
            SecretKeySource::Value(text) => Ok(Self::from_key(&decode_key(text)?)),
            SecretKeySource::File(path) => Ok(Self::from_key(&load_or_create_key_file(path)?)),
        }
    }

    pub fn seal(&self, plaintext: &[u8], associated: &[u8]) -> Vec<u8> {
        let nonce: [u8; NONCE_LEN] = rand::rng().random();
        let ciphertext = self
            .cipher
            .encrypt(&XNonce::from(nonce), Payload { msg: plaintext, aad: associated })
            .expect("encryption with a valid key cannot fail");
        let mut sealed = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
        sealed.push(VERSION);
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        sealed
    }

    pub fn open(&self, sealed: &[u8], associated: &[u8]) -> Result<Vec<u8>, SecretError> {
        if sealed.len() < 1 + NONCE_LEN || sealed[0] != VERSION {
            return Err(SecretError::Open);
        }
        let (nonce, ciphertext) = sealed[1..].split_at(NONCE_LEN);
        let nonce = XNonce::try_from(nonce).map_err(|_| SecretError::Open)?;
        self.cipher.decrypt(&nonce, Payload { msg: ciphertext, aad: associated }).map_err(|_| SecretError::Open)
    }
}

fn decode_key(text: &str) -> Result<[u8; 32], SecretError> {
    let text = text.trim();
    let bytes = if text.len() == 64 && text.chars().all(|c| c.is_ascii_hexdigit()) {
        hex::decode(text).map_err(|_| SecretError::BadKey)?
    } else {
        base64::engine::general_purpose::STANDARD.decode(text).map_err(|_| SecretError::BadKey)?
    };
    bytes.try_into().map_err(|_| SecretError::BadKey)
}

fn load_or_create_key_file(path: &Path) -> Result<[u8; 32], SecretError> {
    let io = |source| SecretError::KeyFile { path: path.display().to_string(), source };
    match std::fs::read_to_string(path) {
        Ok(text) => decode_key(&text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key: [u8; 32] = rand::rng().random();
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(path).map_err(io)?;
            file.write_all(format!("{}\n", hex::encode(key)).as_bytes()).map_err(io)?;
            file.sync_all().map_err(io)?;
            tracing::info!(path = %path.display(), "created a new secret key file (mode 0600); back it up with the database");
            Ok(key)
        }
        Err(e) => Err(io(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_only_with_the_same_key_and_channel() {
        let sealed_box = SecretBox::from_key(&[7; 32]);
        let sealed = sealed_box.seal(b"auth-token", b"channel-a");
        assert!(!sealed.windows(10).any(|w| w == b"auth-token"), "plaintext must not appear");
        assert_eq!(sealed_box.open(&sealed, b"channel-a").unwrap(), b"auth-token");
        assert!(sealed_box.open(&sealed, b"channel-b").is_err());
        assert!(SecretBox::from_key(&[8; 32]).open(&sealed, b"channel-a").is_err());
    }

    #[test]
    fn a_missing_key_file_is_created_private_and_reused() {
        let path = std::env::temp_dir().join(format!("switchboard-key-{}", uuid::Uuid::now_v7()));
        let first = SecretBox::load(&SecretKeySource::File(path.clone())).unwrap();
        let sealed = first.seal(b"x", b"");
        let second = SecretBox::load(&SecretKeySource::File(path.clone())).unwrap();
        assert_eq!(second.open(&sealed, b"").unwrap(), b"x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_key_of_the_wrong_length_is_refused() {
        assert!(matches!(SecretBox::load(&SecretKeySource::Value("abcd".into())), Err(SecretError::BadKey)));
        let hex_key = "11".repeat(32);
        assert!(SecretBox::load(&SecretKeySource::Value(hex_key)).is_ok());
    }
}
