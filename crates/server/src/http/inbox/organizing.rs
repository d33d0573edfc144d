//! Sorting and pacing a conversation from its page: putting a label on it or taking one off, and
//! snoozing it until a time the staff member picks in their own time zone.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Router};
use serde::Deserialize;
use switchboard_domain::{ConversationId, LabelId};

use super::actions::changed;
use super::session::{CsrfForm, SignedIn};
use crate::clock::now_ms;
use crate::http::problem::Problem;
use crate::live::ChangeKind;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbox/conversations/{conversation_id}/labels", post(add_label))
        .route("/inbox/conversations/{conversation_id}/labels/{label_id}/remove", post(remove_label))
        .route("/inbox/conversations/{conversation_id}/snooze", post(snooze))
}

/// 09:00 tomorrow in UTC, as a `datetime-local` value; the page's script replaces it with 09:00
/// tomorrow in the browser's own time zone.
pub fn tomorrow_at_nine_utc(now: i64) -> String {
    let today = jiff::Timestamp::from_millisecond(now)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let tomorrow = today.tomorrow().unwrap_or(today);
    format!("{tomorrow}T09:00")
}

/// A `datetime-local` value (`2026-11-22T09:00`) read in the browser's time zone, in
/// milliseconds since the epoch. The zone's name (`Europe/Paris`) is used when this system knows
/// it, so that a time across a daylight-saving change is still right; otherwise the browser's
/// current offset, `utc_offset_minutes` behind UTC as JavaScript's `getTimezoneOffset` counts.
pub fn local_time_to_ms(local: &str, time_zone: &str, utc_offset_minutes: i32) -> Option<i64> {
    let civil: jiff::civil::DateTime = local.trim().parse().ok()?;
    if let Ok(zone) = jiff::tz::TimeZone::get(time_zone.trim()) {
        return Some(civil.to_zoned(zone).ok()?.timestamp().as_millisecond());
    }
    let as_utc = civil.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp().as_millisecond();
    Some(as_utc + i64::from(utc_offset_minutes) * 60_000)
}

#[derive(Deserialize)]
struct LabelForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    label_id: String,
}

async fn add_label(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(conversation_id): Path<ConversationId>,
    Form(form): Form<LabelForm>,
) -> Response {
    if let Some(refused) = signed_in.refuse_forged(&form.csrf) {
        return refused;
    }
    let Ok(label_id) = form.label_id.parse::<LabelId>() else {
        return Problem::unprocessable("unknown-label", "pick a label to add").into_response();
    };
    let workspace_id = signed_in.session.staff.workspace_id;
    match state.store.label_conversation(workspace_id, conversation_id, label_id, now_ms()).await {
        Ok(true) => changed(&state, &signed_in, conversation_id, ChangeKind::Conversation),
        Ok(false) => Problem::not_found("there is no such conversation or label in your workspace").into_response(),
        Err(error) => Problem::from(error).into_response(),
    }
}

async fn remove_label(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((conversation_id, label_id)): Path<(ConversationId, LabelId)>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Some(refused) = signed_in.refuse_forged(&form.csrf) {
        return refused;
    }
    let workspace_id = signed_in.session.staff.workspace_id;
    match state.store.unlabel_conversation(workspace_id, conversation_id, label_id).await {
        // Already gone (another tab, another colleague) is what was asked for.
        Ok(_) => changed(&state, &signed_in, conversation_id, ChangeKind::Conversation),
        Err(error) => Problem::from(error).into_response(),
    }
}

#[derive(Deserialize)]
struct SnoozeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    until: String,
    /// The browser's zone by name, when its script ran.
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    utc_offset_minutes: i32,
}

async fn snooze(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(conversation_id): Path<ConversationId>,
    Form(form): Form<SnoozeForm>,
) -> Response {
    if let Some(refused) = signed_in.refuse_forged(&form.csrf) {
        return refused;
    }
    let now = now_ms();
    let until = match crate::http::checks::snooze_until(
        local_time_to_ms(&form.until, &form.time_zone, form.utc_offset_minutes),
        now,
    ) {
        Ok(until) => until,
        Err(problem) => return problem.into_response(),
    };
    let workspace_id = signed_in.session.staff.workspace_id;
    match state.store.snooze_conversation(workspace_id, conversation_id, until, now).await {
        Ok(Some(_)) => {
            state.snooze_wakeup.notify_one();
            changed(&state, &signed_in, conversation_id, ChangeKind::Conversation)
        }
        Ok(None) => super::actions::not_found(conversation_id).into_response(),
        Err(error) => Problem::from(error).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_time_is_read_in_the_browsers_zone() {
        // 09:00 in UTC+1 (JavaScript's offset: -60) is 08:00 UTC.
        let paris = local_time_to_ms("2026-11-22T09:00", "", -60).unwrap();
        assert_eq!(crate::clock::rfc3339(paris), "2026-11-22T08:00:00Z");
        let new_york = local_time_to_ms("2026-11-22T09:00", "", 300).unwrap();
        assert_eq!(crate::clock::rfc3339(new_york), "2026-11-22T14:00:00Z");
        assert!(local_time_to_ms("tomorrow", "", 0).is_none());
    }

    #[test]
    fn a_named_zone_keeps_its_summer_time_whatever_the_offset_today() {
        // Snoozed in November (UTC+1 in Paris) until a June morning (UTC+2 there).
        let june = local_time_to_ms("2099-06-01T09:00", "Europe/Paris", -60).unwrap();
        assert_eq!(crate::clock::rfc3339(june), "2099-06-01T07:00:00Z");
        let unknown = local_time_to_ms("2099-06-01T09:00", "Mars/Olympus", -60).unwrap();
        assert_eq!(crate::clock::rfc3339(unknown), "2099-06-01T08:00:00Z", "an unknown zone falls back to the offset");
    }

    #[test]
    fn the_default_snooze_is_nine_tomorrow() {
        let now = crate::clock::parse_rfc3339("2026-11-21T23:30:00Z").unwrap();
        assert_eq!(tomorrow_at_nine_utc(now), "2026-11-22T09:00");
    }
}
