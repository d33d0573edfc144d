//! One-line, human-readable summaries of WhatsApp messages in either direction, for the
//! customers' phones in the control API (a text's body, `[image] caption`, a template's name…).

use serde_json::Value;

use super::types::InboundContent;

fn labelled(label: &str, detail: Option<&str>) -> String {
    match detail.filter(|d| !d.is_empty()) {
        Some(detail) => format!("[{label}] {detail}"),
        None => format!("[{label}]"),
    }
}

/// What the customer sees they sent.
pub(crate) fn inbound_summary(content: &InboundContent) -> String {
    match content {
        InboundContent::Text(body) => body.clone(),
        InboundContent::Image { caption, .. } => labelled("image", caption.as_deref()),
        InboundContent::Audio { voice, .. } => labelled(if *voice { "voice message" } else { "audio" }, None),
        InboundContent::Video { caption, .. } => labelled("video", caption.as_deref()),
        InboundContent::Document { filename, .. } => labelled("document", Some(filename)),
        InboundContent::Sticker { .. } => labelled("sticker", None),
        InboundContent::Location { name, latitude, longitude, .. } => {
            let place = name.clone().unwrap_or_else(|| format!("{latitude}, {longitude}"));
            labelled("location", Some(&place))
        }
        InboundContent::Contacts(_) => labelled("contacts", None),
        InboundContent::ButtonReply { title, .. } | InboundContent::ListReply { title, .. } => title.clone(),
        InboundContent::TemplateButton { text, .. } => text.clone(),
        InboundContent::Reaction { emoji, .. } => labelled("reaction", Some(emoji.as_deref().unwrap_or("removed"))),
        InboundContent::Unsupported => labelled("unsupported", None),
    }
}

/// What the customer sees they received, from the JSON body our side POSTed.
pub(crate) fn outbound_summary(request: &Value) -> String {
    let kind = request["type"].as_str().unwrap_or("text");
    let object = &request[kind];
    match kind {
        "text" => object["body"].as_str().unwrap_or_default().to_owned(),
        "image" | "video" | "document" | "audio" | "sticker" => labelled(kind, object["caption"].as_str()),
        "location" => labelled("location", object["name"].as_str()),
        "contacts" => labelled("contacts", None),
        "interactive" => labelled("interactive", object["body"]["text"].as_str()),
        "template" => {
            let parameters: Vec<&str> = object["components"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|c| c["type"].as_str().is_some_and(|t| t.eq_ignore_ascii_case("body")))
                .flat_map(|c| c["parameters"].as_array().into_iter().flatten())
                .filter_map(|p| p["text"].as_str())
                .collect();
            let name = object["name"].as_str().unwrap_or_default();
            labelled("template", Some(&format!("{name}({})", parameters.join(", "))))
        }
        "reaction" => labelled("reaction", object["emoji"].as_str()),
        other => labelled(other, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn summaries_read_like_a_phone_would_show_them() {
        assert_eq!(inbound_summary(&InboundContent::Text("hi".into())), "hi");
        let image =
            InboundContent::Image { media_id: "1".into(), mime_type: "image/jpeg".into(), caption: Some("cat".into()) };
        assert_eq!(inbound_summary(&image), "[image] cat");
        assert_eq!(outbound_summary(&json!({"type": "text", "text": {"body": "yo"}})), "yo");
        assert_eq!(outbound_summary(&json!({"text": {"body": "default type"}})), "default type");
        let template = json!({"type": "template", "template": {"name": "order", "components": [
            {"type": "body", "parameters": [{"type": "text", "text": "Ada"}, {"type": "text", "text": "42"}]}]}});
        assert_eq!(outbound_summary(&template), "[template] order(Ada, 42)");
    }
}
