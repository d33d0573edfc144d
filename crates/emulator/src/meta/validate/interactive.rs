//! Interactive message objects: reply buttons (1–3, id up to 256 and title up to 20
//! characters, both unique) and lists (a button label up to 20 characters, 1–10 sections,
//! at most 10 rows in all, row titles up to 24 characters); other interactive types only
//! need an `action`.

use std::collections::HashSet;

use super::fields::{
    Object, as_array, as_object, count, item, length, one_of, optional_str, required, required_str, sub,
};
use crate::meta::graph_error::GraphError;

const PATH: &str = "interactive";

const INTERACTIVE_TYPES: &[&str] = &[
    "button",
    "list",
    "cta_url",
    "flow",
    "product",
    "product_list",
    "catalog_message",
    "location_request_message",
    "call_permission_request",
    "address_message",
];

/// Rejects a repeated value among `values`.
fn unique<'a>(values: impl IntoIterator<Item = &'a str>, what: &str) -> Result<(), GraphError> {
    let mut seen = HashSet::new();
    for value in values {
        if !seen.insert(value) {
            return Err(GraphError::invalid_value(format!("{what} must be unique. Duplicate: {value}")));
        }
    }
    Ok(())
}

fn header_body_footer(object: &Object, body_max: usize) -> Result<(), GraphError> {
    if let Some(header) = object.get("header").filter(|v| !v.is_null()) {
        let header_path = sub(PATH, "header");
        let header = as_object(header, &header_path)?;
        let kind = required_str(header, &header_path, "type")?;
        if kind == "text" {
            length(required_str(header, &header_path, "text")?, 1, 60, "Header text")?;
        }
    }
    let body_path = sub(PATH, "body");
    let body = as_object(required(object, PATH, "body")?, &body_path)?;
    length(required_str(body, &body_path, "text")?, 1, body_max, "Body text")?;
    if let Some(footer) = object.get("footer").filter(|v| !v.is_null()) {
        let footer_path = sub(PATH, "footer");
        length(required_str(as_object(footer, &footer_path)?, &footer_path, "text")?, 1, 60, "Footer text")?;
    }
    Ok(())
}

fn reply_buttons(action: &Object, action_path: &str) -> Result<(), GraphError> {
    let buttons_path = sub(action_path, "buttons");
    let buttons = as_array(required(action, action_path, "buttons")?, &buttons_path)?;
    count(buttons.len(), 1, 3, "Buttons")?;
    let mut ids = Vec::new();
    let mut titles = Vec::new();
    for (index, button) in buttons.iter().enumerate() {
        let path = item(&buttons_path, index);
        let button = as_object(button, &path)?;
        let kind = required(button, &path, "type")?;
        if kind.as_str() != Some("reply") {
            return Err(one_of(&sub(&path, "type"), &["reply"], kind));
        }
        let reply_path = sub(&path, "reply");
        let reply = as_object(required(button, &path, "reply")?, &reply_path)?;
        let id = required_str(reply, &reply_path, "id")?;
        length(id, 1, 256, "Button id")?;
        let title = required_str(reply, &reply_path, "title")?;
        length(title, 1, 20, "Button title")?;
        ids.push(id);
        titles.push(title);
    }
    unique(ids, "Button id")?;
    unique(titles, "Button title")
}

fn list(action: &Object, action_path: &str) -> Result<(), GraphError> {
    length(required_str(action, action_path, "button")?, 1, 20, "Button text")?;
    let sections_path = sub(action_path, "sections");
    let sections = as_array(required(action, action_path, "sections")?, &sections_path)?;
    count(sections.len(), 1, 10, "Sections")?;
    let mut row_ids = Vec::new();
    for (index, section) in sections.iter().enumerate() {
        let path = item(&sections_path, index);
        let section = as_object(section, &path)?;
        match optional_str(section, &path, "title")? {
            Some(title) => length(title, 1, 24, "Section title")?,
            None if sections.len() > 1 => return Err(super::fields::missing(&sub(&path, "title"))),
            None => {}
        }
        let rows_path = sub(&path, "rows");
        let rows = as_array(required(section, &path, "rows")?, &rows_path)?;
        count(rows.len(), 1, 10, "Rows")?;
        for (row_index, row) in rows.iter().enumerate() {
            let row_path = item(&rows_path, row_index);
            let row = as_object(row, &row_path)?;
            let id = required_str(row, &row_path, "id")?;
            length(id, 1, 200, "Row id")?;
            length(required_str(row, &row_path, "title")?, 1, 24, "Row title")?;
            if let Some(description) = optional_str(row, &row_path, "description")? {
                length(description, 0, 72, "Row description")?;
            }
            row_ids.push(id);
        }
    }
    if row_ids.len() > 10 {
        return Err(GraphError::invalid_value("Total row count exceed max allowed count: 10"));
    }
    unique(row_ids, "Row id")
}

