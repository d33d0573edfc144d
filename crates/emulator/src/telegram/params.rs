//! A Bot API call's parameters, read the way Telegram reads them: from the query string and
//! from a body in `application/json`, `application/x-www-form-urlencoded` or
//! `multipart/form-data` (whose file parts are uploads). Values given as strings are taken as
//! numbers, booleans or JSON-serialised objects where the method expects those.

use std::collections::HashMap;

use axum::http::{HeaderMap, header};
use serde_json::Value;

use super::envelope::BotApiError;
use crate::meta::multipart;

/// A file uploaded in a multipart body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Upload {
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// One parameter's value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Param {
    /// From a JSON body, with its JSON type.
    Json(Value),
    /// From the query string, a form, or a multipart text part.
    Text(String),
    File(Upload),
}

/// All the parameters of one call.
#[derive(Clone, Debug, Default)]
pub(crate) struct Params {
    values: HashMap<String, Param>,
}

impl Params {
    /// Reads the query string, then the body (whose values win).
    pub fn read(query: Option<&str>, headers: &HeaderMap, body: &[u8]) -> Result<Self, BotApiError> {
        let mut values = HashMap::new();
        for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            values.insert(key.into_owned(), Param::Text(value.into_owned()));
        }
        let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let mime = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        if body.is_empty() {
            return Ok(Self { values });
        }
        match mime.as_str() {
            "application/json" => match serde_json::from_slice::<Value>(body) {
                Ok(Value::Object(object)) => {
                    values.extend(object.into_iter().map(|(key, value)| (key, Param::Json(value))));
                }
                Ok(_) => return Err(BotApiError::bad_request("parameters must be a JSON object")),
                Err(_) => return Err(BotApiError::bad_request("can't parse JSON object")),
            },
            "multipart/form-data" => {
                let parts = multipart::boundary(content_type)
                    .and_then(|boundary| multipart::parse(body, &boundary))
                    .ok_or_else(|| BotApiError::bad_request("can't parse multipart/form-data body"))?;
                for part in parts {
                    let value = match part.filename {
                        Some(filename) => Param::File(Upload {
                            filename: Some(filename),
                            content_type: part.content_type,
                            data: part.data,
                        }),
                        None => Param::Text(String::from_utf8_lossy(&part.data).into_owned()),
                    };
                    values.insert(part.name, value);
                }
            }
            // Telegram reads a form whatever the client calls it.
            _ => {
                for (key, value) in form_urlencoded::parse(body) {
                    values.insert(key.into_owned(), Param::Text(value.into_owned()));
                }
            }
        }
        Ok(Self { values })
    }

    #[cfg(test)]
    pub fn from_json(value: Value) -> Self {
        let values = match value {
            Value::Object(object) => object.into_iter().map(|(k, v)| (k, Param::Json(v))).collect(),
            _ => HashMap::new(),
        };
        Self { values }
    }

    pub fn get(&self, name: &str) -> Option<&Param> {
        match self.values.get(name) {
            Some(Param::Json(Value::Null)) => None,
            other => other,
        }
    }

    /// A value as text: strings as they are, numbers and booleans written out.
    pub fn str(&self, name: &str) -> Option<String> {
        match self.get(name)? {
            Param::Text(text) => Some(text.clone()),
            Param::Json(Value::String(text)) => Some(text.clone()),
            Param::Json(value @ (Value::Number(_) | Value::Bool(_))) => Some(value.to_string()),
            Param::Json(_) | Param::File(_) => None,
        }
    }

    /// An integer, given as a number or as its digits.
    pub fn i64(&self, name: &str) -> Option<i64> {
        match self.get(name)? {
            Param::Json(Value::Number(n)) => n.as_i64(),
            _ => self.str(name)?.trim().parse().ok(),
        }
    }

    /// A boolean: `true`, `"true"`, `"1"`; anything else is false.
    pub fn bool(&self, name: &str) -> bool {
        match self.get(name) {
            Some(Param::Json(Value::Bool(b))) => *b,
            Some(Param::Json(Value::Number(n))) => n.as_i64().is_some_and(|n| n != 0),
            Some(_) => self.str(name).is_some_and(|s| matches!(s.trim().to_ascii_lowercase().as_str(), "true" | "1")),
            None => false,
        }
    }

    /// An object or array: as JSON in a JSON body, else a JSON-serialised string.
    /// `Err(())` when the string is not JSON.
    pub fn json(&self, name: &str) -> Result<Option<Value>, ()> {
        match self.get(name) {
            None => Ok(None),
            Some(Param::Json(Value::String(text)) | Param::Text(text)) => {
                if text.trim().is_empty() {
                    return Ok(None);
                }
                serde_json::from_str(text).map(Some).map_err(|_| ())
            }
            Some(Param::Json(value)) => Ok(Some(value.clone())),
            Some(Param::File(_)) => Err(()),
        }
    }

    /// The uploaded file of a multipart part with this name.
    pub fn upload(&self, name: &str) -> Option<&Upload> {
        match self.get(name)? {
            Param::File(upload) => Some(upload),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;
    use serde_json::json;

    use super::*;

    fn headers(content_type: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_str(content_type).unwrap());
        headers
    }

    #[test]
    fn forms_json_and_queries_are_read_alike() {
        let form = Params::read(
            Some("chat_id=5"),
            &headers("application/x-www-form-urlencoded"),
            b"text=hi&reply_markup=%7B%22remove_keyboard%22%3Atrue%7D&show_alert=true",
        )
        .unwrap();
        assert_eq!(form.i64("chat_id"), Some(5));
        assert_eq!(form.str("text").as_deref(), Some("hi"));
        assert_eq!(form.json("reply_markup"), Ok(Some(json!({"remove_keyboard": true}))));
        assert!(form.bool("show_alert"));
        let body = json!({"chat_id": "7", "text": 12, "reply_markup": {"remove_keyboard": true}}).to_string();
        let json = Params::read(None, &headers("application/json"), body.as_bytes()).unwrap();
        assert_eq!(json.i64("chat_id"), Some(7));
        assert_eq!(json.str("text").as_deref(), Some("12"));
        assert_eq!(json.json("reply_markup"), Ok(Some(json!({"remove_keyboard": true}))));
        assert!(Params::read(None, &headers("application/json"), b"{").is_err());
    }

    #[test]
    fn multipart_files_are_uploads() {
        let body = b"--b\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n9\r\n\
--b\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\nPNG\r\n--b--\r\n";
        let params = Params::read(None, &headers("multipart/form-data; boundary=b"), body).unwrap();
        assert_eq!(params.i64("chat_id"), Some(9));
        let upload = params.upload("photo").unwrap();
        assert_eq!((upload.filename.as_deref(), upload.data.as_slice()), (Some("a.png"), b"PNG".as_slice()));
    }
}
