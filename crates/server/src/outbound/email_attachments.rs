//! Files attached to an outbound email. A provider of SMS or WhatsApp fetches a file by its URL;
//! an email carries the file itself, so it must be one Switchboard keeps: uploaded with
//! `POST /api/v1/media`, or one a customer sent, named by its `/api/v1/media/{id}` (or
//! `/inbox/media/{id}`) URL. Each is checked when the message is queued and read from the store
//! when it is sent.

use switchboard_channels::email::EmailAttachment;
use switchboard_domain::{Attachment, MediaId, WorkspaceId};

use super::SendRefusal;
use crate::state::AppState;

/// The most an email's files may weigh together (SendGrid takes 30 MB for the whole request,
/// base64 making files a third larger).
pub const MAX_TOTAL_BYTES: u64 = 20 * 1024 * 1024;

/// The kept file a URL names, wherever the server is reached.
pub fn media_id_of(url: &str) -> Option<MediaId> {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let id = ["/api/v1/media/", "/inbox/media/"].iter().find_map(|prefix| {
        let at = path.find(prefix)?;
        Some(&path[at + prefix.len()..])
    })?;
    id.parse().ok()
}

/// The attachments of an email to queue, each a kept file of the workspace.
pub async fn resolve(
    state: &AppState,
    workspace_id: WorkspaceId,
    urls: &[String],
) -> Result<Vec<Attachment>, SendRefusal> {
    let mut attachments = Vec::with_capacity(urls.len());
    let mut total = 0;
    for url in urls {
        let not_kept = || {
            SendRefusal::InvalidContent(format!(
                "{url:?} is not a file of this workspace; upload it with POST /api/v1/media and name the url it answers"
            ))
        };
        let media_id = media_id_of(url).ok_or_else(not_kept)?;
        let media = state.store.get_media(workspace_id, media_id).await?.ok_or_else(not_kept)?;
        total += media.bytes.len() as u64;
        if total > MAX_TOTAL_BYTES {
            return Err(SendRefusal::InvalidContent(format!(
                "the files weigh more than the {} MB an email may carry",
                MAX_TOTAL_BYTES / 1024 / 1024
            )));
        }
        let mut attachment = Attachment::link(format!("/api/v1/media/{media_id}"), Some(media.content_type));
        attachment.filename = media.filename;
        attachment.size_bytes = Some(media.bytes.len() as u64);
        attachment.sha256 = Some(media.sha256);
        attachments.push(attachment);
    }
    Ok(attachments)
}

/// The files of a queued email, read from the store.
pub async fn load(
    state: &AppState,
    workspace_id: WorkspaceId,
    attachments: &[Attachment],
) -> anyhow::Result<Vec<EmailAttachment>> {
    let mut files = Vec::with_capacity(attachments.len());
    for attachment in attachments {
        let media_id = media_id_of(&attachment.url)
            .ok_or_else(|| anyhow::anyhow!("the attachment {} is not a kept file", attachment.url))?;
        let media = state
            .store
            .get_media(workspace_id, media_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("the attached file {media_id} is gone"))?;
        files.push(EmailAttachment {
            filename: attachment.filename.clone().or(media.filename).unwrap_or_else(|| format!("{media_id}")),
            content_type: media.content_type,
            bytes: media.bytes,
        });
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_file_is_named_by_either_path_on_any_origin() {
        let id = "0193a1b2-c3d4-7e5f-8071-8293a4b5c6d7";
        for url in [
            format!("/api/v1/media/{id}"),
            format!("https://hub.example.com/api/v1/media/{id}?download=1"),
            format!("/inbox/media/{id}"),
        ] {
            assert_eq!(media_id_of(&url).map(|m| m.to_string()), Some(id.to_owned()), "{url}");
        }
        assert_eq!(media_id_of("https://files.example.com/invoice.pdf"), None);
        assert_eq!(media_id_of("/api/v1/media/not-an-id"), None);
    }
}
