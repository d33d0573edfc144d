//! A customer's HTML email made safe to show a staff member: an allow-list of elements and
//! attributes (ammonia), so no script, event handler, form, frame, SVG or `<style>` sheet
//! survives; links only to `http`, `https`, `mailto` and `tel`, opening in a new tab without a
//! referrer; inline styles only for the properties that lay text out (no positioning, no
//! `url()`); and pictures from the internet, which tell the sender the email was opened, left
//! out until the staff member asks for them. Inline pictures the email carried are kept files
//! and always shown. The page is served under a sandboxing content security policy as well.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use switchboard_channels::email::MEDIA_PATH_PREFIX;

/// The safe HTML, and how many remote pictures were left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafeHtml {
    pub html: String,
    pub blocked_images: usize,
}

/// CSS properties kept in `style` attributes: type, colour, spacing, borders, table layout.
const STYLE_PROPERTIES: &[&str] = &[
    "color",
    "background-color",
    "font",
    "font-family",
    "font-size",
    "font-style",
    "font-weight",
    "font-variant",
    "line-height",
    "letter-spacing",
    "text-align",
    "text-decoration",
    "text-transform",
    "text-indent",
    "white-space",
    "word-break",
    "vertical-align",
    "margin",
    "margin-top",
    "margin-right",
    "margin-bottom",
    "margin-left",
    "padding",
    "padding-top",
    "padding-right",
    "padding-bottom",
    "padding-left",
    "border",
    "border-top",
    "border-right",
    "border-bottom",
    "border-left",
    "border-color",
    "border-style",
    "border-width",
    "border-radius",
    "border-collapse",
    "border-spacing",
    "width",
    "max-width",
    "min-width",
    "height",
    "max-height",
    "min-height",
    "display",
    "list-style-type",
];

/// Attributes kept on every element besides ammonia's defaults.
const GENERIC_ATTRIBUTES: &[&str] = &["style", "align", "valign", "bgcolor", "dir"];

/// Whether `url` is a file we keep (an inline picture of the email).
fn is_kept_file(url: &str) -> bool {
    url.starts_with(MEDIA_PATH_PREFIX)
}

/// Cleans `html`; remote pictures are kept only when `remote_images` is true.
pub fn sanitize(html: &str, remote_images: bool) -> SafeHtml {
    let blocked = Arc::new(AtomicUsize::new(0));
    let counter = blocked.clone();
    let mut builder = ammonia::Builder::default();
    builder
        .add_generic_attributes(GENERIC_ATTRIBUTES)
        .filter_style_properties(STYLE_PROPERTIES.iter().copied().collect::<HashSet<_>>())
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .link_rel(Some("noopener noreferrer nofollow"))
        .set_tag_attribute_value("a", "target", "_blank")
        .add_tag_attributes("td", ["width", "height", "colspan", "rowspan"])
        .add_tag_attributes("table", ["width", "cellpadding", "cellspacing", "border"])
        .attribute_filter(move |element, attribute, value| {
            if element == "img" && matches!(attribute, "src" | "srcset") {
                if is_kept_file(value) || (remote_images && attribute == "src") {
                    return Some(value.into());
                }
                if attribute == "src" {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
                return None;
            }
            // A style value that reaches out (`url(…)`, `expression(…)`) is dropped whole.
            if attribute == "style" {
                let lower = value.to_ascii_lowercase();
                if lower.contains("url(") || lower.contains("expression(") || lower.contains('\\') {
                    return None;
                }
            }
            Some(value.into())
        });
    let html = builder.clean(html).to_string();
    SafeHtml { html, blocked_images: blocked.load(Ordering::Relaxed) }
}

#[cfg(test)]
mod tests;
