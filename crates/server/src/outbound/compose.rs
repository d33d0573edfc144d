//! Composing and queueing one outbound message.

use sha2::{Digest, Sha256};
use switchboard_domain::segments;
use switchboard_domain::{Attachment, ChannelKind, Content, Identity, IdentityKind};
use switchboard_store::StoreError;
use switchboard_store::model::{Contact, ContactIdentity, Message};
use switchboard_store::writes::{NewContact, OutboundWrite};

use super::policy::{SendRefusal, max_body_chars};
use super::{Recipient, SendRequest, whatsapp};
use crate::channels::ResolvedChannel;
use crate::clock::now_ms;
use crate::state::AppState;

/// Checks policy and records the message as queued with its send job. Returns the message and
/// whether it was created now (`false`: an earlier request with the same idempotency key).
pub async fn queue_send(state: &AppState, request: SendRequest) -> Result<(Message, bool), SendRefusal> {
    let now = now_ms();
    let fingerprint = fingerprint(&request);
    // A repeated request gets its first answer, even if policy would refuse it now.
    if let Some(key) = &request.idempotency_key
        && let Some(earlier) = state.store.find_message_by_idempotency_key(request.workspace_id, key).await?
    {
        if earlier.request_fingerprint.as_deref() != Some(fingerprint.as_str()) {
            return Err(SendRefusal::IdempotencyMismatch(key.clone()));
        }
        return Ok((earlier, false));
    }
    let channel = state
        .channels
        .get(request.channel_id)
        .await
        .map_err(SendRefusal::from)?
        .filter(|c| c.record.workspace_id == request.workspace_id)
        .ok_or_else(|| SendRefusal::ChannelNotFound(request.channel_id.to_string()))?;
    if !channel.record.enabled {
        return Err(SendRefusal::ChannelDisabled(request.channel_id.to_string()));
    }
    let kind = channel.record.kind;
    check_content(kind, &request)?;
    super::rich::check(&channel.record, &request)?;
    if let Some(Content::Template(template)) = &request.content {
        whatsapp::check_template(state, request.channel_id, template).await?;
    }

    let (contact, identity) = resolve_recipient(state, &request, &channel, now).await?;
    if identity.opted_out.contains(&kind) {
        let (how, remedy) = match kind {
            ChannelKind::Email => (
                "they unsubscribed or reported an email as spam",
                "they must write START to you before you can email them again",
            ),
            ChannelKind::Telegram => (
                "they blocked the bot, so Telegram no longer delivers to them",
                "they must unblock the bot (or write to it) before you can message them again",
            ),
            _ => ("they replied STOP", "they must send START before you can message them again"),
        };
        return Err(SendRefusal::OptedOut { address: identity.value.clone(), kind, how, remedy });
    }
    let (workspace_id, contact_id) = (request.workspace_id, contact.contact_id);
    match kind {
        ChannelKind::Whatsapp => {
            let content = request.content.as_ref();
            whatsapp::check_window(state, workspace_id, contact_id, request.channel_id, &identity.value, content, now)
                .await?;
        }
        ChannelKind::Messenger | ChannelKind::Instagram => {
            let last = state.store.last_inbound_at(workspace_id, contact_id, request.channel_id).await?;
            super::messaging::check_window(kind, last, request.sender_kind, now)?;
        }
        _ => {}
    }
    let attachments = match kind {
        ChannelKind::Email => super::email_attachments::resolve(state, workspace_id, &request.media_urls).await?,
        _ => request.media_urls.iter().map(|url| Attachment::link(url.clone(), None)).collect(),
    };

    let length = (kind == ChannelKind::Sms).then(|| segments::measure(&request.body));
    let write = OutboundWrite {
        workspace_id: request.workspace_id,
        contact_id: contact.contact_id,
        channel_id: request.channel_id,
        sender_kind: request.sender_kind,
        body: request.body.clone(),
        attachments,
        content: request.content.clone(),
        reply_to: request.reply_to.clone(),
        email: None,
        from_address: channel.record.address.clone(),
        to_address: identity.value.clone(),
        segments: length.map(|l| l.segments as i32),
        encoding: length.map(|l| l.encoding.as_str().to_owned()),
        idempotency_key: request.idempotency_key.clone(),
        request_fingerprint: Some(fingerprint.clone()),
        max_attempts: state.config.retry.max_attempts,
        send_interval_us: super::throughput::send_interval_us(&channel.record),
        now,
    };
    let (message, created) = state.store.create_outbound(write).await?;
    if !created && message.request_fingerprint.as_deref() != Some(fingerprint.as_str()) {
        return Err(SendRefusal::IdempotencyMismatch(request.idempotency_key.unwrap_or_default()));
    }
    if created {
        state.dispatch_wakeup.notify_one();
    }
    Ok((message, created))
}

