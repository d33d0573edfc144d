//! Retrying a failed send from its conversation: the same text and media, to the same address,
//! on the same channel, as a new message through the same policy checks as any reply (an
//! opted-out customer or a closed WhatsApp window still refuses it, with the reason on the page).
//! The failed message stays in the timeline as it was. Retrying one failed message twice queues
//! one new message, not two.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Router};
use switchboard_domain::{Direction, MessageId, MessageStatus};

use super::actions::changed;
use super::conversations::{ListParams, Opened, ReplyState, page};
use super::session::{CsrfForm, SignedIn};
use crate::http::problem::Problem;
use crate::live::ChangeKind;
use crate::outbound::{Recipient, SendRequest};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/inbox/messages/{message_id}/retry", post(retry))
}

#[tracing::instrument(skip_all, fields(message_id = %message_id))]
async fn retry(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(message_id): Path<MessageId>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Some(refused) = signed_in.refuse_forged(&form.csrf) {
        return refused;
    }
    let workspace_id = signed_in.session.staff.workspace_id;
    let result = async {
        let failed = state
            .store
            .get_message(workspace_id, message_id)
            .await?
            .ok_or_else(|| Problem::not_found(format!("there is no message {message_id} in your workspace")))?;
        if failed.direction != Direction::Outbound || failed.status != MessageStatus::Failed {
            return Err(Problem::new(
                StatusCode::CONFLICT,
                "not-failed",
                format!("message {message_id} did not fail; only a failed send can be retried"),
            ));
        }
        let request = SendRequest {
            workspace_id,
            channel_id: failed.channel_id,
            recipient: Recipient::Address(failed.to_address.clone()),
            body: failed.body.clone(),
            media_urls: failed.attachments.iter().map(|a| a.url.clone()).collect(),
            content: failed.content.clone(),
            reply_to: failed.reply_to.clone(),
            sender_kind: failed.sender_kind,
            idempotency_key: Some(format!("retry:{message_id}")),
        };
        match crate::outbound::queue_send(&state, request).await {
            Ok(_) => {
                state.dispatch_wakeup.notify_one();
                Ok(changed(&state, &signed_in, failed.conversation_id, ChangeKind::Message))
            }
            Err(refusal) => {
                let error = refusal.to_string();
                let status = Problem::from(refusal).into_response().status();
                if status.is_server_error() {
                    return Err(Problem::internal(error));
                }
                let opened = Opened::load(&state, &signed_in, failed.conversation_id).await?;
                let reply = ReplyState {
                    status,
                    body: String::new(),
                    channel_id: Some(failed.channel_id),
                    error: Some(format!("The retry was refused: {error}")),
                };
                page(&state, &signed_in, &ListParams::default(), Some(&opened), reply).await
            }
        }
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}
