//! `parse_mode=HTML`, parsed as Telegram parses it: the supported tags (`b strong i em u ins s
//! strike del a code pre span.tg-spoiler tg-spoiler tg-emoji blockquote`), the entities `&lt;
//! &gt; &amp; &quot;` and numeric ones, and Telegram's error texts (`Unsupported start tag "p" at
//! byte offset 0`, `Can't find end tag corresponding to start tag "b"`, …) for anything else.

use super::entities::{Entity, sorted};

const SUPPORTED: &[&str] = &[
    "a",
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "tg-emoji",
    "code",
    "pre",
    "blockquote",
];

/// A start tag waiting for its end tag.
struct Open {
    tag: String,
    /// Where its content starts, in UTF-16 code units.
    start: usize,
    href: Option<String>,
    class: Option<String>,
    emoji_id: Option<String>,
    expandable: bool,
    /// Set by a `<code class="language-…">` directly inside a `<pre>`.
    language: Option<String>,
}

/// Decodes the character reference at the start of `s` (which starts with `&`): the character and
/// how many bytes it took, or `None` when it is not one Telegram knows (the `&` then stays).
fn decode_reference(s: &str) -> Option<(char, usize)> {
    let end = s.bytes().take(12).position(|b| b == b';')?;
    let name = &s[1..end];
    let c = match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code).filter(|&c| c != '\0')?
        }
    };
    Some((c, end + 1))
}

