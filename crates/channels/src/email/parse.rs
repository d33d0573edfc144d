//! Turning a raw email (RFC 5322 / MIME, as IMAP or an inbound webhook hands it over) into the
//! message model: the sender, the new text apart from quotes and signature, the HTML body (kept
//! raw; the inbox sanitises it), attachments and inline images as files to keep (size-limited,
//! with their type and SHA-256; `cid:` links in the HTML rewritten to the kept file), the
//! threading headers, and whether a machine wrote it. Whatever is wrong with an email that can
//! still be stored is noted on it instead of refusing it.

use mail_parser::{Address, Message, MessageParser, MimeHeaders, PartType};
use sha2::{Digest, Sha256};
use switchboard_domain::email_thread::{EmailDetails, reply_token_of};
use switchboard_domain::inbound::InboundMessage;
use switchboard_domain::{Attachment, ChannelKind, EmailAddress, Identity, MediaId};

use super::automated::automated_kind;
use super::quote::split_body;

/// Most recipients kept on a message; the rest are counted in a note.
const MAX_RECIPIENTS_KEPT: usize = 50;

/// What the parser needs to know about the mailbox it reads for.
#[derive(Debug, Clone)]
pub struct ParseOptions {
    /// Our address (the channel's); the domain of our Message-IDs is its domain.
    pub our_address: String,
    /// Files larger than this are noted on the message and not kept.
    pub max_attachment_bytes: usize,
    /// Where a kept file will be served, before its id (`/inbox/media/`).
    pub media_url_prefix: String,
}

impl ParseOptions {
    /// The options for a channel's address: files up to [`super::MAX_ATTACHMENT_BYTES`], served
    /// under [`super::MEDIA_PATH_PREFIX`].
    pub fn for_address(our_address: &str) -> Self {
        Self {
            our_address: our_address.to_owned(),
            max_attachment_bytes: super::MAX_ATTACHMENT_BYTES,
            media_url_prefix: super::MEDIA_PATH_PREFIX.to_owned(),
        }
    }
}

/// A file that came inside the email, to keep with the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailFile {
    pub media_id: MediaId,
    pub content_type: String,
    pub sha256: String,
    pub bytes: Vec<u8>,
}

/// A parsed email.
#[derive(Debug, Clone)]
pub struct ParsedEmail {
    pub message: InboundMessage,
    pub files: Vec<EmailFile>,
}

/// Why an email could not become a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailParseError {
    #[error("the data is not an email (no headers could be read)")]
    NotAnEmail,
    #[error("the email has no sender address that can be answered ({0})")]
    NoSender(String),
}

/// Parses one raw email.
pub fn parse_email(raw: &[u8], options: &ParseOptions) -> Result<ParsedEmail, EmailParseError> {
    let message = MessageParser::default().parse(raw).ok_or(EmailParseError::NotAnEmail)?;
    if message.headers().is_empty() {
        return Err(EmailParseError::NotAnEmail);
    }
    let (from, profile_name) = sender(&message)?;
    let our_domain = options.our_address.rsplit('@').next().unwrap_or_default().to_owned();
    let mut problems = Vec::new();
    let orphan = orphan_text(&message);
    let (attachments, files, inline) = collect_files(&message, orphan.map(|(id, _)| id), options, &mut problems);
    let text = match orphan {
        Some((_, text)) => {
            problems.push("the email was cut off; what arrived is shown".to_owned());
            text.to_owned()
        }
        None => message.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
    };
    let split = split_body(&text);
    let html = message
        .body_html(0)
        .filter(|_| message.html_body_count() > 0)
        .map(|html| inline.iter().fold(html.into_owned(), |html, (cid, url)| html.replace(&format!("cid:{cid}"), url)));
    let recipients: Vec<String> = message
        .to()
        .into_iter()
        .chain(message.cc())
        .flat_map(Address::iter)
        .filter_map(|addr| addr.address().map(str::to_owned))
        .collect();
    let reply_token = recipients
        .iter()
        .map(String::as_str)
        .chain(message.header_raw("Delivered-To").map(str::trim))
        .find_map(reply_token_of);
    let mut cc: Vec<String> = recipients
        .into_iter()
        .filter(|r| !r.eq_ignore_ascii_case(&options.our_address) && reply_token_of(r).is_none())
        .collect();
    if cc.len() > MAX_RECIPIENTS_KEPT {
        problems.push(format!("{} other recipients; the first {MAX_RECIPIENTS_KEPT} are kept", cc.len()));
        cc.truncate(MAX_RECIPIENTS_KEPT);
    }
    let message_id = message.message_id().map(str::to_owned);
    let provider_message_id = match &message_id {
        Some(id) => id.clone(),
        None => format!("sha256:{}", hex::encode(Sha256::digest(raw))),
    };
    let details = EmailDetails {
        subject: message.subject().unwrap_or_default().trim().to_owned(),
        message_id,
        in_reply_to: message.in_reply_to().as_text_list().and_then(|ids| ids.last()).map(|id| id.to_string()),
        references: message
            .references()
            .as_text_list()
            .map(|ids| ids.iter().map(|id| id.to_string()).collect())
            .unwrap_or_default(),
        reply_token,
        cc,
        html,
        quoted: split.quoted,
        signature: split.signature,
        automated: automated_kind(&message, &our_domain),
        problems,
    };
    Ok(ParsedEmail {
        message: InboundMessage {
            channel_kind: ChannelKind::Email,
            provider_message_id,
            from_address: from.as_str().to_owned(),
            from: Identity::email(&from),
            to_address: options.our_address.clone(),
            profile_name,
            text: split.new_text,
            attachments,
            content: None,
            reply_to: None,
            email: Some(Box::new(details)),
            referral: None,
        },
        files,
    })
}

