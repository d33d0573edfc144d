//! Requests the emulator makes to our server as Twilio would: signed form POSTs (with
//! Twilio's headers) to loopback URLs only, used for inbound-message webhooks (first
//! delivery and byte-for-byte redelivery) and by [`crate::callbacks`].

use std::net::IpAddr;

use reqwest::header::{ACCEPT, CONTENT_TYPE, USER_AGENT};

use crate::encoding::{idempotency_token, is_whatsapp, new_sid};
use crate::errors::EmulatorError;
use crate::inbound_form::inbound_params;
use crate::server::Shared;
use crate::signature::compute_signature;
use crate::state::RecordedDelivery;
use crate::validation::opt_keyword;
use crate::{InboundDelivery, InboundRequest};

/// What our server answered.
#[derive(Clone, Debug)]
pub(crate) struct Answer {
    pub status: u16,
    pub body: String,
    pub content_type: Option<String>,
}

/// Refuses any URL that is not plain HTTP(S) to a loopback host: the emulator must never
/// send traffic off the machine, whatever URL a test or an API client hands it.
pub(crate) fn ensure_loopback(url: &str) -> Result<(), String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("invalid URL {url}: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("refusing non-HTTP URL {url}"));
    }
    let host = parsed.host_str().unwrap_or("");
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if loopback { Ok(()) } else { Err(format!("refusing to send to non-loopback URL {url}")) }
}

/// `application/x-www-form-urlencoded` encoding of `params`, in their order.
pub(crate) fn encode_form(params: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish()
}

/// POSTs an already encoded and signed form with Twilio's headers.
pub(crate) async fn post_form(
    http: &reqwest::Client,
    url: &str,
    body: &str,
    signature: &str,
    idempotency: &str,
) -> Result<Answer, String> {
    ensure_loopback(url)?;
    let response = http
        .post(url)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(USER_AGENT, "TwilioProxy/1.1")
        .header(ACCEPT, "*/*")
        .header("X-Twilio-Signature", signature)
        .header("I-Twilio-Idempotency-Token", idempotency)
        .header("X-Home-Region", "us1")
        .body(body.to_owned())
        .send()
        .await
        .map_err(|e| format!("POST {url}: {e}"))?;
    let status = response.status().as_u16();
    let content_type = response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body = response.text().await.map_err(|e| format!("reading answer of {url}: {e}"))?;
    Ok(Answer { status, body, content_type })
}

/// Signs `params` with `auth_token` for `url` and POSTs them with a fresh idempotency token.
pub(crate) async fn post_signed(
    http: &reqwest::Client,
    url: &str,
    auth_token: &str,
    params: &[(String, String)],
) -> Result<Answer, String> {
    let signature = compute_signature(auth_token, url, params);
    post_form(http, url, &encode_form(params), &signature, &idempotency_token()).await
}

/// A customer's phone sends `req` to one of our numbers; see `EmulatorHandle::send_inbound`.
pub(crate) async fn send_inbound(shared: &Shared, req: InboundRequest) -> Result<InboundDelivery, EmulatorError> {
    let (url, token, account_sid) = shared.state.update(|world| {
        let number = world.numbers.get(&req.to).cloned().ok_or_else(|| EmulatorError::UnknownNumber(req.to.clone()))?;
        let token = world
            .accounts
            .get(&number.account_sid)
            .cloned()
            .ok_or_else(|| EmulatorError::UnknownAccount(number.account_sid.clone()))?;
        // Twilio handles the standard opt-out keywords itself, for SMS only.
        if !is_whatsapp(&req.from) {
            let pair = (req.from.clone(), req.to.clone());
            match opt_keyword(&req.body) {
                Some(true) => {
                    world.opted_out.insert(pair);
                }
                Some(false) => {
                    world.opted_out.remove(&pair);
                }
                None => {}
            }
        }
        Ok::<_, EmulatorError>((number.webhook_url, token, number.account_sid))
    })?;

    let sid = new_sid(if req.media.is_empty() { "SM" } else { "MM" });
    let params = inbound_params(&req, &account_sid, &sid);
    let delivery = RecordedDelivery {
        signature: compute_signature(&token, &url, &params),
        body: encode_form(&params),
        url,
        idempotency_token: idempotency_token(),
    };
    shared.state.update(|world| {
        world.inbound.insert(sid.clone(), delivery.clone());
        world.phone_log.push(crate::state::PhoneEvent::Sent {
            from: req.from.clone(),
            to: req.to.clone(),
            body: req.body.clone(),
        });
    });
    deliver(shared, &sid, &delivery).await
}

/// Re-POSTs a delivered inbound webhook exactly as it was first sent.
pub(crate) async fn redeliver(shared: &Shared, message_sid: &str) -> Result<InboundDelivery, EmulatorError> {
    let delivery = shared
        .state
        .read(|world| world.inbound.get(message_sid).cloned())
        .ok_or_else(|| EmulatorError::UnknownMessage(message_sid.to_owned()))?;
    deliver(shared, message_sid, &delivery).await
}

async fn deliver(shared: &Shared, sid: &str, d: &RecordedDelivery) -> Result<InboundDelivery, EmulatorError> {
    let answer = post_form(&shared.http, &d.url, &d.body, &d.signature, &d.idempotency_token)
        .await
        .map_err(EmulatorError::Http)?;
    Ok(InboundDelivery {
        message_sid: sid.to_owned(),
        status: answer.status,
        body: answer.body,
        content_type: answer.content_type,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_urls_are_allowed() {
        assert!(ensure_loopback("http://127.0.0.1:8080/hook?x=1").is_ok());
        assert!(ensure_loopback("http://localhost/hook").is_ok());
        assert!(ensure_loopback("http://[::1]:9/hook").is_ok());
        assert!(ensure_loopback("https://example.com/hook").is_err());
        assert!(ensure_loopback("http://10.0.0.1/hook").is_err());
        assert!(ensure_loopback("ftp://127.0.0.1/hook").is_err());
        assert!(ensure_loopback("not a url").is_err());
    }
}
