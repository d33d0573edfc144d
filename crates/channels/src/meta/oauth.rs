//! Meta's OAuth onboarding, seen from the Graph API: a login dialog's code exchanged for a user
//! token, that token exchanged for a long-lived one (about 60 days), the WhatsApp Business
//! Accounts it was granted (`debug_token`'s granular scopes) and their phone numbers, the Pages
//! it was granted with their own tokens and linked Instagram accounts (`/me/accounts`), and
//! subscribing the app to an account's or a Page's webhooks.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::graph_url;

/// The app's own credentials.
#[derive(Debug, Clone)]
pub struct MetaApp<'a> {
    pub app_id: &'a str,
    pub app_secret: &'a str,
}

/// A token and when it lapses.
#[derive(Clone, PartialEq, Eq)]
pub struct GrantedToken {
    pub access_token: String,
    /// Seconds from now; `None` when Meta says it does not expire.
    pub expires_in: Option<i64>,
}

impl std::fmt::Debug for GrantedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GrantedToken").field("expires_in", &self.expires_in).finish()
    }
}

/// A phone number of a WhatsApp Business Account, as Meta lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessNumber {
    pub business_account_id: String,
    pub phone_number_id: String,
    /// As Meta formats it: `+1 415-555-0110`.
    pub display_phone_number: String,
    pub verified_name: String,
}

/// The Graph API's error, in words.
async fn graph_get(
    client: &reqwest::Client,
    url: String,
    query: &[(&str, &str)],
    bearer: Option<&str>,
) -> Result<Value, String> {
    let mut request = client.get(url).query(query);
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.map_err(|e| format!("could not reach the Graph API: {}", e.without_url()))?;
    let status = response.status().as_u16();
    let body: Value = response.json().await.map_err(|e| format!("the Graph API's answer is unreadable: {e}"))?;
    if !(200..300).contains(&status) {
        let message = body["error"]["message"].as_str().unwrap_or("no message");
        let code = body["error"]["code"].as_i64().unwrap_or_default();
        return Err(format!("Meta refused (HTTP {status}, code {code}): {message}"));
    }
    Ok(body)
}

fn token_of(body: &Value) -> Result<GrantedToken, String> {
    let access_token = body["access_token"].as_str().ok_or("Meta's answer carries no access token")?.to_owned();
    Ok(GrantedToken { access_token, expires_in: body["expires_in"].as_i64() })
}

/// Exchanges the login dialog's code (for exactly this redirect URI) for a user token.
pub async fn exchange_code(
    client: &reqwest::Client,
    base_url: &str,
    version: &str,
    app: &MetaApp<'_>,
    redirect_uri: &str,
    code: &str,
) -> Result<GrantedToken, String> {
    let query =
        [("client_id", app.app_id), ("client_secret", app.app_secret), ("redirect_uri", redirect_uri), ("code", code)];
    token_of(&graph_get(client, graph_url(base_url, version, "oauth/access_token"), &query, None).await?)
}

/// Exchanges a user token for a long-lived one.
pub async fn exchange_long_lived(
    client: &reqwest::Client,
    base_url: &str,
    version: &str,
    app: &MetaApp<'_>,
    token: &str,
) -> Result<GrantedToken, String> {
    let query = [
        ("grant_type", "fb_exchange_token"),
        ("client_id", app.app_id),
        ("client_secret", app.app_secret),
        ("fb_exchange_token", token),
    ];
    token_of(&graph_get(client, graph_url(base_url, version, "oauth/access_token"), &query, None).await?)
}

/// The WhatsApp Business Accounts the token was granted, from its granular scopes.
pub async fn granted_business_accounts(
    client: &reqwest::Client,
    base_url: &str,
    version: &str,
    app: &MetaApp<'_>,
    token: &str,
) -> Result<Vec<String>, String> {
    let app_token = format!("{}|{}", app.app_id, app.app_secret);
    let query = [("input_token", token), ("access_token", app_token.as_str())];
    let body = graph_get(client, graph_url(base_url, version, "debug_token"), &query, None).await?;
    let data = &body["data"];
    if data["is_valid"] != true {
        return Err("Meta says the token is not valid".into());
    }
    let mut accounts: Vec<String> = data["granular_scopes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|scope| {
            scope["scope"] == "whatsapp_business_messaging" || scope["scope"] == "whatsapp_business_management"
        })
        .flat_map(|scope| scope["target_ids"].as_array().cloned().unwrap_or_default())
        .filter_map(|id| id.as_str().map(str::to_owned))
        .collect();
    accounts.sort();
    accounts.dedup();
    Ok(accounts)
}

