//! Access tokens: the Graph API takes `Authorization: Bearer <token>` (or an `access_token`
//! query parameter); a token (the account's own, or a user token Facebook Login granted on it)
//! belongs to one business account and may only use its objects.

use axum::http::{HeaderMap, header};

use super::graph_error::GraphError;
use super::world::MetaWorld;
use crate::clock::now_unix;

/// The access token of a request, from the `Authorization` header or the query string.
pub(crate) fn access_token(headers: &HeaderMap, query: Option<&str>) -> Option<String> {
    let from_header = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("oauth"))
        .map(|(_, token)| token.trim().to_owned());
    from_header.filter(|token| !token.is_empty()).or_else(|| {
        form_urlencoded::parse(query.unwrap_or("").as_bytes())
            .find(|(name, _)| name == "access_token")
            .map(|(_, token)| token.into_owned())
            .filter(|token| !token.is_empty())
    })
}

/// The WABA id whose token the request carries, or 401 / 190.
pub(crate) fn authenticate(world: &MetaWorld, headers: &HeaderMap, query: Option<&str>) -> Result<String, GraphError> {
    let token = access_token(headers, query).ok_or_else(GraphError::invalid_token)?;
    world.account_for_token(&token, now_unix()).map(str::to_owned).ok_or_else(GraphError::invalid_token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn tokens_come_from_the_bearer_header_or_the_query() {
        let mut headers = HeaderMap::new();
        assert_eq!(access_token(&headers, Some("access_token=abc&x=1")).as_deref(), Some("abc"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer EAAG123"));
        assert_eq!(access_token(&headers, None).as_deref(), Some("EAAG123"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic dXNlcjpwYXNz"));
        assert_eq!(access_token(&headers, None), None);
    }
}
