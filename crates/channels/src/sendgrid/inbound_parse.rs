//! Inbound Parse: SendGrid posts each email it receives for the domain as `multipart/form-data`.
//! In raw mode the whole MIME message is the `email` field and is parsed as it is. In the
//! default mode SendGrid has taken the email apart (`headers`, `text`, `html`, `charsets`,
//! `attachment-info`, `content-ids` and one file field per attachment); the parts are put back
//! together as one MIME message, so both modes go through the same parser, with the same
//! threading, quote and auto-reply handling. SendGrid signs nothing here: the URL carries a
//! secret, as its last path segment or as the password of HTTP Basic auth.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use mail_parser::{MessageParser, MimeHeaders, PartType};
use serde::Deserialize;
use subtle::ConstantTimeEq;

use crate::adapter::{ChannelContext, ParseError, ParsedWebhook, VerifyError, WebhookRequest};

/// Accepts the request when the URL's last path segment or the Basic auth password is the
/// channel's inbound secret.
pub(crate) fn verify_secret(secret: &str, request: &WebhookRequest<'_>) -> Result<(), VerifyError> {
    let matches = |candidate: &str| !secret.is_empty() && bool::from(candidate.as_bytes().ct_eq(secret.as_bytes()));
    let path = request.path_and_query.split('?').next().unwrap_or_default();
    let last_segment = path.rsplit('/').next().unwrap_or_default();
    if matches(last_segment) {
        return Ok(());
    }
    let authorization = request.headers.get(http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let Some(credentials) = authorization.and_then(|v| v.strip_prefix("Basic ")) else {
        return Err(VerifyError::MissingSignature("Authorization (or a secret path segment)"));
    };
    let decoded = STANDARD.decode(credentials.trim()).unwrap_or_default();
    let password = String::from_utf8_lossy(&decoded).split_once(':').map(|(_, p)| p.to_owned()).unwrap_or_default();
    if matches(&password) { Ok(()) } else { Err(VerifyError::BadSignature("Authorization")) }
}

/// One field of the form, as raw bytes.
struct Field {
    filename: Option<String>,
    content_type: Option<String>,
    data: Vec<u8>,
}

/// Parses an Inbound Parse post into the email's message and files.
pub(crate) fn parse(channel: &ChannelContext, request: &WebhookRequest<'_>) -> Result<ParsedWebhook, ParseError> {
    let content_type = request.headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let fields = form_fields(content_type, request.body)?;
    let raw = match fields.get("email") {
        Some(raw) => raw.data.clone(),
        None => reassemble(&fields)?,
    };
    crate::email::inbound_email(&raw, &channel.address)
}

/// The fields of a `multipart/form-data` body, by name. A form is MIME, so the mail parser
/// reads it; each field's bytes are taken from the raw body as they are (a form has no
/// transfer encoding, and a raw email must reach its own parser untouched).
fn form_fields(content_type: &str, body: &[u8]) -> Result<HashMap<String, Field>, ParseError> {
    if !content_type.trim_start().to_ascii_lowercase().starts_with("multipart/form-data") {
        return Err(ParseError::Malformed(format!(
            "Inbound Parse posts multipart/form-data, not {content_type:?}; is this URL pasted in the right place?"
        )));
    }
    let mut wrapped = format!("Content-Type: {content_type}\r\n\r\n").into_bytes();
    wrapped.extend_from_slice(body);
    let form = MessageParser::default()
        .parse(&wrapped)
        .ok_or_else(|| ParseError::Malformed("the form could not be read".to_owned()))?;
    let mut fields = HashMap::new();
    for part in form.parts.iter().skip(1) {
        if matches!(part.body, PartType::Multipart(_)) {
            continue;
        }
        let Some(name) = part.content_disposition().and_then(|d| d.attribute("name")) else { continue };
        let start = part.raw_body_offset() as usize;
        let end = (part.raw_end_offset() as usize).clamp(start, wrapped.len());
        let content_type = part.content_type().map(|ct| match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub),
            None => ct.ctype().to_owned(),
        });
        let field = Field {
            filename: part.content_disposition().and_then(|d| d.attribute("filename")).map(str::to_owned),
            content_type,
            data: wrapped[start..end].to_vec(),
        };
        fields.insert(name.to_owned(), field);
    }
    if fields.is_empty() {
        return Err(ParseError::Malformed("the form has no fields".to_owned()));
    }
    Ok(fields)
}

/// What `attachment-info` says about one file.
#[derive(Debug, Clone, Default, Deserialize)]
struct AttachmentInfo {
    #[serde(default)]
    filename: Option<String>,
    #[serde(default, rename = "type")]
    content_type: Option<String>,
    #[serde(default, rename = "content-id")]
    content_id: Option<String>,
}

/// Headers SendGrid's own parts replace.
const REPLACED_HEADERS: [&str; 3] = ["content-type", "content-transfer-encoding", "mime-version"];

