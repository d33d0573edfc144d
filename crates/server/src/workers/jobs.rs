//! What each kind of job does.

use std::time::Duration;

use switchboard_channels::meta::OUTSIDE_WINDOW;
use switchboard_channels::{FailureKind, OutboundRequest};
use switchboard_domain::{ChannelKind, MessageId, MessageStatus, Provider, SenderKind};
use switchboard_store::queue::{Job, kinds};
use switchboard_store::writes::SendResult;

use crate::clock::now_ms;
use crate::outbound::{Recipient, SendRequest, approved_template_names, queue_send, template_offer};
use crate::state::AppState;
use crate::telemetry;

/// Runs one claimed job and settles it; errors are logged and left to the lease to retry.
pub(crate) async fn run(state: &AppState, job: Job) {
    let outcome = match job.kind.as_str() {
        kinds::SEND => send(state, &job).await,
        kinds::HELP_REPLY => help_reply(state, &job).await,
        kinds::FETCH_MEDIA => match message_id(&job) {
            Some(message_id) => super::media::fetch(state, &job, message_id).await,
            None => bury(state, &job, "the job names no message").await,
        },
        other => bury(state, &job, &format!("unknown job kind {other:?}")).await,
    };
    if let Err(error) = outcome {
        tracing::error!(job_id = %job.job_id, kind = %job.kind, %error, "job could not be settled; its lease will expire and it will run again");
    }
}

fn message_id(job: &Job) -> Option<MessageId> {
    job.payload.get("message_id")?.as_str()?.parse().ok()
}

async fn bury(state: &AppState, job: &Job, error: &str) -> anyhow::Result<()> {
    tracing::warn!(job_id = %job.job_id, error, "job buried");
    state.store.bury_job(job.job_id, error, now_ms()).await?;
    Ok(())
}

#[tracing::instrument(skip_all, fields(job_id = %job.job_id, attempt = job.attempts))]
async fn send(state: &AppState, job: &Job) -> anyhow::Result<()> {
    let Some(message_id) = message_id(job) else {
        return bury(state, job, "the job names no message").await;
    };
    let Some(message) = state.store.get_message(job.workspace_id, message_id).await? else {
        return bury(state, job, "the message no longer exists").await;
    };
    if message.status != MessageStatus::Queued {
        // Recorded by an earlier attempt whose job was not settled (a crash in between).
        state.store.complete_job(job.job_id, now_ms()).await?;
        return Ok(());
    }
    if let Some(wait_ms) = pair_limited(state, &message).await? {
        tracing::debug!(message_id = %message_id, wait_ms, "pair rate limit: send postponed");
        state.store.postpone_job(job.job_id, now_ms() + wait_ms, now_ms()).await?;
        return Ok(());
    }
    let result = if job.attempts > job.max_attempts {
        SendResult::Failed {
            error_code: None,
            error_reason: format!("gave up after {} attempts; the last one was interrupted", job.max_attempts),
        }
    } else {
        match attempt(state, job, &message).await? {
            Some(result) => result,
            // Rate limited: the job was handed back to run later, the message is still queued.
            None => return Ok(()),
        }
    };
    // The opt-out first: whoever sees the message failed also sees the recipient opted out.
    if let SendResult::Failed { error_code: Some(code), .. } = &result
        && let Some(reason) = recipient_gone(state, &message, code).await?
    {
        remember_provider_opt_out(state, &message, reason).await?;
    }
    state.store.record_send_result(job.job_id, message_id, &result, now_ms()).await?;
    state.live.publish(crate::live::Change {
        workspace_id: message.workspace_id,
        conversation_id: Some(message.conversation_id),
        kind: crate::live::ChangeKind::Status,
    });
    Ok(())
}

/// Twilio's "Attempt to send to unsubscribed recipient": the customer opted out at the carrier.
const OPTED_OUT_AT_TWILIO: &str = "21610";

