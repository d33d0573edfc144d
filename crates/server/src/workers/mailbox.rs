//! The mailbox importer: one task per enabled mailbox channel reads new mail over IMAP and stores
//! each message through the same group commit as webhooks. A message is flagged `\Seen` (or
//! moved) and the cursor advanced only after it is durable; a crash in between fetches it again
//! and its Message-ID keeps it from being stored twice. A new UIDVALIDITY starts the folder over
//! on the same guarantee. A lost connection is retried with backoff. Mail that cannot become a
//! message (no sender, not an email, our own reply coming back) is recorded, not dropped
//! silently, and never stops the next one.

use std::collections::HashMap;
use std::time::Duration;

use switchboard_channels::email::imap::{ImapMailbox, Wakeup};
use switchboard_channels::email::{MailboxCredentials, MailboxSettings, ParseOptions, parse_email};
use switchboard_domain::email_thread::Automated;
use switchboard_domain::{ChannelId, Provider};
use switchboard_store::model::MailboxCursor;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::clock::now_ms;
use crate::state::AppState;

/// How long one IDLE (or, without IDLE, one poll interval) lasts before looking again.
const WAIT_FOR_MAIL: Duration = Duration::from_secs(60);
/// Messages fetched per round trip.
const FETCH_BATCH: usize = 25;
/// The longest wait between reconnection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// Runs one importer per mailbox channel until `shutdown` turns true.
pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let mut importers: HashMap<ChannelId, JoinHandle<()>> = HashMap::new();
    while !*shutdown.borrow() {
        match state.store.list_enabled_channels_of(Provider::Mailbox).await {
            Ok(channels) => {
                importers.retain(|id, task| {
                    let keep = channels.iter().any(|c| c.channel_id == *id) && !task.is_finished();
                    if !keep {
                        task.abort();
                    }
                    keep
                });
                for channel in channels {
                    importers.entry(channel.channel_id).or_insert_with(|| {
                        tokio::spawn(import_forever(state.clone(), channel.channel_id, shutdown.clone()))
                    });
                }
            }
            Err(error) => tracing::error!(%error, "could not list the mailboxes to import"),
        }
        tokio::select! {
            _ = tokio::time::sleep(state.config.mailbox_rescan) => {}
            _ = shutdown.changed() => {}
        }
    }
    for (_, task) in importers {
        let _ = task.await;
    }
}

/// Imports one mailbox, reconnecting with backoff, until shutdown.
async fn import_forever(state: AppState, channel_id: ChannelId, mut shutdown: watch::Receiver<bool>) {
    let mut backoff = Duration::from_secs(1);
    while !*shutdown.borrow() {
        let outcome = tokio::select! {
            outcome = import_session(&state, channel_id, &mut backoff) => outcome,
            _ = shutdown.changed() => return,
        };
        if let Err(error) = outcome {
            tracing::warn!(%channel_id, %error, retry_in_s = backoff.as_secs(), "mailbox import interrupted");
            state.rejections.record(channel_id, now_ms(), &format!("mailbox: {error}"));
            tokio::select! {
                _ = tokio::time::sleep(backoff) => {}
                _ = shutdown.changed() => return,
            }
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }
}

/// One connection: imports what is new, then waits for more, until the connection fails.
async fn import_session(state: &AppState, channel_id: ChannelId, backoff: &mut Duration) -> anyhow::Result<()> {
    state.channels.forget(channel_id);
    let channel = state.channels.get(channel_id).await?.ok_or_else(|| anyhow::anyhow!("the channel was removed"))?;
    let settings = MailboxSettings::from_json(&channel.context.settings).map_err(anyhow::Error::msg)?;
    let credentials = MailboxCredentials::from_json(&channel.context.credentials).map_err(anyhow::Error::msg)?;
    let mut mailbox = ImapMailbox::connect(&settings, &credentials).await?;
    *backoff = Duration::from_secs(1);
    tracing::info!(%channel_id, folder = %settings.folder, idle = mailbox.supports("IDLE"), "mailbox connected");
    let options = ParseOptions::for_address(&channel.record.address);
    loop {
        let folder = mailbox.select().await?;
        let remembered = state.store.mailbox_cursor(channel_id).await?;
        let mut cursor = match remembered {
            Some(c) if c.folder == settings.folder && c.uid_validity == i64::from(folder.uid_validity) => c,
            stale => {
                if stale.is_some() {
                    tracing::warn!(%channel_id, "the folder's UIDVALIDITY changed; reading it again from the start");
                }
                MailboxCursor { folder: settings.folder.clone(), uid_validity: folder.uid_validity.into(), last_uid: 0 }
            }
        };
        loop {
            let batch = mailbox.fetch_after(u32::try_from(cursor.last_uid).unwrap_or(0), FETCH_BATCH).await?;
            if batch.is_empty() {
                break;
            }
            for mail in batch {
                store_email(state, &channel, &options, &mail.raw).await?;
                mailbox.finish(mail.uid).await?;
                cursor.last_uid = mail.uid.into();
                state.store.save_mailbox_cursor(channel_id, &cursor, now_ms()).await?;
            }
        }
        let (back, wakeup) = mailbox.wait_for_mail(WAIT_FOR_MAIL).await?;
        mailbox = back;
        tracing::debug!(%channel_id, new_data = wakeup == Wakeup::NewData, "mailbox looked at again");
    }
}

/// Stores one raw email: as a message, or as a record of why it is not one.
async fn store_email(
    state: &AppState,
    channel: &crate::channels::ResolvedChannel,
    options: &ParseOptions,
    raw: &[u8],
) -> anyhow::Result<()> {
    let (events, media) = match parse_email(raw, options) {
        Ok(parsed) if parsed.message.email.as_ref().is_some_and(|e| e.automated == Some(Automated::OwnMessage)) => {
            tracing::warn!(channel_id = %channel.record.channel_id, "our own email came back (a mail loop); recorded, not stored as a message");
            (Vec::new(), Vec::new())
        }
        Ok(parsed) => {
            let media = parsed.files.into_iter().map(crate::workers::media::kept_file).collect();
            (vec![switchboard_domain::inbound::InboundEvent::Message(parsed.message)], media)
        }
        Err(error) => {
            tracing::warn!(channel_id = %channel.record.channel_id, %error, "an email could not be imported; recorded");
            state.rejections.record(channel.record.channel_id, now_ms(), &format!("email not imported: {error}"));
            (Vec::new(), Vec::new())
        }
    };
    crate::http::webhooks::commit(state, channel, "imap", "message/rfc822", raw, events, media)
        .await
        .map(drop)
        .map_err(|problem| anyhow::anyhow!("storing the email failed: {}", problem.detail))
}
