//! `GET /{version}/me/accounts`: the Facebook Pages a user token from Facebook Login was granted,
//! each with its page access token, category, name, id and the person's tasks on it. With
//! `fields`, only those fields, and `instagram_business_account {id}` when asked for and the
//! Page has a linked Instagram professional account. A token without Page grants lists nothing.

use axum::Json;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::auth::access_token;
use super::graph_error::GraphError;
use super::ids::cursor;
use super::messaging_world::MessagingWorld;
use super::page_world::{PAGE_CATEGORY, PAGE_TASKS};
use crate::clock::now_unix;
use crate::server::Shared;

/// The fields Graph returns when the request names none.
const DEFAULT_FIELDS: [&str; 5] = ["access_token", "category", "name", "id", "tasks"];

/// The requested field names, or the default ones.
fn requested_fields(query: Option<&str>) -> Vec<String> {
    let fields = form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(name, _)| name == "fields")
        .map(|(_, value)| value.into_owned());
    match fields {
        Some(list) => list.split(',').map(str::trim).filter(|f| !f.is_empty()).map(str::to_owned).collect(),
        None => DEFAULT_FIELDS.iter().map(|f| (*f).to_owned()).collect(),
    }
}

/// One Page of the list, with the fields asked for that the emulator knows.
fn page_json(messaging: &MessagingWorld, page_id: &str, fields: &[String]) -> Option<Value> {
    let account = messaging.accounts.get(page_id).filter(|_| messaging.is_page(page_id))?;
    let mut page = Map::new();
    for field in fields {
        let value = match field.as_str() {
            "access_token" => json!(account.page_access_token),
            "category" => json!(PAGE_CATEGORY),
            "name" => json!(messaging.page_name(page_id)),
            "id" => json!(page_id),
            "tasks" => json!(PAGE_TASKS),
            "instagram_business_account" => match messaging.linked_instagram(page_id) {
                Some(instagram_id) => json!({ "id": instagram_id }),
                None => continue,
            },
            _ => continue,
        };
        page.insert(field.clone(), value);
    }
    Some(Value::Object(page))
}

fn list(shared: &Shared, headers: &HeaderMap, query: Option<&str>) -> Result<Value, GraphError> {
    let token = access_token(headers, query).ok_or_else(GraphError::token_required)?;
    let fields = requested_fields(query);
    shared.state.read(|world| {
        let meta = &world.meta;
        let grant = meta.oauth.live_token(&token, now_unix()).ok_or_else(GraphError::invalid_token)?;
        let data: Vec<Value> =
            grant.page_ids.iter().filter_map(|page_id| page_json(&meta.messaging, page_id, &fields)).collect();
        if data.is_empty() {
            return Ok(json!({ "data": [] }));
        }
        let cursors = json!({ "before": cursor(0), "after": cursor(data.len() - 1) });
        Ok(json!({ "data": data, "paging": { "cursors": cursors } }))
    })
}

/// Handles `GET /{version}/me/accounts`.
pub(crate) fn me_accounts(shared: &Shared, headers: &HeaderMap, query: Option<&str>) -> Response {
    match list(shared, headers, query) {
        Ok(answer) => Json(answer).into_response(),
        Err(error) => error.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_default_to_graphs_and_may_be_narrowed() {
        assert_eq!(requested_fields(None), DEFAULT_FIELDS);
        assert_eq!(
            requested_fields(Some("fields=id%2C%20name,instagram_business_account&access_token=x")),
            ["id", "name", "instagram_business_account"]
        );
    }
}
