//! `parse_mode=MarkdownV2` and the legacy `Markdown`, parsed as Telegram parses them, with its
//! error texts: in MarkdownV2 every reserved character outside markup must be escaped
//! (`Character '.' is reserved and must be escaped with the preceding '\'`) and an entity left
//! open is `Can't find end of Bold entity at byte offset 0`; in Markdown an entity left open is
//! `Can't find end of the entity starting at byte offset 0`.

use super::entities::{Entity, sorted};

const RESERVED: &str = "_*[]()~`>#+-=|{}.!";

/// An entity waiting for its end.
struct Open {
    kind: &'static str,
    /// Where its content starts, in UTF-16 code units.
    start: usize,
    /// Where its markup starts, in bytes (for error texts).
    byte_offset: usize,
    /// The language named after a ```` ``` ```` fence.
    language: Option<String>,
}

/// Telegram's name of an entity type in MarkdownV2 errors.
fn type_name(kind: &str) -> &'static str {
    match kind {
        "bold" => "Bold",
        "italic" => "Italic",
        "underline" => "Underline",
        "strikethrough" => "Strikethrough",
        "spoiler" => "Spoiler",
        "code" => "Code",
        "pre" => "Pre",
        "text_link" => "TextUrl",
        _ => "CustomEmoji",
    }
}

/// Text being built, with its length in UTF-16 code units.
#[derive(Default)]
struct Out {
    text: String,
    position: usize,
}

impl Out {
    fn push(&mut self, c: char) {
        self.text.push(c);
        self.position += c.len_utf16();
    }
}

/// Reads `(url)` right after a link's `]` at `at`: the URL and where parsing goes on.
fn link_target(chars: &[(usize, char)], at: usize) -> Option<(String, usize)> {
    if chars.get(at).map(|&(_, c)| c) != Some('(') {
        return None;
    }
    let mut url = String::new();
    let mut i = at + 1;
    while let Some(&(_, c)) = chars.get(i) {
        match c {
            ')' => return Some((url, i + 1)),
            '\\' if chars.get(i + 1).is_some() => {
                url.push(chars[i + 1].1);
                i += 2;
            }
            _ => {
                url.push(c);
                i += 1;
            }
        }
    }
    None
}

/// Parses MarkdownV2: the plain text and its entities, or Telegram's description of the error.
pub(crate) fn parse_v2(markdown: &str) -> Result<(String, Vec<Entity>), String> {
    let chars: Vec<(usize, char)> = markdown.char_indices().collect();
    let at_char = |i: usize| chars.get(i).map(|&(_, c)| c);
    let mut out = Out::default();
    let mut stack: Vec<Open> = Vec::new();
    let mut entities = Vec::new();
    let mut quote: Option<usize> = None;
    let mut i = 0;
    while let Some(&(byte, c)) = chars.get(i) {
        let next = at_char(i + 1);
        let in_code = stack.last().is_some_and(|open| matches!(open.kind, "code" | "pre"));
        if c == '\\' && next.is_some_and(|n| (n as u32) > 0 && (n as u32) < 127) {
            out.push(next.unwrap_or_default());
            i += 2;
            continue;
        }
        if c == '\n' {
            out.push(c);
            i += 1;
            if let Some(start) = quote.filter(|_| at_char(i) != Some('>')) {
                entities.push(Entity::new("blockquote", start, out.position - 1 - start));
                quote = None;
            }
            continue;
        }
        if (in_code && c != '`') || (!in_code && !RESERVED.contains(c)) {
            out.push(c);
            i += 1;
            continue;
        }
        if c == '>' && !in_code && (i == 0 || at_char(i - 1) == Some('\n')) {
            quote.get_or_insert(out.position);
            i += 1;
            continue;
        }
        let closes = stack.last().is_some_and(|open| match open.kind {
            "bold" => c == '*',
            "italic" => c == '_' && next != Some('_'),
            "underline" => c == '_' && next == Some('_'),
            "strikethrough" => c == '~',
            "spoiler" => c == '|' && next == Some('|'),
            "code" => c == '`',
            "pre" => c == '`' && next == Some('`') && at_char(i + 2) == Some('`'),
            _ => c == ']',
        });
        if closes && let Some(open) = stack.pop() {
            let mut entity = Entity::new(open.kind, open.start, out.position - open.start);
            i += match open.kind {
                "underline" | "spoiler" => 2,
                "pre" => 3,
                _ => 1,
            };
            if matches!(open.kind, "text_link" | "custom_emoji") {
                let (url, after) = link_target(&chars, i).ok_or_else(|| {
                    format!("Can't find end of {} entity at byte offset {}", type_name(open.kind), open.byte_offset)
                })?;
                i = after;
                if open.kind == "custom_emoji" {
                    entity.custom_emoji_id = url.split_once("id=").map(|(_, id)| id.to_owned());
                } else {
                    entity.url = Some(url);
                }
            }
            entity.language = open.language;
            entities.push(entity);
            continue;
        }
        let (kind, skip) = match (c, next) {
            ('_', Some('_')) => ("underline", 2),
            ('_', _) => ("italic", 1),
            ('*', _) => ("bold", 1),
            ('~', _) => ("strikethrough", 1),
            ('|', Some('|')) => ("spoiler", 2),
            ('[', _) => ("text_link", 1),
            ('!', Some('[')) => ("custom_emoji", 2),
            ('`', Some('`')) if at_char(i + 2) == Some('`') => ("pre", 3),
            ('`', _) => ("code", 1),
            _ => return Err(format!("Character '{c}' is reserved and must be escaped with the preceding '\\'")),
        };
        i += skip;
        let mut language = None;
        if kind == "pre" {
            // A word right after the opening fence, ended by a line break, names the language.
            let rest: String = chars[i..].iter().map(|&(_, c)| c).take_while(|&c| c != '\n').collect();
            if !rest.is_empty() && !rest.contains(char::is_whitespace) && !rest.contains('`') {
                i += rest.chars().count() + 1;
                language = Some(rest);
            } else if at_char(i) == Some('\n') {
                i += 1;
            }
        }
        stack.push(Open { kind, start: out.position, byte_offset: byte, language });
    }
    if let Some(open) = stack.last() {
        return Err(format!("Can't find end of {} entity at byte offset {}", type_name(open.kind), open.byte_offset));
    }
    if let Some(start) = quote {
        entities.push(Entity::new("blockquote", start, out.position - start));
    }
    Ok((out.text, sorted(entities)))
}

