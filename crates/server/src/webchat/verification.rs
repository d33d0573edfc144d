//! Proving an email address from the widget, so that a visitor's chat follows them to another
//! device: `POST /widget/api/verify/start {email}` emails a six-digit code through the
//! workspace's email channel, and `POST /widget/api/verify/finish {email, code}` checks it. Then
//! the visitor's contact and the one that has the address become one (or the visitor's contact
//! gets the address), and the widget shows the chat of every device of that contact.
//!
//! A code is an HMAC under the deployment's key over the channel, the visitor, the address and
//! a ten-minute window, cut to six digits: nothing is stored, any node can check it, and it is
//! good for the window it was made in and the next. A visitor may ask for three codes and try
//! five a minute.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use subtle::ConstantTimeEq;
use switchboard_domain::{ChannelKind, EmailAddress, Identity, IdentityKind, SenderKind};

use super::session::{SessionView, session_view};
use super::visitor::{Refusal, VisitorSession, visitor_change};
use crate::clock::now_ms;
use crate::http::extract::ApiJson;
use crate::http::problem::Problem;
use crate::outbound::{Recipient, SendRequest, queue_send};
use crate::state::AppState;

const WINDOW_MS: i64 = 10 * 60 * 1000;

fn code(state: &AppState, session: &VisitorSession, email: &EmailAddress, window: i64) -> String {
    let mut message = b"webchat-email-code:".to_vec();
    message.extend_from_slice(session.channel.record.channel_id.0.as_bytes());
    message.extend_from_slice(session.visitor.visitor_id.as_bytes());
    message.extend_from_slice(email.as_str().as_bytes());
    message.extend_from_slice(&window.to_be_bytes());
    let mac = state.secrets.sign(&message);
    let number = u32::from_be_bytes([mac[0], mac[1], mac[2], mac[3]]) % 1_000_000;
    format!("{number:06}")
}

fn address(raw: &str) -> Result<EmailAddress, Problem> {
    EmailAddress::parse(raw).map_err(|e| Problem::unprocessable("invalid-email", format!("{raw:?}: {e}")))
}

fn limited(retry_after: u64) -> Refusal {
    Refusal::TooMany { retry_after, detail: format!("too many tries; please wait {retry_after} seconds") }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartInput {
    email: String,
}

pub async fn start(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<StartInput>,
) -> Result<StatusCode, Refusal> {
    let session = visitor_change(&state, peer, &headers).await?;
    let email = address(&input.email)?;
    let workspace_id = session.channel.record.workspace_id;
    let channels = state.store.list_channels(workspace_id).await?;
    let Some(mail) = channels.iter().find(|c| c.kind == ChannelKind::Email && c.enabled) else {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "no-email-channel",
            "this business has no email channel to send a code with",
        )
        .into());
    };
    let visitor = session.visitor.identity_value();
    state.widget_limits.verification_codes.take(&visitor, now_ms()).map_err(limited)?;
    let code = code(&state, &session, &email, now_ms() / WINDOW_MS);
    let body = format!(
        "Your code to continue your chat with {}: {code}\n\nIt is good for ten minutes. If you did not ask for it, ignore this email.",
        session.channel.record.name
    );
    let request = SendRequest {
        workspace_id,
        channel_id: mail.channel_id,
        recipient: Recipient::Address(email.as_str().to_owned()),
        body,
        media_urls: Vec::new(),
        content: None,
        reply_to: None,
        sender_kind: SenderKind::System,
        idempotency_key: None,
    };
    queue_send(&state, request).await.map_err(Problem::from)?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FinishInput {
    email: String,
    code: String,
}

pub async fn finish(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<FinishInput>,
) -> Result<Json<SessionView>, Refusal> {
    let session = visitor_change(&state, peer, &headers).await?;
    let email = address(&input.email)?;
    state.widget_limits.verification_tries.take(&session.visitor.identity_value(), now_ms()).map_err(limited)?;
    let window = now_ms() / WINDOW_MS;
    let presented = input.code.trim().as_bytes();
    let good = [window, window - 1]
        .into_iter()
        .any(|w| bool::from(code(&state, &session, &email, w).as_bytes().ct_eq(presented)));
    if !good {
        return Err(Problem::unprocessable("wrong-code", "that code is not the one we sent, or it has expired").into());
    }
    join(&state, &session, &email).await?;
    let workspace_id = session.channel.record.workspace_id;
    Ok(Json(session_view(&state, &session.visitor, workspace_id).await?))
}

/// Makes the visitor's contact and the address's one contact.
async fn join(state: &AppState, session: &VisitorSession, email: &EmailAddress) -> Result<(), Problem> {
    let workspace_id = session.channel.record.workspace_id;
    let identity = Identity { kind: IdentityKind::Email, value: email.as_str().to_owned() };
    let holder = state.store.find_contact_by_identity(workspace_id, &identity).await?;
    let own = state.store.find_contact_by_identity(workspace_id, &session.identity()).await?;
    let now = now_ms();
    match (holder, own) {
        (Some(holder), Some(own)) if holder.contact_id != own.contact_id => {
            state.store.merge_contacts(workspace_id, holder.contact_id, own.contact_id, now).await?;
        }
        (Some(holder), None) => {
            state.store.add_identity(workspace_id, holder.contact_id, &session.identity(), now).await?;
        }
        (None, Some(own)) => {
            state.store.add_identity(workspace_id, own.contact_id, &identity, now).await?;
        }
        (None, None) => {
            let contact = switchboard_store::writes::NewContact {
                workspace_id,
                display_name: None,
                identities: vec![session.identity(), identity],
                now,
            };
            state.store.create_contact(contact).await?;
        }
        _ => {}
    }
    tracing::info!(channel_id = %session.channel.record.channel_id, "a web chat visitor proved an email address");
    Ok(())
}
