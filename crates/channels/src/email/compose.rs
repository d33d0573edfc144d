//! Building an outbound email: a plain-text part and an HTML alternative made from the same
//! reply (with the signature), our Message-ID, In-Reply-To and References so the customer's
//! client threads it, a `reply+<conversation>@` Reply-To so answers find their way back even
//! from clients that drop those headers, a stable subject, and the files it carries.

use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address;
use serde::{Deserialize, Serialize};

/// What makes a message an email when it is sent: its headers and signature.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboundEmail {
    pub subject: String,
    /// Our Message-ID for it, without angle brackets.
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    /// Where replies go (`reply+<conversation>@domain`).
    pub reply_to: Option<String>,
    pub from_name: Option<String>,
    /// The channel's email signature, appended to both parts.
    pub signature: Option<String>,
    /// The whole HTML part, when the channel's branding template made it; otherwise it is made
    /// from the text by [`html_from_text`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// The files it carries, read from the store when it is sent (never recorded with it).
    #[serde(skip)]
    pub attachments: Vec<EmailAttachment>,
}

/// A file an outbound email carries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EmailAttachment {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl OutboundEmail {
    /// The HTML part of a reply of `text`.
    pub fn html_part(&self, text: &str) -> String {
        self.html.clone().unwrap_or_else(|| html_from_text(text, self.signature.as_deref()))
    }
}

/// Builds the RFC 5322 message for a reply of `text` from `from` to `to`.
pub fn build_email(from: &str, to: &str, text: &str, email: &OutboundEmail) -> std::io::Result<Vec<u8>> {
    let plain = plain_text_with_signature(text, email.signature.as_deref());
    let from_address: Address<'_> = match &email.from_name {
        Some(name) => (name.as_str(), from).into(),
        None => from.into(),
    };
    let mut builder = MessageBuilder::new()
        .from(from_address)
        .to(to)
        .subject(email.subject.as_str())
        .message_id(email.message_id.as_str())
        .text_body(plain)
        .html_body(email.html_part(text));
    if let Some(reply_to) = &email.reply_to {
        builder = builder.reply_to(reply_to.as_str());
    }
    if let Some(parent) = &email.in_reply_to {
        builder = builder.in_reply_to(parent.as_str());
    }
    if !email.references.is_empty() {
        builder = builder.references(email.references.iter().map(String::as_str).collect::<Vec<_>>());
    }
    for file in &email.attachments {
        builder = builder.attachment(file.content_type.as_str(), file.filename.as_str(), file.bytes.as_slice());
    }
    builder.write_to_vec()
}

/// The plain-text part of a reply: the text, then the signature after the `-- ` separator
/// mail clients recognise.
pub fn plain_text_with_signature(text: &str, signature: Option<&str>) -> String {
    match signature {
        Some(signature) => format!("{}\n\n-- \n{}\n", text.trim_end(), signature.trim_end()),
        None => format!("{}\n", text.trim_end()),
    }
}

/// The HTML alternative of a plain-text reply: escaped, paragraphs kept, links made clickable.
pub fn html_from_text(text: &str, signature: Option<&str>) -> String {
    let signature = signature.map(signature_html).unwrap_or_default();
    format!(
        "<!DOCTYPE html>\n<html><body style=\"font-family:sans-serif;font-size:14px;line-height:1.5\">\n\
         {}{signature}</body></html>\n",
        paragraphs_html(text)
    )
}

/// A plain-text reply as HTML paragraphs: escaped, lines kept, links made clickable.
pub fn paragraphs_html(text: &str) -> String {
    text.trim()
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p>{}</p>\n", lines_to_html(p)))
        .collect()
}

/// A signature as HTML, after the `-- ` separator.
pub fn signature_html(signature: &str) -> String {
    format!("<div class=\"signature\" style=\"color:#555\">-- <br>{}</div>\n", lines_to_html(signature))
}

fn lines_to_html(text: &str) -> String {
    text.trim().lines().map(linkify).collect::<Vec<_>>().join("<br>\n")
}

/// Escapes a line and turns `http(s)://` words into links.
fn linkify(line: &str) -> String {
    line.split(' ')
        .map(|word| {
            let escaped = escape(word);
            if word.starts_with("https://") || word.starts_with("http://") {
                format!("<a href=\"{escaped}\">{escaped}</a>")
            } else {
                escaped
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_with_a_file_parses_back_to_the_same_text_signature_and_file() {
        use mail_parser::{MessageParser, MimeHeaders};
        let email = OutboundEmail {
            subject: "Re: Invoice".into(),
            message_id: "0193a1b2c3d4e5f60718293a4b5c6d7e@clinic.example".into(),
            in_reply_to: Some("ann-1@example.com".into()),
            signature: Some("Bright Dental".into()),
            attachments: vec![EmailAttachment {
                filename: "invoice.pdf".into(),
                content_type: "application/pdf".into(),
                bytes: b"%PDF-1.4 \x00\xff binary".to_vec(),
            }],
            ..OutboundEmail::default()
        };
        let raw = build_email("hello@clinic.example", "ann@example.com", "Here it is.", &email).unwrap();
        let parsed = MessageParser::default().parse(&raw).unwrap();
        let split = crate::email::quote::split_body(&parsed.body_text(0).unwrap());
        assert_eq!((split.new_text.as_str(), split.signature.as_deref()), ("Here it is.", Some("Bright Dental")));
        let file = parsed.attachment(0).unwrap();
        assert_eq!(file.attachment_name(), Some("invoice.pdf"));
        assert_eq!(file.contents(), b"%PDF-1.4 \x00\xff binary");
        assert_eq!(parsed.in_reply_to().as_text(), Some("ann-1@example.com"));
    }

    #[test]
    fn customer_text_cannot_become_markup() {
        let html = html_from_text("<script>alert(1)</script> see https://x.example/?a=1&b=\"2\"", None);
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("<a href=\"https://x.example/?a=1&amp;b=&quot;2&quot;\">"));
    }
}