/// What to record when a provider's error code says the recipient will not take our messages
/// (opted out at the carrier; blocked the Telegram bot), if it says so.
async fn recipient_gone(
    state: &AppState,
    message: &switchboard_store::model::Message,
    code: &str,
) -> anyhow::Result<Option<&'static str>> {
    let Some(channel) = state.channels.get(message.channel_id).await? else { return Ok(None) };
    Ok(match channel.record.provider {
        Provider::Twilio if code == OPTED_OUT_AT_TWILIO => Some("PROVIDER"),
        Provider::Telegram if code == switchboard_channels::telegram::BLOCKED => Some("blocked the bot"),
        _ => None,
    })
}

/// Records an opt-out the provider knew of and we did not, so the next send is refused here with
/// a clear reason instead of failing at the provider.
async fn remember_provider_opt_out(
    state: &AppState,
    message: &switchboard_store::model::Message,
    reason: &str,
) -> anyhow::Result<()> {
    let Some(channel) = state.channels.get(message.channel_id).await? else { return Ok(()) };
    let kind = channel.record.kind;
    let Ok(identity) = switchboard_domain::Identity::parse(channel.identity_kind, &message.to_address) else {
        return Ok(());
    };
    let Some(contact) = state.store.find_contact_by_identity(message.workspace_id, &identity).await? else {
        return Ok(());
    };
    if let Some(found) = contact.identities.iter().find(|i| i.kind == identity.kind && i.value == identity.value) {
        state.store.set_opted_out(found.identity_id, kind, true, reason, now_ms()).await?;
        tracing::info!(message_id = %message.message_id, "recorded an opt-out reported by the provider");
    }
    Ok(())
}

/// How long a send must wait for the per-recipient rate limit of its channel (WhatsApp through
/// Meta, Telegram), if at all.
async fn pair_limited(state: &AppState, message: &switchboard_store::model::Message) -> anyhow::Result<Option<i64>> {
    let Some(channel) = state.channels.get(message.channel_id).await? else { return Ok(None) };
    let rule = match (channel.record.provider, channel.record.kind) {
        (Provider::Meta, ChannelKind::Whatsapp) => super::pair_limit::WHATSAPP,
        (Provider::Telegram, _) => super::pair_limit::TELEGRAM,
        _ => return Ok(None),
    };
    Ok(state.pair_limits.acquire(message.channel_id, &message.to_address, rule, now_ms()).err())
}

