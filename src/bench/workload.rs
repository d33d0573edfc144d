//! Workload W1: Twilio SMS webhooks to one channel from 5,000 senders, about 10% of them exact
//! re-sends of an earlier webhook (same MessageSid, same bytes), as Twilio sends when an answer
//! is late. Bodies are built as Twilio builds them and signed by the emulator's own signer.

use rand::RngExt;

/// One webhook of the workload, before signing.
#[derive(Clone)]
pub struct Webhook {
    pub message_sid: String,
    pub body: String,
}

/// A signed webhook, ready to POST.
#[derive(Clone)]
pub struct SignedWebhook {
    pub message_sid: String,
    pub body: bytes::Bytes,
    pub signature: String,
}

pub const SENDERS: usize = 5_000;
pub const RESEND_SHARE: f64 = 0.10;

/// `count` webhooks to `to` on `account_sid`, about 10% of them re-sends of an earlier one.
pub fn generate(count: usize, account_sid: &str, to: &str) -> Vec<Webhook> {
    let mut rng = rand::rng();
    let mut webhooks: Vec<Webhook> = Vec::with_capacity(count);
    for i in 0..count {
        if i > 0 && rng.random_bool(RESEND_SHARE) {
            // A retry arrives soon after the original, as a provider retry does.
            let back = rng.random_range(1..=i.min(200));
            webhooks.push(webhooks[i - back].clone());
            continue;
        }
        let sender = rng.random_range(0..SENDERS);
        let sid = format!("SM{:032x}", rng.random::<u128>());
        let from = format!("+1415{:07}", 2_000_000 + sender);
        let text = format!("Hi, this is customer {sender}. Is my order #{i} ready for pickup?");
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("ToCountry", "US"),
                ("ToState", "CA"),
                ("SmsMessageSid", sid.as_str()),
                ("NumMedia", "0"),
                ("ToCity", "SAN FRANCISCO"),
                ("FromZip", "94105"),
                ("SmsSid", sid.as_str()),
                ("FromState", "CA"),
                ("SmsStatus", "received"),
                ("FromCity", "SAN FRANCISCO"),
                ("Body", text.as_str()),
                ("FromCountry", "US"),
                ("To", to),
                ("ToZip", "94105"),
                ("NumSegments", "1"),
                ("MessageSid", sid.as_str()),
                ("AccountSid", account_sid),
                ("From", from.as_str()),
                ("ApiVersion", "2010-04-01"),
            ])
            .finish();
        webhooks.push(Webhook { message_sid: sid, body });
    }
    webhooks
}

/// Signs every webhook for delivery to `url`.
pub fn sign(webhooks: &[Webhook], auth_token: &str, url: &str) -> Vec<SignedWebhook> {
    webhooks
        .iter()
        .map(|w| SignedWebhook {
            message_sid: w.message_sid.clone(),
            signature: switchboard_emulator::signature::signature_for_form_body(auth_token, url, w.body.as_bytes()),
            body: bytes::Bytes::from(w.body.clone()),
        })
        .collect()
}
