//! Mail Send's validation, with SendGrid's own messages and field paths: every problem of a
//! request is reported at once, as SendGrid does.

use serde_json::Value;

/// One entry of SendGrid's `errors` array.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FieldError {
    pub field: Option<String>,
    pub message: String,
}

fn error(field: &str, message: &str) -> FieldError {
    FieldError { field: Some(field.to_owned()), message: message.to_owned() }
}

/// Headers SendGrid sets itself and refuses in `headers`.
const RESERVED_HEADERS: [&str; 12] = [
    "x-sg-id",
    "x-sg-eid",
    "received",
    "dkim-signature",
    "content-type",
    "content-transfer-encoding",
    "to",
    "from",
    "subject",
    "reply-to",
    "cc",
    "bcc",
];

/// Whether SendGrid would take `address` as an email address.
pub(crate) fn valid_address(address: &str) -> bool {
    let Some((local, domain)) = address.rsplit_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !address.chars().any(|c| c.is_whitespace() || c == '<' || c == '>' || c == ',')
}

fn check_address(object: &Value, field: &str, errors: &mut Vec<FieldError>) {
    match object.get("email").and_then(Value::as_str) {
        Some(address) if valid_address(address) => {}
        _ => errors.push(error(&format!("{field}.email"), "Does not contain a valid address.")),
    }
}

/// Every problem of a Mail Send request body.
pub(crate) fn validate(body: &Value) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let template = body.get("template_id").and_then(Value::as_str).is_some_and(|t| !t.is_empty());
    match body.get("from") {
        Some(from) if from.is_object() => check_address(from, "from", &mut errors),
        _ => errors.push(error(
            "from.email",
            "The from object must be provided for every email send. It is an object that requires the email \
             parameter, but may also contain a name parameter.  e.g. {\"email\" : \"example@example.com\"}  or \
             {\"email\" : \"example@example.com\", \"name\" : \"Example Recipient\"}.",
        )),
    }
    let personalizations = body.get("personalizations").and_then(Value::as_array).filter(|p| !p.is_empty());
    let Some(personalizations) = personalizations else {
        errors.push(error(
            "personalizations",
            "The personalizations field is required and must have at least one personalization.",
        ));
        return errors;
    };
    if personalizations.len() > 1000 {
        errors.push(error("personalizations", "You may not have more than 1000 personalizations per API request."));
    }
    let top_subject = body.get("subject").and_then(Value::as_str).is_some_and(|s| !s.is_empty());
    let mut recipients = 0;
    for (i, personalization) in personalizations.iter().enumerate() {
        let to = personalization.get("to").and_then(Value::as_array).filter(|to| !to.is_empty());
        match to {
            Some(to) => {
                for (j, recipient) in to.iter().enumerate() {
                    check_address(recipient, &format!("personalizations.{i}.to.{j}"), &mut errors);
                }
                recipients += to.len();
            }
            None => errors.push(error(
                &format!("personalizations.{i}.to"),
                "The to array is required for all personalization objects, and must have at least one email \
                 object with a valid email address.",
            )),
        }
        let own_subject = personalization.get("subject").and_then(Value::as_str).is_some_and(|s| !s.is_empty());
        if !top_subject && !own_subject && !template {
            errors.push(error(
                "subject",
                "The subject is required. You can get around this requirement if you use a template with a \
                 subject defined or if every personalization has a subject defined.",
            ));
        }
    }
    if recipients > 1000 {
        errors.push(error("personalizations", "The total number of recipients must be less than 1000."));
    }
    if let Some(reply_to) = body.get("reply_to") {
        check_address(reply_to, "reply_to", &mut errors);
    }
    match body.get("content").and_then(Value::as_array) {
        Some(content) if !content.is_empty() => {
            for (i, block) in content.iter().enumerate() {
                let filled = |key: &str| block.get(key).and_then(Value::as_str).is_some_and(|v| !v.is_empty());
                if !filled("type") {
                    errors.push(error(&format!("content.{i}.type"), "The content type cannot be blank."));
                }
                if !filled("value") {
                    errors.push(error(
                        &format!("content.{i}.value"),
                        "The content value must be a string at least one character in length.",
                    ));
                }
            }
            let plain_first = content.first().and_then(|c| c.get("type")).and_then(Value::as_str) == Some("text/plain");
            let has_plain = content.iter().any(|c| c.get("type").and_then(Value::as_str) == Some("text/plain"));
            if has_plain && !plain_first {
                errors.push(error(
                    "content",
                    "If present, text/plain content must be first, followed by text/html, followed by any other \
                     content.",
                ));
            }
        }
        _ if template => {}
        _ => errors.push(error(
            "content",
            "Unless a valid template_id is provided, the content parameter is required. There must be at least \
             one defined content block. We typically suggest both text/plain and text/html blocks are included, \
             but only one block is required.",
        )),
    }
    for (i, file) in body.get("attachments").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let content = file.get("content").and_then(Value::as_str).unwrap_or_default();
        if content.is_empty() {
            errors.push(error(&format!("attachments.{i}.content"), "The attachment content is required."));
        } else if base64::Engine::decode(&base64::engine::general_purpose::STANDARD, content).is_err() {
            errors.push(error(&format!("attachments.{i}.content"), "The attachment content must be base64 encoded."));
        }
        if file.get("filename").and_then(Value::as_str).is_none_or(str::is_empty) {
            errors.push(error(&format!("attachments.{i}.filename"), "The attachment filename parameter is required."));
        }
    }
    if let Some(headers) = body.get("headers").and_then(Value::as_object) {
        for (name, value) in headers {
            if RESERVED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
                errors.push(error(
                    &format!("headers.{name}"),
                    &format!("The {name} header is a reserved header and cannot be set by the headers parameter."),
                ));
            } else if !value.is_string() {
                errors.push(error(&format!("headers.{name}"), "Invalid type. Expected: string, given: object."));
            }
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn fields(body: Value) -> Vec<String> {
        validate(&body).into_iter().filter_map(|e| e.field).collect()
    }

    #[test]
    fn a_complete_request_passes_and_each_missing_part_is_named() {
        let good = json!({
            "personalizations": [{"to": [{"email": "ann@example.com"}]}],
            "from": {"email": "hello@clinic.example", "name": "Clinic"},
            "subject": "Hi",
            "content": [{"type": "text/plain", "value": "Hello"}, {"type": "text/html", "value": "<p>Hello</p>"}],
            "headers": {"Message-ID": "<a@b.c>"},
        });
        assert_eq!(fields(good.clone()), Vec::<String>::new());
        let mut bad = good.clone();
        bad["personalizations"][0]["to"][0]["email"] = json!("not an address");
        bad.as_object_mut().unwrap().remove("subject");
        bad["content"] = json!([{"type": "text/html", "value": "<p>x</p>"}, {"type": "text/plain", "value": "x"}]);
        bad["headers"]["Subject"] = json!("sneaky");
        assert_eq!(fields(bad), vec!["personalizations.0.to.0.email", "subject", "content", "headers.Subject"]);
        let mut no_from = good;
        no_from.as_object_mut().unwrap().remove("from");
        assert_eq!(fields(no_from), vec!["from.email"]);
        assert_eq!(fields(json!({"from": {"email": "a@b.co"}})), vec!["personalizations"]);
    }
}
