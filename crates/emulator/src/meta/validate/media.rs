//! Media message objects (`image`, `audio`, `video`, `document`, `sticker`): exactly one of
//! `id` (uploaded media) or `link` (an http(s) URL, never fetched here), a `caption` only on
//! image, video and document, a `filename` only on document.

use super::fields::{Object, length, only_keys, optional_str, sub};
use crate::meta::graph_error::GraphError;

/// Longest media caption.
const CAPTION_MAX: usize = 1024;

fn allowed_keys(kind: &str) -> &'static [&'static str] {
    match kind {
        "image" | "video" => &["id", "link", "caption"],
        "document" => &["id", "link", "caption", "filename"],
        _ => &["id", "link"],
    }
}

pub(super) fn media(object: &Object, kind: &str) -> Result<(), GraphError> {
    only_keys(object, kind, allowed_keys(kind))?;
    let id = optional_str(object, kind, "id")?;
    let link = optional_str(object, kind, "link")?;
    match (id, link) {
        (Some(_), Some(_)) => {
            return Err(GraphError::invalid_value(format!("{kind}: specify either id or link, not both")));
        }
        (None, None) => {
            let details = format!("The parameter {} or {} is required.", sub(kind, "id"), sub(kind, "link"));
            return Err(GraphError::whatsapp(131008).with_details(details));
        }
        (None, Some(link)) => {
            let url = reqwest::Url::parse(link).ok().filter(|u| matches!(u.scheme(), "http" | "https"));
            if url.is_none() {
                return Err(GraphError::invalid_value(format!("{kind}['link'] is not a valid http or https URL")));
            }
        }
        (Some(_), None) => {}
    }
    if let Some(caption) = optional_str(object, kind, "caption")? {
        length(caption, 0, CAPTION_MAX, "Caption")?;
    }
    optional_str(object, kind, "filename")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn check(kind: &str, value: Value) -> Result<(), GraphError> {
        media(value.as_object().unwrap(), kind)
    }

    #[test]
    fn media_is_sent_by_id_or_by_link_but_not_both() {
        assert!(check("image", json!({"id": "1013859600285441", "caption": "cat"})).is_ok());
        assert!(check("video", json!({"link": "https://example.com/v.mp4"})).is_ok());
        assert_eq!(check("image", json!({"id": "1", "link": "https://x.y/z"})).unwrap_err().code, 131009);
        assert_eq!(check("image", json!({"caption": "cat"})).unwrap_err().code, 131008);
        assert!(check("image", json!({"link": "ftp://example.com/a.png"})).is_err());
    }

    #[test]
    fn captions_and_filenames_only_where_meta_has_them() {
        assert!(check("document", json!({"id": "1", "filename": "a.pdf", "caption": "invoice"})).is_ok());
        assert!(check("audio", json!({"id": "1", "caption": "song"})).is_err());
        assert!(check("sticker", json!({"id": "1", "caption": "x"})).is_err());
        assert!(check("image", json!({"id": "1", "filename": "a.png"})).is_err());
        assert!(check("image", json!({"id": "1", "caption": "x".repeat(1025)})).is_err());
    }
}
