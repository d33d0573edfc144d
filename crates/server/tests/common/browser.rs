//! A minimal browser for the inbox's HTTP tests: keeps cookies, does not follow redirects (so a
//! test sees where a page sends it), and reads the hidden form tokens out of pages.

use std::collections::HashMap;

use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};

pub struct Browser {
    pub base: String,
    client: reqwest::Client,
    cookies: HashMap<String, String>,
}

impl Browser {
    pub fn new(base: &str) -> Self {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Self { base: base.to_owned(), client, cookies: HashMap::new() }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    fn remember(&mut self, response: &reqwest::Response) {
        for value in response.headers().get_all(SET_COOKIE) {
            let Some((pair, _)) = value.to_str().unwrap().split_once(';') else { continue };
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    pub fn has_cookie(&self, name: &str) -> bool {
        self.cookies.contains_key(name)
    }

    pub async fn get(&mut self, path: &str) -> reqwest::Response {
        let response =
            self.client.get(format!("{}{path}", self.base)).header(COOKIE, self.cookie_header()).send().await.unwrap();
        self.remember(&response);
        response
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .form(form)
            .send()
            .await
            .unwrap();
        self.remember(&response);
        response
    }

    /// Signs in through the form; returns the answer to the form's POST.
    pub async fn sign_in(&mut self, email: &str, password: &str) -> reqwest::Response {
        let page = self.get("/login").await.text().await.unwrap();
        let csrf = hidden_field(&page, "csrf").expect("the sign-in form carries a token");
        self.post("/login", &[("email", email), ("password", password), ("csrf", &csrf)]).await
    }
}

/// Where a redirect points.
pub fn location(response: &reqwest::Response) -> Option<String> {
    response.headers().get(LOCATION).map(|v| v.to_str().unwrap().to_owned())
}

/// The value of the first hidden input named `name` in a page.
pub fn hidden_field(page: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker)? + marker.len();
    let end = page[start..].find('"')? + start;
    Some(page[start..end].to_owned())
}

/// Reads a server-sent event stream until it carries `needle`. Either way, what it read; an
/// error when the stream ended or ten seconds passed first.
pub async fn read_events_until(stream: &mut reqwest::Response, needle: &str) -> Result<String, String> {
    let mut received = String::new();
    let found = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        while let Some(chunk) = stream.chunk().await.unwrap() {
            received.push_str(&String::from_utf8_lossy(&chunk));
            if received.contains(needle) {
                return true;
            }
        }
        false
    })
    .await;
    if found == Ok(true) { Ok(received) } else { Err(received) }
}