/// The address to answer: From, else Sender, else Reply-To, else the return path.
fn sender(message: &Message<'_>) -> Result<(EmailAddress, Option<String>), EmailParseError> {
    let candidates = [message.from(), message.sender(), message.reply_to()];
    let addr = candidates.into_iter().flatten().find_map(|a| a.first().filter(|a| a.address().is_some()));
    let (raw, name) = match addr {
        Some(addr) => (addr.address().unwrap_or_default().to_owned(), addr.name().map(str::to_owned)),
        None => (message.return_address().unwrap_or_default().to_owned(), None),
    };
    let address = EmailAddress::parse(&raw).map_err(|_| EmailParseError::NoSender(format!("From: {raw:?}")))?;
    let name = name.map(|n| n.trim().trim_matches('"').to_owned()).filter(|n| !n.is_empty() && *n != raw);
    Ok((address, name))
}

/// The text of a message whose body the parser could not place (a multipart cut off before
/// its closing boundary leaves its text part looking like an unnamed attachment).
fn orphan_text<'m>(message: &'m Message<'_>) -> Option<(u32, &'m str)> {
    if message.text_body_count() > 0 || message.html_body_count() > 0 {
        return None;
    }
    message.attachments.iter().find_map(|&id| {
        let part = message.parts.get(id as usize)?;
        match &part.body {
            PartType::Text(text) if part.attachment_name().is_none() => Some((id, text.as_ref())),
            _ => None,
        }
    })
}

/// The message's files: attachments and inline images, with the `cid:` links to rewrite.
fn collect_files(
    message: &Message<'_>,
    body_part: Option<u32>,
    options: &ParseOptions,
    problems: &mut Vec<String>,
) -> (Vec<Attachment>, Vec<EmailFile>, Vec<(String, String)>) {
    let (mut attachments, mut files, mut inline) = (Vec::new(), Vec::new(), Vec::new());
    let parts = message.attachments.iter().filter(|&&id| Some(id) != body_part);
    for part in parts.filter_map(|&id| message.parts.get(id as usize)) {
        let content_type = part
            .content_type()
            .map(|ct| match ct.subtype() {
                Some(sub) => format!("{}/{}", ct.ctype(), sub).to_ascii_lowercase(),
                None => ct.ctype().to_ascii_lowercase(),
            })
            .unwrap_or_else(|| "application/octet-stream".to_owned());
        let bytes = part.contents();
        let filename = part
            .attachment_name()
            .map(str::to_owned)
            .or_else(|| (content_type == "message/rfc822").then(|| "forwarded-message.eml".to_owned()));
        let mut attachment = Attachment::link("", Some(content_type.clone()));
        attachment.filename = filename.clone();
        attachment.size_bytes = Some(bytes.len() as u64);
        if bytes.len() > options.max_attachment_bytes {
            let note = format!(
                "{} ({}) is over the {} limit and was not kept",
                filename.as_deref().unwrap_or("an attachment"),
                megabytes(bytes.len()),
                megabytes(options.max_attachment_bytes)
            );
            attachment.fetch_error = Some(note.clone());
            problems.push(note);
            attachments.push(attachment);
            continue;
        }
        let media_id = MediaId::new();
        let sha256 = hex::encode(Sha256::digest(bytes));
        attachment.url = format!("{}{}", options.media_url_prefix, media_id);
        attachment.sha256 = Some(sha256.clone());
        if let Some(cid) = part.content_id() {
            inline.push((cid.trim_matches(['<', '>']).to_owned(), attachment.url.clone()));
        }
        files.push(EmailFile { media_id, content_type, sha256, bytes: bytes.to_vec() });
        attachments.push(attachment);
    }
    (attachments, files, inline)
}

fn megabytes(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}
