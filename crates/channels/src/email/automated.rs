//! Recognising email written by a machine: auto-replies (RFC 3834 `Auto-Submitted`, and the
//! `X-Autoreply`/`X-Autorespond`/`Precedence` headers older software sets), delivery status
//! notifications (RFC 3464 `multipart/report; report-type=delivery-status`, or a message from the
//! mailer daemon with an empty return path) and our own email coming back (a mail loop). Such
//! email is stored for the staff to see but never answered automatically.

use mail_parser::{Message, MimeHeaders};
use switchboard_domain::email_thread::{Automated, parse_our_message_id};

/// What kind of machine wrote the message, if one did. `our_domain` is the domain our own
/// Message-IDs carry.
pub fn automated_kind(message: &Message<'_>, our_domain: &str) -> Option<Automated> {
    if message.message_id().is_some_and(|id| is_ours(id, our_domain)) {
        return Some(Automated::OwnMessage);
    }
    if is_delivery_report(message) {
        return Some(Automated::DeliveryReport);
    }
    let header = |name: &str| message.header_raw(name).map(|v| v.trim().to_ascii_lowercase());
    let auto_submitted = header("Auto-Submitted").is_some_and(|v| v != "no");
    let precedence = header("Precedence").is_some_and(|v| v == "auto_reply");
    let legacy = header("X-Autoreply").is_some() || header("X-Autorespond").is_some();
    (auto_submitted || precedence || legacy).then_some(Automated::AutoReply)
}

fn is_ours(message_id: &str, our_domain: &str) -> bool {
    let domain = message_id.trim_matches(['<', '>']).rsplit('@').next().unwrap_or_default();
    parse_our_message_id(message_id).is_some() && domain.eq_ignore_ascii_case(our_domain)
}

fn is_delivery_report(message: &Message<'_>) -> bool {
    let report = message.root_part().content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("multipart")
            && ct.subtype().is_some_and(|s| s.eq_ignore_ascii_case("report"))
            && ct.attribute("report-type").is_some_and(|t| t.eq_ignore_ascii_case("delivery-status"))
    });
    let daemon = message.from().and_then(|from| from.first()).and_then(|addr| addr.address()).is_some_and(|address| {
        let local = address.split('@').next().unwrap_or_default().to_ascii_lowercase();
        local == "mailer-daemon" || local == "postmaster"
    });
    let null_sender = message.header_raw("Return-Path").is_some_and(|v| v.trim() == "<>");
    report || (daemon && null_sender)
}
