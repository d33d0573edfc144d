//! The visitor's token: who they are to one web chat channel, kept in the widget's local storage
//! so that their conversation survives reloads and navigation. It is `v1.` and, in URL-safe
//! base64, the channel's id, the visitor's id and when it was issued, then `.` and a MAC over
//! them under the deployment's key. Nothing is stored server-side; a token is good for 30 days
//! from its issue and each new session issues a fresh one.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use subtle::ConstantTimeEq;
use switchboard_domain::ChannelId;

use crate::secrets::SecretBox;

/// How long a token is good for.
pub const LIFETIME_MS: i64 = 30 * 24 * 60 * 60 * 1000;
const MAC_BYTES: usize = 16;

/// A checked token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visitor {
    pub channel_id: ChannelId,
    /// The visitor's id, the value of their `webchat` identity.
    pub visitor_id: uuid::Uuid,
    pub issued_at: i64,
}

impl Visitor {
    /// The identity value the visitor's contact has.
    pub fn identity_value(&self) -> String {
        self.visitor_id.to_string()
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the visitor token is not one this server issued; start a new chat session")]
    Forged,
    #[error("the visitor token has expired; start a new chat session")]
    Expired,
    #[error("the visitor token belongs to another chat widget")]
    OtherChannel,
}

fn mac(secrets: &SecretBox, payload: &[u8]) -> [u8; MAC_BYTES] {
    let mut message = b"webchat-visitor:".to_vec();
    message.extend_from_slice(payload);
    let full = secrets.sign(&message);
    let mut short = [0; MAC_BYTES];
    short.copy_from_slice(&full[..MAC_BYTES]);
    short
}

/// A token for the visitor, issued now.
pub fn issue(secrets: &SecretBox, visitor: &Visitor) -> String {
    let mut payload = visitor.channel_id.0.as_bytes().to_vec();
    payload.extend_from_slice(visitor.visitor_id.as_bytes());
    payload.extend_from_slice(&visitor.issued_at.to_be_bytes());
    format!("v1.{}.{}", URL_SAFE_NO_PAD.encode(&payload), URL_SAFE_NO_PAD.encode(mac(secrets, &payload)))
}

/// The visitor a token names, if this server issued it for this channel and it has not expired.
pub fn check(secrets: &SecretBox, channel_id: ChannelId, token: &str, now: i64) -> Result<Visitor, TokenError> {
    let mut parts = token.trim().split('.');
    let (Some("v1"), Some(payload), Some(presented), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Forged);
    };
    let payload = URL_SAFE_NO_PAD.decode(payload).map_err(|_| TokenError::Forged)?;
    let presented = URL_SAFE_NO_PAD.decode(presented).map_err(|_| TokenError::Forged)?;
    if payload.len() != 40 || !bool::from(mac(secrets, &payload).as_slice().ct_eq(&presented)) {
        return Err(TokenError::Forged);
    }
    let id = |bytes: &[u8]| uuid::Uuid::from_slice(bytes).map_err(|_| TokenError::Forged);
    let visitor = Visitor {
        channel_id: ChannelId(id(&payload[..16])?),
        visitor_id: id(&payload[16..32])?,
        issued_at: i64::from_be_bytes(payload[32..40].try_into().map_err(|_| TokenError::Forged)?),
    };
    if visitor.channel_id != channel_id {
        return Err(TokenError::OtherChannel);
    }
    if now - visitor.issued_at > LIFETIME_MS {
        return Err(TokenError::Expired);
    }
    Ok(visitor)
}

/// The channel a token claims, before it is checked (to find the channel's key and settings).
pub fn claimed_channel(token: &str) -> Option<ChannelId> {
    let payload = URL_SAFE_NO_PAD.decode(token.trim().strip_prefix("v1.")?.split('.').next()?).ok()?;
    Some(ChannelId(uuid::Uuid::from_slice(payload.get(..16)?).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets() -> SecretBox {
        SecretBox::from_key(&[3; 32])
    }

    fn visitor(issued_at: i64) -> Visitor {
        Visitor { channel_id: ChannelId::new(), visitor_id: uuid::Uuid::now_v7(), issued_at }
    }

    #[test]
    fn a_token_names_its_visitor_until_it_expires() {
        let visitor = visitor(1_000);
        let token = issue(&secrets(), &visitor);
        assert_eq!(claimed_channel(&token), Some(visitor.channel_id));
        assert_eq!(check(&secrets(), visitor.channel_id, &token, 1_000 + LIFETIME_MS), Ok(visitor));
        assert_eq!(check(&secrets(), visitor.channel_id, &token, 1_001 + LIFETIME_MS), Err(TokenError::Expired));
    }

    #[test]
    fn an_altered_foreign_or_misplaced_token_is_refused() {
        let visitor = visitor(1_000);
        let token = issue(&secrets(), &visitor);
        let other_key = SecretBox::from_key(&[4; 32]);
        assert_eq!(check(&other_key, visitor.channel_id, &token, 1_000), Err(TokenError::Forged));
        assert_eq!(check(&secrets(), ChannelId::new(), &token, 1_000), Err(TokenError::OtherChannel));
        let mut altered = token.clone().into_bytes();
        altered[10] = if altered[10] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).unwrap();
        assert_eq!(check(&secrets(), visitor.channel_id, &altered, 1_000), Err(TokenError::Forged));
        assert_eq!(check(&secrets(), visitor.channel_id, "v1.abc", 1_000), Err(TokenError::Forged));
    }
}
