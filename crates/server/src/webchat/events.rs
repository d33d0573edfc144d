//! `GET /widget/api/events?token=…`: a server-sent event stream telling the widget that its
//! chat changed (a reply arrived, a message was read), with no content: the widget then reads
//! its messages. An `EventSource` cannot send a header, so the token comes in the query.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use serde::Deserialize;
use switchboard_domain::ConversationId;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::{BroadcastStream, ReceiverStream, WatchStream};

use super::visitor::{Refusal, VisitorSession, authenticate};
use crate::live::LiveEvent;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct EventsQuery {
    #[serde(default)]
    token: Option<String>,
}

pub async fn events(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<EventsQuery>,
) -> Result<Sse<impl tokio_stream::Stream<Item = Result<Event, Infallible>>>, Refusal> {
    let session = authenticate(&state, &headers, query.token.as_deref()).await?;
    let (sender, receiver) = tokio::sync::mpsc::channel::<()>(8);
    let mut changes = BroadcastStream::new(state.live.subscribe());
    let workspace_id = session.channel.record.workspace_id;
    let watcher = state.clone();
    // Passes on the changes of the visitor's conversation, until the widget goes away (the
    // task ends with the stream, so it never keeps the server from shutting down).
    tokio::spawn(async move {
        let mut conversation = conversation_of(&watcher, &session).await;
        loop {
            let received = tokio::select! {
                () = sender.closed() => break,
                received = changes.next() => match received {
                    Some(received) => received,
                    None => break,
                },
            };
            let relevant = match received {
                Ok(LiveEvent::Changed(change)) if change.workspace_id == workspace_id => {
                    if conversation.is_none() {
                        conversation = conversation_of(&watcher, &session).await;
                    }
                    change.conversation_id.is_none() || change.conversation_id == conversation
                }
                Ok(LiveEvent::Changed(_)) => false,
                Ok(LiveEvent::Resync) | Err(BroadcastStreamRecvError::Lagged(_)) => true,
            };
            // A full queue already holds a wake-up; the widget reads everything on it.
            if relevant {
                let _ = sender.try_send(());
            }
        }
    });
    let changed = ReceiverStream::new(receiver).map(|()| Some(Ok(Event::default().event("changed").data("{}"))));
    // Ends when the server shuts down, so a graceful shutdown never waits on a visitor.
    let shutdown = WatchStream::new(state.shutting_down.clone()).filter(|down| *down).map(|_| None);
    let until_shutdown = changed.merge(shutdown).map_while(|event| event);
    Ok(Sse::new(until_shutdown).keep_alive(KeepAlive::new().interval(Duration::from_secs(20))))
}

/// The visitor's conversation, once they have one.
async fn conversation_of(state: &AppState, session: &VisitorSession) -> Option<ConversationId> {
    super::visitor::visitor_conversation(state, session).await.ok().flatten().map(|(_, conversation)| conversation)
}