/// Puts a default-mode post back together as one MIME message.
fn reassemble(fields: &HashMap<String, Field>) -> Result<Vec<u8>, ParseError> {
    let text_of = |name: &str| fields.get(name).map(|f| String::from_utf8_lossy(&f.data).into_owned());
    let charsets: HashMap<String, String> =
        text_of("charsets").and_then(|c| serde_json::from_str(&c).ok()).unwrap_or_default();
    let infos: HashMap<String, AttachmentInfo> =
        text_of("attachment-info").and_then(|c| serde_json::from_str(&c).ok()).unwrap_or_default();
    let mut out = String::new();
    match text_of("headers") {
        Some(headers) => out.push_str(&kept_headers(&headers)),
        None => {
            let from = text_of("from").ok_or_else(|| {
                ParseError::Malformed("an Inbound Parse post has neither `headers`, `email` nor `from`".to_owned())
            })?;
            out.push_str(&format!("From: {}\r\n", one_line(&from)));
            for name in ["to", "cc", "subject"] {
                if let Some(value) = text_of(name) {
                    out.push_str(&format!("{}: {}\r\n", capitalised(name), one_line(&value)));
                }
            }
        }
    }
    let boundary = format!("switchboard-{}", uuid::Uuid::now_v7().simple());
    out.push_str(&format!("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n"));
    let alternative = format!("{boundary}-alt");
    out.push_str(&format!("--{boundary}\r\nContent-Type: multipart/alternative; boundary=\"{alternative}\"\r\n\r\n"));
    for (name, subtype) in [("text", "plain"), ("html", "html")] {
        if let Some(field) = fields.get(name) {
            let charset = charsets.get(name).map(String::as_str).unwrap_or("utf-8");
            out.push_str(&format!(
                "--{alternative}\r\nContent-Type: text/{subtype}; charset=\"{}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
                one_line(charset),
                wrapped_base64(&field.data)
            ));
        }
    }
    out.push_str(&format!("--{alternative}--\r\n"));
    let count: usize = text_of("attachments").and_then(|n| n.trim().parse().ok()).unwrap_or(0);
    let mut names: Vec<&String> = fields.keys().filter(|k| is_attachment_field(k)).collect();
    names.sort_by_key(|k| k[10..].parse::<usize>().unwrap_or(usize::MAX));
    if names.len() < count {
        missing_files_note(&mut out, &boundary, count - names.len());
    }
    for name in names {
        let field = &fields[name];
        let info = infos.get(name.as_str()).cloned().unwrap_or_default();
        let filename = info.filename.or_else(|| field.filename.clone()).unwrap_or_else(|| name.clone());
        let content_type = info
            .content_type
            .or_else(|| field.content_type.clone())
            .unwrap_or_else(|| "application/octet-stream".to_owned());
        let (disposition, content_id) = match &info.content_id {
            Some(cid) => ("inline", format!("Content-ID: <{}>\r\n", one_line(cid.trim_matches(['<', '>'])))),
            None => ("attachment", String::new()),
        };
        let filename = one_line(&filename).replace('"', "'");
        out.push_str(&format!(
            "--{boundary}\r\nContent-Type: {}; name=\"{filename}\"\r\nContent-Disposition: {disposition}; filename=\"{filename}\"\r\n{content_id}Content-Transfer-Encoding: base64\r\n\r\n{}\r\n",
            one_line(&content_type),
            wrapped_base64(&field.data)
        ));
    }
    out.push_str(&format!("--{boundary}--\r\n"));
    Ok(out.into_bytes())
}

/// Files SendGrid counted but did not post are not silently lost: a text part says so.
fn missing_files_note(out: &mut String, boundary: &str, missing: usize) {
    out.push_str(&format!(
        "--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Disposition: attachment; filename=\"missing-attachments.txt\"\r\n\r\n\
         SendGrid counted {missing} more attachment(s) than it posted.\r\n"
    ));
}

fn is_attachment_field(name: &str) -> bool {
    name.strip_prefix("attachment").is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The original header block without the headers that described SendGrid's removed structure.
fn kept_headers(headers: &str) -> String {
    let mut out = String::new();
    let mut keep = true;
    for line in headers.lines() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            continue;
        }
        if !line.starts_with([' ', '\t']) {
            let name = line.split(':').next().unwrap_or_default().trim().to_ascii_lowercase();
            keep = !REPLACED_HEADERS.contains(&name.as_str());
        }
        if keep {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out
}

fn one_line(value: &str) -> String {
    value.replace(['\r', '\n'], " ").trim().to_owned()
}

fn capitalised(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

fn wrapped_base64(data: &[u8]) -> String {
    let encoded = STANDARD.encode(data);
    encoded
        .as_bytes()
        .chunks(76)
        .map(|line| std::str::from_utf8(line).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\r\n")
}

#[cfg(test)]
mod tests;
