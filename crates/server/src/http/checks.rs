//! Checks of what staff and integrations submit, shared by the REST API and the inbox: a note's
//! text, a snooze's end, a label, a saved reply. Each failure is a problem a person can act on.

use switchboard_domain::{canned, labels};

use crate::clock::now_ms;
use crate::http::problem::Problem;
use crate::state::AppState;

/// The longest private note accepted, in characters.
pub const MAX_NOTE_CHARS: usize = 10_000;

/// A note's text, or why it cannot be one.
pub fn note_body(raw: &str) -> Result<&str, Problem> {
    let body = raw.trim();
    if body.is_empty() || body.chars().count() > MAX_NOTE_CHARS {
        return Err(Problem::unprocessable(
            "note-length",
            format!("a note needs between 1 and {MAX_NOTE_CHARS} characters"),
        ));
    }
    Ok(body)
}

/// A snooze's end, which must lie in the future.
pub fn snooze_until(until: Option<i64>, now: i64) -> Result<i64, Problem> {
    match until {
        None => Err(Problem::unprocessable("invalid-snooze", "until must be a time such as 2026-12-01T09:00:00+01:00")),
        Some(at) if at <= now => Err(Problem::unprocessable("invalid-snooze", "a snooze must end in the future")),
        Some(at) => Ok(at),
    }
}

/// Creates a label after checking its name and colour; shared with the inbox's admin page.
pub async fn create_label_checked(
    state: &AppState,
    workspace_id: switchboard_domain::WorkspaceId,
    name: &str,
    colour: Option<&str>,
) -> Result<switchboard_store::model::Label, Problem> {
    let invalid = |e: labels::LabelError| Problem::unprocessable("invalid-label", e.to_string());
    let name = labels::parse_name(name).map_err(invalid)?;
    let colour = match colour.filter(|c| !c.trim().is_empty()) {
        Some(colour) => labels::parse_colour(colour).map_err(invalid)?,
        None => labels::next_colour(state.store.list_labels(workspace_id).await?.len()).to_owned(),
    };
    Ok(state.store.create_label(workspace_id, &name, &colour, now_ms()).await?)
}

/// A saved reply's shortcut and body, checked.
pub fn parse_canned(shortcut: &str, body: &str) -> Result<(String, String), Problem> {
    let invalid = |e: canned::CannedError| Problem::unprocessable("invalid-canned-response", e.to_string());
    Ok((canned::parse_shortcut(shortcut).map_err(invalid)?, canned::parse_body(body).map_err(invalid)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snooze_must_end_in_the_future() {
        assert_eq!(snooze_until(Some(2_000), 1_000).unwrap(), 2_000);
        assert!(snooze_until(Some(1_000), 1_000).is_err());
        assert!(snooze_until(None, 1_000).is_err());
    }
}
