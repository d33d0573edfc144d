//! The website chat widget: a channel Switchboard carries itself. A business pastes one script
//! tag (`/widget.js` with the channel's public key); it shows a bubble and, in an iframe served
//! from here, the chat (`/widget/frame/{key}`), which talks to `/widget/api`: a session per
//! visitor (a signed token the frame keeps), the pre-chat form, the visitor's messages, live
//! changes as server-sent events, and read reports both ways. A visitor's message is stored
//! through the same ingest path as any provider's webhook; the business's replies go through
//! the same queue and are `sent` once queued for the widget, `delivered` once it fetched them,
//! `read` once the visitor saw them. A visitor who proves their email address with a code sent to
//! it becomes the contact that has it, and sees the chats of their other devices.
//!
//! Only the origins a channel allows may frame the chat (`frame-ancestors`, and the session
//! refuses other origins); the API answers only its own frame's requests; every visitor reads
//! only their own chat; visitors and addresses are rate limited.

pub mod assets;
pub mod demo_site;
pub mod events;
pub mod frame;
pub mod limits;
pub mod messages;
pub mod session;
pub mod settings;
pub mod verification;
pub mod visitor;
pub mod visitor_token;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::state::AppState;

/// The largest request the widget makes: a message with a 5 MB picture in base64.
const MAX_REQUEST_BYTES: usize = 8 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/widget.js", get(assets::loader))
        .route("/widget/assets/{name}", get(assets::frame_asset))
        .route("/widget/frame/{key}", get(frame::frame))
        .route("/widget/api/session", post(session::session))
        .route("/widget/api/identify", post(session::identify))
        .route("/widget/api/messages", get(messages::list).post(messages::send))
        .route("/widget/api/read", post(messages::read))
        .route("/widget/api/verify/start", post(verification::start))
        .route("/widget/api/verify/finish", post(verification::finish))
        .route("/widget/api/media/{media_id}", get(messages::media))
        .route("/widget/api/events", get(events::events))
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
}
