//! Inbound Parse: a customer's email to a receiving domain, posted to that domain's parse URL
//! as SendGrid posts it. In the default mode the email is taken apart into `headers`, `text`,
//! `html`, `from`, `to`, `subject`, `envelope`, `charsets`, `attachments`, `attachment-info`,
//! `content-ids` and one file field per attachment; in the raw mode the whole message is the
//! `email` field. `user:password@` in the URL becomes HTTP Basic auth.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use serde_json::json;

use super::form_data::{self, FormField};
use crate::customer_email::{self, InboundEmail};
use crate::errors::EmulatorError;
use crate::server::Shared;
use crate::webhooks::ensure_loopback;

/// What our server answered to an Inbound Parse post.
#[derive(Clone, Debug)]
pub struct InboundEmailDelivery {
    /// The Message-ID of the email, without brackets.
    pub message_id: String,
    pub status: u16,
    pub body: String,
}

/// The form fields of the default mode.
fn parsed_fields(email: &InboundEmail, headers: &str) -> Vec<FormField> {
    let from = match &email.from_name {
        Some(name) => format!("{name} <{}>", email.from),
        None => email.from.clone(),
    };
    let mut fields = vec![
        FormField::text("headers", headers),
        FormField::text("dkim", "none"),
        FormField::text("to", email.to.clone()),
        FormField::text("from", from),
        FormField::text("subject", email.subject.clone()),
        FormField::text("text", email.text.clone()),
        FormField::text("sender_ip", "127.0.0.1"),
        FormField::text("envelope", json!({ "to": [email.to], "from": email.from }).to_string()),
        FormField::text("SPF", "pass"),
        FormField::text("spam_score", "0.1"),
        FormField::text("attachments", email.attachments.len().to_string()),
    ];
    let mut charsets = json!({ "to": "UTF-8", "from": "UTF-8", "subject": "UTF-8", "text": "UTF-8" });
    if let Some(html) = &email.html {
        fields.push(FormField::text("html", html.clone()));
        charsets["html"] = json!("UTF-8");
    }
    fields.push(FormField::text("charsets", charsets.to_string()));
    if !email.attachments.is_empty() {
        let mut info = serde_json::Map::new();
        let mut content_ids = serde_json::Map::new();
        for (i, file) in email.attachments.iter().enumerate() {
            let name = format!("attachment{}", i + 1);
            let mut entry = json!({ "filename": file.filename, "name": file.filename, "type": file.content_type });
            if let Some(cid) = &file.content_id {
                entry["content-id"] = json!(cid);
                content_ids.insert(cid.clone(), json!(name));
            }
            info.insert(name.clone(), entry);
            fields.push(FormField {
                name,
                filename: Some(file.filename.clone()),
                content_type: Some(file.content_type.clone()),
                data: file.bytes.clone(),
            });
        }
        fields.push(FormField::text("attachment-info", serde_json::Value::Object(info).to_string()));
        if !content_ids.is_empty() {
            fields.push(FormField::text("content-ids", serde_json::Value::Object(content_ids).to_string()));
        }
    }
    fields
}

/// The form fields of the raw mode.
fn raw_fields(email: &InboundEmail, raw: Vec<u8>) -> Vec<FormField> {
    vec![
        FormField::text("dkim", "none"),
        FormField::text("to", email.to.clone()),
        FormField::text("from", email.from.clone()),
        FormField::text("subject", email.subject.clone()),
        FormField::text("sender_ip", "127.0.0.1"),
        FormField::text("envelope", json!({ "to": [email.to], "from": email.from }).to_string()),
        FormField::text("SPF", "pass"),
        FormField::text("spam_score", "0.1"),
        FormField::text("charsets", json!({ "to": "UTF-8", "from": "UTF-8", "subject": "UTF-8" }).to_string()),
        FormField { name: "email".into(), filename: None, content_type: None, data: raw },
    ]
}

/// Writes the email, posts it to the parse route of its domain and returns our answer.
pub(crate) async fn send(shared: &Arc<Shared>, email: InboundEmail) -> Result<InboundEmailDelivery, EmulatorError> {
    let domain = email.to.rsplit('@').next().unwrap_or_default().to_ascii_lowercase();
    let route = shared
        .state
        .read(|w| w.sendgrid.parse_routes.get(&domain).cloned())
        .ok_or_else(|| EmulatorError::UnknownNumber(format!("(no Inbound Parse route for {domain})")))?;
    let message_id = email.message_id.clone().unwrap_or_else(|| {
        format!("{:016x}.{:08x}@mail.customer.example", rand::random::<u64>(), rand::random::<u32>())
    });
    let written = customer_email::write(&email, &message_id);
    let fields = if route.raw { raw_fields(&email, written.raw) } else { parsed_fields(&email, &written.headers) };
    let (body, content_type) = form_data::encode(&fields);
    let mut url = reqwest::Url::parse(&route.url).map_err(|e| EmulatorError::Http(format!("{}: {e}", route.url)))?;
    let credentials =
        (!url.username().is_empty()).then(|| format!("{}:{}", url.username(), url.password().unwrap_or_default()));
    let _ = url.set_username("");
    let _ = url.set_password(None);
    ensure_loopback(url.as_str()).map_err(EmulatorError::Http)?;
    let mut request = shared
        .http
        .post(url.as_str())
        .header(CONTENT_TYPE, content_type)
        .header(USER_AGENT, "Sendlib/1.0 mx.sendgrid.net");
    if let Some(credentials) = credentials {
        let decoded = percent_decode(&credentials);
        request = request.header(AUTHORIZATION, format!("Basic {}", STANDARD.encode(decoded)));
    }
    let response = request.body(body).send().await.map_err(|e| EmulatorError::Http(format!("POST {url}: {e}")))?;
    let status = response.status().as_u16();
    let body = response.text().await.unwrap_or_default();
    Ok(InboundEmailDelivery { message_id, status, body })
}

/// A URL's user info is percent-encoded; the Basic auth value is not.
fn percent_decode(text: &str) -> String {
    form_urlencoded::parse(format!("x={}", text.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}
