//! Checks Twilio makes before creating a Message: HTTP Basic authentication and the
//! request's parameters (required fields, E.164, sender ownership, channel pairing,
//! length, opt-outs), each answered with Twilio's error code and text.

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::encoding::{is_e164, is_whatsapp};
use crate::errors::ApiError;
use crate::state::World;

/// The parameters of `POST …/Messages.json` the emulator looks at.
#[derive(Clone, Debug, Default)]
pub(crate) struct CreateRequest {
    pub to: Option<String>,
    pub from: Option<String>,
    pub messaging_service_sid: Option<String>,
    pub body: Option<String>,
    pub media_urls: Vec<String>,
    pub status_callback: Option<String>,
}

impl CreateRequest {
    /// Reads an `application/x-www-form-urlencoded` body; unknown fields are ignored.
    pub fn parse(body: &[u8]) -> Self {
        let mut req = Self::default();
        let non_empty = |v: String| (!v.is_empty()).then_some(v);
        for (name, value) in form_urlencoded::parse(body).into_owned() {
            match name.as_str() {
                "To" => req.to = non_empty(value),
                "From" => req.from = non_empty(value),
                "MessagingServiceSid" => req.messaging_service_sid = non_empty(value),
                "Body" => req.body = Some(value),
                "MediaUrl" if !value.is_empty() => req.media_urls.push(value),
                "StatusCallback" => req.status_callback = non_empty(value),
                _ => {}
            }
        }
        req
    }
}

/// What a valid request turns into.
#[derive(Clone, Debug)]
pub(crate) struct Accepted {
    pub to: String,
    /// The sender actually used (picked from the account's numbers with a Messaging Service).
    pub from: String,
    pub messaging_service_sid: Option<String>,
    /// Initial status: `queued`, or `accepted` through a Messaging Service.
    pub status: &'static str,
}

/// Checks HTTP Basic credentials against the account in the path; 401/20003 otherwise.
pub(crate) fn authenticate(world: &World, headers: &HeaderMap, path_account: &str) -> Result<(), ApiError> {
    let credentials = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b64| STANDARD.decode(b64.trim()).ok())
        .and_then(|raw| String::from_utf8(raw).ok())
        .ok_or_else(ApiError::authenticate)?;
    let (user, password) = credentials.split_once(':').ok_or_else(ApiError::authenticate)?;
    match world.accounts.get(user) {
        Some(token) if token == password && user == path_account => Ok(()),
        _ => Err(ApiError::authenticate()),
    }
}

/// Validates a create request for `account_sid`, in the order Twilio reports problems.
pub(crate) fn validate(world: &World, account_sid: &str, req: &CreateRequest) -> Result<Accepted, ApiError> {
    let to = req.to.clone().ok_or_else(|| ApiError::new(400, 21604, "A 'To' phone number is required."))?;
    if req.from.is_none() && req.messaging_service_sid.is_none() {
        return Err(ApiError::new(400, 21603, "A 'From' phone number is required."));
    }
    let body = req.body.as_deref().unwrap_or("");
    if body.is_empty() && req.media_urls.is_empty() {
        return Err(ApiError::new(400, 21602, "Message body is required."));
    }
    if !is_e164(&to) {
        return Err(ApiError::new(400, 21211, format!("The 'To' number {to} is not a valid phone number.")));
    }
    let (from, status) = match (&req.from, &req.messaging_service_sid) {
        (Some(from), _) => (from.clone(), "queued"),
        (None, Some(service)) => (sender_from_service(world, account_sid, service, &to)?, "accepted"),
        (None, None) => unreachable!("checked above"),
    };
    if is_whatsapp(&from) != is_whatsapp(&to) {
        return Err(ApiError::new(400, 21910, "Invalid From and To pair. From and To should be of the same channel"));
    }
    let owned = world.numbers.get(&from).is_some_and(|n| n.account_sid == account_sid);
    if !owned {
        return Err(ApiError::new(
            400,
            21606,
            format!(
                "The From phone number {from} is not a valid, SMS-capable inbound phone number or short code for your account."
            ),
        ));
    }
    if body.chars().count() > 1600 {
        return Err(ApiError::new(400, 21617, "The concatenated message body exceeds the 1600 character limit."));
    }
    if world.opted_out.contains(&(to.clone(), from.clone())) {
        return Err(ApiError::new(400, 21610, "Attempt to send to unsubscribed recipient"));
    }
    Ok(Accepted { to, from, messaging_service_sid: req.messaging_service_sid.clone(), status })
}

/// The emulator has no Messaging Services: any well-formed `MG…` sid stands for a pool of
/// all the account's numbers, and the first one on the recipient's channel is used.
fn sender_from_service(world: &World, account_sid: &str, service: &str, to: &str) -> Result<String, ApiError> {
    let well_formed =
        service.len() == 34 && service.starts_with("MG") && service[2..].bytes().all(|b| b.is_ascii_hexdigit());
    if !well_formed {
        return Err(ApiError::new(400, 21701, format!("The Messaging Service Sid {service} is invalid.")));
    }
    let mut candidates: Vec<&String> = world
        .numbers
        .iter()
        .filter(|(address, n)| n.account_sid == account_sid && is_whatsapp(address) == is_whatsapp(to))
        .map(|(address, _)| address)
        .collect();
    candidates.sort();
    candidates.first().map(|a| (*a).clone()).ok_or_else(|| {
        ApiError::new(400, 21703, "The Messaging Service does not have a phone number available to send a message")
    })
}

/// Whether an inbound body is an opt-out (`Some(true)`), opt-in (`Some(false)`) keyword.
pub(crate) fn opt_keyword(body: &str) -> Option<bool> {
    let word = body.trim().to_ascii_uppercase();
    match word.as_str() {
        "STOP" | "STOPALL" | "UNSUBSCRIBE" | "CANCEL" | "END" | "QUIT" => Some(true),
        "START" | "UNSTOP" | "YES" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opt_out_keywords_are_whole_body_and_case_insensitive() {
        assert_eq!(opt_keyword(" stop "), Some(true));
        assert_eq!(opt_keyword("StopAll"), Some(true));
        assert_eq!(opt_keyword("please stop"), None);
        assert_eq!(opt_keyword("unstop"), Some(false));
        assert_eq!(opt_keyword("yes"), Some(false));
    }

    #[test]
    fn repeated_media_urls_are_all_kept() {
        let req = CreateRequest::parse(b"To=%2B1&MediaUrl=a&MediaUrl=b&Foo=bar&Body=");
        assert_eq!(req.media_urls, ["a", "b"]);
        assert_eq!(req.body.as_deref(), Some(""));
        assert_eq!(req.to.as_deref(), Some("+1"));
    }
}
