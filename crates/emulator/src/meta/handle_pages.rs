//! [`MetaEmulator`]'s side of Facebook Login for Pages: authorization codes granting the Page and
//! Instagram messaging permissions on Facebook Pages, the Instagram accounts linked to Pages,
//! Page names, and the webhook fields the app subscribed each Page to.

use super::handle::MetaEmulator;
use super::ids::new_object_id;
use super::oauth_world::AuthorizationCode;

impl MetaEmulator {
    /// A one-time authorization code, as the login dialog of `app_id` would return it to
    /// `redirect_uri`, granting `pages_show_list`, `pages_messaging`, `pages_manage_metadata`,
    /// `instagram_basic` and `instagram_manage_messages` on these Pages (each registered with
    /// `add_messaging_account(MessagingPlatform::Messenger, …)`). Its tokens are exchanged like
    /// those of `add_oauth_code`; `GET /me/accounts` with them lists the Pages and their page
    /// access tokens. The user tokens themselves cannot send messages.
    pub fn add_page_oauth_code(&self, app_id: &str, code: &str, redirect_uri: &str, page_ids: &[&str]) {
        let grant = AuthorizationCode {
            app_id: app_id.to_owned(),
            redirect_uri: redirect_uri.to_owned(),
            waba_id: None,
            page_ids: page_ids.iter().map(|id| (*id).to_owned()).collect(),
            user_id: new_object_id(),
            used: false,
        };
        self.shared.state.update(|world| world.meta.oauth.codes.insert(code.to_owned(), grant));
    }

    /// Links the Instagram professional account (registered with
    /// `add_messaging_account(MessagingPlatform::Instagram, …)`) to the Page, as
    /// `instagram_business_account` of `me/accounts` and the `instagram_*` scopes of `debug_token`
    /// show it.
    pub fn link_instagram_account(&self, page_id: &str, instagram_account_id: &str) {
        self.shared.state.update(|world| {
            let page = world.meta.messaging.pages.entry(page_id.to_owned()).or_default();
            page.instagram_account_id = Some(instagram_account_id.to_owned());
        });
    }

    /// Sets the name `me/accounts` shows for the Page (`Test Page` until set).
    pub fn set_page_name(&self, page_id: &str, name: &str) {
        self.shared.state.update(|world| {
            world.meta.messaging.pages.entry(page_id.to_owned()).or_default().name = Some(name.to_owned());
        });
    }

    /// The `subscribed_fields` of the last `POST /{page_id}/subscribed_apps`, if the app
    /// subscribed the Page.
    pub fn is_page_subscribed(&self, page_id: &str) -> Option<Vec<String>> {
        self.shared.state.read(|world| world.meta.messaging.pages.get(page_id)?.subscribed_fields.clone())
    }
}