/// One call to the provider, classified into what to record; `None` when the provider's rate
/// limit sent the job back to wait (not an attempt: a rate limit never fails a message).
async fn attempt(
    state: &AppState,
    job: &Job,
    message: &switchboard_store::model::Message,
) -> anyhow::Result<Option<SendResult>> {
    let Some(channel) = state.channels.get(message.channel_id).await? else {
        return Ok(Some(SendResult::Failed { error_code: None, error_reason: "the channel was removed".into() }));
    };
    if let Some(interval_us) = crate::outbound::throughput::send_interval_us(&channel.record) {
        let interval = Duration::from_micros(interval_us as u64);
        state.send_pacers.wait_turn(channel.record.channel_id, interval).await;
    }
    let adapter = state.adapters.get(channel.record.provider);
    let provider = channel.record.provider.as_str();
    let human_agent = match channel.record.kind {
        ChannelKind::Messenger | ChannelKind::Instagram => {
            let last =
                state.store.last_inbound_at(message.workspace_id, message.contact_id, message.channel_id).await?;
            crate::outbound::messaging::needs_human_agent_tag(last, message.sender_kind, now_ms())
        }
        _ => false,
    };
    let email = match channel.record.kind {
        ChannelKind::Email => {
            let mut email = crate::outbound::email::settle_headers(state, &channel, message).await?;
            email.attachments =
                crate::outbound::email_attachments::load(state, message.workspace_id, &message.attachments).await?;
            Some(Box::new(email))
        }
        _ => None,
    };
    let request = OutboundRequest {
        to: message.to_address.clone(),
        body: message.body.clone(),
        // An email carries its files in `email`; other channels hand the provider links.
        attachments: if channel.record.kind == ChannelKind::Email { Vec::new() } else { message.attachments.clone() },
        content: message.content.clone(),
        reply_to: message.reply_to.clone(),
        human_agent,
        email,
        status_callback_url: None,
    };
    let result = match adapter.send(&channel.context, &request).await {
        Ok(receipt) => {
            tracing::info!(message_id = %message.message_id, provider, "message sent");
            if let Some(email_message_id) = receipt.email_message_id {
                crate::outbound::email::record_provider_message_id(state, message, email_message_id).await?;
            }
            SendResult::Sent { provider_message_id: receipt.provider_message_id }
        }
        Err(error) if error.kind == FailureKind::RateLimited => {
            let asked = error.retry_after.unwrap_or(Duration::from_secs(1));
            // Spread the waiting sends so they do not all come back at the same instant.
            let wait = asked + Duration::from_millis(rand::random_range(0..=asked.as_millis() as u64 / 4));
            tracing::info!(message_id = %message.message_id, provider, reason = %error.reason, retry_in_ms = wait.as_millis() as u64, "rate limited; will send later");
            metrics::counter!(telemetry::SENDS, "provider" => provider, "outcome" => "rate_limited").increment(1);
            state.store.postpone_job(job.job_id, now_ms() + wait.as_millis() as i64, now_ms()).await?;
            return Ok(None);
        }
        Err(error) if error.kind == FailureKind::Transient && state.config.retry.may_retry(job.attempts) => {
            let backoff = Duration::from_millis(state.config.retry.backoff_ms(job.attempts) as u64);
            let wait = error.retry_after.map_or(backoff, |asked| asked.max(backoff));
            tracing::warn!(message_id = %message.message_id, provider, reason = %error.reason, retry_in_ms = wait.as_millis() as u64, "send failed; will retry");
            SendResult::Retry { error: error.reason, retry_at: now_ms() + wait.as_millis() as i64 }
        }
        Err(error) => {
            let reason = if error.kind == FailureKind::Transient {
                format!("gave up after {} attempts: {}", job.attempts, error.reason)
            } else if error.code.as_deref().and_then(|c| c.parse().ok()) == Some(OUTSIDE_WINDOW) {
                // Meta found the 24-hour window closed though we judged it open (a clock, a message we
                // never saw): say what to do, as the refusal before sending does.
                let offer = approved_template_names(state, message.channel_id).await.unwrap_or_default();
                format!("{}; {}", error.reason, template_offer(&offer))
            } else {
                error.reason
            };
            tracing::warn!(message_id = %message.message_id, provider, %reason, "send failed for good");
            SendResult::Failed { error_code: error.code, error_reason: reason }
        }
    };
    let outcome = match &result {
        SendResult::Sent { .. } => "sent",
        SendResult::Retry { .. } => "retry",
        SendResult::Failed { .. } => "failed",
    };
    metrics::counter!(telemetry::SENDS, "provider" => provider, "outcome" => outcome).increment(1);
    Ok(Some(result))
}

/// Answers a HELP keyword with the workspace's help text, on the channel it came in on.
async fn help_reply(state: &AppState, job: &Job) -> anyhow::Result<()> {
    let Some(message_id) = message_id(job) else {
        return bury(state, job, "the job names no message").await;
    };
    let (Some(inbound), Some(workspace)) = (
        state.store.get_message(job.workspace_id, message_id).await?,
        state.store.get_workspace(job.workspace_id).await?,
    ) else {
        return bury(state, job, "the message or workspace no longer exists").await;
    };
    let request = SendRequest {
        workspace_id: job.workspace_id,
        channel_id: inbound.channel_id,
        recipient: Recipient::Contact(inbound.contact_id),
        body: workspace.help_text,
        media_urls: Vec::new(),
        content: None,
        reply_to: None,
        sender_kind: SenderKind::System,
        idempotency_key: Some(format!("help:{message_id}")),
    };
    match queue_send(state, request).await {
        Ok(_) => state.store.complete_job(job.job_id, now_ms()).await?,
        Err(refusal) => return bury(state, job, &format!("help reply not sent: {refusal}")).await,
    }
    Ok(())
}
