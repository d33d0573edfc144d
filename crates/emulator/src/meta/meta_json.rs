//! JSON as Meta writes webhook bodies: compact, with every non-ASCII character escaped as
//! `\uXXXX` (lowercase hex, UTF-16 surrogate pairs) and `/` escaped as `\/`. Meta signs these
//! exact bytes, so a receiver that re-serializes the JSON before checking the signature fails,
//! as it would with Meta.

use std::io;

use serde::Serialize;
use serde_json::ser::{Formatter, Serializer};

/// serde_json's compact output (the trait's defaults), with Meta's extra escapes inside strings.
struct MetaFormatter;

impl Formatter for MetaFormatter {
    fn write_string_fragment<W>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        let mut plain_from = 0;
        for (at, c) in fragment.char_indices() {
            if c.is_ascii() && c != '/' {
                continue;
            }
            writer.write_all(&fragment.as_bytes()[plain_from..at])?;
            if c == '/' {
                writer.write_all(b"\\/")?;
            } else {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
            }
            plain_from = at + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[plain_from..])
    }
}

/// `value` encoded as Meta encodes webhook bodies.
pub(crate) fn to_meta_json<T: Serialize + ?Sized>(value: &T) -> String {
    let mut bytes = Vec::new();
    let mut serializer = Serializer::with_formatter(&mut bytes, MetaFormatter);
    value.serialize(&mut serializer).expect("JSON values always serialize");
    String::from_utf8(bytes).expect("the encoding is pure ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn non_ascii_and_slashes_are_escaped_like_metas_bodies() {
        let encoded = to_meta_json(&json!({"body": "Olá 👍 https://x.y/z \"q\"\n"}));
        assert_eq!(encoded, r#"{"body":"Ol\u00e1 \ud83d\udc4d https:\/\/x.y\/z \"q\"\n"}"#);
        assert!(encoded.is_ascii());
        let back: serde_json::Value = serde_json::from_str(&encoded).unwrap();
        assert_eq!(back["body"], "Olá 👍 https://x.y/z \"q\"\n");
    }

    #[test]
    fn structure_is_compact() {
        assert_eq!(to_meta_json(&json!({"a": [1, 2.5, true, null], "b": {}})), r#"{"a":[1,2.5,true,null],"b":{}}"#);
    }
}
