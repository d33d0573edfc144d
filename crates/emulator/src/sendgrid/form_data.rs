//! Writing `multipart/form-data` (RFC 7578) as SendGrid's Inbound Parse posts it.

/// One field of a form.
pub(crate) struct FormField {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

impl FormField {
    pub fn text(name: &str, value: impl Into<String>) -> Self {
        Self { name: name.to_owned(), filename: None, content_type: None, data: value.into().into_bytes() }
    }
}

/// The body and its content type (with the boundary).
pub(crate) fn encode(fields: &[FormField]) -> (Vec<u8>, String) {
    let boundary = format!("xYzZY{:016x}", rand::random::<u64>());
    let mut body = Vec::new();
    for field in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"", field.name).as_bytes(),
        );
        if let Some(filename) = &field.filename {
            body.extend_from_slice(format!("; filename=\"{}\"", filename.replace(['"', '\r', '\n'], "_")).as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        if let Some(content_type) = &field.content_type {
            body.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(&field.data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (body, format!("multipart/form-data; boundary={boundary}"))
}