/// Parses the legacy Markdown: `*bold*`, `_italic_`, `` `code` ``, ```` ```pre``` ````, `[text](url)`.
pub(crate) fn parse_legacy(markdown: &str) -> Result<(String, Vec<Entity>), String> {
    let chars: Vec<(usize, char)> = markdown.char_indices().collect();
    let at_char = |i: usize| chars.get(i).map(|&(_, c)| c);
    let mut out = Out::default();
    let mut entities = Vec::new();
    let mut i = 0;
    while let Some(&(byte, c)) = chars.get(i) {
        let next = at_char(i + 1);
        if c == '\\' && next.is_some_and(|n| "_*`[".contains(n)) {
            out.push(next.unwrap_or_default());
            i += 2;
            continue;
        }
        if !"_*`[".contains(c) {
            out.push(c);
            i += 1;
            continue;
        }
        let unclosed = || format!("Can't find end of the entity starting at byte offset {byte}");
        let pre = c == '`' && next == Some('`') && at_char(i + 2) == Some('`');
        let (kind, end) = match c {
            '*' => ("bold", '*'),
            '_' => ("italic", '_'),
            '[' => ("text_link", ']'),
            _ if pre => ("pre", '`'),
            _ => ("code", '`'),
        };
        i += if pre { 3 } else { 1 };
        let start = out.position;
        let mut language = None;
        if pre {
            let rest: String = chars[i..].iter().map(|&(_, c)| c).take_while(|&c| c != '\n').collect();
            if !rest.is_empty() && !rest.contains(char::is_whitespace) && !rest.contains('`') {
                i += rest.chars().count() + 1;
                language = Some(rest);
            }
        }
        loop {
            match at_char(i) {
                None => return Err(unclosed()),
                Some('`') if pre && at_char(i + 1) == Some('`') && at_char(i + 2) == Some('`') => {
                    i += 3;
                    break;
                }
                Some(x) if x == end && !pre => {
                    i += 1;
                    break;
                }
                Some(x) => {
                    out.push(x);
                    i += 1;
                }
            }
        }
        let mut entity = Entity { language, ..Entity::new(kind, start, out.position - start) };
        if kind == "text_link" {
            match link_target(&chars, i) {
                Some((url, after)) => {
                    i = after;
                    entity.url = Some(url);
                }
                None => continue,
            }
        }
        entities.push(entity);
    }
    Ok((out.text, sorted(entities)))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::telegram::entities::describe as summary;

    #[test]
    fn markdown_v2_marks_up_and_escapes() {
        let (text, entities) =
            summary(parse_v2("*Hi _Ann_*, __u__ ~s~ ||p|| `c\\`` [link](https://x.example/\\)) 1\\.5").unwrap());
        assert_eq!(text, "Hi Ann, u s p c` link 1.5");
        assert_eq!(
            entities,
            [
                "bold 0 6",
                "italic 3 3",
                "underline 8 1",
                "strikethrough 10 1",
                "spoiler 12 1",
                "code 14 2",
                "text_link 17 4 https://x.example/)",
            ]
        );
        let (text, entities) = summary(parse_v2("```rust\nfn x() {}```\n>quoted\n>more\nafter").unwrap());
        assert_eq!(text, "fn x() {}\nquoted\nmore\nafter");
        assert_eq!(entities, ["pre 0 9 rust", "blockquote 10 11"]);
    }

    #[test]
    fn markdown_v2_errors_read_like_telegrams() {
        assert_eq!(
            parse_v2("Done.").unwrap_err(),
            "Character '.' is reserved and must be escaped with the preceding '\\'"
        );
        assert_eq!(parse_v2("a *bold").unwrap_err(), "Can't find end of Bold entity at byte offset 2");
    }

    #[test]
    fn legacy_markdown_has_flat_entities() {
        let (text, entities) = summary(parse_legacy("*b* _i_ `c` [l](https://x.example) 1.5!").unwrap());
        assert_eq!(text, "b i c l 1.5!");
        assert_eq!(entities, ["bold 0 1", "italic 2 1", "code 4 1", "text_link 6 1 https://x.example"]);
        assert_eq!(parse_legacy("x *y").unwrap_err(), "Can't find end of the entity starting at byte offset 2");
    }
}
