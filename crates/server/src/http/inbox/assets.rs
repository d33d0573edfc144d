//! The inbox's stylesheet and script, compiled in and served under names that carry a hash of
//! their content, so a browser may keep them for a year and still never runs a stale one.

use std::sync::LazyLock;

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::state::AppState;

const CSS: &str = include_str!("../../../assets/inbox.css");
const JS: &str = include_str!("../../../assets/inbox.js");

/// The versioned file names, for the templates.
#[derive(Serialize)]
pub struct AssetNames {
    pub css: String,
    pub js: String,
}

fn versioned(stem: &str, extension: &str, content: &str) -> String {
    let digest = Sha256::digest(content.as_bytes());
    format!("{stem}-{}.{extension}", hex::encode(&digest[..6]))
}

static NAMES: LazyLock<AssetNames> =
    LazyLock::new(|| AssetNames { css: versioned("inbox", "css", CSS), js: versioned("inbox", "js", JS) });

pub fn names() -> &'static AssetNames {
    &NAMES
}

pub fn router() -> Router<AppState> {
    Router::new().route("/assets/{name}", get(asset))
}

async fn asset(Path(name): Path<String>) -> Response {
    let (content_type, body) = if name == NAMES.css {
        ("text/css; charset=utf-8", CSS)
    } else if name == NAMES.js {
        ("text/javascript; charset=utf-8", JS)
    } else {
        return (StatusCode::NOT_FOUND, "no such asset").into_response();
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
        .into_response()
}
