//! [`MetaEmulator`]'s side of Facebook Login for Business (Embedded Signup): registers Meta apps
//! and plays the login dialog by handing out authorization codes for a business account.

use super::handle::MetaEmulator;
use super::ids::new_object_id;
use super::oauth_world::AuthorizationCode;

impl MetaEmulator {
    /// Registers a Meta app: `client_id` and `client_secret` of `/oauth/access_token`, and the
    /// `{app_id}|{app_secret}` app token `debug_token` accepts.
    pub fn add_app(&self, app_id: &str, app_secret: &str) {
        self.shared.state.update(|world| world.meta.oauth.apps.insert(app_id.to_owned(), app_secret.to_owned()));
    }

    /// A one-time authorization code, as the login dialog of `app_id` would return it to
    /// `redirect_uri`, granting `whatsapp_business_management` and `whatsapp_business_messaging`
    /// on the business account `waba_id` (see `add_business_account`). The tokens exchanged for
    /// it are accepted wherever the account's own access token is.
    pub fn add_oauth_code(&self, app_id: &str, code: &str, redirect_uri: &str, waba_id: &str) {
        let grant = AuthorizationCode {
            app_id: app_id.to_owned(),
            redirect_uri: redirect_uri.to_owned(),
            waba_id: Some(waba_id.to_owned()),
            page_ids: Vec::new(),
            user_id: new_object_id(),
            used: false,
        };
        self.shared.state.update(|world| world.meta.oauth.codes.insert(code.to_owned(), grant));
    }
}
