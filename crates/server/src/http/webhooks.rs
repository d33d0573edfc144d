//! `POST /webhooks/{provider}/{channel_id}` (and `/status` for delivery reports, or a secret last
//! segment for a provider that signs nothing, such as SendGrid's Inbound Parse): verify the
//! signature over the raw bytes, parse, store durably (group commit; under load, in the inbound
//! journal, see `ingest.rs`) with the files the webhook carried, and only then answer the
//! provider. A request that fails verification stores nothing: it is counted and logged.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use switchboard_channels::{VerifyError, WebhookRequest};
use switchboard_domain::inbound::InboundEvent;
use switchboard_domain::{ChannelId, Provider, WorkspaceId};
use switchboard_store::model::NewMedia;
use switchboard_store::writes::{InboundOutcome, InboundWrite};

use super::problem::Problem;
use crate::channels::ResolvedChannel;
use crate::clock::now_ms;
use crate::ingest::Stored;
use crate::state::AppState;
use crate::telemetry::WEBHOOKS;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/webhooks/{provider}/{channel_id}", post(receive).get(super::meta_webhooks::channel_handshake))
        .route("/webhooks/{provider}/{channel_id}/status", post(receive))
        .route("/webhooks/{provider}/{channel_id}/{secret}", post(receive_with_secret))
}

/// A webhook whose URL ends in a secret; the adapter checks it against the channel's.
async fn receive_with_secret(
    state: State<AppState>,
    Path((provider, channel, _secret)): Path<(String, String, String)>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    receive(state, Path((provider, channel)), uri, headers, body).await
}

pub(crate) fn count(provider: Provider, outcome: &'static str) {
    metrics::counter!(WEBHOOKS, "provider" => provider.as_str(), "outcome" => outcome).increment(1);
}

#[tracing::instrument(skip_all, fields(provider = %path.0.0, channel_id = %path.0.1))]
async fn receive(
    State(state): State<AppState>,
    path: Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    let Path((provider_name, channel_raw)) = path;
    let provider: Provider = provider_name
        .parse()
        .map_err(|e: switchboard_domain::channel::UnknownName| Problem::not_found(e.to_string()))?;
    let channel = find_channel(&state, provider, &channel_raw).await?;
    // A whole email (SendGrid's Inbound Parse) may carry 30 MB of attachments.
    let limit = match channel.record.kind {
        switchboard_domain::ChannelKind::Email => state.config.max_email_bytes,
        _ => state.config.max_body_bytes,
    };
    let channel_id = channel.record.channel_id;
    let body = to_bytes(body, limit).await.map_err(|_| {
        count(provider, "too_large");
        state.rejections.record(channel_id, now_ms(), &format!("body over the {limit}-byte limit"));
        Problem::too_large(limit)
    })?;
    let path_and_query = uri.path_and_query().map(|p| p.as_str()).unwrap_or(uri.path());
    let request = WebhookRequest { path_and_query, headers: &headers, body: &body };
    let adapter = state.adapters.get(provider);

    let verified = match adapter.prepare_verification(&channel.context, &request).await {
        Ok(()) => adapter.verify(&channel.context, &request),
        Err(error) => Err(error),
    };
    if let Err(error) = verified {
        count(provider, "rejected");
        tracing::warn!(reason = %error, "webhook rejected");
        state.rejections.record(channel_id, now_ms(), &error.to_string());
        return Err(match error {
            VerifyError::Credentials(_) => Problem::forbidden("channel-misconfigured", error.to_string()),
            VerifyError::ForeignSource(_) => Problem::forbidden("foreign-source", error.to_string()),
            VerifyError::BadSecret(_) => {
                Problem::new(axum::http::StatusCode::UNAUTHORIZED, "invalid-secret-token", error.to_string())
            }
            _ => Problem::forbidden("invalid-signature", error.to_string()),
        });
    }
    let parsed = adapter.parse_with_files(&channel.context, &request).map_err(|error| {
        count(provider, "malformed");
        tracing::warn!(reason = %error, "webhook malformed");
        state.rejections.record(channel_id, now_ms(), &format!("malformed: {error}"));
        Problem::bad_request("malformed-webhook", error.to_string())
    })?;

    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let media = parsed.files.into_iter().map(crate::workers::media::kept_file).collect();
    accept(&state, &channel, adapter.verification(), content_type, &body, parsed.events, media).await?;
    if let Err(error) = adapter.after_commit(&channel.context, &request).await {
        // Stored, but what the provider asked for did not happen: a failure makes it try again.
        tracing::warn!(%error, "the provider's request after the webhook was not completed");
        state.rejections.record(channel_id, now_ms(), &error);
        return Err(Problem::new(axum::http::StatusCode::BAD_GATEWAY, "provider-request-failed", error));
    }
    let reply = adapter.reply();
    Ok(([(header::CONTENT_TYPE, reply.content_type)], reply.body).into_response())
}

