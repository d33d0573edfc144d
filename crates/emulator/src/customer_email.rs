//! A customer's email, as the providers that receive mail for us (SendGrid, Amazon SES) get it:
//! written as a mail client writes it, with headers (an encoded-word subject when it is not
//! ASCII), a plain-text and an HTML alternative, attachments and inline images, all base64.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::clock::rfc2822_now;

/// A file the customer attaches.
#[derive(Clone, Debug)]
pub struct InboundFile {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// Set for an inline image the HTML shows by `cid:`.
    pub content_id: Option<String>,
}

/// An email a customer writes to one of our addresses.
#[derive(Clone, Debug, Default)]
pub struct InboundEmail {
    pub from: String,
    pub from_name: Option<String>,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    /// Its Message-ID without brackets; a fresh one when `None`.
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub attachments: Vec<InboundFile>,
    /// Further headers (`Auto-Submitted: auto-replied`, ...).
    pub extra_headers: Vec<(String, String)>,
}

impl InboundEmail {
    /// A plain-text email.
    pub fn text(from: &str, to: &str, subject: &str, text: &str) -> Self {
        Self { from: from.into(), to: to.into(), subject: subject.into(), text: text.into(), ..Self::default() }
    }
}

/// A customer's email as the control API takes it (`POST /_emulator/sendgrid/inbound`, ...).
#[derive(serde::Deserialize)]
pub(crate) struct InboundEmailJson {
    from: String,
    from_name: Option<String>,
    to: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    text: String,
    html: Option<String>,
    in_reply_to: Option<String>,
}

impl InboundEmailJson {
    pub fn into_email(self) -> InboundEmail {
        InboundEmail {
            from_name: self.from_name,
            html: self.html,
            in_reply_to: self.in_reply_to,
            ..InboundEmail::text(&self.from, &self.to, &self.subject, &self.text)
        }
    }
}

/// The header block (without the blank line) and the whole message.
pub(crate) struct WrittenEmail {
    pub headers: String,
    pub raw: Vec<u8>,
}

fn encoded_word(text: &str) -> String {
    if text.is_ascii() { text.to_owned() } else { format!("=?UTF-8?B?{}?=", STANDARD.encode(text)) }
}

fn base64_lines(data: &[u8]) -> String {
    let encoded = STANDARD.encode(data);
    encoded.as_bytes().chunks(76).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("\r\n")
}

pub(crate) fn write(email: &InboundEmail, message_id: &str) -> WrittenEmail {
    let boundary = format!("=_mixed_{:016x}", rand::random::<u64>());
    let alternative = format!("=_alt_{:016x}", rand::random::<u64>());
    let from = match &email.from_name {
        Some(name) => format!("{} <{}>", encoded_word(name), email.from),
        None => email.from.clone(),
    };
    let mut headers = format!(
        "From: {from}\r\nTo: {}\r\nSubject: {}\r\nDate: {}\r\nMessage-ID: <{message_id}>\r\n",
        email.to,
        encoded_word(&email.subject),
        rfc2822_now()
    );
    if let Some(parent) = &email.in_reply_to {
        headers.push_str(&format!("In-Reply-To: <{parent}>\r\n"));
    }
    if !email.references.is_empty() {
        let references: Vec<String> = email.references.iter().map(|r| format!("<{r}>")).collect();
        headers.push_str(&format!("References: {}\r\n", references.join(" ")));
    }
    for (name, value) in &email.extra_headers {
        headers.push_str(&format!("{name}: {value}\r\n"));
    }
    headers.push_str(&format!("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"{boundary}\"\r\n"));
    let mut body = format!("--{boundary}\r\nContent-Type: multipart/alternative; boundary=\"{alternative}\"\r\n\r\n");
    let mut alternatives = vec![("plain", email.text.clone())];
    if let Some(html) = &email.html {
        alternatives.push(("html", html.clone()));
    }
    for (subtype, content) in alternatives {
        body.push_str(&format!(
            "--{alternative}\r\nContent-Type: text/{subtype}; charset=\"UTF-8\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
            base64_lines(content.as_bytes())
        ));
    }
    body.push_str(&format!("--{alternative}--\r\n"));
    for file in &email.attachments {
        let (disposition, content_id) = match &file.content_id {
            Some(cid) => ("inline", format!("Content-ID: <{cid}>\r\n")),
            None => ("attachment", String::new()),
        };
        body.push_str(&format!(
            "--{boundary}\r\nContent-Type: {}; name=\"{}\"\r\nContent-Disposition: {disposition}; filename=\"{}\"\r\n{content_id}Content-Transfer-Encoding: base64\r\n\r\n{}\r\n",
            file.content_type,
            file.filename,
            file.filename,
            base64_lines(&file.bytes)
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    let raw = format!("{headers}\r\n{body}").into_bytes();
    WrittenEmail { headers, raw }
}
