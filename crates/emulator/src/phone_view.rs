//! What the customer's phone page shows, whatever the provider: the business's destinations the
//! customer can write to, the lines of a thread, and the JSON answer carrying them with `<`, `>`
//! and `&` escaped, so nothing a customer or the business wrote can ever be read as markup.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// One of the business's numbers or accounts the customer can write to.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Destination {
    /// What the page posts back as `to`: a Twilio address (`+1…`, `whatsapp:+1…`), or
    /// `wa-cloud:{phone_number_id}`, `messenger:{page_id}`, `instagram:{account_id}`.
    pub id: String,
    /// What the page shows, e.g. `WhatsApp (Cloud API) +1 415 555 0102`.
    pub label: String,
}

/// One line of a thread.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ThreadMessage {
    /// `sent` by the customer or `received` from the business.
    pub direction: &'static str,
    /// `SMS`, `WhatsApp`, `WhatsApp (Cloud API)`, `Messenger` or `Instagram`.
    pub channel: &'static str,
    /// Our number or account on the other end, as shown.
    pub ours: String,
    pub body: String,
    /// For received messages, where delivery stands (`sent`, `delivered`, `read`, `failed`, …).
    pub status: Option<String>,
}

/// Text made safe to put in HTML, between tags or in a quoted attribute.
pub(crate) fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '&' => escaped.push_str("&amp;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// The destinations as the `<option>`s of the page's "Writing to" list.
pub(crate) fn options_html(destinations: &[Destination]) -> String {
    destinations
        .iter()
        .map(|d| format!("<option value=\"{}\">{}</option>", escape_html(&d.id), escape_html(&d.label)))
        .collect()
}

/// `value` as JSON in which `<`, `>` and `&` only appear as `\u` escapes (they can only occur
/// inside strings, where the escape means the same), never cached, never sniffed as HTML.
pub(crate) fn escaped_json<T: Serialize>(value: &T) -> Response {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
    let escaped = json.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026");
    let headers = [
        (header::CONTENT_TYPE, "application/json"),
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ];
    (headers, escaped).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_escape_ids_and_labels() {
        let destination = Destination { id: "a\"b".into(), label: "<i>&'".into() };
        assert_eq!(options_html(&[destination]), "<option value=\"a&quot;b\">&lt;i&gt;&amp;&#39;</option>");
    }

    #[tokio::test]
    async fn markup_is_escaped_but_means_the_same() {
        let response = escaped_json(&serde_json::json!({"body": "<script>a && b</script>"}));
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body");
        let text = String::from_utf8(bytes.to_vec()).expect("utf-8");
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'), "{text}");
        let value: serde_json::Value = serde_json::from_str(&text).expect("still JSON");
        assert_eq!(value["body"], "<script>a && b</script>");
    }
}