fn check_content(kind: ChannelKind, request: &SendRequest) -> Result<(), SendRefusal> {
    if request.body.trim().is_empty() && request.media_urls.is_empty() && request.content.is_none() {
        return Err(SendRefusal::Empty);
    }
    let len = request.body.chars().count();
    let max = max_body_chars(kind);
    if len > max {
        return Err(SendRefusal::TooLong { kind, len, max });
    }
    // An email's files are checked against the store when it is queued (`email_attachments`).
    for url in request.media_urls.iter().filter(|_| kind != ChannelKind::Email) {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(SendRefusal::InvalidAddress(format!(
                "media URL {url:?} must be an http(s) URL the provider can fetch"
            )));
        }
    }
    Ok(())
}

/// The contact and the identity the message goes to.
async fn resolve_recipient(
    state: &AppState,
    request: &SendRequest,
    channel: &ResolvedChannel,
    now: i64,
) -> Result<(Contact, ContactIdentity), SendRefusal> {
    let (kind, identity_kind) = (channel.record.kind, channel.identity_kind);
    // With an address, the message goes to exactly that identity; with a contact, to its first
    // identity of the channel's kind.
    let (contact, wanted) = match &request.recipient {
        Recipient::Contact(contact_id) => {
            let contact = state
                .store
                .get_contact(request.workspace_id, *contact_id)
                .await?
                .ok_or_else(|| SendRefusal::ContactNotFound(contact_id.to_string()))?;
            (contact, None)
        }
        Recipient::Address(address) => {
            let identity =
                Identity::parse(identity_kind, address).map_err(|e| SendRefusal::InvalidAddress(e.to_string()))?;
            let value = identity.value.clone();
            (find_or_create_contact(state, request, identity, now).await?, Some(value))
        }
    };
    let identity = contact
        .identities
        .iter()
        .find(|i| i.kind == identity_kind && wanted.as_ref().is_none_or(|w| *w == i.value))
        .cloned()
        .ok_or(SendRefusal::NoIdentity { kind, identity: identity_name(identity_kind) })?;
    Ok((contact, identity))
}

async fn find_or_create_contact(
    state: &AppState,
    request: &SendRequest,
    identity: Identity,
    now: i64,
) -> Result<Contact, SendRefusal> {
    if let Some(contact) = state.store.find_contact_by_identity(request.workspace_id, &identity).await? {
        return Ok(contact);
    }
    let new =
        NewContact { workspace_id: request.workspace_id, display_name: None, identities: vec![identity.clone()], now };
    match state.store.create_contact(new).await {
        Ok(contact) => Ok(contact),
        // Someone created it between our lookup and insert: use theirs.
        Err(StoreError::Conflict(_)) => state
            .store
            .find_contact_by_identity(request.workspace_id, &identity)
            .await?
            .ok_or(SendRefusal::Store(StoreError::NotFound("contact"))),
        Err(e) => Err(e.into()),
    }
}

fn identity_name(kind: IdentityKind) -> &'static str {
    match kind {
        IdentityKind::Phone => "phone number",
        IdentityKind::Whatsapp => "WhatsApp number",
        IdentityKind::Email => "email address",
        IdentityKind::Telegram => "Telegram",
        IdentityKind::Instagram => "Instagram",
        IdentityKind::Messenger => "Messenger",
        IdentityKind::Webchat => "web chat",
    }
}

/// A digest of what the request asks, to catch an idempotency key reused for something else. An
/// address counts in its normalised form, so `+1 (415) 555-0123` and `+14155550123` match.
fn fingerprint(request: &SendRequest) -> String {
    let to = match &request.recipient {
        Recipient::Contact(contact_id) => format!("contact:{contact_id}"),
        Recipient::Address(address) => [IdentityKind::Phone, IdentityKind::Email]
            .into_iter()
            .find_map(|kind| Identity::parse(kind, address).ok())
            .map(|identity| identity.value)
            .unwrap_or_else(|| address.trim().to_owned()),
    };
    let canonical = serde_json::json!([
        request.channel_id,
        to,
        request.body,
        request.media_urls,
        request.content,
        request.reply_to
    ]);
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}
