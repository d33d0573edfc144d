//! The widget's files. The loader (`/widget.js`) is what businesses paste, so its name never
//! changes and browsers keep it five minutes; the frame's script and style are served under
//! names that carry a hash of their content, kept for a year and never stale.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

pub const LOADER: &str = include_str!("../../assets/widget/loader.js");
pub const FRAME_JS: &str = include_str!("../../assets/widget/frame.js");
pub const FRAME_CSS: &str = include_str!("../../assets/widget/frame.css");

fn versioned(stem: &str, extension: &str, content: &str) -> String {
    let digest = Sha256::digest(content.as_bytes());
    format!("{stem}-{}.{extension}", hex::encode(&digest[..6]))
}

/// The frame's versioned file names.
pub struct FrameAssets {
    pub js: String,
    pub css: String,
}

static NAMES: LazyLock<FrameAssets> =
    LazyLock::new(|| FrameAssets { js: versioned("frame", "js", FRAME_JS), css: versioned("frame", "css", FRAME_CSS) });

pub fn names() -> &'static FrameAssets {
    &NAMES
}

/// Where the frame's files are served.
pub const ASSETS_PATH: &str = "/widget/assets/";

fn file(content_type: &'static str, cache: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, cache),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            // The loader runs on the business's pages, which load it from here.
            (header::HeaderName::from_static("cross-origin-resource-policy"), "cross-origin"),
        ],
        body,
    )
        .into_response()
}

/// `GET /widget.js`.
pub async fn loader() -> Response {
    file("text/javascript; charset=utf-8", "public, max-age=300", LOADER)
}

/// `GET /widget/assets/{name}`.
pub async fn frame_asset(Path(name): Path<String>) -> Response {
    const FOREVER: &str = "public, max-age=31536000, immutable";
    if name == NAMES.js {
        file("text/javascript; charset=utf-8", FOREVER, FRAME_JS)
    } else if name == NAMES.css {
        file("text/css; charset=utf-8", FOREVER, FRAME_CSS)
    } else {
        (StatusCode::NOT_FOUND, "no such widget file").into_response()
    }
}
