//! MessageEntity: offsets and lengths in UTF-16 code units as Telegram counts them, and the
//! entities Telegram finds by itself in a customer's plain text (`bot_command`, `mention`,
//! `hashtag`, `url`, `email`).

use serde_json::{Value, json};

/// One MessageEntity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Entity {
    /// `bold`, `text_link`, `bot_command`, …
    pub kind: String,
    /// In UTF-16 code units.
    pub offset: usize,
    pub length: usize,
    /// `url` of a `text_link`.
    pub url: Option<String>,
    /// `language` of a `pre`.
    pub language: Option<String>,
    /// `custom_emoji_id` of a `custom_emoji`.
    pub custom_emoji_id: Option<String>,
}

impl Entity {
    pub fn new(kind: &str, offset: usize, length: usize) -> Self {
        Self { kind: kind.to_owned(), offset, length, url: None, language: None, custom_emoji_id: None }
    }

    pub fn to_json(&self) -> Value {
        let mut entity = json!({ "offset": self.offset, "length": self.length, "type": self.kind });
        if let Some(url) = &self.url {
            entity["url"] = json!(url);
        }
        if let Some(language) = &self.language {
            entity["language"] = json!(language);
        }
        if let Some(id) = &self.custom_emoji_id {
            entity["custom_emoji_id"] = json!(id);
        }
        entity
    }
}

/// Length of a text in UTF-16 code units.
pub(crate) fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Entities as Telegram lists them: by offset, the outer (longer) one first; empty ones dropped.
pub(crate) fn sorted(mut entities: Vec<Entity>) -> Vec<Entity> {
    entities.retain(|e| e.length > 0);
    entities.sort_by(|a, b| a.offset.cmp(&b.offset).then(b.length.cmp(&a.length)));
    entities
}

/// The JSON array of entities, or `None` when there are none (Telegram then leaves the field out).
pub(crate) fn to_json(entities: &[Entity]) -> Option<Value> {
    (!entities.is_empty()).then(|| Value::Array(entities.iter().map(Entity::to_json).collect()))
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// How many bytes of `rest` (after a `/`, `@` or `#`) are word characters, at most `max` chars.
fn word_len(rest: &str, ascii_only: bool) -> usize {
    rest.char_indices()
        .find(|&(_, c)| !(if ascii_only { c.is_ascii_alphanumeric() || c == '_' } else { is_word(c) }))
        .map_or(rest.len(), |(at, _)| at)
}

/// Trailing punctuation is not part of a URL or address.
fn trim_trailing_punctuation(token: &str) -> &str {
    token.trim_end_matches(['.', ',', '!', '?', ';', ':', ')', '\'', '"'])
}

fn is_email(token: &str) -> bool {
    let Some((local, domain)) = token.split_once('@') else { return false };
    let local_ok = !local.is_empty() && local.chars().all(|c| c.is_ascii_alphanumeric() || "._%+-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    local_ok
        && labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && labels.last().is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
}

/// The entities Telegram detects in plain text a customer typed.
pub(crate) fn detect(text: &str) -> Vec<Entity> {
    let mut entities = Vec::new();
    let mut at = 0;
    for token in text.split_inclusive(char::is_whitespace) {
        let start = at;
        at += token.len();
        let token = token.trim_end();
        if token.is_empty() {
            continue;
        }
        let offset = utf16_len(&text[..start]);
        let mut push = |kind: &str, bytes: usize| entities.push(Entity::new(kind, offset, utf16_len(&token[..bytes])));
        if let Some(rest) = token.strip_prefix('/') {
            let name = word_len(rest, true);
            if (1..=64).contains(&name) {
                let mut end = 1 + name;
                if let Some(bot) = rest[name..].strip_prefix('@') {
                    let bot_len = word_len(bot, true);
                    if bot_len >= 3 {
                        end += 1 + bot_len;
                    }
                }
                push("bot_command", end);
            }
        } else if let Some(rest) = token.strip_prefix('@') {
            let name = word_len(rest, true);
            if (3..=32).contains(&name) {
                push("mention", 1 + name);
            }
        } else if let Some(rest) = token.strip_prefix('#') {
            let name = word_len(rest, false);
            if name > 0 && !rest[..name].chars().all(|c| c.is_ascii_digit()) {
                push("hashtag", 1 + name);
            }
        } else {
            let trimmed = trim_trailing_punctuation(token);
            let lower = trimmed.to_ascii_lowercase();
            let is_url =
                ["http://", "https://"].iter().any(|scheme| lower.len() > scheme.len() && lower.starts_with(scheme))
                    || (lower.starts_with("www.") && lower.len() > 4 && lower[4..].contains('.'));
            if is_url {
                push("url", trimmed.len());
            } else if is_email(trimmed) {
                push("email", trimmed.len());
            }
        }
    }
    entities
}

/// Parsed text and its entities as short lines (`bold 0 2`, `text_link 5 4 https://…`), for
/// the parsers' tests.
#[cfg(test)]
pub(crate) fn describe(parsed: (String, Vec<Entity>)) -> (String, Vec<String>) {
    let (text, entities) = parsed;
    let entities = entities
        .into_iter()
        .map(|e| {
            let extra = e.url.or(e.language).map(|x| format!(" {x}")).unwrap_or_default();
            format!("{} {} {}{extra}", e.kind, e.offset, e.length)
        })
        .collect();
    (text, entities)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(String, usize, usize)> {
        detect(text).into_iter().map(|e| (e.kind, e.offset, e.length)).collect()
    }

    #[test]
    fn commands_mentions_links_and_addresses_are_found() {
        assert_eq!(kinds("/start ref_123"), vec![("bot_command".into(), 0, 6)]);
        assert_eq!(kinds("/help@clinic_bot now"), vec![("bot_command".into(), 0, 16)]);
        assert_eq!(
            kinds("ask @nurse_ann, see https://clinic.example/a?b=1. or mail ann@example.com #urgent"),
            vec![
                ("mention".into(), 4, 10),
                ("url".into(), 20, 28),
                ("email".into(), 58, 15),
                ("hashtag".into(), 74, 7),
            ]
        );
        assert_eq!(kinds("50/50 @ab #1 www.x"), vec![]);
    }

    #[test]
    fn offsets_count_utf16_code_units() {
        // 👋 is two UTF-16 code units.
        assert_eq!(kinds("👋 /start"), vec![("bot_command".into(), 3, 6)]);
        assert_eq!(utf16_len("é👋"), 3);
    }
}
