//! A small `multipart/form-data` reader (RFC 7578) for media uploads: enough for what HTTP
//! clients send (CRLF line breaks, `Content-Disposition` with `name` and `filename`, an
//! optional `Content-Type` per part), without pulling in a parser crate.

/// One part of a form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// The boundary of a `multipart/form-data` content type.
pub(crate) fn boundary(content_type: &str) -> Option<String> {
    let mut pieces = content_type.split(';');
    if !pieces.next()?.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    pieces.find_map(|piece| {
        let (key, value) = piece.split_once('=')?;
        key.trim().eq_ignore_ascii_case("boundary").then(|| value.trim().trim_matches('"').to_owned())
    })
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|at| at + from)
}

/// The value of `key="…"` in a header such as `Content-Disposition`.
fn quoted_param(header: &str, key: &str) -> Option<String> {
    header.split(';').find_map(|piece| {
        let (k, v) = piece.split_once('=')?;
        k.trim().eq_ignore_ascii_case(key).then(|| v.trim().trim_matches('"').to_owned())
    })
}

fn parse_part(raw: &[u8]) -> Option<Part> {
    let head_end = find(raw, b"\r\n\r\n", 0)?;
    let head = std::str::from_utf8(&raw[..head_end]).ok()?;
    let mut part = Part { name: String::new(), filename: None, content_type: None, data: raw[head_end + 4..].to_vec() };
    for line in head.split("\r\n") {
        let Some((header, value)) = line.split_once(':') else { continue };
        if header.trim().eq_ignore_ascii_case("content-disposition") {
            part.name = quoted_param(value, "name")?;
            part.filename = quoted_param(value, "filename");
        } else if header.trim().eq_ignore_ascii_case("content-type") {
            part.content_type = Some(value.trim().to_owned());
        }
    }
    (!part.name.is_empty()).then_some(part)
}

/// The parts of a form body, or `None` when it is not a well-formed form.
pub(crate) fn parse(body: &[u8], boundary: &str) -> Option<Vec<Part>> {
    let delimiter = format!("--{boundary}").into_bytes();
    let mut at = find(body, &delimiter, 0)? + delimiter.len();
    let mut parts = Vec::new();
    loop {
        if body.get(at..at + 2) == Some(b"--") {
            return Some(parts);
        }
        let start = at + 2; // the CRLF after the delimiter
        let next = find(body, &[b"\r\n".as_slice(), &delimiter].concat(), start)?;
        parts.push(parse_part(body.get(start..next)?)?);
        at = next + 2 + delimiter.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_split_into_named_parts() {
        let body = [
            b"--XyZ\r\nContent-Disposition: form-data; name=\"messaging_product\"\r\n\r\nwhatsapp\r\n".as_slice(),
            b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n",
            b"Content-Type: image/png\r\n\r\n\x89PNG\r\n\x00\r\n--XyZ--\r\n",
        ]
        .concat();
        let parts = parse(&body, "XyZ").unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!((parts[0].name.as_str(), parts[0].data.as_slice()), ("messaging_product", b"whatsapp".as_slice()));
        assert_eq!(parts[1].filename.as_deref(), Some("a.png"));
        assert_eq!(parts[1].content_type.as_deref(), Some("image/png"));
        assert_eq!(parts[1].data, b"\x89PNG\r\n\x00");
    }

    #[test]
    fn the_boundary_comes_from_the_content_type() {
        assert_eq!(boundary("multipart/form-data; boundary=\"abc\"").as_deref(), Some("abc"));
        assert_eq!(boundary("multipart/form-data;boundary=x-1").as_deref(), Some("x-1"));
        assert_eq!(boundary("application/json"), None);
        assert_eq!(parse(b"garbage", "x"), None);
    }
}
