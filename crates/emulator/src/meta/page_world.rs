//! Facebook Pages as Facebook Login shows them: the permissions a Page login grants, each Page's
//! name and linked Instagram professional account, and the webhook fields the app subscribed
//! the Page to. The Pages themselves (ids, page access tokens) are the Messenger accounts of
//! [`super::messaging_world`].

use super::messaging_types::MessagingPlatform;
use super::messaging_world::MessagingWorld;

/// The permissions a Page login grants, and whether each is about the Pages or their Instagram accounts.
pub(crate) const PAGE_SCOPES: [(&str, Target); 5] = [
    ("pages_show_list", Target::Pages),
    ("pages_messaging", Target::Pages),
    ("pages_manage_metadata", Target::Pages),
    ("instagram_basic", Target::Instagram),
    ("instagram_manage_messages", Target::Instagram),
];

/// The name a Page has until `set_page_name`.
pub(crate) const DEFAULT_PAGE_NAME: &str = "Test Page";
/// The category `me/accounts` reports.
pub(crate) const PAGE_CATEGORY: &str = "Business";
/// The tasks the logged-in person can perform on each granted Page.
pub(crate) const PAGE_TASKS: [&str; 6] = ["ADVERTISE", "ANALYZE", "CREATE_CONTENT", "MESSAGING", "MODERATE", "MANAGE"];

/// What a granular scope's `target_ids` lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    Pages,
    Instagram,
}

/// What Facebook Login shows of a Page beyond its messaging account.
#[derive(Clone, Debug, Default)]
pub(crate) struct PageProfile {
    /// `None` until set: [`DEFAULT_PAGE_NAME`].
    pub name: Option<String>,
    /// The linked Instagram professional account.
    pub instagram_account_id: Option<String>,
    /// The fields of the last `POST /{page_id}/subscribed_apps`, if there was one.
    pub subscribed_fields: Option<Vec<String>>,
}

impl MessagingWorld {
    /// Whether `id` is a registered Facebook Page (a Messenger account).
    pub fn is_page(&self, id: &str) -> bool {
        self.accounts.get(id).is_some_and(|account| account.platform == MessagingPlatform::Messenger)
    }

    /// The Page's name.
    pub fn page_name(&self, page_id: &str) -> &str {
        self.pages.get(page_id).and_then(|page| page.name.as_deref()).unwrap_or(DEFAULT_PAGE_NAME)
    }

    /// The Instagram account linked to the Page, if any.
    pub fn linked_instagram(&self, page_id: &str) -> Option<&str> {
        self.pages.get(page_id).and_then(|page| page.instagram_account_id.as_deref())
    }

    /// The ids a granular scope on these Pages targets.
    pub fn target_ids(&self, page_ids: &[String], target: Target) -> Vec<String> {
        match target {
            Target::Pages => page_ids.to_vec(),
            Target::Instagram => {
                page_ids.iter().filter_map(|id| self.linked_instagram(id)).map(str::to_owned).collect()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_have_a_default_name_and_target_their_linked_instagram_accounts() {
        let mut world = MessagingWorld::default();
        let linked = PageProfile { instagram_account_id: Some("178".into()), ..PageProfile::default() };
        world.pages.insert("1".into(), linked);
        assert_eq!(world.page_name("1"), DEFAULT_PAGE_NAME);
        let pages = vec!["1".to_owned(), "2".to_owned()];
        assert_eq!(world.target_ids(&pages, Target::Pages), pages);
        assert_eq!(world.target_ids(&pages, Target::Instagram), vec!["178".to_owned()]);
        assert!(!world.is_page("1"));
    }
}
