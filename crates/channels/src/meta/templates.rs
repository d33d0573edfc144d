//! The message templates of a WhatsApp Business Account:
//! `GET /{version}/{waba-id}/message_templates`, followed page by page.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{MetaCredentials, graph_url};

/// One template as Meta lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderTemplate {
    pub name: String,
    pub language: String,
    pub category: String,
    pub status: String,
    #[serde(default)]
    pub components: Value,
}

/// The most pages a sync reads (at 100 templates a page, far more than an account may have).
const MAX_PAGES: usize = 50;
const PAGE_SIZE: usize = 100;

/// Reads every template of the channel's business account.
pub async fn fetch_templates(
    client: &reqwest::Client,
    base_url: &str,
    version: &str,
    credentials: &MetaCredentials,
) -> Result<Vec<ProviderTemplate>, String> {
    let account = credentials
        .business_account_id
        .as_deref()
        .ok_or("the channel has no WhatsApp Business Account id; add it to sync templates")?;
    let url = graph_url(base_url, version, &format!("{account}/message_templates"));
    let mut templates = Vec::new();
    let mut after: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let mut query =
            vec![("limit", PAGE_SIZE.to_string()), ("fields", "name,language,category,status,components".to_owned())];
        if let Some(cursor) = &after {
            query.push(("after", cursor.clone()));
        }
        let response = client
            .get(&url)
            .bearer_auth(&credentials.access_token)
            .query(&query)
            .send()
            .await
            .map_err(|e| format!("could not reach the Graph API: {}", e.without_url()))?;
        let status = response.status().as_u16();
        let page: Value = response.json().await.map_err(|e| format!("the Graph API's answer is unreadable: {e}"))?;
        if !(200..300).contains(&status) {
            return Err(super::classify_error(status, &page["error"]).reason);
        }
        let data = page["data"].as_array().cloned().unwrap_or_default();
        let full = data.len() >= PAGE_SIZE;
        for item in data {
            let template: ProviderTemplate =
                serde_json::from_value(item).map_err(|e| format!("a template in the list is unreadable: {e}"))?;
            templates.push(template);
        }
        after = page["paging"]["cursors"]["after"].as_str().map(str::to_owned);
        if after.is_none() || (page["paging"]["next"].is_null() && !full) {
            return Ok(templates);
        }
    }
    Ok(templates)
}
