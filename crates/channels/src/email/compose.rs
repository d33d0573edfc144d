//! Building an outbound email: a plain-text part and an HTML alternative made from the same
//! reply (with the signature), our Message-ID, In-Reply-To and References so the customer's
//! client threads it, a `reply+<conversation>@` Reply-To so answers find their way back even
//! from clients that drop those headers, and a stable subject.

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
        .html_body(html_from_text(text, email.signature.as_deref()));
    if let Some(reply_to) = &email.reply_to {
        builder = builder.reply_to(reply_to.as_str());
    }
    if let Some(parent) = &email.in_reply_to {
        builder = builder.in_reply_to(parent.as_str());
    }
    if !email.references.is_empty() {
        builder = builder.references(email.references.iter().map(String::as_str).collect::<Vec<_>>());
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
    let paragraphs: String = text
        .trim()
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p>{}</p>\n", lines_to_html(p)))
        .collect();
    let signature = signature
        .map(|s| format!("<div class=\"signature\" style=\"color:#555\">-- <br>{}</div>\n", lines_to_html(s)))
        .unwrap_or_default();
    format!(
        "<!DOCTYPE html>\n<html><body style=\"font-family:sans-serif;font-size:14px;line-height:1.5\">\n\
         {paragraphs}{signature}</body></html>\n"
    )
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
    fn customer_text_cannot_become_markup() {
        let html = html_from_text("<script>alert(1)</script> see https://x.example/?a=1&b=\"2\"", None);
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("<a href=\"https://x.example/?a=1&amp;b=&quot;2&quot;\">"));
    }
}
