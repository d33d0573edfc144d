//! The headers of an outbound email, settled before the first send attempt and recorded with the
//! message so a retry sends the same Message-ID: the subject (the one the sender chose, else
//! "Re: " and the subject of the email it answers, else a greeting from the business), our
//! Message-ID, In-Reply-To and References pointing at the newest email of the conversation on the
//! channel, and a `reply+<conversation>@` Reply-To; and how the channel presents it (the name
//! beside its address, its signature, its branding template).

use switchboard_channels::email::OutboundEmail;
use switchboard_domain::Direction;
use switchboard_domain::email_thread::{EmailDetails, our_message_id, reply_address, reply_references, reply_subject};
use switchboard_store::model::Message;

use crate::channels::ResolvedChannel;
use crate::state::AppState;

/// The headers to send `message` with, recorded on it first.
pub async fn settle_headers(
    state: &AppState,
    channel: &ResolvedChannel,
    message: &Message,
) -> anyhow::Result<OutboundEmail> {
    let domain = channel.record.address.rsplit('@').next().unwrap_or("localhost").to_owned();
    // Every email channel keeps the name shown beside its address as `from_name`, and the
    // signature under its replies as `signature`.
    let setting = |name: &str| {
        channel
            .context
            .settings
            .get(name)
            .and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let from_name = setting("from_name");
    let branding =
        Branding { from_name: from_name.clone(), signature: setting("signature"), template: setting("html_template") };
    let reply_to = Some(reply_address(message.conversation_id, &domain));
    if let Some(settled) = message.email.as_ref().filter(|e| e.message_id.is_some()) {
        return Ok(outbound(settled, reply_to, branding, &message.body));
    }
    let parent = state
        .store
        .last_email(message.conversation_id, message.channel_id)
        .await?
        .filter(|p| p.message_id != message.message_id);
    let (parent_id, parent_email) = match &parent {
        Some(p) => {
            let email = p.email.clone().unwrap_or_default();
            let id = match p.direction {
                Direction::Outbound => {
                    email.message_id.clone().unwrap_or_else(|| our_message_id(p.message_id, &domain))
                }
                Direction::Inbound => email.message_id.clone().unwrap_or_default(),
            };
            (Some(id).filter(|id| !id.is_empty()), email)
        }
        None => (None, EmailDetails::default()),
    };
    let chosen = message.email.as_ref().map(|e| e.subject.trim()).filter(|s| !s.is_empty());
    let subject = match (chosen, &parent) {
        (Some(subject), _) => subject.to_owned(),
        (None, Some(_)) => reply_subject(&parent_email.subject),
        (None, None) => format!("A message from {}", from_name.as_deref().unwrap_or(&domain)),
    };
    let settled = EmailDetails {
        subject,
        message_id: Some(our_message_id(message.message_id, &domain)),
        references: parent_id.as_deref().map(|id| reply_references(&parent_email.references, id)).unwrap_or_default(),
        in_reply_to: parent_id,
        ..EmailDetails::default()
    };
    state.store.set_message_email(message.message_id, &settled).await?;
    Ok(outbound(&settled, reply_to, branding, &message.body))
}

/// Records the Message-ID a provider gave the email in place of ours, so answers naming it
/// thread and later replies reference it.
pub async fn record_provider_message_id(
    state: &AppState,
    message: &Message,
    email_message_id: String,
) -> anyhow::Result<()> {
    let stored = state.store.get_message(message.workspace_id, message.message_id).await?;
    let mut email = stored.and_then(|m| m.email).unwrap_or_default();
    email.message_id = Some(email_message_id);
    state.store.set_message_email(message.message_id, &email).await?;
    Ok(())
}

/// How a channel presents its email: the name beside its address, the signature under every
/// reply and the template the HTML part is wrapped in.
struct Branding {
    from_name: Option<String>,
    signature: Option<String>,
    template: Option<String>,
}

fn outbound(settled: &EmailDetails, reply_to: Option<String>, branding: Branding, text: &str) -> OutboundEmail {
    let html = branding.template.as_deref().and_then(|template| {
        let rendered = super::email_branding::render(
            template,
            text,
            branding.signature.as_deref(),
            branding.from_name.as_deref(),
            &settled.subject,
        );
        // A template is checked when it is saved; one that still fails leaves the plain layout.
        rendered.inspect_err(|error| tracing::warn!(%error, "the branding template was not used")).ok()
    });
    OutboundEmail {
        subject: settled.subject.clone(),
        message_id: settled.message_id.clone().unwrap_or_default(),
        in_reply_to: settled.in_reply_to.clone(),
        references: settled.references.clone(),
        reply_to,
        from_name: branding.from_name,
        signature: branding.signature,
        html,
        attachments: Vec::new(),
    }
}
