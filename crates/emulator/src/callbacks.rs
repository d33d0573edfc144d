//! The life of a created message: after `callback_delay` per step it becomes `sent`, then
//! `delivered` (and `read` on WhatsApp), or `undelivered`/`failed` with an error code when
//! `fail_delivery` was set for its recipient. Each step updates the resource and, when the
//! message has a `StatusCallback`, POSTs a signed status callback and records the answer.

use std::sync::Arc;

use crate::clock::{now_unix, raw_dlr_done_date, rfc2822};
use crate::encoding::{is_whatsapp, phone_part};
use crate::errors::delivery_error_message;
use crate::server::Shared;
use crate::state::World;
use crate::webhooks::post_signed;

/// A status callback ready to be sent.
struct Callback {
    url: String,
    auth_token: String,
    params: Vec<(String, String)>,
}

/// Plays the life of message `sid` in the background.
pub(crate) fn spawn_lifecycle(shared: Arc<Shared>, sid: String) {
    tokio::spawn(async move { run(&shared, &sid).await });
}

/// The statuses a message to `to` goes through after `queued`.
fn steps(to: &str, failure: Option<u32>) -> &'static [&'static str] {
    match (is_whatsapp(to), failure) {
        (false, None) => &["sent", "delivered"],
        (true, None) => &["sent", "delivered", "read"],
        (false, Some(_)) => &["sent", "undelivered"],
        (true, Some(_)) => &["sent", "failed"],
    }
}

async fn run(shared: &Shared, sid: &str) {
    let plan = shared.state.read(|world| {
        let to = world.message(sid)?.message.to.clone();
        let failure = world.delivery_failures.get(&to).copied();
        Some((to, failure))
    });
    let Some((to, failure)) = plan else { return };

    for &step in steps(&to, failure) {
        tokio::time::sleep(shared.config.callback_delay).await;
        let Some(callback) = shared.state.update(|world| advance(world, sid, step, failure)) else {
            continue;
        };
        match post_signed(&shared.http, &callback.url, &callback.auth_token, &callback.params).await {
            Ok(answer) if (200..300).contains(&answer.status) => {
                shared.state.update(|world| world.answered_callbacks.insert((sid.to_owned(), step.to_owned())));
            }
            Ok(answer) => {
                tracing::debug!(sid, step, status = answer.status, "status callback not accepted");
            }
            Err(error) => tracing::warn!(sid, step, %error, "status callback failed"),
        }
    }
}

/// Moves message `sid` to `status` and builds its status callback, if it has one.
fn advance(world: &mut World, sid: &str, status: &str, failure: Option<u32>) -> Option<Callback> {
    let account_sid = world.message(sid)?.message.account_sid.clone();
    let auth_token = world.accounts.get(&account_sid).cloned();
    let record = world.message_mut(sid)?;
    let now = now_unix();
    record.message.status = status.to_owned();
    record.date_updated = rfc2822(now);
    if status == "sent" {
        record.date_sent = Some(rfc2822(now));
    }
    let failing = matches!(status, "undelivered" | "failed");
    if failing {
        record.message.error_code = failure;
        record.error_message = failure.map(|code| delivery_error_message(code).to_owned());
    }

    let url = record.message.status_callback.clone()?;
    let m = &record.message;
    let mut params: Vec<(String, String)> = Vec::new();
    let mut add = |name: &str, value: &str| params.push((name.to_owned(), value.to_owned()));
    if let (true, Some(code)) = (failing, failure) {
        add("ErrorCode", &code.to_string());
    }
    if is_whatsapp(&m.to) {
        add("ChannelPrefix", "whatsapp");
        add("ApiVersion", "2010-04-01");
        add("MessageStatus", status);
        add("SmsSid", &m.sid);
        add("SmsStatus", status);
        add("ChannelToAddress", phone_part(&m.to));
        add("To", &m.to);
        add("From", &m.from);
        add("MessageSid", &m.sid);
        add("AccountSid", &m.account_sid);
    } else {
        add("SmsSid", &m.sid);
        add("SmsStatus", status);
        add("MessageStatus", status);
        add("To", &m.to);
        add("MessageSid", &m.sid);
        add("AccountSid", &m.account_sid);
        add("From", &m.from);
        add("ApiVersion", "2010-04-01");
        if matches!(status, "delivered" | "undelivered") {
            add("RawDlrDoneDate", &raw_dlr_done_date(now));
        }
    }
    if let Some(service) = &record.messaging_service_sid {
        add("MessagingServiceSid", service);
    }
    Some(Callback { url, auth_token: auth_token?, params })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whatsapp_messages_are_also_read_and_failures_end_the_life() {
        assert_eq!(steps("+14155550100", None), ["sent", "delivered"]);
        assert_eq!(steps("whatsapp:+14155550100", None), ["sent", "delivered", "read"]);
        assert_eq!(steps("+14155550100", Some(30003)), ["sent", "undelivered"]);
        assert_eq!(steps("whatsapp:+14155550100", Some(63016)), ["sent", "failed"]);
    }
}
