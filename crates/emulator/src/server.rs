//! The HTTP server: binds the listener, routes Twilio's API, Telegram's Bot API and Meta's
//! Graph API (both by the fallback, as their paths start with a `bot<token>` or version segment),
//! the other providers' APIs and the `/_emulator` control API, and holds what every request
//! handler and background task shares.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use tokio::sync::watch;

use crate::state::State;
use crate::{EmulatorConfig, EmulatorHandle, control, messages_api, meta, sendgrid, ses, telegram};

/// Largest request body the server reads (Meta's limit for uploaded documents).
const MAX_BODY_BYTES: usize = 100 * 1024 * 1024;

/// What handlers, background tasks and handles share.
pub(crate) struct Shared {
    pub state: State,
    pub config: EmulatorConfig,
    /// Client for webhooks and callbacks: no proxy, no redirects, Twilio's 15 s timeout.
    pub http: reqwest::Client,
    pub base_url: String,
    pub shutdown: watch::Sender<bool>,
    /// Becomes true once the server stopped serving.
    pub stopped: watch::Sender<bool>,
}

/// Binds and spawns the server; see [`crate::start`].
pub(crate) async fn start(config: EmulatorConfig) -> std::io::Result<EmulatorHandle> {
    let listener = tokio::net::TcpListener::bind(config.bind).await?;
    let local = listener.local_addr()?;
    let http = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(15))
        .build()
        .map_err(std::io::Error::other)?;
    let (shutdown, mut shutdown_rx) = watch::channel(false);
    let shared = Arc::new(Shared {
        state: State::new(),
        config,
        http,
        base_url: format!("http://{}", reachable(local)),
        shutdown,
        stopped: watch::Sender::new(false),
    });

    let app = router(shared.clone());
    let stopped = shared.clone();
    tokio::spawn(async move {
        let stop = async move {
            let _ = shutdown_rx.wait_for(|stop| *stop).await;
        };
        if let Err(error) = axum::serve(listener, app).with_graceful_shutdown(stop).await {
            tracing::warn!(%error, "twilio emulator server stopped");
        }
        stopped.stopped.send_replace(true);
    });
    tracing::debug!(base_url = %shared.base_url, "twilio emulator listening");
    Ok(EmulatorHandle::from_shared(shared))
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/2010-04-01/Accounts/{account_sid}/Messages.json", post(messages_api::create_message))
        .route("/2010-04-01/Accounts/{account_sid}/Messages/{file}", get(messages_api::fetch_message))
        .route("/_emulator/inbound", post(control::inbound))
        .route("/_emulator/messages", get(control::messages))
        .route("/_emulator/failures", post(control::failures))
        .route("/_emulator/phone", get(crate::phone::page))
        .route("/_emulator/phone/thread", get(crate::phone::thread))
        .route("/_emulator/phone/send", post(crate::phone_send::send))
        .route("/_emulator/meta/inbound", post(meta::control_inbound))
        .route("/_emulator/meta/messaging/inbound", post(meta::control_messaging_inbound))
        .route("/_emulator/meta/phones", get(meta::control_phones))
        .route("/_emulator/meta/sent", get(meta::control_sent))
        .route("/_emulator/meta/failures", post(meta::control_failures))
        .route("/_emulator/meta/media/{media_id}/download", get(meta::media_download))
        .route("/v3/mail/send", post(sendgrid::mail_send))
        .route("/v2/email/outbound-emails", post(ses::send_email))
        .route("/_emulator/sns/confirm", get(ses::control_confirm))
        .route("/_emulator/sns/SimpleNotificationService-emulator.pem", get(ses::control_certificate))
        .route("/_emulator/ses/inbound", post(ses::control_inbound))
        .route("/_emulator/ses/sent", get(ses::control_sent))
        .route("/_emulator/sendgrid/inbound", post(sendgrid::control_inbound))
        .route("/_emulator/sendgrid/sent", get(sendgrid::control_sent))
        .route("/_emulator/telegram/{username}/send", post(telegram::control_send))
        .route("/_emulator/telegram/{username}/sent", get(telegram::control_sent))
        .route("/file/{bot_segment}/{*file_path}", get(telegram::file_download))
        .fallback(telegram::bot_api_or_graph)
        // Media uploads: Meta accepts documents up to 100 MB.
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(shared)
}

/// The address clients should use: a wildcard bind is reached through loopback.
fn reachable(local: SocketAddr) -> SocketAddr {
    match local.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => SocketAddr::from((Ipv4Addr::LOCALHOST, local.port())),
        IpAddr::V6(ip) if ip.is_unspecified() => SocketAddr::from((Ipv6Addr::LOCALHOST, local.port())),
        _ => local,
    }
}
