//! The OAuth `state`: a nonce and an expiry with an HMAC over both, keyed by the session's
//! secret CSRF token. Any node can check it, and no other session can use it.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::super::session::random_token;

/// How long the administrator has to come back from Meta's dialog.
const STATE_LIFETIME_MS: i64 = 15 * 60 * 1000;

fn mac(csrf: &str, nonce: &str, expires_at: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(csrf.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(format!("meta-oauth|{nonce}|{expires_at}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// A `state` for this session, valid for a quarter of an hour.
pub(super) fn new_state(csrf: &str, now: i64) -> String {
    let nonce = random_token();
    let expires_at = now + STATE_LIFETIME_MS;
    format!("{nonce}.{expires_at}.{}", mac(csrf, &nonce, expires_at))
}

/// Whether `state` was made for this session and has not expired.
pub(super) fn state_is_valid(csrf: &str, state: &str, now: i64) -> bool {
    let mut parts = state.splitn(3, '.');
    let (Some(nonce), Some(expires_at), Some(given)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let Ok(expires_at) = expires_at.parse::<i64>() else { return false };
    let expected = mac(csrf, nonce, expires_at);
    let same = subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), given.as_bytes());
    bool::from(same) && now <= expires_at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_is_valid_only_for_its_session_and_until_it_expires() {
        let state = new_state("session-one-csrf", 1_000);
        assert!(state_is_valid("session-one-csrf", &state, 1_000));
        assert!(!state_is_valid("session-two-csrf", &state, 1_000), "another session");
        assert!(!state_is_valid("session-one-csrf", &state, 1_000 + STATE_LIFETIME_MS + 1), "expired");
        let tampered = state.replacen('.', ".9", 1);
        assert!(!state_is_valid("session-one-csrf", &tampered, 1_000), "a changed expiry");
        assert!(!state_is_valid("session-one-csrf", "garbage", 1_000));
    }
}
