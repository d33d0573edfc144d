//! WhatsApp's rules before a send: the 24-hour customer-service window (outside it only an
//! approved template may go, and the refusal names the ones on offer), and a template that the
//! channel's business account actually has, in that language, with that many parameters.

use switchboard_domain::content::TemplateMessage;
use switchboard_domain::{ChannelId, ContactId, Content, WorkspaceId};
use switchboard_store::model::MessageTemplate;

use super::policy::{SendRefusal, WHATSAPP_WINDOW_MS};
use crate::clock::rfc3339;
use crate::state::AppState;

/// The approved templates of a channel as `name (language)`, for a refusal or a warning.
pub async fn approved_template_names(state: &AppState, channel_id: ChannelId) -> Result<Vec<String>, SendRefusal> {
    let templates = state.store.list_templates(channel_id).await?;
    Ok(templates.iter().filter(|t| t.is_approved()).map(|t| format!("{} ({})", t.name, t.language)).collect())
}

/// Refuses a free-form message when the customer has not written on this channel for 24 hours.
pub(super) async fn check_window(
    state: &AppState,
    workspace_id: WorkspaceId,
    contact_id: ContactId,
    channel_id: ChannelId,
    address: &str,
    content: Option<&Content>,
    now: i64,
) -> Result<(), SendRefusal> {
    if content.is_some_and(Content::opens_conversation) {
        return Ok(());
    }
    let last = state.store.last_inbound_at(workspace_id, contact_id, channel_id).await?;
    if last.is_some_and(|at| now - at <= WHATSAPP_WINDOW_MS) {
        return Ok(());
    }
    Err(SendRefusal::OutsideWhatsappWindow {
        address: address.to_owned(),
        since: last.map(rfc3339).unwrap_or_else(|| "never".into()),
        templates: approved_template_names(state, channel_id).await?,
    })
}

/// Refuses a template the channel does not have approved in that language, or with the wrong
/// number of body parameters. With no templates synced, the provider is left to judge.
pub(super) async fn check_template(
    state: &AppState,
    channel_id: ChannelId,
    wanted: &TemplateMessage,
) -> Result<(), SendRefusal> {
    let templates = state.store.list_templates(channel_id).await?;
    if templates.is_empty() {
        return Ok(());
    }
    let approved: Vec<&MessageTemplate> = templates.iter().filter(|t| t.is_approved()).collect();
    let Some(template) = approved.iter().find(|t| t.name == wanted.name && t.language == wanted.language) else {
        let offer: Vec<String> = approved.iter().map(|t| format!("{} ({})", t.name, t.language)).collect();
        return Err(SendRefusal::UnknownTemplate(format!(
            "the channel has no approved template {} in {}; {}",
            wanted.name,
            wanted.language,
            super::template_offer(&offer)
        )));
    };
    let expected = template.body_parameter_count();
    if wanted.body_parameters.len() != expected {
        return Err(SendRefusal::InvalidContent(format!(
            "the template {} takes {expected} body parameters, not {}",
            wanted.name,
            wanted.body_parameters.len()
        )));
    }
    Ok(())
}
