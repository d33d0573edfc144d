//! The inbox's live updates: a server-sent event stream of the signed-in staff member's
//! workspace changes, as ids. A page that falls too far behind is told to reload; a page that
//! reconnects re-reads what it shows (the browser reconnects by itself).

use std::convert::Infallible;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::{BroadcastStream, WatchStream};

use super::session::SignedIn;
use crate::live::LiveEvent;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/inbox/events", get(events))
}

async fn events(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Sse<impl tokio_stream::Stream<Item = Result<Event, Infallible>>> {
    let workspace_id = signed_in.session.staff.workspace_id;
    let changes = BroadcastStream::new(state.live.subscribe()).filter_map(move |received| match received {
        Ok(LiveEvent::Changed(change)) if change.workspace_id == workspace_id => Some(Ok(Event::default()
            .event("change")
            .json_data(serde_json::json!({ "conversation_id": change.conversation_id, "kind": change.kind }))
            .unwrap_or_default())),
        Ok(LiveEvent::Changed(_)) => None,
        // Changes may be missing: the page re-reads everything it shows.
        Ok(LiveEvent::Resync) => Some(Ok(Event::default().event("change").data("{}"))),
        Err(BroadcastStreamRecvError::Lagged(_)) => Some(Ok(Event::default().event("reload").data("behind"))),
    });
    // The stream ends when the server shuts down (the browser reconnects to whichever node
    // answers next), so a graceful shutdown never waits on an open page.
    let shutdown = WatchStream::new(state.shutting_down.clone()).filter(|down| *down).map(|_| None);
    let until_shutdown = changes.map(Some).merge(shutdown).map_while(|event| event);
    Sse::new(until_shutdown).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
