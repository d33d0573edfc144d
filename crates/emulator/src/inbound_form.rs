//! The form Twilio POSTs to a number's "A message comes in" webhook: the documented
//! parameters, in the order Twilio sends them, for SMS/MMS and for WhatsApp.

use crate::InboundRequest;
use crate::encoding::{is_whatsapp, phone_part, sms_segments};

/// Plausible geographic data Twilio derives from a phone number.
struct Geo {
    city: &'static str,
    state: &'static str,
    zip: &'static str,
    country: &'static str,
}

fn geo(address: &str) -> Geo {
    let number = phone_part(address);
    let empty = |country| Geo { city: "", state: "", zip: "", country };
    if let Some(national) = number.strip_prefix("+1") {
        return match national.get(..3) {
            Some("415") => Geo { city: "SAN FRANCISCO", state: "CA", zip: "94105", country: "US" },
            Some("650") => Geo { city: "SAN MATEO", state: "CA", zip: "94401", country: "US" },
            Some("212") => Geo { city: "NEW YORK", state: "NY", zip: "10001", country: "US" },
            Some("312") => Geo { city: "CHICAGO", state: "IL", zip: "60601", country: "US" },
            _ => empty("US"),
        };
    }
    const COUNTRIES: [(&str, &str); 12] = [
        ("+44", "GB"),
        ("+49", "DE"),
        ("+33", "FR"),
        ("+34", "ES"),
        ("+39", "IT"),
        ("+31", "NL"),
        ("+61", "AU"),
        ("+91", "IN"),
        ("+55", "BR"),
        ("+52", "MX"),
        ("+81", "JP"),
        ("+27", "ZA"),
    ];
    let country = COUNTRIES.iter().find(|(prefix, _)| number.starts_with(prefix)).map_or("", |(_, c)| c);
    empty(country)
}

/// WhatsApp's `MessageType` for a message with this media.
fn whatsapp_message_type(media: &[(String, String)]) -> &'static str {
    match media.first().map(|(_, ct)| ct.split('/').next().unwrap_or("")) {
        None => "text",
        Some("image") => "image",
        Some("video") => "video",
        Some("audio") => "audio",
        Some(_) => "document",
    }
}

/// The inbound webhook parameters for `req`, delivered as message `sid` of `account_sid`.
pub(crate) fn inbound_params(req: &InboundRequest, account_sid: &str, sid: &str) -> Vec<(String, String)> {
    let mut form = Form::default();
    let num_media = req.media.len().to_string();
    if is_whatsapp(&req.from) {
        form.add("SmsMessageSid", sid);
        form.add("NumMedia", &num_media);
        form.media(&req.media);
        if let Some(name) = &req.profile_name {
            form.add("ProfileName", name);
        }
        form.add("MessageType", whatsapp_message_type(&req.media));
        form.add("SmsSid", sid);
        form.add("WaId", phone_part(&req.from).trim_start_matches('+'));
        form.add("SmsStatus", "received");
        form.add("Body", &req.body);
        form.add("To", &req.to);
        form.add("NumSegments", "1");
        form.add("ReferralNumMedia", "0");
    } else {
        let (from, to) = (geo(&req.from), geo(&req.to));
        form.add("ToCountry", to.country);
        form.add("ToState", to.state);
        form.add("SmsMessageSid", sid);
        form.add("NumMedia", &num_media);
        form.media(&req.media);
        form.add("ToCity", to.city);
        form.add("FromZip", from.zip);
        form.add("SmsSid", sid);
        form.add("FromState", from.state);
        form.add("SmsStatus", "received");
        form.add("FromCity", from.city);
        form.add("Body", &req.body);
        form.add("FromCountry", from.country);
        form.add("To", &req.to);
        form.add("ToZip", to.zip);
        form.add("NumSegments", &sms_segments(&req.body).to_string());
    }
    form.add("MessageSid", sid);
    form.add("AccountSid", account_sid);
    form.add("From", &req.from);
    form.add("ApiVersion", "2010-04-01");
    form.0
}

/// Form parameters in sending order.
#[derive(Default)]
struct Form(Vec<(String, String)>);

impl Form {
    fn add(&mut self, name: &str, value: &str) {
        self.0.push((name.to_owned(), value.to_owned()));
    }

    fn media(&mut self, media: &[(String, String)]) {
        for (i, (url, content_type)) in media.iter().enumerate() {
            self.add(&format!("MediaContentType{i}"), content_type);
            self.add(&format!("MediaUrl{i}"), url);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
        params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    #[test]
    fn sms_form_carries_geography_and_media_fields() {
        let req = InboundRequest {
            media: vec![("http://127.0.0.1/cat.jpg".into(), "image/jpeg".into())],
            ..InboundRequest::text("+14155550100", "+16505550199", "hi")
        };
        let p = inbound_params(&req, "ACx", "MMx");
        assert_eq!(get(&p, "FromCity"), Some("SAN FRANCISCO"));
        assert_eq!(get(&p, "ToState"), Some("CA"));
        assert_eq!(get(&p, "MediaUrl0"), Some("http://127.0.0.1/cat.jpg"));
        assert_eq!(get(&p, "MediaContentType0"), Some("image/jpeg"));
        assert_eq!(get(&p, "NumMedia"), Some("1"));
        assert_eq!(get(&p, "WaId"), None);
    }

    #[test]
    fn whatsapp_form_carries_profile_and_wa_id() {
        let req = InboundRequest {
            profile_name: Some("Ada".into()),
            ..InboundRequest::text("whatsapp:+447700900123", "whatsapp:+14155550199", "hi")
        };
        let p = inbound_params(&req, "ACx", "SMx");
        assert_eq!(get(&p, "WaId"), Some("447700900123"));
        assert_eq!(get(&p, "ProfileName"), Some("Ada"));
        assert_eq!(get(&p, "MessageType"), Some("text"));
        assert_eq!(get(&p, "FromCity"), None);
    }
}
