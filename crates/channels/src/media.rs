//! Files a customer sent that the provider keeps for us to fetch (WhatsApp's media ids,
//! Telegram's file ids): what a fetched file is, why a fetch fails, which types we keep, and a
//! download that stops at a size limit.

use sha2::{Digest, Sha256};

/// A downloaded file.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchedMedia {
    /// Without parameters: `image/jpeg`, `audio/ogg`.
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// Hex.
    pub sha256: String,
}

/// Why a file could not be fetched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    /// Worth trying again later (Meta or the network in trouble, a download cut off).
    #[error("{0}")]
    Transient(String),
    /// Trying again cannot help (too large, a type we do not keep).
    #[error("{0}")]
    Permanent(String),
}

/// Whether files of this type are kept: pictures, sound, video, and common documents.
pub fn is_kept_type(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    ["image/", "audio/", "video/"].iter().any(|prefix| essence.starts_with(prefix))
        || [
            "text/plain",
            "text/csv",
            "application/pdf",
            "application/msword",
            "application/vnd.ms-excel",
            "application/vnd.ms-powerpoint",
        ]
        .contains(&essence.as_str())
        || essence.starts_with("application/vnd.openxmlformats-officedocument.")
        || essence.starts_with("application/vnd.oasis.opendocument.")
}

/// Reads a download to its end, refusing it once it passes `max_bytes`; returns the bytes and
/// their SHA-256 in hex.
pub async fn read_capped(mut download: reqwest::Response, max_bytes: u64) -> Result<(Vec<u8>, String), MediaError> {
    if !download.status().is_success() {
        return Err(MediaError::Transient(format!("the download answered HTTP {}", download.status().as_u16())));
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = download
        .chunk()
        .await
        .map_err(|e| MediaError::Transient(format!("the download was cut off: {}", e.without_url())))?
    {
        bytes.extend_from_slice(&chunk);
        if bytes.len() as u64 > max_bytes {
            return Err(too_large(bytes.len() as u64, max_bytes));
        }
    }
    let sha256 = hex::encode(Sha256::digest(&bytes));
    Ok((bytes, sha256))
}

/// The refusal of a file over the limit.
pub fn too_large(size: u64, max_bytes: u64) -> MediaError {
    MediaError::Permanent(format!("the file is {size} bytes; at most {max_bytes} are kept"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_sound_video_and_documents_are_kept_and_programs_are_not() {
        for kept in [
            "image/jpeg",
            "audio/ogg; codecs=opus",
            "video/mp4",
            "application/pdf",
            "text/plain",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ] {
            assert!(is_kept_type(kept), "{kept}");
        }
        for refused in ["application/x-msdownload", "text/html", "application/javascript", "image"] {
            assert!(!is_kept_type(refused), "{refused}");
        }
    }
}
