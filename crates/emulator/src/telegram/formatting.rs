//! A message's text (or caption) as Telegram stores it: markup parsed according to `parse_mode`
//! (`HTML`, `MarkdownV2`, `Markdown`), or plain with the `entities` given, and the length limits
//! counted on the result.

use serde_json::Value;

use super::entities::{Entity, utf16_len};
use super::envelope::BotApiError;
use super::{html, markdown};

/// Longest message text, in UTF-16 code units after parsing.
pub(crate) const MAX_TEXT: usize = 4096;
/// Longest media caption, in UTF-16 code units after parsing.
pub(crate) const MAX_CAPTION: usize = 1024;

/// The plain text and its entities (as JSON) of `raw` sent with `parse_mode`, or the entities
/// given explicitly when there is no parse mode.
pub(crate) fn format(
    raw: &str,
    parse_mode: Option<&str>,
    explicit: Option<Value>,
) -> Result<(String, Vec<Value>), BotApiError> {
    let parsed = match parse_mode.map(str::trim).filter(|mode| !mode.is_empty()) {
        None => {
            let entities = match explicit {
                None => Vec::new(),
                Some(Value::Array(entities)) if entities.iter().all(is_entity) => entities,
                Some(_) => return Err(BotApiError::bad_request("can't parse entities JSON object")),
            };
            return Ok((raw.to_owned(), entities));
        }
        Some(mode) if mode.eq_ignore_ascii_case("html") => html::parse(raw),
        Some(mode) if mode.eq_ignore_ascii_case("markdownv2") => markdown::parse_v2(raw),
        Some(mode) if mode.eq_ignore_ascii_case("markdown") => markdown::parse_legacy(raw),
        Some(_) => return Err(BotApiError::bad_request("unsupported parse_mode")),
    };
    let (text, entities) = parsed.map_err(|e| BotApiError::bad_request(format!("can't parse entities: {e}")))?;
    Ok((text, entities.iter().map(Entity::to_json).collect()))
}

fn is_entity(value: &Value) -> bool {
    value["type"].is_string() && value["offset"].is_u64() && value["length"].is_u64()
}

/// Whether a text is over a limit, counted as Telegram counts.
pub(crate) fn too_long(text: &str, limit: usize) -> bool {
    utf16_len(text) > limit
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn each_parse_mode_has_its_parser() {
        let (text, entities) = format("<b>x</b>", Some("HTML"), None).unwrap();
        assert_eq!((text.as_str(), entities), ("x", vec![json!({"offset": 0, "length": 1, "type": "bold"})]));
        assert_eq!(format("*x*", Some("MarkdownV2"), None).unwrap().0, "x");
        assert_eq!(format("<b>x</b>", None, None).unwrap().0, "<b>x</b>");
        let error = format("<b>x", Some("HTML"), None).unwrap_err();
        assert_eq!(
            error.description,
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\""
        );
        assert_eq!(format("x", Some("BBCode"), None).unwrap_err().description, "Bad Request: unsupported parse_mode");
        let explicit = json!([{"type": "bold", "offset": 0, "length": 1}]);
        assert_eq!(format("x", None, Some(explicit.clone())).unwrap().1, explicit.as_array().unwrap().clone());
    }

    #[test]
    fn no_input_makes_a_parser_panic() {
        const PIECES: &[&str] = &[
            "<",
            ">",
            "</",
            "<b>",
            "</b>",
            "<a href=",
            "\"",
            "'",
            "&",
            "&#",
            "&#x1F44B;",
            "&lt",
            ";",
            "é",
            "👋",
            "\\",
            "*",
            "_",
            "__",
            "~",
            "||",
            "`",
            "```",
            "[",
            "](",
            ")",
            "!",
            ">",
            "\n",
            " ",
            "/",
            "@",
            "#",
            "x",
            "=",
        ];
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..20_000 {
            let mut input = String::new();
            for _ in 0..(seed % 9) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                input.push_str(PIECES[(seed % PIECES.len() as u64) as usize]);
            }
            for mode in ["HTML", "MarkdownV2", "Markdown"] {
                if let Ok((text, entities)) = format(&input, Some(mode), None) {
                    let length = utf16_len(&text) as u64;
                    for entity in entities {
                        let end = entity["offset"].as_u64().unwrap() + entity["length"].as_u64().unwrap();
                        assert!(end <= length, "{mode} {input:?}: {entity} beyond {text:?}");
                    }
                }
            }
            let _ = super::super::entities::detect(&input);
        }
    }
}
