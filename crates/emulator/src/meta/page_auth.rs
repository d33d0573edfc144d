//! Which tokens may act for a Facebook Page: only its page access token. A user token from
//! Facebook Login (even one granted `pages_messaging` on the Page) is refused with Graph's
//! `(#210)` permission error, another Page's token with `(#200)`, anything else with 190.

use super::graph_error::GraphError;
use super::world::MetaWorld;
use crate::clock::now_unix;

/// 403 / 210: a user token where Graph requires a page access token.
pub(crate) fn page_token_required() -> GraphError {
    GraphError {
        http_status: 403,
        code: 210,
        message: "(#210) A page access token is required to request this resource.".to_owned(),
        kind: "OAuthException",
        subcode: None,
        details: None,
    }
}

/// 403 / 200: a token that may not act for this object.
pub(crate) fn permissions_error() -> GraphError {
    GraphError {
        http_status: 403,
        code: 200,
        message: "(#200) Permissions error".to_owned(),
        kind: "OAuthException",
        subcode: None,
        details: None,
    }
}

/// Whether the token is a live user token from Facebook Login rather than a page access token.
pub(crate) fn is_user_token(meta: &MetaWorld, token: &str) -> bool {
    meta.messaging.account_for_token(token).is_none() && meta.oauth.live_token(token, now_unix()).is_some()
}

/// Checks that `token` is the page access token of `page_id`.
pub(crate) fn authorize_page(meta: &MetaWorld, page_id: &str, token: &str) -> Result<(), GraphError> {
    let messaging = &meta.messaging;
    if messaging.accounts.get(page_id).is_some_and(|page| page.page_access_token == token) {
        Ok(())
    } else if messaging.account_for_token(token).is_some() {
        Err(permissions_error())
    } else if is_user_token(meta, token) {
        Err(page_token_required())
    } else {
        Err(GraphError::invalid_token())
    }
}
