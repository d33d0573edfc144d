//! Downloading the files of an inbound message from its provider (WhatsApp keeps them by media
//! id, the link it gives lasting minutes and the file about a month; Telegram by file id). Each
//! file is kept in the store and the message's attachment then points at it. A failure is noted
//! on the attachment, so the inbox shows it, and retried with backoff; a file too large or of a
//! type we do not keep is noted and not retried.

use std::time::Duration;

use switchboard_channels::MediaError;
use switchboard_domain::MediaId;
use switchboard_store::model::NewMedia;
use switchboard_store::queue::Job;

use crate::clock::now_ms;
use crate::state::AppState;

/// Where the inbox serves kept files, before the file's id.
pub use switchboard_channels::email::MEDIA_PATH_PREFIX;

/// A file that came inside a message (an email's attachment), to store with it.
pub fn kept_file(file: switchboard_channels::email::EmailFile) -> switchboard_store::model::NewMedia {
    switchboard_store::model::NewMedia {
        media_id: file.media_id,
        content_type: file.content_type,
        sha256: file.sha256,
        bytes: file.bytes,
    }
}

/// Where the inbox serves a kept file.
pub fn media_path(media_id: MediaId) -> String {
    format!("{MEDIA_PATH_PREFIX}{media_id}")
}

pub(crate) async fn fetch(
    state: &AppState,
    job: &Job,
    message_id: switchboard_domain::MessageId,
) -> anyhow::Result<()> {
    let Some(message) = state.store.get_message(job.workspace_id, message_id).await? else {
        state.store.bury_job(job.job_id, "the message no longer exists", now_ms()).await?;
        return Ok(());
    };
    let channel = state.channels.get(message.channel_id).await?;
    let Some(channel) = channel else {
        state.store.bury_job(job.job_id, "the message's channel was removed", now_ms()).await?;
        return Ok(());
    };
    let adapter = state.adapters.get(channel.record.provider);
    let mut attachments = message.attachments.clone();
    let mut files = Vec::new();
    let mut retry_reason = None;
    for attachment in attachments.iter_mut().filter(|a| a.awaits_fetch()) {
        let media_id = attachment.provider_media_id.clone().unwrap_or_default();
        let fetched = adapter.fetch_media(&channel.context, &media_id, state.config.max_media_bytes).await;
        match fetched {
            Ok(file) => {
                let kept = MediaId::new();
                attachment.url = media_path(kept);
                attachment.content_type = Some(file.content_type.clone());
                attachment.size_bytes = Some(file.bytes.len() as u64);
                attachment.sha256 = Some(file.sha256.clone());
                attachment.fetch_error = None;
                files.push(NewMedia {
                    media_id: kept,
                    content_type: file.content_type,
                    sha256: file.sha256,
                    bytes: file.bytes,
                });
            }
            Err(MediaError::Permanent(reason)) => {
                tracing::warn!(%message_id, media_id, %reason, "a file will not be kept");
                attachment.fetch_error = Some(format!("not downloaded: {reason}"));
            }
            Err(MediaError::Transient(reason)) => {
                let last = job.attempts >= job.max_attempts;
                attachment.fetch_error = Some(if last {
                    format!("not downloaded after {} tries: {reason}", job.attempts)
                } else {
                    format!("not downloaded yet (trying again): {reason}")
                });
                retry_reason = Some(reason);
            }
        }
    }
    state.store.save_media(job.workspace_id, message_id, &files, &attachments, now_ms()).await?;
    state.live.publish(crate::live::Change {
        workspace_id: job.workspace_id,
        conversation_id: Some(message.conversation_id),
        kind: crate::live::ChangeKind::Message,
    });
    match retry_reason {
        Some(reason) if job.attempts < job.max_attempts => {
            let backoff = Duration::from_millis(state.config.retry.backoff_ms(job.attempts) as u64);
            tracing::info!(%message_id, %reason, retry_in_ms = backoff.as_millis() as u64, "a file fetch failed; will retry");
            state.store.retry_job(job.job_id, &reason, now_ms() + backoff.as_millis() as i64, now_ms()).await?;
        }
        Some(reason) => state.store.bury_job(job.job_id, &reason, now_ms()).await?,
        None => state.store.complete_job(job.job_id, now_ms()).await?,
    }
    Ok(())
}
