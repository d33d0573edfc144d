//! Media: `GET /{version}/{media_id}` describes a stored object (with a download URL that
//! needs the same access token), `GET /_emulator/meta/media/{media_id}/download` serves its
//! bytes, and `POST /{version}/{phone_number_id}/media` stores an uploaded form's `file`.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::auth::authenticate;
use super::graph_error::GraphError;
use super::ids::new_object_id;
use super::multipart;
use super::webhook_delivery::media_download_url;
use super::world::StoredMedia;
use crate::server::Shared;

fn lower_hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Handles `GET /{version}/{media_id}`.
pub(crate) fn describe(shared: &Shared, media_id: &str, headers: &HeaderMap, query: Option<&str>) -> Response {
    let found = shared.state.read(|world| {
        authenticate(&world.meta, headers, query)?;
        world.meta.media.get(media_id).cloned().ok_or_else(|| GraphError::unsupported_request("get", media_id))
    });
    match found {
        Ok(media) => Json(json!({
            "messaging_product": "whatsapp",
            "url": media_download_url(&shared.base_url, media_id),
            "mime_type": media.mime_type,
            "sha256": lower_hex_sha256(&media.bytes),
            "file_size": media.bytes.len(),
            "id": media_id,
        }))
        .into_response(),
        Err(error) => error.into_response(),
    }
}

/// `GET /_emulator/meta/media/{media_id}/download`: the bytes, for a valid access token.
pub(crate) async fn download(
    State(shared): State<Arc<Shared>>,
    Path(media_id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let found = shared.state.read(|world| {
        authenticate(&world.meta, &headers, uri.query())?;
        Ok::<_, GraphError>(world.meta.media.get(&media_id).cloned())
    });
    match found {
        Ok(Some(media)) => {
            let content_type = HeaderValue::from_str(&media.mime_type)
                .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
            ([(header::CONTENT_TYPE, content_type)], media.bytes).into_response()
        }
        Ok(None) => (StatusCode::NOT_FOUND, "media not found").into_response(),
        Err(error) => error.into_response(),
    }
}

/// The stored media of an upload form, or the error the API answers.
fn media_of_form(headers: &HeaderMap, body: &[u8]) -> Result<StoredMedia, GraphError> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let parts = multipart::boundary(content_type)
        .and_then(|boundary| multipart::parse(body, &boundary))
        .ok_or_else(|| GraphError::param("The parameter messaging_product is required."))?;
    let field = |name: &str| parts.iter().find(|part| part.name == name);
    let product = field("messaging_product").map(|p| String::from_utf8_lossy(&p.data).trim().to_owned());
    if !product.is_some_and(|p| p.eq_ignore_ascii_case("whatsapp")) {
        return Err(GraphError::param("The parameter messaging_product is required."));
    }
    let file = field("file").ok_or_else(|| GraphError::param("The parameter file is required."))?;
    let declared = field("type").map(|p| String::from_utf8_lossy(&p.data).trim().to_owned()).filter(|t| !t.is_empty());
    let mime_type =
        declared.or_else(|| file.content_type.clone()).unwrap_or_else(|| "application/octet-stream".to_owned());
    Ok(StoredMedia { mime_type, bytes: file.data.clone() })
}

/// Handles `POST /{version}/{phone_number_id}/media`.
pub(crate) fn upload(
    shared: &Shared,
    phone_number_id: &str,
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
) -> Response {
    let stored: Result<_, GraphError> = shared.state.update(|world| {
        let caller = authenticate(&world.meta, headers, query)?;
        if world.meta.numbers.get(phone_number_id).is_none_or(|n| n.waba_id != caller) {
            return Err(GraphError::unsupported_request("post", phone_number_id));
        }
        let media = media_of_form(headers, body)?;
        let media_id = new_object_id();
        world.meta.media.insert(media_id.clone(), media);
        Ok(media_id)
    });
    match stored {
        Ok(media_id) => Json(json!({ "id": media_id })).into_response(),
        Err(error) => error.into_response(),
    }
}
