//! Fetching a file a customer sent: `GET /{version}/{media-id}` with the channel's token gives a
//! short-lived download URL, its type, size and hash; the file is then downloaded with the same
//! token, refused when too large or of a type we do not keep, and checked against its hash.

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{MetaCredentials, graph_url};
use crate::media::{FetchedMedia, MediaError, is_kept_type, read_capped, too_large};

fn transient(what: &str, error: reqwest::Error) -> MediaError {
    MediaError::Transient(format!("{what}: {}", error.without_url()))
}

/// Fetches a file by its media id, at most `max_bytes` long.
pub async fn fetch_media(
    client: &reqwest::Client,
    base_url: &str,
    version: &str,
    credentials: &MetaCredentials,
    media_id: &str,
    max_bytes: u64,
) -> Result<FetchedMedia, MediaError> {
    let response = client
        .get(graph_url(base_url, version, media_id))
        .bearer_auth(&credentials.access_token)
        .send()
        .await
        .map_err(|e| transient("could not reach the Graph API", e))?;
    let status = response.status().as_u16();
    let about: Value = response.json().await.map_err(|e| transient("the media description is unreadable", e))?;
    if !(200..300).contains(&status) {
        let error = super::classify_error(status, &about["error"]);
        return Err(MediaError::Transient(format!("Meta did not describe the file: {}", error.reason)));
    }
    let url = about["url"].as_str().ok_or_else(|| MediaError::Transient("Meta gave no download URL".into()))?;
    let content_type =
        about["mime_type"].as_str().unwrap_or("application/octet-stream").split(';').next().unwrap_or_default().trim();
    if !is_kept_type(content_type) {
        return Err(MediaError::Permanent(format!("files of type {content_type} are not kept")));
    }
    if let Some(size) = about["file_size"].as_u64().or_else(|| about["file_size"].as_str().and_then(|s| s.parse().ok()))
        && size > max_bytes
    {
        return Err(too_large(size, max_bytes));
    }
    let download = client
        .get(url)
        .bearer_auth(&credentials.access_token)
        .send()
        .await
        .map_err(|e| transient("the download failed", e))?;
    let (bytes, sha256) = read_capped(download, max_bytes).await?;
    if let Some(expected) = about["sha256"].as_str()
        && !matches_hash(expected, &sha256, &bytes)
    {
        return Err(MediaError::Transient(
            "the downloaded file does not match Meta's SHA-256; it was corrupted".into(),
        ));
    }
    Ok(FetchedMedia { content_type: content_type.to_owned(), bytes, sha256 })
}

/// Meta writes the hash in hex or in base64.
fn matches_hash(expected: &str, hex_digest: &str, bytes: &[u8]) -> bool {
    use base64::Engine as _;
    expected.eq_ignore_ascii_case(hex_digest)
        || base64::engine::general_purpose::STANDARD.encode(Sha256::digest(bytes)) == expected
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_matches_in_hex_or_base64() {
        let bytes = b"a photo";
        let hex_digest = hex::encode(Sha256::digest(bytes));
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(bytes));
        assert!(matches_hash(&hex_digest.to_uppercase(), &hex_digest, bytes));
        assert!(matches_hash(&b64, &hex_digest, bytes));
        assert!(!matches_hash("00", &hex_digest, bytes));
    }
}
