//! Workspace API keys: `sb_` and 40 random base62 characters. Only the SHA-256 of a key is
//! stored (a random key this long needs no slow hash); the key itself is shown once, at creation.

use rand::RngExt;
use sha2::{Digest, Sha256};

const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A freshly generated key.
pub struct GeneratedKey {
    pub secret: String,
    pub prefix: String,
    pub hash: [u8; 32],
}

pub fn generate() -> GeneratedKey {
    let mut rng = rand::rng();
    let body: String = (0..40).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect();
    let secret = format!("sb_{body}");
    GeneratedKey { prefix: secret[..10].to_owned(), hash: hash(&secret), secret }
}

pub fn hash(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    #[test]
    fn generated_keys_are_distinct_and_hash_stably() {
        let a = super::generate();
        let b = super::generate();
        assert_ne!(a.secret, b.secret);
        assert!(a.secret.starts_with("sb_") && a.secret.len() == 43);
        assert_eq!(super::hash(&a.secret), a.hash);
        assert!(a.secret.starts_with(&a.prefix));
    }
}
