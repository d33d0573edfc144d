//! Workspace API keys: `sb_` and 40 random base62 characters. Only the SHA-256 of a key is
//! stored (a random key this long needs no slow hash); the key itself is shown once, at creation.

use sha2::{Digest, Sha256};

/// A freshly generated key.
pub struct GeneratedKey {
    pub secret: String,
    pub prefix: String,
    pub hash: [u8; 32],
}

pub fn generate() -> GeneratedKey {
    let secret = format!("sb_{}", crate::secrets::random_base62(40));
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
