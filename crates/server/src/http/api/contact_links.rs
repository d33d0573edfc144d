//! `GET /api/v1/contacts/{contact_id}/telegram-link?channel_id=…`: a link that opens a chat with
//! the channel's bot as this contact (`https://t.me/{bot}?start={reference}`), to put in an
//! email or a reminder. Whoever follows it writes to the bot as the contact we already know.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use switchboard_domain::{ChannelId, ContactId, Provider};

use crate::http::auth::ApiWorkspace;
use crate::http::extract::{ApiQuery, parse_id};
use crate::http::problem::Problem;
use crate::state::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LinkQuery {
    channel_id: String,
}

#[derive(Serialize)]
pub(super) struct TelegramLink {
    url: String,
    reference: String,
    channel_id: ChannelId,
    contact_id: ContactId,
}

pub(super) async fn telegram_link(
    State(state): State<AppState>,
    ApiWorkspace(workspace_id): ApiWorkspace,
    Path(raw): Path<String>,
    ApiQuery(query): ApiQuery<LinkQuery>,
) -> Result<Json<TelegramLink>, Problem> {
    let contact_id: ContactId = parse_id("contact", &raw)?;
    let channel_id: ChannelId = parse_id("channel", &query.channel_id)?;
    state
        .store
        .get_contact(workspace_id, contact_id)
        .await?
        .ok_or_else(|| Problem::not_found(format!("contact {raw} does not exist in this workspace")))?;
    let channel =
        state.channels.get(channel_id).await?.filter(|c| c.record.workspace_id == workspace_id).ok_or_else(|| {
            Problem::not_found(format!("channel {} does not exist in this workspace", query.channel_id))
        })?;
    if channel.record.provider != Provider::Telegram {
        return Err(Problem::unprocessable(
            "not-a-telegram-channel",
            format!("channel {channel_id} is a {} channel; links open a chat with a Telegram bot", channel.record.kind),
        ));
    }
    let reference = crate::referrals::reference(&state.secrets, workspace_id, contact_id);
    let url = format!("https://t.me/{}?start={reference}", channel.record.address);
    Ok(Json(TelegramLink { url, reference, channel_id, contact_id }))
}