/// Decodes the character references of an attribute value.
fn decode_value(raw: &str) -> String {
    let mut value = String::new();
    let mut rest = raw;
    while let Some(c) = rest.chars().next() {
        match (c, decode_reference(rest)) {
            ('&', Some((decoded, used))) => {
                value.push(decoded);
                rest = &rest[used..];
            }
            _ => {
                value.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    value
}

/// The entity an end tag closes, if any.
fn entity_of(open: Open, end: usize, parent: Option<&mut Open>) -> Option<Entity> {
    let kind = match open.tag.as_str() {
        "b" | "strong" => "bold",
        "i" | "em" => "italic",
        "u" | "ins" => "underline",
        "s" | "strike" | "del" => "strikethrough",
        "span" | "tg-spoiler" => "spoiler",
        "blockquote" if open.expandable => "expandable_blockquote",
        "blockquote" => "blockquote",
        "a" => {
            let url = open.href.filter(|href| !href.is_empty())?;
            return Some(Entity { url: Some(url), ..Entity::new("text_link", open.start, end - open.start) });
        }
        "tg-emoji" => {
            let id = open.emoji_id?;
            return Some(Entity {
                custom_emoji_id: Some(id),
                ..Entity::new("custom_emoji", open.start, end - open.start)
            });
        }
        "pre" => {
            return Some(Entity { language: open.language, ..Entity::new("pre", open.start, end - open.start) });
        }
        "code" => {
            let language = open.class.as_deref().and_then(|c| c.strip_prefix("language-"));
            if let (Some(language), Some(pre)) = (language, parent)
                && pre.tag == "pre"
                && pre.start == open.start
            {
                pre.language = Some(language.to_owned());
                return None;
            }
            "code"
        }
        _ => return None,
    };
    Some(Entity::new(kind, open.start, end - open.start))
}

/// Parses a start tag at `begin` (a `<`): the open tag and where parsing goes on.
fn start_tag(html: &str, begin: usize) -> Result<(Open, usize), String> {
    let bytes = html.as_bytes();
    let unclosed = || format!("Unclosed start tag at byte offset {begin}");
    let mut at = begin + 1;
    while at < bytes.len() && !bytes[at].is_ascii_whitespace() && bytes[at] != b'>' {
        at += 1;
    }
    if at == bytes.len() {
        return Err(unclosed());
    }
    let tag = html[begin + 1..at].to_ascii_lowercase();
    if !SUPPORTED.contains(&tag.as_str()) {
        return Err(format!("Unsupported start tag \"{tag}\" at byte offset {begin}"));
    }
    let mut open = Open { tag, start: 0, href: None, class: None, emoji_id: None, expandable: false, language: None };
    loop {
        while at < bytes.len() && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        match bytes.get(at) {
            None => return Err(unclosed()),
            Some(b'>') => break,
            Some(_) => {}
        }
        let name_start = at;
        while at < bytes.len() && (bytes[at].is_ascii_alphanumeric() || bytes[at] == b'-') {
            at += 1;
        }
        let name = html[name_start..at].to_ascii_lowercase();
        if name.is_empty() {
            return Err(format!("Empty attribute name in the tag \"{}\" at byte offset {at}", open.tag));
        }
        while at < bytes.len() && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        match bytes.get(at) {
            None => return Err(unclosed()),
            Some(b'=') => at += 1,
            Some(_) if name == "expandable" && open.tag == "blockquote" => {
                open.expandable = true;
                continue;
            }
            Some(_) => {
                return Err(format!(
                    "Expected equal sign in declaration of an attribute of the tag \"{}\" at byte offset {at}",
                    open.tag
                ));
            }
        }
        while at < bytes.len() && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let raw = match bytes.get(at) {
            None => return Err(unclosed()),
            Some(&quote @ (b'"' | b'\'')) => {
                let Some(len) = bytes[at + 1..].iter().position(|&b| b == quote) else {
                    return Err(format!("Unclosed end of attribute value at byte offset {at}"));
                };
                let raw = &html[at + 1..at + 1 + len];
                at += len + 2;
                raw
            }
            Some(_) => {
                let value_start = at;
                while at < bytes.len() && (bytes[at].is_ascii_alphanumeric() || matches!(bytes[at], b'.' | b'-')) {
                    at += 1;
                }
                &html[value_start..at]
            }
        };
        let value = decode_value(raw);
        match (open.tag.as_str(), name.as_str()) {
            ("a", "href") => open.href = Some(value),
            ("span" | "code", "class") => open.class = Some(value),
            ("tg-emoji", "emoji-id") => open.emoji_id = Some(value),
            _ => {}
        }
    }
    if open.tag == "span" && open.class.as_deref() != Some("tg-spoiler") {
        return Err(format!("Tag \"span\" must have class \"tg-spoiler\" at byte offset {begin}"));
    }
    Ok((open, at + 1))
}

/// The plain text and its entities, or Telegram's description of what is wrong (to follow
/// `can't parse entities: `).
pub(crate) fn parse(html: &str) -> Result<(String, Vec<Entity>), String> {
    let bytes = html.as_bytes();
    let mut text = String::new();
    let mut position = 0; // in UTF-16 code units
    let mut stack: Vec<Open> = Vec::new();
    let mut entities = Vec::new();
    let mut at = 0;
    while let Some(c) = html[at..].chars().next() {
        match c {
            '&' => {
                let (decoded, used) = decode_reference(&html[at..]).unwrap_or(('&', 1));
                text.push(decoded);
                position += decoded.len_utf16();
                at += used;
            }
            '<' if bytes.get(at + 1) == Some(&b'/') => {
                let begin = at;
                let Some(expected) = stack.last().map(|open| open.tag.clone()) else {
                    return Err(format!("Unexpected end tag at byte offset {begin}"));
                };
                at += 2;
                let name_start = at;
                while at < bytes.len() && !bytes[at].is_ascii_whitespace() && bytes[at] != b'>' {
                    at += 1;
                }
                let name = html[name_start..at].to_ascii_lowercase();
                while at < bytes.len() && bytes[at].is_ascii_whitespace() {
                    at += 1;
                }
                if bytes.get(at) != Some(&b'>') {
                    return Err(format!("Unclosed end tag at byte offset {begin}"));
                }
                at += 1;
                if name != expected {
                    return Err(format!(
                        "Unmatched end tag at byte offset {begin}, expected \"</{expected}>\", found \"</{name}>\""
                    ));
                }
                if let Some(open) = stack.pop()
                    && let Some(entity) = entity_of(open, position, stack.last_mut())
                {
                    entities.push(entity);
                }
            }
            '<' => {
                let (mut open, next) = start_tag(html, at)?;
                open.start = position;
                stack.push(open);
                at = next;
            }
            _ => {
                text.push(c);
                position += c.len_utf16();
                at += c.len_utf8();
            }
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!("Can't find end tag corresponding to start tag \"{}\"", open.tag));
    }
    Ok((text, sorted(entities)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(html: &str) -> (String, Vec<String>) {
        crate::telegram::entities::describe(parse(html).unwrap())
    }

    #[test]
    fn tags_become_entities_and_references_are_decoded() {
        let (text, entities) = summary(
            "<b>Hi <i>Ann</i></b>, see <a href=\"https://x.example/?a=1&amp;b=2\">this</a> &lt;3 &amp; <code>x</code>",
        );
        assert_eq!(text, "Hi Ann, see this <3 & x");
        assert_eq!(entities, ["bold 0 6", "italic 3 3", "text_link 12 4 https://x.example/?a=1&b=2", "code 22 1"]);
        let (text, entities) =
            summary("<pre><code class=\"language-rust\">fn x() {}</code></pre><tg-spoiler>s</tg-spoiler>");
        assert_eq!(text, "fn x() {}s");
        assert_eq!(entities, ["pre 0 9 rust", "spoiler 9 1"]);
        let (_, entities) =
            summary("👋 <u>x</u> <blockquote expandable>q</blockquote> <span class=\"tg-spoiler\">y</span>");
        assert_eq!(entities, ["underline 3 1", "expandable_blockquote 5 1", "spoiler 7 1"]);
        assert_eq!(parse("a &unknown; & b").unwrap().0, "a &unknown; & b");
    }

    #[test]
    fn bad_html_gets_telegrams_descriptions() {
        assert_eq!(parse("<b>bold").unwrap_err(), "Can't find end tag corresponding to start tag \"b\"");
        assert_eq!(parse("hi <p>x</p>").unwrap_err(), "Unsupported start tag \"p\" at byte offset 3");
        assert_eq!(parse("x <br/>").unwrap_err(), "Unsupported start tag \"br/\" at byte offset 2");
        assert_eq!(parse("x</b>").unwrap_err(), "Unexpected end tag at byte offset 1");
        assert_eq!(
            parse("<b>x</i>").unwrap_err(),
            "Unmatched end tag at byte offset 4, expected \"</b>\", found \"</i>\""
        );
        assert_eq!(parse("a <b").unwrap_err(), "Unclosed start tag at byte offset 2");
        assert_eq!(
            parse("<span>x</span>").unwrap_err(),
            "Tag \"span\" must have class \"tg-spoiler\" at byte offset 0"
        );
    }
}
