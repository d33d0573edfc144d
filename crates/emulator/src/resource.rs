//! The Message resource JSON (`api.v2010.account.message` in Twilio's OpenAPI spec), as
//! the create and fetch endpoints return it.

use serde_json::{Value, json};

use crate::state::MessageRecord;

/// Relative URI of a message, as in the resource's `uri` field.
pub(crate) fn message_uri(account_sid: &str, sid: &str) -> String {
    format!("/2010-04-01/Accounts/{account_sid}/Messages/{sid}.json")
}

/// The full Message resource for `record`.
pub(crate) fn message_json(record: &MessageRecord) -> Value {
    let m = &record.message;
    json!({
        "account_sid": m.account_sid,
        "api_version": "2010-04-01",
        "body": m.body,
        "date_created": record.date_created,
        "date_sent": record.date_sent,
        "date_updated": record.date_updated,
        "direction": "outbound-api",
        "error_code": m.error_code,
        "error_message": record.error_message,
        "from": m.from,
        "messaging_service_sid": record.messaging_service_sid,
        "num_media": m.media_urls.len().to_string(),
        "num_segments": m.num_segments.to_string(),
        "price": null,
        "price_unit": "USD",
        "sid": m.sid,
        "status": m.status,
        "subresource_uris": {
            "media": format!("/2010-04-01/Accounts/{}/Messages/{}/Media.json", m.account_sid, m.sid),
        },
        "to": m.to,
        "uri": message_uri(&m.account_sid, &m.sid),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SentMessage;

    #[test]
    fn resource_has_every_field_of_twilios_schema() {
        let record = MessageRecord {
            message: SentMessage {
                sid: "SM0123456789abcdef0123456789abcdef".into(),
                account_sid: "AC0123456789abcdef0123456789abcdef".into(),
                from: "+14155550199".into(),
                to: "+14155550100".into(),
                body: "hi".into(),
                media_urls: vec![],
                status_callback: None,
                status: "queued".into(),
                error_code: None,
                num_segments: 1,
            },
            date_created: "Thu, 24 Aug 2023 05:01:45 +0000".into(),
            date_updated: "Thu, 24 Aug 2023 05:01:45 +0000".into(),
            date_sent: None,
            messaging_service_sid: None,
            error_message: None,
        };
        let json = message_json(&record);
        let mut keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "account_sid",
                "api_version",
                "body",
                "date_created",
                "date_sent",
                "date_updated",
                "direction",
                "error_code",
                "error_message",
                "from",
                "messaging_service_sid",
                "num_media",
                "num_segments",
                "price",
                "price_unit",
                "sid",
                "status",
                "subresource_uris",
                "to",
                "uri"
            ]
        );
        assert_eq!(json["num_segments"], "1");
        assert_eq!(json["num_media"], "0");
        assert_eq!(
            json["uri"],
            "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/SM0123456789abcdef0123456789abcdef.json"
        );
    }
}