/// Stores a verified, parsed webhook for one channel in full (group commit), with the files it
/// carried, and tells the live views; returns once it is durable, with what it did.
pub(crate) async fn commit(
    state: &AppState,
    channel: &ResolvedChannel,
    verification: &'static str,
    content_type: &str,
    body: &[u8],
    events: Vec<InboundEvent>,
    media: Vec<NewMedia>,
) -> Result<InboundOutcome, Problem> {
    let write = inbound_write(state, channel, verification, content_type, body, events, media);
    match submit(state, write, false).await? {
        Stored::Now(outcome) => Ok(outcome),
        Stored::Journaled => Err(Problem::internal("a webhook to be stored in full was journaled")),
    }
}

/// Accepts a verified, parsed provider webhook: stored in full, or under load kept in the
/// inbound journal to be stored in full shortly; returns once it is durable.
pub(crate) async fn accept(
    state: &AppState,
    channel: &ResolvedChannel,
    verification: &'static str,
    content_type: &str,
    body: &[u8],
    events: Vec<InboundEvent>,
    media: Vec<NewMedia>,
) -> Result<(), Problem> {
    let write = inbound_write(state, channel, verification, content_type, body, events, media);
    submit(state, write, true).await.map(|_| ())
}

async fn submit(state: &AppState, write: InboundWrite, may_journal: bool) -> Result<Stored, Problem> {
    let provider = write.provider;
    let workspace_id = write.workspace_id;
    let stored = state.ingest.submit(write, may_journal).await.map_err(|error| {
        count(provider, "error");
        Problem::internal(error)
    })?;
    if let Stored::Now(outcome) = &stored {
        announce(state, workspace_id, provider, outcome);
    }
    Ok(stored)
}

/// What follows a webhook stored in full: it is counted, a request for help wakes the
/// dispatcher, and the live views hear of a new message or status.
pub(crate) fn announce(state: &AppState, workspace_id: WorkspaceId, provider: Provider, outcome: &InboundOutcome) {
    count(
        provider,
        if outcome.new_messages.is_empty() && !outcome.duplicates.is_empty() { "duplicate" } else { "stored" },
    );
    if outcome.new_messages.iter().any(|m| m.help_requested) {
        state.dispatch_wakeup.notify_one();
    }
    let changed = if !outcome.new_messages.is_empty() {
        Some(crate::live::ChangeKind::Message)
    } else if outcome.statuses_applied > 0 {
        Some(crate::live::ChangeKind::Status)
    } else {
        None
    };
    if let Some(kind) = changed {
        state.live.publish(crate::live::Change { workspace_id, conversation_id: None, kind });
    }
    tracing::debug!(outcome = outcome.summary(), "webhook stored");
}

/// The webhook as the store takes it, its senders' identities as the channel files them.
fn inbound_write(
    state: &AppState,
    channel: &ResolvedChannel,
    verification: &'static str,
    content_type: &str,
    body: &[u8],
    mut events: Vec<InboundEvent>,
    media: Vec<NewMedia>,
) -> InboundWrite {
    let workspace_id = channel.record.workspace_id;
    for event in &mut events {
        let InboundEvent::Message(message) = event else { continue };
        // A workspace that keeps WhatsApp senders apart from SMS senders gives them their own kind.
        if message.from.kind != channel.identity_kind && message.from.kind == channel.record.kind.identity_kind() {
            message.from.kind = channel.identity_kind;
        }
        // A link's reference names a contact only when it is ours, for this workspace, unaltered.
        if let Some(referral) = &mut message.referral {
            referral.contact = crate::referrals::resolve(&state.secrets, workspace_id, &referral.reference);
        }
    }
    InboundWrite {
        workspace_id,
        channel_id: channel.record.channel_id,
        channel_kind: channel.record.kind,
        provider: channel.record.provider,
        verification: verification.into(),
        content_type: content_type.to_owned(),
        payload: logged_payload(body),
        events,
        media,
        received_at: now_ms(),
    }
}

/// How much of a webhook the log keeps: a whole email may weigh 30 MB, kept already as its
/// message and files.
pub(crate) const LOGGED_BYTES: usize = 256 * 1024;

/// The webhook as the log keeps it: whole, or its first [`LOGGED_BYTES`] and its size.
fn logged_payload(body: &[u8]) -> String {
    if body.len() <= LOGGED_BYTES {
        return String::from_utf8_lossy(body).into_owned();
    }
    let kept = String::from_utf8_lossy(&body[..LOGGED_BYTES]);
    format!("{kept}\n… ({} bytes in all; the first {LOGGED_BYTES} are kept here)", body.len())
}

pub(crate) async fn find_channel(
    state: &AppState,
    provider: Provider,
    raw: &str,
) -> Result<Arc<ResolvedChannel>, Problem> {
    let unknown = || {
        Problem::not_found(format!(
            "there is no {provider} channel {raw:?}; copy the webhook URL from `switchboard channel list`"
        ))
    };
    let channel_id: ChannelId = raw.parse().map_err(|_| unknown())?;
    let channel = state
        .channels
        .get(channel_id)
        .await
        .map_err(Problem::from)?
        .filter(|c| c.record.provider == provider)
        .ok_or_else(unknown)?;
    if !channel.record.enabled {
        return Err(Problem::not_found(format!("channel {raw} is disabled")));
    }
    Ok(channel)
}
