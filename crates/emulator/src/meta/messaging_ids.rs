//! Identifiers of the Messenger Platform: Messenger message ids (`m_` and URL-safe characters),
//! Instagram message ids (URL-safe base64 of an `ig_message_item` record naming the account),
//! and numeric Meta app ids.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngExt as _;

use super::messaging_types::MessagingPlatform;

/// A fresh message id for a message in a conversation of `account_id`.
pub(crate) fn new_mid(platform: MessagingPlatform, account_id: &str) -> String {
    let mut rng = rand::rng();
    match platform {
        MessagingPlatform::Messenger => {
            const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            let tail: String = (0..86).map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())])).collect();
            format!("m_{tail}")
        }
        MessagingPlatform::Instagram => {
            let item: u128 = rng.random_range(10u128.pow(37)..10u128.pow(38));
            URL_SAFE_NO_PAD.encode(format!("ig_message_item:1:IGMessageThread:{account_id}:{item}"))
        }
    }
}

/// A Meta app id: 16 digits.
pub(crate) fn new_app_id() -> u64 {
    rand::rng().random_range(1_000_000_000_000_000..10_000_000_000_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mids_look_like_each_platforms() {
        let messenger = new_mid(MessagingPlatform::Messenger, "1");
        assert!(messenger.starts_with("m_") && messenger.len() == 88, "{messenger}");
        assert_ne!(messenger, new_mid(MessagingPlatform::Messenger, "1"));
        let instagram = new_mid(MessagingPlatform::Instagram, "17841400000000000");
        assert!(instagram.starts_with("aWdf"), "{instagram}");
        let record = String::from_utf8(URL_SAFE_NO_PAD.decode(&instagram).unwrap()).unwrap();
        assert!(record.starts_with("ig_message_item:1:IGMessageThread:17841400000000000:"), "{record}");
        assert_eq!(new_app_id().to_string().len(), 16);
    }
}
