//! `POST /widget/api/session` (a visitor opens the widget: a new visitor, or the one their token
//! names, with a fresh token) and `POST /widget/api/identify` (the pre-chat form: the visitor's
//! name, email and phone, as the channel asks for them, make them a known contact).

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use switchboard_domain::{EmailAddress, Identity, IdentityKind, PhoneE164};
use switchboard_store::model::Contact;
use switchboard_store::writes::NewContact;

use super::settings::{Ask, WidgetSettings};
use super::visitor::{
    Refusal, VisitorSession, authenticate_token, channel_by_key, from_the_frame, visitor_change, within_address_rate,
};
use super::visitor_token::{self, Visitor};
use crate::clock::now_ms;
use crate::http::extract::ApiJson;
use crate::http::problem::Problem;
use crate::state::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionInput {
    key: String,
    origin: String,
    #[serde(default)]
    token: Option<String>,
}

/// What the widget knows of its visitor.
#[derive(Serialize)]
pub struct SessionView {
    token: String,
    visitor_id: String,
    /// The visitor is a contact already (they filled in the form, or wrote before).
    identified: bool,
    name: Option<String>,
    email: Option<String>,
}

/// What the widget is told of its visitor, with a fresh token.
pub async fn session_view(
    state: &AppState,
    visitor: &Visitor,
    workspace_id: switchboard_domain::WorkspaceId,
) -> Result<SessionView, Problem> {
    let fresh = Visitor { issued_at: now_ms(), ..*visitor };
    let identity = Identity { kind: IdentityKind::Webchat, value: visitor.identity_value() };
    let contact = state.store.find_contact_by_identity(workspace_id, &identity).await?;
    let email = contact
        .as_ref()
        .and_then(|c| c.identities.iter().find(|i| i.kind == IdentityKind::Email).map(|i| i.value.clone()));
    Ok(SessionView {
        token: visitor_token::issue(&state.secrets, &fresh),
        visitor_id: visitor.identity_value(),
        identified: contact.is_some(),
        name: contact.and_then(|c| c.display_name),
        email,
    })
}

pub async fn session(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<SessionInput>,
) -> Result<Json<SessionView>, Refusal> {
    from_the_frame(&state, &headers)?;
    within_address_rate(&state, peer)?;
    let channel = channel_by_key(&state, &input.key).await?;
    if !WidgetSettings::of(&channel.record.settings).allows(&input.origin) {
        return Err(
            Problem::forbidden("origin-not-allowed", format!("this chat is not enabled on {}", input.origin)).into()
        );
    }
    let channel_id = channel.record.channel_id;
    let visitor = match input.token.as_deref() {
        Some(token) => {
            let session = authenticate_token(&state, token).await?;
            if session.visitor.channel_id != channel_id {
                return Err(Problem::unauthorized("the visitor token belongs to another chat widget").into());
            }
            session.visitor
        }
        None => Visitor { channel_id, visitor_id: uuid::Uuid::now_v7(), issued_at: now_ms() },
    };
    Ok(Json(session_view(&state, &visitor, channel.record.workspace_id).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentifyInput {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    phone: Option<String>,
}

/// A field's value as given, or a refusal when the form requires it.
fn field(value: Option<String>, ask: Ask, what: &str) -> Result<Option<String>, Problem> {
    let value = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty() && ask != Ask::Off);
    if value.is_none() && ask == Ask::Required {
        return Err(Problem::unprocessable("prechat-incomplete", format!("please give your {what}")));
    }
    Ok(value)
}

pub async fn identify(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<IdentifyInput>,
) -> Result<Json<SessionView>, Refusal> {
    let session = visitor_change(&state, peer, &headers).await?;
    let ask = WidgetSettings::of(&session.channel.record.settings).prechat;
    let name = field(input.name, ask.name, "name")?;
    if name.as_ref().is_some_and(|n| n.chars().count() > 100) {
        return Err(Problem::unprocessable("invalid-name", "a name has at most 100 characters").into());
    }
    let email = field(input.email, ask.email, "email address")?
        .map(|raw| {
            EmailAddress::parse(&raw).map_err(|e| Problem::unprocessable("invalid-email", format!("{raw:?}: {e}")))
        })
        .transpose()?;
    let phone = field(input.phone, ask.phone, "phone number")?
        .map(|raw| {
            PhoneE164::parse(&raw).map_err(|e| {
                Problem::unprocessable(
                    "invalid-phone",
                    format!("{e}; write the number with its country code, such as +44 20 7946 0958"),
                )
            })
        })
        .transpose()?;
    let mut wanted = vec![session.identity()];
    wanted.extend(email.map(|e| Identity { kind: IdentityKind::Email, value: e.as_str().to_owned() }));
    wanted.extend(phone.map(|p| Identity { kind: IdentityKind::Phone, value: p.as_str().to_owned() }));
    remember(&state, &session, name.as_deref(), wanted).await?;
    let workspace_id = session.channel.record.workspace_id;
    Ok(Json(session_view(&state, &session.visitor, workspace_id).await?))
}

/// Makes the visitor a contact with the name and identities they gave. An email or number that
/// is already another contact's is not taken over on the visitor's word alone: it stays with
/// that contact, and the visitor's contact goes on without it.
async fn remember(
    state: &AppState,
    session: &VisitorSession,
    name: Option<&str>,
    wanted: Vec<Identity>,
) -> Result<Contact, Problem> {
    let workspace_id = session.channel.record.workspace_id;
    let own = state.store.find_contact_by_identity(workspace_id, &session.identity()).await?;
    let mut free = Vec::new();
    for identity in wanted {
        match state.store.find_contact_by_identity(workspace_id, &identity).await? {
            None => free.push(identity),
            Some(holder) if Some(holder.contact_id) == own.as_ref().map(|c| c.contact_id) => {}
            Some(_) => {
                tracing::info!(kind = %identity.kind, "a visitor gave an identity another contact has; not attached")
            }
        }
    }
    let now = now_ms();
    let Some(contact) = own else {
        let new = NewContact { workspace_id, display_name: name.map(str::to_owned), identities: free, now };
        return Ok(state.store.create_contact(new).await?);
    };
    let mut contact = contact;
    for identity in free {
        contact = state.store.add_identity(workspace_id, contact.contact_id, &identity, now).await?;
    }
    if let Some(name) = name {
        let preferred = contact.preferred_channel_kind;
        let renamed = state.store.update_contact(workspace_id, contact.contact_id, Some(name), preferred, now).await?;
        contact = renamed.unwrap_or(contact);
    }
    Ok(contact)
}
