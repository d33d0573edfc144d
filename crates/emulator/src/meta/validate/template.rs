//! Template messages: the request's shape (`name`, `language.code`, `components` with their
//! parameters), then the match against the account's templates as Meta does it — an approved
//! template of that name and language (else 132001, or 132015/132016 when paused/disabled)
//! whose `{{…}}` placeholders the request fills exactly (else 132000).

use super::fields::{Object, as_array, as_object, item, one_of, optional_str, required, required_str, sub};
use crate::meta::graph_error::GraphError;
use crate::meta::world::StoredTemplate;

const PATH: &str = "template";

/// What a template send asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TemplateRequest {
    pub name: String,
    pub language: String,
    /// Parameters given to the BODY component.
    pub body_parameters: usize,
    /// Text parameters given to the HEADER component.
    pub header_text_parameters: usize,
}

fn parameters(component: &Object, path: &str) -> Result<Vec<String>, GraphError> {
    let Some(parameters) = component.get("parameters").filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let parameters_path = sub(path, "parameters");
    let mut kinds = Vec::new();
    for (index, parameter) in as_array(parameters, &parameters_path)?.iter().enumerate() {
        let parameter_path = item(&parameters_path, index);
        let parameter = as_object(parameter, &parameter_path)?;
        let kind = required_str(parameter, &parameter_path, "type")?;
        if kind == "text" {
            required_str(parameter, &parameter_path, "text")?;
        }
        kinds.push(kind.to_owned());
    }
    Ok(kinds)
}

/// Checks the shape of a `template` object and says what it asks for.
pub(crate) fn parse(object: &Object) -> Result<TemplateRequest, GraphError> {
    let name = required_str(object, PATH, "name")?.to_owned();
    let language_path = sub(PATH, "language");
    let language = as_object(required(object, PATH, "language")?, &language_path)?;
    let code = required_str(language, &language_path, "code")?.to_owned();
    if let Some(policy) = language.get("policy").filter(|v| !v.is_null())
        && policy.as_str() != Some("deterministic")
    {
        return Err(one_of(&sub(&language_path, "policy"), &["deterministic"], policy));
    }

    let mut request = TemplateRequest { name, language: code, body_parameters: 0, header_text_parameters: 0 };
    let Some(components) = object.get("components").filter(|v| !v.is_null()) else {
        return Ok(request);
    };
    let components_path = sub(PATH, "components");
    for (index, component) in as_array(components, &components_path)?.iter().enumerate() {
        let path = item(&components_path, index);
        let component = as_object(component, &path)?;
        let kind = required_str(component, &path, "type")?.to_ascii_lowercase();
        let kinds = parameters(component, &path)?;
        match kind.as_str() {
            "body" => request.body_parameters += kinds.len(),
            "header" => request.header_text_parameters += kinds.iter().filter(|k| *k == "text").count(),
            "button" => {
                required_str(component, &path, "sub_type")?;
                match component.get("index") {
                    Some(index) if index.is_string() || index.is_u64() => {}
                    Some(index) => {
                        return Err(GraphError::param(format!(
                            "Param {} must be a string. Got {index}.",
                            sub(&path, "index")
                        )));
                    }
                    None => return Err(super::fields::missing(&sub(&path, "index"))),
                }
            }
            "footer" | "limited_time_offer" | "carousel" | "order_status" => {}
            _ => {
                let allowed = ["header", "body", "button", "footer", "limited_time_offer", "carousel", "order_status"];
                return Err(one_of(&sub(&path, "type"), &allowed, &serde_json::Value::String(kind)));
            }
        }
        optional_str(component, &path, "sub_type")?;
    }
    Ok(request)
}

/// The distinct `{{…}}` placeholders of a template text, in order.
pub(crate) fn placeholders(text: &str) -> Vec<&str> {
    let mut found: Vec<&str> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let name = after[..end].trim();
        if !name.is_empty() && !found.contains(&name) {
            found.push(name);
        }
        rest = &after[end + 2..];
    }
    found
}

/// The placeholders of the template component of this type (`BODY`, `HEADER`).
fn component_placeholders(template: &serde_json::Value, kind: &str) -> usize {
    template
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["type"].as_str().is_some_and(|t| t.eq_ignore_ascii_case(kind)))
        .filter(|c| kind != "HEADER" || c["format"].as_str().is_none_or(|f| f.eq_ignore_ascii_case("text")))
        .filter_map(|c| c["text"].as_str())
        .map(|text| placeholders(text).len())
        .sum()
}

