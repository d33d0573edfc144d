//! The ceiling: a server that does only what every webhook handler must (verify the Twilio
//! signature over the raw body and parse the form) and answers at once, storing nothing. The
//! ratio of Switchboard's throughput to this one shows what durability costs.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::post;
use switchboard_channels::twilio::{TwilioAdapter, TwilioConfig};
use switchboard_channels::{ChannelAdapter, ChannelContext, WebhookRequest};

struct Ceiling {
    adapter: TwilioAdapter,
    channel: ChannelContext,
}

/// Starts the ceiling server on a free loopback port for `channel` (its `public_url` is set to
/// the bound address) and returns the channel's webhook URL there.
pub async fn start(mut channel: ChannelContext) -> anyhow::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    channel.public_url = format!("http://{}", listener.local_addr()?);
    let url = format!("{}/webhooks/twilio/{}", channel.public_url, channel.channel_id);
    let state =
        Arc::new(Ceiling { adapter: TwilioAdapter::new(TwilioConfig::default(), reqwest::Client::new()), channel });
    let router = Router::new().route("/webhooks/twilio/{channel_id}", post(handle)).with_state(state);
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Ok(url)
}

async fn handle(State(state): State<Arc<Ceiling>>, uri: Uri, headers: HeaderMap, body: Bytes) -> (StatusCode, String) {
    let path_and_query = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let request = WebhookRequest { path_and_query, headers: &headers, body: &body };
    if state.adapter.verify(&state.channel, &request).is_err() {
        return (StatusCode::FORBIDDEN, String::new());
    }
    match state.adapter.parse(&state.channel, &request) {
        Ok(_) => (StatusCode::OK, state.adapter.reply().body),
        Err(_) => (StatusCode::BAD_REQUEST, String::new()),
    }
}
