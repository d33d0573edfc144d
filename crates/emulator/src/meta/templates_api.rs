//! `GET /{version}/{waba_id}/message_templates`: the account's templates a page at a time
//! (`limit`, default 25; `after`/`before` cursors; `paging.next` while more remain), with the
//! optional `status`, `name` and `fields` query parameters.

use axum::Json;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::auth::authenticate;
use super::graph_error::GraphError;
use super::ids::{cursor, cursor_offset};
use super::world::StoredTemplate;
use crate::server::Shared;

const DEFAULT_LIMIT: usize = 25;

/// The query parameters the endpoint reads.
#[derive(Default)]
struct ListQuery {
    limit: Option<String>,
    after: Option<String>,
    before: Option<String>,
    status: Option<String>,
    name: Option<String>,
    fields: Option<String>,
}

impl ListQuery {
    fn parse(query: Option<&str>) -> Self {
        let mut parsed = Self::default();
        for (key, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            let slot = match key.as_ref() {
                "limit" => &mut parsed.limit,
                "after" => &mut parsed.after,
                "before" => &mut parsed.before,
                "status" => &mut parsed.status,
                "name" => &mut parsed.name,
                "fields" => &mut parsed.fields,
                _ => continue,
            };
            *slot = Some(value.into_owned());
        }
        parsed
    }
}

fn template_json(stored: &StoredTemplate, fields: Option<&str>) -> Value {
    let t = &stored.template;
    let all = json!({
        "name": t.name,
        "components": t.components,
        "language": t.language,
        "status": t.status,
        "category": t.category,
        "id": stored.id,
    });
    let Some(fields) = fields else { return all };
    let wanted: Vec<&str> = fields.split(',').map(str::trim).collect();
    let picked: Map<String, Value> = all
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(key, _)| key.as_str() == "id" || wanted.contains(&key.as_str()))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    Value::Object(picked)
}

fn invalid_cursor(name: &str) -> GraphError {
    GraphError::param(format!("Param {name} is not a valid cursor."))
}

/// The `[start, end)` window of `total` items the query asks for.
fn window(query: &ListQuery, total: usize) -> Result<(usize, usize), GraphError> {
    let limit =
        match &query.limit {
            None => DEFAULT_LIMIT,
            Some(limit) => limit.parse::<usize>().ok().filter(|l| *l > 0).ok_or_else(|| {
                GraphError::param(format!("Param limit must be a positive integer - got \"{limit}\"."))
            })?,
        };
    if let Some(after) = &query.after {
        let start = cursor_offset(after).ok_or_else(|| invalid_cursor("after"))? + 1;
        return Ok((start.min(total), (start + limit).min(total)));
    }
    if let Some(before) = &query.before {
        let end = cursor_offset(before).ok_or_else(|| invalid_cursor("before"))?.min(total);
        return Ok((end.saturating_sub(limit), end));
    }
    Ok((0, limit.min(total)))
}

fn list(
    shared: &Shared,
    version: &str,
    waba_id: &str,
    headers: &HeaderMap,
    query: Option<&str>,
) -> Result<Value, GraphError> {
    let templates = shared.state.read(|world| {
        let caller = authenticate(&world.meta, headers, query)?;
        match world.meta.accounts.get(waba_id) {
            Some(account) if caller == waba_id => Ok(account.templates.clone()),
            _ => Err(GraphError::unsupported_request("get", waba_id)),
        }
    })?;
    let params = ListQuery::parse(query);
    let matching: Vec<&StoredTemplate> = templates
        .iter()
        .filter(|s| {
            params
                .status
                .as_deref()
                .is_none_or(|wanted| wanted.split(',').any(|w| w.trim().eq_ignore_ascii_case(&s.template.status)))
        })
        .filter(|s| params.name.as_deref().is_none_or(|name| s.template.name.contains(name)))
        .collect();
    let (start, end) = window(&params, matching.len())?;
    let data: Vec<Value> = matching[start..end].iter().map(|s| template_json(s, params.fields.as_deref())).collect();
    if data.is_empty() {
        return Ok(json!({ "data": [] }));
    }

    let base = format!("{}/{version}/{waba_id}/message_templates", shared.base_url);
    let mut keep: Vec<(String, String)> = form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .into_owned()
        .filter(|(key, _)| !matches!(key.as_str(), "after" | "before" | "access_token"))
        .collect();
    let link = |keep: &mut Vec<(String, String)>, key: &str, value: String| {
        keep.push((key.to_owned(), value));
        let url =
            format!("{base}?{}", form_urlencoded::Serializer::new(String::new()).extend_pairs(keep.iter()).finish());
        keep.pop();
        url
    };
    let mut paging = json!({ "cursors": { "before": cursor(start), "after": cursor(end - 1) } });
    if end < matching.len() {
        paging["next"] = json!(link(&mut keep, "after", cursor(end - 1)));
    }
    if start > 0 {
        paging["previous"] = json!(link(&mut keep, "before", cursor(start)));
    }
    Ok(json!({ "data": data, "paging": paging }))
}

/// Handles `GET /{version}/{waba_id}/message_templates`.
pub(crate) fn list_templates(
    shared: &Shared,
    version: &str,
    waba_id: &str,
    headers: &HeaderMap,
    query: Option<&str>,
) -> Response {
    match list(shared, version, waba_id, headers, query) {
        Ok(page) => Json(page).into_response(),
        Err(error) => error.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(text: &str) -> ListQuery {
        ListQuery::parse(Some(text))
    }

    #[test]
    fn pages_follow_after_and_before_cursors() {
        assert_eq!(window(&query(""), 30).unwrap(), (0, 25));
        assert_eq!(window(&query("limit=10"), 30).unwrap(), (0, 10));
        assert_eq!(window(&query(&format!("limit=10&after={}", cursor(9))), 30).unwrap(), (10, 20));
        assert_eq!(window(&query(&format!("limit=10&after={}", cursor(29))), 30).unwrap(), (30, 30));
        assert_eq!(window(&query(&format!("limit=10&before={}", cursor(10))), 30).unwrap(), (0, 10));
        assert!(window(&query("limit=x"), 30).is_err());
        assert!(window(&query("after=%21%21"), 30).is_err());
    }
}
