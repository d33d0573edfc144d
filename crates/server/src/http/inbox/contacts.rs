//! The contact panel of a conversation: correct the contact's name and channel preference, and
//! merge in another contact that is the same person (found by their phone number or email
//! address), so that their conversations become one.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Router};
use serde::Deserialize;
use switchboard_domain::{ChannelKind, ConversationId, Identity, IdentityKind};

use super::actions::changed;
use super::session::SignedIn;
use crate::clock::now_ms;
use crate::http::problem::Problem;
use crate::live::ChangeKind;
use crate::state::AppState;

/// The longest contact name, in characters.
const MAX_NAME_CHARS: usize = 200;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbox/conversations/{conversation_id}/contact", post(edit))
        .route("/inbox/conversations/{conversation_id}/merge", post(merge))
}

/// The contact of a conversation of the signed-in staff member's workspace.
async fn contact_of(
    state: &AppState,
    signed_in: &SignedIn,
    conversation_id: ConversationId,
) -> Result<switchboard_domain::ContactId, Problem> {
    let workspace_id = signed_in.session.staff.workspace_id;
    state
        .store
        .get_conversation(workspace_id, conversation_id)
        .await?
        .map(|c| c.contact_id)
        .ok_or_else(|| super::actions::not_found(conversation_id))
}

#[derive(Deserialize)]
struct EditForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    preferred_channel_kind: String,
}

async fn edit(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(conversation_id): Path<ConversationId>,
    Form(form): Form<EditForm>,
) -> Response {
    if let Some(refused) = signed_in.refuse_forged(&form.csrf) {
        return refused;
    }
    let result = async {
        let name = form.display_name.trim();
        if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
            return Err(Problem::unprocessable(
                "invalid-name",
                format!("a name is at most {MAX_NAME_CHARS} characters, on one line"),
            ));
        }
        let preferred = match form.preferred_channel_kind.as_str() {
            "" => None,
            raw => {
                Some(raw.parse::<ChannelKind>().map_err(|e| Problem::unprocessable("invalid-channel", e.to_string()))?)
            }
        };
        let contact_id = contact_of(&state, &signed_in, conversation_id).await?;
        let workspace_id = signed_in.session.staff.workspace_id;
        let name = Some(name).filter(|n| !n.is_empty());
        state.store.update_contact(workspace_id, contact_id, name, preferred, now_ms()).await?;
        Ok(changed(&state, &signed_in, conversation_id, ChangeKind::Conversation))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

#[derive(Deserialize)]
struct MergeForm {
    #[serde(default)]
    csrf: String,
    /// The other contact's phone number or email address.
    #[serde(default)]
    other: String,
}

/// A phone number or an email address typed by staff, as an identity.
fn typed_identity(raw: &str) -> Result<Identity, Problem> {
    let kind = if raw.contains('@') { IdentityKind::Email } else { IdentityKind::Phone };
    Identity::parse(kind, raw.trim()).map_err(|e| {
        Problem::unprocessable(
            "invalid-identity",
            format!("{e}; give the other contact's phone number or email address"),
        )
    })
}

async fn merge(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(conversation_id): Path<ConversationId>,
    Form(form): Form<MergeForm>,
) -> Response {
    if let Some(refused) = signed_in.refuse_forged(&form.csrf) {
        return refused;
    }
    let result = async {
        let workspace_id = signed_in.session.staff.workspace_id;
        let keep = contact_of(&state, &signed_in, conversation_id).await?;
        let identity = typed_identity(&form.other)?;
        let other = state
            .store
            .find_contact_by_identity(workspace_id, &identity)
            .await?
            .ok_or_else(|| Problem::not_found(format!("no contact in your workspace has {}", identity.value)))?;
        if other.contact_id == keep {
            return Err(Problem::new(
                StatusCode::CONFLICT,
                "same-contact",
                format!("{} already belongs to this contact", identity.value),
            ));
        }
        state.store.merge_contacts(workspace_id, keep, other.contact_id, now_ms()).await?;
        tracing::info!(kept = %keep, absorbed = %other.contact_id, "contacts merged");
        Ok(changed(&state, &signed_in, conversation_id, ChangeKind::Conversation))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}
