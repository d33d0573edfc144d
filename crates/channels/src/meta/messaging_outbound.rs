//! Sending on Messenger and Instagram through the Send API: `POST /{version}/{account-id}/messages`
//! with the page's access token. A message is text (with up to 13 quick replies) or one file.
//! Inside the 24-hour window it goes as a `RESPONSE`; a staff reply up to 7 days after the
//! customer's last message goes with the `HUMAN_AGENT` tag.

use serde_json::{Value, json};
use switchboard_domain::Content;

use super::errors::classify_error;
use super::{MetaCredentials, graph_url};
use crate::adapter::{OutboundRequest, SendError, SendReceipt};

fn unsendable(reason: impl Into<String>) -> SendError {
    SendError::permanent(None, reason)
}

/// The JSON body of a Send API request.
pub(crate) fn request_body(message: &OutboundRequest) -> Result<Value, SendError> {
    let text = message.body.trim();
    let mut body = match (message.attachments.as_slice(), text.is_empty()) {
        ([], true) => return Err(unsendable("the message has no text")),
        ([], false) => json!({ "text": text }),
        ([attachment], true) => {
            let kind = match attachment.content_type.as_deref().unwrap_or_default() {
                t if t.starts_with("image/") => "image",
                t if t.starts_with("video/") => "video",
                t if t.starts_with("audio/") => "audio",
                _ => "file",
            };
            json!({ "attachment": { "type": kind, "payload": { "url": attachment.url, "is_reusable": true } } })
        }
        (_, _) => return Err(unsendable("a Messenger or Instagram message is either text or one file, not both")),
    };
    match &message.content {
        None => {}
        Some(Content::Buttons { buttons }) => {
            let replies: Vec<Value> =
                buttons.iter().map(|b| json!({ "content_type": "text", "title": b.title, "payload": b.id })).collect();
            body["quick_replies"] = json!(replies);
        }
        Some(other) => {
            return Err(unsendable(format!("{} cannot be sent on Messenger or Instagram", other.summary())));
        }
    }
    let mut request = json!({ "recipient": { "id": message.to }, "message": body });
    if message.human_agent {
        request["messaging_type"] = json!("MESSAGE_TAG");
        request["tag"] = json!("HUMAN_AGENT");
    } else {
        request["messaging_type"] = json!("RESPONSE");
    }
    Ok(request)
}

pub(crate) async fn send(
    client: &reqwest::Client,
    base_url: &str,
    version: &str,
    credentials: &MetaCredentials,
    account_id: &str,
    message: &OutboundRequest,
) -> Result<SendReceipt, SendError> {
    let body = request_body(message)?;
    let response = client
        .post(graph_url(base_url, version, &format!("{account_id}/messages")))
        .bearer_auth(&credentials.access_token)
        .json(&body)
        .send()
        .await
        .map_err(|e| SendError::transient(format!("could not reach the Send API: {}", e.without_url())))?;
    let status = response.status().as_u16();
    let answer: Value = response.json().await.unwrap_or(Value::Null);
    if (200..300).contains(&status) {
        let id = answer["message_id"]
            .as_str()
            .ok_or_else(|| SendError::transient(format!("the Send API answered {status} without a message id")))?;
        return Ok(SendReceipt::new(id));
    }
    Err(classify_error(status, &answer["error"]))
}

#[cfg(test)]
mod tests {
    use switchboard_domain::Attachment;
    use switchboard_domain::content::ReplyButton;

    use super::*;

    #[test]
    fn a_reply_in_the_window_is_a_response_and_a_late_staff_reply_carries_the_human_agent_tag() {
        let reply = request_body(&OutboundRequest::text("6783456789012345", "We open at 9")).unwrap();
        assert_eq!(
            reply,
            json!({ "recipient": { "id": "6783456789012345" }, "messaging_type": "RESPONSE", "message": { "text": "We open at 9" } })
        );
        let late =
            request_body(&OutboundRequest { human_agent: true, ..OutboundRequest::text("678", "Sorry for the wait") })
                .unwrap();
        assert_eq!(late["messaging_type"], "MESSAGE_TAG");
        assert_eq!(late["tag"], "HUMAN_AGENT");
    }

    #[test]
    fn buttons_become_quick_replies_and_a_file_goes_alone() {
        let buttons = Content::Buttons { buttons: vec![ReplyButton { id: "TUE".into(), title: "Tuesday".into() }] };
        let body =
            request_body(&OutboundRequest { content: Some(buttons), ..OutboundRequest::text("678", "Which day?") })
                .unwrap();
        assert_eq!(
            body["message"]["quick_replies"],
            json!([{ "content_type": "text", "title": "Tuesday", "payload": "TUE" }])
        );
        let photo = Attachment::link("https://cdn.example.com/menu.jpg", Some("image/jpeg".into()));
        let body =
            request_body(&OutboundRequest { attachments: vec![photo.clone()], ..OutboundRequest::text("678", "") })
                .unwrap();
        assert_eq!(body["message"]["attachment"]["type"], "image");
        let both = request_body(&OutboundRequest { attachments: vec![photo], ..OutboundRequest::text("678", "Menu") });
        assert!(both.unwrap_err().reason.contains("not both"));
    }
}