/// The phone numbers of a business account.
pub async fn business_numbers(
    client: &reqwest::Client,
    base_url: &str,
    version: &str,
    token: &str,
    business_account_id: &str,
) -> Result<Vec<BusinessNumber>, String> {
    let url = graph_url(base_url, version, &format!("{business_account_id}/phone_numbers"));
    let body = graph_get(client, url, &[], Some(token)).await?;
    Ok(body["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|number| {
            Some(BusinessNumber {
                business_account_id: business_account_id.to_owned(),
                phone_number_id: number["id"].as_str()?.to_owned(),
                display_phone_number: number["display_phone_number"].as_str()?.to_owned(),
                verified_name: number["verified_name"].as_str().unwrap_or_default().to_owned(),
            })
        })
        .collect())
}

/// Subscribes the app to the business account's webhooks.
pub async fn subscribe_app(
    client: &reqwest::Client,
    base_url: &str,
    version: &str,
    token: &str,
    business_account_id: &str,
) -> Result<(), String> {
    let url = graph_url(base_url, version, &format!("{business_account_id}/subscribed_apps"));
    subscribe(client, url, &[], token).await.map_err(|why| format!("Meta did not subscribe the app {why}"))
}

/// `POST …/subscribed_apps`, which answers `{"success": true}`; the error says why not.
async fn subscribe(client: &reqwest::Client, url: String, query: &[(&str, &str)], token: &str) -> Result<(), String> {
    let response = client
        .post(url)
        .query(query)
        .bearer_auth(token)
        .send()
        .await
        .map_err(|e| format!("(could not reach the Graph API: {})", e.without_url()))?;
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if !(200..300).contains(&status) || body["success"] != true {
        let message = body["error"]["message"].as_str().unwrap_or("no message");
        return Err(format!("(HTTP {status}): {message}"));
    }
    Ok(())
}

/// A Facebook Page the login granted, with the Page's own access token and its linked Instagram
/// professional account, if any.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantedPage {
    pub page_id: String,
    pub name: String,
    pub page_token: String,
    pub instagram_account_id: Option<String>,
}

impl std::fmt::Debug for GrantedPage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GrantedPage")
            .field("page_id", &self.page_id)
            .field("name", &self.name)
            .field("instagram_account_id", &self.instagram_account_id)
            .finish()
    }
}

/// The Pages the user token was granted (`/me/accounts`).
pub async fn granted_pages(
    client: &reqwest::Client,
    base_url: &str,
    version: &str,
    token: &str,
) -> Result<Vec<GrantedPage>, String> {
    let query = [("fields", "id,name,access_token,instagram_business_account")];
    let body = graph_get(client, graph_url(base_url, version, "me/accounts"), &query, Some(token)).await?;
    Ok(body["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|page| {
            Some(GrantedPage {
                page_id: page["id"].as_str()?.to_owned(),
                name: page["name"].as_str().unwrap_or_default().to_owned(),
                page_token: page["access_token"].as_str()?.to_owned(),
                instagram_account_id: page["instagram_business_account"]["id"].as_str().map(str::to_owned),
            })
        })
        .collect())
}

/// The webhook fields a Page is subscribed to for Messenger and Instagram messaging.
pub const PAGE_FIELDS: &str = "messages,messaging_postbacks,message_reactions,message_deliveries,message_reads";

/// Subscribes the app to a Page's messaging webhooks, with the Page's token.
pub async fn subscribe_page(
    client: &reqwest::Client,
    base_url: &str,
    version: &str,
    page_token: &str,
    page_id: &str,
) -> Result<(), String> {
    let url = graph_url(base_url, version, &format!("{page_id}/subscribed_apps"));
    subscribe(client, url, &[("subscribed_fields", PAGE_FIELDS)], page_token)
        .await
        .map_err(|why| format!("Meta did not subscribe the app to the Page {why}"))
}
