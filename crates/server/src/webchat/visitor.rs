//! Who is asking: the channel a widget request is for and the visitor it comes from, checked on
//! every request, and the checks every request that changes something passes (it comes from the
//! widget's frame, within the address's rate).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use switchboard_domain::{Identity, IdentityKind, Provider};

use super::visitor_token::{self, TokenError, Visitor};
use crate::channels::ResolvedChannel;
use crate::clock::now_ms;
use crate::http::problem::Problem;
use crate::state::AppState;

/// Why a widget request was refused.
pub enum Refusal {
    Problem(Problem),
    /// Over a rate limit: try again after this many seconds.
    TooMany {
        retry_after: u64,
        detail: String,
    },
}

impl From<Problem> for Refusal {
    fn from(problem: Problem) -> Self {
        Self::Problem(problem)
    }
}

impl From<switchboard_store::StoreError> for Refusal {
    fn from(error: switchboard_store::StoreError) -> Self {
        Self::Problem(Problem::from(error))
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Self::Problem(problem) => problem.into_response(),
            Self::TooMany { retry_after, detail } => {
                let mut response = Problem::new(StatusCode::TOO_MANY_REQUESTS, "rate-limited", detail).into_response();
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
                response
            }
        }
    }
}

/// The enabled web chat channel whose public key this is.
pub async fn channel_by_key(state: &AppState, key: &str) -> Result<Arc<ResolvedChannel>, Problem> {
    let unknown =
        || Problem::not_found(format!("there is no chat widget with the key {key:?}; copy the snippet again"));
    let record = state.store.find_channel_by_external_id(Provider::Webchat, key).await?.ok_or_else(unknown)?;
    let channel = state.channels.get(record.channel_id).await?.ok_or_else(unknown)?;
    if !channel.record.enabled {
        return Err(Problem::not_found("this chat is switched off"));
    }
    Ok(channel)
}

/// A checked visitor and the channel they talk to.
pub struct VisitorSession {
    pub channel: Arc<ResolvedChannel>,
    pub visitor: Visitor,
}

impl VisitorSession {
    pub fn identity(&self) -> Identity {
        Identity { kind: IdentityKind::Webchat, value: self.visitor.identity_value() }
    }
}

/// The visitor token a request carries as `Authorization: Bearer`.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ")
}

fn invalid(error: TokenError) -> Problem {
    let kind = if error == TokenError::Expired { "visitor-token-expired" } else { "invalid-visitor-token" };
    Problem::new(StatusCode::UNAUTHORIZED, kind, error.to_string())
}

/// The visitor a request's token (the `Authorization` header, else `query_token`) names.
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    query_token: Option<&str>,
) -> Result<VisitorSession, Problem> {
    let token = bearer(headers)
        .or(query_token)
        .ok_or_else(|| Problem::unauthorized("the widget sends its visitor token as Authorization: Bearer"))?;
    authenticate_token(state, token).await
}

/// The visitor a token names.
pub async fn authenticate_token(state: &AppState, token: &str) -> Result<VisitorSession, Problem> {
    let claimed = visitor_token::claimed_channel(token).ok_or(invalid(TokenError::Forged))?;
    let channel = state
        .channels
        .get(claimed)
        .await?
        .filter(|c| c.record.provider == Provider::Webchat && c.record.enabled)
        .ok_or(invalid(TokenError::Forged))?;
    let visitor = visitor_token::check(&state.secrets, claimed, token, now_ms()).map_err(invalid)?;
    Ok(VisitorSession { channel, visitor })
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    url[after_scheme..].find('/').map_or(url, |slash| &url[..after_scheme + slash])
}

/// Refuses a request that a page of another origin made: the widget's requests come from its
/// frame, on this server's origin (a browser always says where a POST comes from).
pub fn from_the_frame(state: &AppState, headers: &HeaderMap) -> Result<(), Problem> {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return Ok(()) };
    if origin.eq_ignore_ascii_case(origin_of(&state.public_url)) {
        return Ok(());
    }
    Err(Problem::forbidden(
        "origin-not-allowed",
        format!("requests from {origin} are refused: the chat widget talks to this server from its own frame"),
    ))
}

/// Counts a request that changes something against the address's rate.
pub fn within_address_rate(state: &AppState, peer: SocketAddr) -> Result<(), Refusal> {
    state.widget_limits.address_requests.take(&peer.ip().to_string(), now_ms()).map_err(|retry_after| {
        Refusal::TooMany {
            retry_after,
            detail: format!("too many chat requests from this network; try again in {retry_after} seconds"),
        }
    })
}

/// The checks every visitor's request that changes something passes: it comes from the frame,
/// within its address's rate, with a good token; the visitor it names.
pub async fn visitor_change(
    state: &AppState,
    peer: SocketAddr,
    headers: &HeaderMap,
) -> Result<VisitorSession, Refusal> {
    from_the_frame(state, headers)?;
    within_address_rate(state, peer)?;
    Ok(authenticate(state, headers, None).await?)
}

/// The visitor's contact and conversation, once they have them.
pub async fn visitor_conversation(
    state: &AppState,
    session: &VisitorSession,
) -> Result<Option<(switchboard_store::model::Contact, switchboard_domain::ConversationId)>, Problem> {
    let workspace_id = session.channel.record.workspace_id;
    let Some(contact) = state.store.find_contact_by_identity(workspace_id, &session.identity()).await? else {
        return Ok(None);
    };
    let filter =
        switchboard_store::repo::ConversationFilter { contact_id: Some(contact.contact_id), ..Default::default() };
    let page = state.store.list_conversations(workspace_id, &filter, None, 1).await?;
    Ok(page.items.first().map(|c| (contact, c.conversation_id)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_origin_is_the_url_up_to_its_path() {
        assert_eq!(super::origin_of("https://hub.example.com/base"), "https://hub.example.com");
        assert_eq!(super::origin_of("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
    }
}
