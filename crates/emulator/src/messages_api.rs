//! Twilio's Messages REST API: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`
//! creates a message (then its life goes on in [`crate::callbacks`]) and
//! `GET …/Messages/{Sid}.json` fetches its current state.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::SentMessage;
use crate::callbacks;
use crate::clock::rfc2822_now;
use crate::encoding::{is_whatsapp, new_sid, sms_segments};
use crate::errors::ApiError;
use crate::resource::message_json;
use crate::server::Shared;
use crate::state::{MessageRecord, World};
use crate::validation::{CreateRequest, authenticate, validate};

/// `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`.
pub(crate) async fn create_message(
    State(shared): State<Arc<Shared>>,
    Path(account_sid): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let created = shared.state.update(|world| {
        authenticate(world, &headers, &account_sid)?;
        let req = CreateRequest::parse(&body);
        let accepted = validate(world, &account_sid, &req)?;
        take_injected_failure(world, &accepted.to)?;

        let whatsapp = is_whatsapp(&accepted.to);
        let body_text = req.body.clone().unwrap_or_default();
        let num_segments = if whatsapp || !req.media_urls.is_empty() { 1 } else { sms_segments(&body_text) };
        let sid = new_sid(if req.media_urls.is_empty() { "SM" } else { "MM" });
        let now = rfc2822_now();
        let record = MessageRecord {
            message: SentMessage {
                sid: sid.clone(),
                account_sid: account_sid.clone(),
                from: accepted.from,
                to: accepted.to,
                body: body_text,
                media_urls: req.media_urls,
                status_callback: req.status_callback,
                status: accepted.status.to_owned(),
                error_code: None,
                num_segments,
            },
            date_created: now.clone(),
            date_updated: now,
            date_sent: None,
            messaging_service_sid: accepted.messaging_service_sid,
            error_message: None,
        };
        let mut json = message_json(&record);
        if record.messaging_service_sid.is_some() {
            // Through a Messaging Service the sender is not chosen yet at creation.
            json["from"] = serde_json::Value::Null;
        }
        world.phone_log.push(crate::state::PhoneEvent::Received { sid: sid.clone() });
        world.messages.push(record);
        Ok::<_, ApiError>((sid, json))
    });

    match created {
        Ok((sid, json)) => {
            callbacks::spawn_lifecycle(shared.clone(), sid);
            (StatusCode::CREATED, Json(json)).into_response()
        }
        Err(error) => error.into_response(),
    }
}

/// Consumes one failure injected with `fail_api` for `to`, if any is left.
fn take_injected_failure(world: &mut World, to: &str) -> Result<(), ApiError> {
    let Some(failure) = world.api_failures.get_mut(to) else {
        return Ok(());
    };
    let error = ApiError::injected(failure.http_status, failure.code);
    failure.remaining = failure.remaining.saturating_sub(1);
    if failure.remaining == 0 {
        world.api_failures.remove(to);
    }
    Err(error)
}

/// `GET /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json`.
pub(crate) async fn fetch_message(
    State(shared): State<Arc<Shared>>,
    Path((account_sid, file)): Path<(String, String)>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let found = shared.state.read(|world| {
        authenticate(world, &headers, &account_sid)?;
        file.strip_suffix(".json")
            .and_then(|sid| world.message(sid))
            .filter(|record| record.message.account_sid == account_sid)
            .map(message_json)
            .ok_or_else(|| ApiError::not_found(uri.path()))
    });
    match found {
        Ok(json) => Json(json).into_response(),
        Err(error) => error.into_response(),
    }
}

/// Any other path: Twilio's 404 / 20404.
pub(crate) async fn not_found(uri: Uri) -> Response {
    ApiError::not_found(uri.path()).into_response()
}