pub(super) fn interactive(object: &Object) -> Result<(), GraphError> {
    let kind_value = required(object, PATH, "type")?;
    let Some(kind) = kind_value.as_str().filter(|k| INTERACTIVE_TYPES.contains(k)) else {
        return Err(one_of(&sub(PATH, "type"), INTERACTIVE_TYPES, kind_value));
    };
    let action_path = sub(PATH, "action");
    let action = as_object(required(object, PATH, "action")?, &action_path)?;
    match kind {
        "button" => {
            header_body_footer(object, 1024)?;
            reply_buttons(action, &action_path)
        }
        "list" => {
            header_body_footer(object, 4096)?;
            list(action, &action_path)
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn check(value: Value) -> Result<(), GraphError> {
        interactive(value.as_object().unwrap())
    }

    fn buttons(n: usize) -> Value {
        let buttons: Vec<Value> = (0..n)
            .map(|i| json!({"type": "reply", "reply": {"id": format!("b{i}"), "title": format!("Option {i}")}}))
            .collect();
        json!({"type": "button", "body": {"text": "Pick one"}, "action": {"buttons": buttons}})
    }

    #[test]
    fn one_to_three_unique_reply_buttons() {
        assert!(check(buttons(1)).is_ok());
        assert!(check(buttons(3)).is_ok());
        let four = check(buttons(4)).unwrap_err();
        assert_eq!((four.http_status, four.code), (400, 131009));
        assert_eq!(four.details.as_deref(), Some("Buttons count invalid. Min count: 1, Max count: 3"));
        let mut same = buttons(2);
        same["action"]["buttons"][1]["reply"]["id"] = json!("b0");
        assert!(check(same).is_err());
        let mut long = buttons(1);
        long["action"]["buttons"][0]["reply"]["title"] = json!("A title longer than 20");
        assert_eq!(
            check(long).unwrap_err().details.as_deref(),
            Some("Button title length invalid. Min length: 1, Max length: 20")
        );
        let mut no_body = buttons(1);
        no_body.as_object_mut().unwrap().remove("body");
        assert!(check(no_body).is_err());
    }

    #[test]
    fn lists_have_a_label_sections_and_at_most_ten_rows() {
        let row = |i: usize| json!({"id": format!("r{i}"), "title": format!("Row {i}"), "description": "d"});
        let list = |sections: Vec<Value>| {
            let action = json!({"button": "Choose", "sections": sections});
            json!({"type": "list", "body": {"text": "Menu"}, "action": action})
        };
        assert!(check(list(vec![json!({"rows": [row(0), row(1)]})])).is_ok());
        let two = vec![
            json!({"title": "A", "rows": (0..6).map(row).collect::<Vec<_>>()}),
            json!({"title": "B", "rows": (6..11).map(row).collect::<Vec<_>>()}),
        ];
        assert_eq!(check(list(two)).unwrap_err().code, 131009);
        let untitled = vec![json!({"rows": [row(0)]}), json!({"rows": [row(1)]})];
        assert_eq!(check(list(untitled)).unwrap_err().code, 100);
        let long_row = vec![json!({"rows": [{"id": "x", "title": "A row title that is too long"}]})];
        assert!(check(list(long_row)).is_err());
    }

    #[test]
    fn other_interactive_types_need_an_action() {
        assert!(check(json!({"type": "cta_url", "action": {"name": "cta_url"}})).is_ok());
        assert!(check(json!({"type": "cta_url"})).is_err());
        assert!(check(json!({"type": "carousel_of_doom", "action": {}})).is_err());
    }
}