fn count_mismatch(component: &str, given: usize, expected: usize) -> GraphError {
    GraphError::whatsapp(132000).with_details(format!(
        "{component}: number of localizable_params ({given}) does not match the expected number of params ({expected})"
    ))
}

/// Matches a template send against the account's templates; answers the category (in
/// lowercase, as conversations and pricing write it).
pub(crate) fn check_against(templates: &[StoredTemplate], request: &TemplateRequest) -> Result<String, GraphError> {
    let does_not_exist = || {
        GraphError::whatsapp(132001)
            .with_details(format!("template name ({}) does not exist in {}", request.name, request.language))
    };
    let stored = templates
        .iter()
        .map(|stored| &stored.template)
        .find(|t| t.name == request.name && t.language == request.language)
        .ok_or_else(does_not_exist)?;
    match stored.status.to_ascii_uppercase().as_str() {
        "APPROVED" => {}
        "PAUSED" => return Err(GraphError::whatsapp(132015)),
        "DISABLED" => return Err(GraphError::whatsapp(132016)),
        _ => return Err(does_not_exist()),
    }
    let header_expected = component_placeholders(&stored.components, "HEADER");
    if request.header_text_parameters != header_expected {
        return Err(count_mismatch("header", request.header_text_parameters, header_expected));
    }
    let body_expected = component_placeholders(&stored.components, "BODY");
    if request.body_parameters != body_expected {
        return Err(count_mismatch("body", request.body_parameters, body_expected));
    }
    Ok(stored.category.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::types::MetaTemplate;
    use serde_json::{Value, json};

    fn stored(template: MetaTemplate) -> Vec<StoredTemplate> {
        vec![StoredTemplate { id: "1".into(), template }]
    }

    fn request(value: Value) -> Result<TemplateRequest, GraphError> {
        parse(value.as_object().unwrap())
    }

    #[test]
    fn placeholders_are_counted_once_each() {
        assert_eq!(placeholders("Hi {{1}}, order {{2}} ships {{3}}. Thanks {{1}}!"), ["1", "2", "3"]);
        assert_eq!(placeholders("Hi {{first_name}}"), ["first_name"]);
        assert!(placeholders("No variables {here}").is_empty());
    }

    #[test]
    fn a_template_send_must_name_an_approved_template_in_that_language() {
        let templates = stored(MetaTemplate::approved("order_update", "en_US", "UTILITY", "Order {{1}} is {{2}}"));
        let parameters = json!([{"type": "text", "text": "42"}, {"type": "text", "text": "late"}]);
        let body = json!({"name": "order_update", "language": {"code": "en_US", "policy": "deterministic"},
            "components": [{"type": "body", "parameters": parameters}]});
        assert_eq!(check_against(&templates, &request(body.clone()).unwrap()).unwrap(), "utility");

        let mut other_language = body.clone();
        other_language["language"]["code"] = json!("de");
        let error = check_against(&templates, &request(other_language).unwrap()).unwrap_err();
        assert_eq!((error.http_status, error.code), (404, 132001));
        assert_eq!(error.message, "(#132001) Template name does not exist in the translation");
        assert_eq!(error.details.as_deref(), Some("template name (order_update) does not exist in de"));

        let mut one_param = body;
        one_param["components"][0]["parameters"].as_array_mut().unwrap().pop();
        let error = check_against(&templates, &request(one_param).unwrap()).unwrap_err();
        assert_eq!((error.http_status, error.code), (400, 132000));
        assert_eq!(
            error.details.as_deref(),
            Some("body: number of localizable_params (1) does not match the expected number of params (2)")
        );
    }

    #[test]
    fn paused_and_pending_templates_cannot_be_sent() {
        let mut template = MetaTemplate::approved("promo", "en", "MARKETING", "Sale!");
        template.status = "PAUSED".into();
        let send = request(json!({"name": "promo", "language": {"code": "en"}})).unwrap();
        assert_eq!(check_against(&stored(template.clone()), &send).unwrap_err().code, 132015);
        template.status = "PENDING".into();
        assert_eq!(check_against(&stored(template), &send).unwrap_err().code, 132001);
    }

    #[test]
    fn the_request_shape_is_checked_first() {
        assert_eq!(request(json!({"language": {"code": "en"}})).unwrap_err().code, 100);
        assert_eq!(request(json!({"name": "x", "language": {}})).unwrap_err().code, 100);
        let components = json!([{"type": "button", "sub_type": "quick_reply"}]);
        let button = json!({"name": "x", "language": {"code": "en"}, "components": components});
        assert!(request(button).is_err());
    }
}
