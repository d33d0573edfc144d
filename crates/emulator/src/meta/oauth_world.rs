//! What Facebook Login for Business (Embedded Signup) leaves behind: Meta apps, the one-time
//! authorization codes the login dialog returns, and the user access tokens exchanged for them,
//! each granting the app `whatsapp_business_management` and `whatsapp_business_messaging` on
//! one WhatsApp Business Account, or the Page and Instagram messaging permissions on Facebook
//! Pages (see [`super::page_world`]).

use std::collections::HashMap;

/// Lifetime of the user token an authorization code is exchanged for.
pub(crate) const SHORT_LIVED_SECS: u64 = 60 * 60;
/// Lifetime of a token from `grant_type=fb_exchange_token` (60 days).
pub(crate) const LONG_LIVED_SECS: u64 = 60 * 24 * 60 * 60;
/// How long the app may read the user's data after the login (90 days).
pub(crate) const DATA_ACCESS_SECS: u64 = 90 * 24 * 60 * 60;
/// The permissions the login grants on the business account.
pub(crate) const GRANTED_SCOPES: [&str; 2] = ["whatsapp_business_management", "whatsapp_business_messaging"];
/// The name `debug_token` reports for every app.
pub(crate) const APP_NAME: &str = "Switchboard";

/// An authorization code as the login dialog returned it.
#[derive(Clone, Debug)]
pub(crate) struct AuthorizationCode {
    pub app_id: String,
    pub redirect_uri: String,
    /// The business account granted, for a WhatsApp login.
    pub waba_id: Option<String>,
    /// The Facebook Pages granted, for a Messenger and Instagram login.
    pub page_ids: Vec<String>,
    /// The Facebook user who logged in.
    pub user_id: String,
    /// Codes are single-use.
    pub used: bool,
}

/// A user access token issued by `/oauth/access_token`.
#[derive(Clone, Debug)]
pub(crate) struct UserToken {
    pub app_id: String,
    pub waba_id: Option<String>,
    pub page_ids: Vec<String>,
    pub user_id: String,
    /// Unix seconds.
    pub issued_at: u64,
    pub expires_at: u64,
    pub data_access_expires_at: u64,
    /// From `fb_exchange_token` rather than from a code.
    pub long_lived: bool,
}

/// Apps, codes and tokens.
#[derive(Default)]
pub(crate) struct OAuthWorld {
    /// App id → app secret.
    pub apps: HashMap<String, String>,
    /// Code → what it grants.
    pub codes: HashMap<String, AuthorizationCode>,
    /// Access token → what it grants.
    pub tokens: HashMap<String, UserToken>,
}

impl OAuthWorld {
    /// The grant behind a user token that has not expired at `now` (Unix seconds).
    pub fn live_token(&self, token: &str, now: u64) -> Option<&UserToken> {
        self.tokens.get(token).filter(|grant| grant.expires_at > now)
    }

    /// The app id of an app access token (`{app_id}|{app_secret}`) this world knows.
    pub fn app_of_app_token(&self, token: &str) -> Option<&str> {
        let (app_id, secret) = token.split_once('|')?;
        self.apps.get_key_value(app_id).filter(|(_, known)| known.as_str() == secret).map(|(id, _)| id.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(expires_at: u64) -> UserToken {
        UserToken {
            app_id: "1".into(),
            waba_id: Some("2".into()),
            page_ids: Vec::new(),
            user_id: "3".into(),
            issued_at: 0,
            expires_at,
            data_access_expires_at: expires_at,
            long_lived: false,
        }
    }

    #[test]
    fn tokens_stop_working_when_they_expire() {
        let mut world = OAuthWorld::default();
        world.tokens.insert("EAA1".into(), grant(100));
        assert!(world.live_token("EAA1", 99).is_some());
        assert!(world.live_token("EAA1", 100).is_none());
        assert!(world.live_token("EAA2", 0).is_none());
    }

    #[test]
    fn app_tokens_are_the_app_id_and_secret() {
        let mut world = OAuthWorld::default();
        world.apps.insert("123".into(), "s3cret".into());
        assert_eq!(world.app_of_app_token("123|s3cret"), Some("123"));
        assert_eq!(world.app_of_app_token("123|wrong"), None);
        assert_eq!(world.app_of_app_token("123"), None);
        assert_eq!(world.app_of_app_token("999|s3cret"), None);
    }
}
